"""What one exchange leaves in the log, built from an answer (rag.answering.answer_types.Answer)."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field


@dataclass
class ExchangeRecord:
    session_id: str
    question: str
    answer: str = ""
    standalone_question: str = ""
    citations: list[dict] = field(default_factory=list)  # {n, doc_id, chunk_id, title, start, end, quotes}
    refused: bool = False
    refusal_kind: str = ""
    refusal_reason: str = ""
    backend: str = ""
    timings_ms: dict = field(default_factory=dict)
    filters: dict = field(default_factory=dict)
    notice: str = ""
    index_version: str = ""


def _filters_dict(filters) -> dict:
    if filters is None:
        return {}
    raw = dataclasses.asdict(filters) if dataclasses.is_dataclass(filters) else dict(filters)
    return {k: v for k, v in raw.items() if v not in (None, "", [], ())}  # only the filters a user set


def exchange_from_answer(answer, session_id: str, filters=None, index_version: str = "") -> ExchangeRecord:
    """Citations keep where each passage lies (doc id, span) and its title, not the passage text:
    the document itself holds that."""
    citations = []
    for c in answer.citations:
        chunk = c.hit.chunk
        citations.append({"n": c.n, "doc_id": chunk.doc_id, "chunk_id": chunk.chunk_id, "title": chunk.title,
                          "source": chunk.source, "start": chunk.start, "end": chunk.end,
                          "quotes": [[s, e] for s, e in c.quotes]})
    standalone = answer.standalone_question if answer.standalone_question != answer.question else ""
    return ExchangeRecord(session_id=session_id, question=answer.question, answer=answer.answer,
                          standalone_question=standalone, citations=citations, refused=answer.refused,
                          refusal_kind=answer.refusal_kind, refusal_reason=answer.refusal_reason,
                          backend=answer.backend, timings_ms=dict(answer.timings_ms), filters=_filters_dict(filters),
                          notice=answer.notice, index_version=index_version)
