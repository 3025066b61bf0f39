"""Refusal calibration: which check (rag/evidence/refusal.py) decides each question, and what each
`answer.refuse_below` would give on one or more question sets.

    python eval/calibrate_refusal.py [--set eval/questions.jsonl --set eval/questions_holdout.jsonl]

Retrieval and the evidence checks only (no answer generation), so it runs in seconds.
Prints, per set: refusal accuracy on unanswerable questions and the false-refusal rate on
answerable ones at the current threshold, a per-check breakdown, every question decided
against its label, and a threshold sweep; writes the same to
eval/results/refusal_calibration.json. The `weak` threshold is the only tuned number; the
other checks have no threshold.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from rag.evaluation.runner import load_questions  # noqa: E402
from rag.answering.query_rewriter import needs_rewrite, rewrite_offline  # noqa: E402
from rag.evidence.refusal import assess  # noqa: E402
from rag.retrieval.searcher import Searcher  # noqa: E402
from rag.settings import get_settings  # noqa: E402


def decide(searcher: Searcher, path: Path) -> list[dict]:
    rows = []
    for q in load_questions(path):
        query = rewrite_offline(q.question, q.history) if needs_rewrite(q.question, q.history) else q.question
        hits = searcher.search(query).hits
        ev = assess(query, hits, searcher.snapshot(), refuse_below=0.0)  # threshold applied below
        rows.append({"id": q.id, "kind": q.kind, "question": q.question, "answerable": q.answerable,
                     "check": ev.kind, "reason": ev.reason, "coverage": round(ev.coverage, 3)})
    return rows


def rates(rows: list[dict], threshold: float) -> dict:
    def refused(r):
        return bool(r["check"]) or r["coverage"] < threshold

    una = [r for r in rows if not r["answerable"]]
    ans = [r for r in rows if r["answerable"]]
    return {"threshold": threshold,
            "refusal_accuracy": round(sum(map(refused, una)) / max(len(una), 1), 3),
            "false_refusal_rate": round(sum(map(refused, ans)) / max(len(ans), 1), 3),
            "n_unanswerable": len(una), "n_answerable": len(ans)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", action="append", type=Path, help="question set(s) (default eval/questions.jsonl)")
    ap.add_argument("--out", type=Path, default=ROOT / "eval" / "results" / "refusal_calibration.json")
    args = ap.parse_args()
    settings = get_settings()
    current = settings.answer.refuse_below
    searcher = Searcher(settings)
    report = {"refuse_below": current, "sets": {}}
    for path in args.set or [ROOT / "eval" / "questions.jsonl"]:
        rows = decide(searcher, path)
        now = rates(rows, current)
        for r in rows:
            r["refused"] = bool(r["check"]) or r["coverage"] < current
            if not r["check"] and r["refused"]:
                r["check"] = "weak"
        by_check = Counter((r["answerable"], r["check"] or "answered") for r in rows)
        wrong = [r for r in rows if r["refused"] == r["answerable"]]
        sweep = [rates(rows, t / 20) for t in range(0, 13)]
        report["sets"][path.name] = {"at_current": now, "by_check": {f"{'answerable' if a else 'unanswerable'}/{c}": n
                                                                     for (a, c), n in sorted(by_check.items())},
                                     "decided_against_label": wrong, "sweep": sweep}
        print(f"\n== {path.name}: refuse_below={current}: refusal accuracy {now['refusal_accuracy']:.3f} "
              f"({now['n_unanswerable']} unanswerable), false refusals {now['false_refusal_rate']:.3f} "
              f"({now['n_answerable']} answerable)")
        for key, n in report["sets"][path.name]["by_check"].items():
            print(f"   {key:28s} {n}")
        for r in wrong:
            tag = "FALSE REFUSAL" if r["answerable"] else "ANSWERED"
            print(f"   {tag:13s} {r['id']} [{r['check'] or '-'} cov={r['coverage']}] {r['question']}  {r['reason']}")
        print("   threshold  refusal_acc  false_refusal")
        for s in sweep:
            print(f"   {s['threshold']:9.2f}  {s['refusal_accuracy']:11.3f}  {s['false_refusal_rate']:13.3f}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"\nwritten: {args.out}")


if __name__ == "__main__":
    main()
