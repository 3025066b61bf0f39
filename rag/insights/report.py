"""`insights(...)`: the whole report as JSON-able data (the 洞察 tab, `app.py insights --json`, GET /v1/insights)."""
from __future__ import annotations

from datetime import date, datetime

from .gaps import knowledge_gaps
from .question_vectors import QuestionVectors
from .top_questions import top_questions
from .usage import usage


def insights(store, vectors_of: QuestionVectors, settings, since: date | datetime | str | None = None,
             until: date | datetime | str | None = None) -> dict:
    """Totals and per-day figures, most asked questions and knowledge gaps for exchanges in [since, until)
    (local dates in settings.conversations.timezone). Rates with no data are None."""
    cfg = settings.conversations
    rows = store.exchanges(since=since, until=until)
    report = usage(rows, cfg.timezone)
    report["totals"]["write_failures"] = store.write_failures
    return {"since": str(since) if since else None, "until": str(until) if until else None,
            "timezone": cfg.timezone, **report,
            "top_questions": top_questions(rows, vectors_of, cfg.duplicate_similarity, cfg.top_questions),
            "gaps": knowledge_gaps(rows, vectors_of, cfg.gap_similarity)}
