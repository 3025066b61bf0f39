"""What the REST routes and the Gradio UI share inside one server process: one searcher (one index
in memory), the knowledge base, the default answer service, staff sessions, rate limiters, the
conversation log (None when switched off) and the insights report over it."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rag.answering.answer_service import AnswerService
from rag.conversations.store import ConversationStore, store_from_settings
from rag.insights.report import Insights
from rag.knowledge_base import KnowledgeBase
from rag.retrieval.searcher import Searcher
from rag.service.credentials import StaffCredentials, load_credentials, session_secret
from rag.service.rate_limit import RateLimiter
from rag.service.sessions import StaffSessions
from rag.settings import Settings


@dataclass
class Components:
    settings: Settings
    searcher: Searcher
    kb: KnowledgeBase
    answers: AnswerService
    credentials: StaffCredentials
    sessions: StaffSessions
    chat_limiter: RateLimiter
    login_limiter: RateLimiter
    store: ConversationStore | None
    insights: Insights

    @classmethod
    def build(cls, settings: Settings, index_dir: Path | None = None) -> "Components":
        svc = settings.service
        searcher = Searcher(settings, index_dir)
        store = store_from_settings(settings, index_dir)  # a database that cannot be opened stops the start, loudly
        credentials = load_credentials(settings, index_dir)
        sessions = StaffSessions(session_secret(settings, index_dir), credentials, svc.session_hours * 3600,
                                 svc.cookie_secure)
        return cls(settings=settings, searcher=searcher, kb=KnowledgeBase(settings, searcher),
                   answers=AnswerService(settings, searcher=searcher), credentials=credentials, sessions=sessions,
                   chat_limiter=RateLimiter(svc.rate_limit, svc.rate_limit_storage, "chat"),
                   login_limiter=RateLimiter(svc.login_rate_limit, svc.rate_limit_storage, "login"),
                   store=store, insights=Insights.from_settings(settings, index_dir, store=store))

    def session_backends(self) -> list[str]:
        """Backends a staff session may pick: offline, plus the LLM only if the server configured it."""
        return list(dict.fromkeys(["offline", self.settings.answer.backend]))
