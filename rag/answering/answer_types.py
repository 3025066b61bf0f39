"""What the answer layer returns: the JSON contract of `app.py ask --json`."""
from __future__ import annotations

from dataclasses import dataclass, field

from rag.retrieval.searcher import Hit


@dataclass
class Citation:
    n: int
    hit: Hit
    quotes: list[tuple[int, int]] = field(default_factory=list)  # spans inside hit.chunk.text to highlight

    def to_dict(self) -> dict:
        c, m = self.hit.chunk, self.hit.doc.meta
        return {"n": self.n, "doc_id": c.doc_id, "source": c.source, "title": c.title, "text": c.text,
                "start": c.start, "end": c.end, "score": round(self.hit.score, 4),
                "quotes": [{"start": s, "end": e, "text": c.text[s:e]} for s, e in self.quotes],
                "chunk_id": c.chunk_id, "heading_path": c.heading_path, "publisher": m.publisher, "date": m.date,
                "region": m.region, "source_url": m.source_url}


@dataclass
class Answer:
    question: str
    answer: str
    refused: bool
    citations: list[Citation]
    backend: str
    timings_ms: dict
    standalone_question: str = ""
    related: list[Hit] = field(default_factory=list)  # closest passages shown as 可能相关 when refused
    notice: str = ""  # e.g. the LLM server was down and the offline answerer stood in
    refusal_reason: str = ""
    dropped_sentences: list[str] = field(default_factory=list)
    coverage: float = 0.0  # evidence strength the refusal decision saw (rag/evidence/refusal.py)
    refusal_kind: str = ""  # which check refused: rag/evidence/refusal.py kinds, or "verify" (nothing survived)

    def to_dict(self) -> dict:
        return {"question": self.question, "standalone_question": self.standalone_question or self.question,
                "answer": self.answer, "refused": self.refused,
                "citations": [c.to_dict() for c in self.citations], "backend": self.backend,
                "timings_ms": self.timings_ms, "notice": self.notice, "refusal_reason": self.refusal_reason,
                "related": [h.to_dict() for h in self.related], "dropped_sentences": self.dropped_sentences,
                "coverage": round(self.coverage, 4), "refusal_kind": self.refusal_kind}
