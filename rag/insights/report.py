"""The insights report as JSON-able data (the 洞察 tab, `app.py insights --json`, GET /v1/insights),
and `Insights`, which holds what it needs: the conversation store, the question embedder, the settings."""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from rag.conversations.store import ConversationStore, store_from_settings

from .gaps import knowledge_gaps
from .question_vectors import QuestionVectors
from .top_questions import top_questions
from .usage import usage

When = date | datetime | str | None


def insights(store: ConversationStore, vectors_of: QuestionVectors, settings, since: When = None,
             until: When = None) -> dict:
    """Totals and per-day figures, most asked questions and knowledge gaps for exchanges in [since, until)
    (local dates in settings.conversations.timezone). Rates with no data are None."""
    cfg = settings.conversations
    rows = store.exchanges(since=since, until=until)
    figures = usage(rows, cfg.timezone)
    figures["totals"]["write_failures"] = store.write_failures
    return {"since": str(since) if since else None, "until": str(until) if until else None,
            "timezone": cfg.timezone, **figures,
            "top_questions": top_questions(rows, vectors_of, cfg.duplicate_similarity, cfg.top_questions),
            "gaps": knowledge_gaps(rows, vectors_of, cfg.gap_similarity)}


class Insights:
    """One per server: the report, with question embeddings cached between refreshes."""

    def __init__(self, store: ConversationStore | None, embedder, settings):
        self.store = store
        self.settings = settings
        self.vectors = QuestionVectors(embedder) if embedder is not None else None

    @classmethod
    def from_settings(cls, settings, index_dir: Path | None = None, store: ConversationStore | None = None):
        from embeddings import get_embedder

        store = store or store_from_settings(settings, index_dir)
        return cls(store, get_embedder(settings.embedding) if store else None, settings)

    def report(self, since: When = None, until: When = None) -> dict | None:
        """None when recording is switched off (settings conversations.enabled)."""
        if self.store is None:
            return None
        return insights(self.store, self.vectors, self.settings, since=since, until=until)
