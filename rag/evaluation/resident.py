"""Scoring of resident question sets (eval/questions_resident*.jsonl): what a resident reads.

A line: {"id", "question", "kind", "answer_keys": [...], "forbidden_figures": [...], "history": [...], ...}.
- answerable kinds: the answer holds the asked fact when it is not refused and contains every answer key
  (both sides compared in Simplified script);
- unanswerable / out_of_domain: right when refused;
- wrong_place (the fact exists only for another place): right when refused, or when the answer says plainly
  that the documents lack it for the asked place (资料中没有…) before giving the other place's figure. An answer
  that shows a forbidden figure without saying so is a *wrong-place answer* — the error that must be zero.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from rag.evaluation import metrics as M
from rag.evaluation.runner import question_lines
from rag.text.script import to_simplified

NOT_ANSWERABLE = {"unanswerable", "out_of_domain", "wrong_place"}
ADMITS_MISSING = ("资料中没有", "资料没有", "没有找到", "未提及", "没有提到", "没有说明")


@dataclass
class ResidentQuestion:
    id: str
    question: str
    kind: str
    answer_keys: list[str] = field(default_factory=list)
    forbidden_figures: list[str] = field(default_factory=list)
    history: list = field(default_factory=list)
    place: str = ""

    gold_answer: str = ""

    @property
    def answerable(self) -> bool:
        """A follow-up that switches to a place without the fact has no gold answer: not answerable."""
        return self.kind not in NOT_ANSWERABLE and bool(self.answer_keys or self.gold_answer)


def load_resident(path: Path) -> list[ResidentQuestion]:
    out = []
    for n, d in question_lines(path):
        try:
            out.append(ResidentQuestion(str(d["id"]), d["question"], d["kind"], list(d.get("answer_keys") or []),
                                        list(d.get("forbidden_figures") or []), list(d.get("history") or []),
                                        d.get("place", ""), d.get("gold_answer", "")))
        except KeyError as exc:
            raise ValueError(f"{path}:{n}: missing field {exc}") from exc
    return out


def _s(text: str) -> str:
    return to_simplified(text or "")


def judge(q: ResidentQuestion, answer: str, refused: bool) -> dict:
    """One question's verdict: holds_fact / correct_refusal / false_refusal / wrong_place flags."""
    text = _s(M.strip_markers(answer))
    admits = any(p in text for p in ADMITS_MISSING)
    if q.answerable:
        holds = (not refused) and all(_s(k) in text for k in q.answer_keys)
        return {"correct": holds, "holds_fact": holds, "false_refusal": refused}
    shows_forbidden = any(_s(f) in text for f in q.forbidden_figures)
    wrong_place = (not refused) and shows_forbidden and not admits
    correct = refused or (bool(q.forbidden_figures) and admits)
    return {"correct": correct and not wrong_place, "wrong_place": wrong_place}


def run_resident(service, questions: list[ResidentQuestion], backend: str = "offline") -> dict:
    """Ask every question (follow-ups with their history, as the UI sends it) and score the answers."""
    rows, latencies = [], []
    for q in questions:
        t0 = time.perf_counter()
        a = service.ask(q.question, history=q.history, backend=backend)
        latencies.append((time.perf_counter() - t0) * 1000)
        rows.append({"id": q.id, "kind": q.kind, "answerable": q.answerable, "question": q.question, "history": q.history,
                     "answer": a.answer, "refused": a.refused, "refusal_reason": a.refusal_reason,
                     "standalone": a.standalone_question, **judge(q, a.answer, a.refused)})
    return {"summary": summarise(rows, latencies), "rows": rows}


def summarise(rows: list[dict], latencies: list[float]) -> dict:
    answerable = [r for r in rows if r["answerable"]]
    unanswerable = [r for r in rows if not r["answerable"]]
    kinds = sorted({r["kind"] for r in rows})
    return {
        "n": len(rows), "n_answerable": len(answerable), "n_unanswerable": len(unanswerable),
        "answer_holds_fact": M.mean([float(r["holds_fact"]) for r in answerable]) if answerable else None,
        "false_refusal_rate": M.mean([float(r["false_refusal"]) for r in answerable]) if answerable else None,
        "refusal_accuracy": M.mean([float(r["correct"]) for r in unanswerable]) if unanswerable else None,
        "wrong_place_answers": sum(int(r.get("wrong_place", False)) for r in rows),
        "per_kind_correct": {k: round(M.mean([float(r["correct"]) for r in rows if r["kind"] == k]), 3) for k in kinds},
        "latency_p50_ms": round(M.percentile(latencies, 0.5), 1),
        "latency_p95_ms": round(M.percentile(latencies, 0.95), 1),
    }
