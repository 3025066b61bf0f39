"""The conversation log: every exchange and its feedback, through SQLAlchemy 2 (SQLite or PostgreSQL),
schema managed by Alembic (migrations/). No IP address or other personal data is stored."""
from .models import FEEDBACK_REASONS, Exchange, Feedback
from .store import ConversationStore, store_from_settings

__all__ = ["ConversationStore", "Exchange", "Feedback", "FEEDBACK_REASONS", "store_from_settings"]
