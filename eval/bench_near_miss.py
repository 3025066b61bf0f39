"""Near-miss benchmark: does the reader answer from the right paragraph and refuse when only its neighbours
are there?

    python eval/bench_near_miss.py [--articles 25] [--per-paragraph 2] [--seed 13]

Public CMRC 2018 / DRCD articles of the held-out split (eval/near_miss_data.py: split by article, so the
evidence model never trained on them). Per sampled question, the real AnswerService (offline backend) answers
twice: over its article (answer paragraph included) — right when not refused and the answer holds the gold
span (script-normalised) — and over its article without the answer sentence — right when refused.
Targets (issue 10): answered correctly ≥ 0.85, refused ≥ 0.8. Writes eval/results/near_miss.json.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "eval"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from near_miss_data import build_cases, build_index  # noqa: E402
from rag.answering.answer_service import AnswerService  # noqa: E402
from rag.answering.citation_check import MARKER  # noqa: E402
from rag.retrieval.searcher import Filters  # noqa: E402
from rag.settings import get_settings  # noqa: E402
from rag.text.text_match import normalise  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=10, help="held-out articles sampled per public set")
    ap.add_argument("--per-paragraph", type=int, default=2)
    ap.add_argument("--seed", type=int, default=13)
    args = ap.parse_args()
    settings = get_settings()
    folder = ROOT / "eval" / "results" / "near_miss" / f"test-a{args.articles}-q{args.per_paragraph}-s{args.seed}"
    cases = build_cases("test", args.articles, args.per_paragraph, args.seed, folder)
    service = AnswerService(settings, build_index(folder, settings))
    rows, t0 = [], time.time()
    for c in cases:
        pos = service.ask(c.question, filters=Filters(doc_ids=c.positive))
        neg = service.ask(c.question, filters=Filters(doc_ids=c.near_miss))
        correct = (not pos.refused) and normalise(c.answer) in normalise(MARKER.sub("", pos.answer))
        rows.append({"dataset": c.dataset, "question": c.question, "gold": c.answer, "answered_correctly": correct,
                     "answered": not pos.refused, "refused_near_miss": neg.refused, "answer": pos.answer,
                     "near_miss_answer": neg.answer, "near_miss_kind": neg.refusal_kind})
    summary = {}
    for name in ["all", *sorted({r["dataset"] for r in rows})]:
        sub = [r for r in rows if name == "all" or r["dataset"] == name]
        summary[name] = {"n": len(sub),
                         "answered_correctly": round(sum(r["answered_correctly"] for r in sub) / max(len(sub), 1), 3),
                         "false_refusals": round(sum(not r["answered"] for r in sub) / max(len(sub), 1), 3),
                         "refused_near_miss": round(sum(r["refused_near_miss"] for r in sub) / max(len(sub), 1), 3)}
    out = ROOT / "eval" / "results" / "near_miss.json"
    out.write_text(json.dumps({"summary": summary, "rows": rows, "seconds": round(time.time() - t0)},
                              ensure_ascii=False, indent=1), encoding="utf-8")
    for name, s in summary.items():
        print(f"{name:5s} n={s['n']:4d}  answered correctly {s['answered_correctly']:.3f}  "
              f"false refusals {s['false_refusals']:.3f}  refused near miss {s['refused_near_miss']:.3f}")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
