"""What residents ask and the documents lack: usage figures, most-asked questions, knowledge gaps,
eval items from real traffic and CSV exports, computed from the conversation log (rag.conversations)."""
from .report import insights

__all__ = ["insights"]
