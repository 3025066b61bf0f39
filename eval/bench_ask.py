"""`ask` latency benchmark (offline backend): p50 / p95 of the whole answer path over a question set.

    python eval/bench_ask.py [--set eval/questions.jsonl] [--index DIR] [--repeat 1]

Builds (or reuses) the index of docs/, warms the models with one question, then times
AnswerService.ask for every question (follow-ups with their history). A benchmark that prints figures,
not a test: numbers depend on the machine and its load (printed with them).
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from rag.answering.answer_service import AnswerService  # noqa: E402
from rag.evaluation import metrics as M  # noqa: E402
from rag.evaluation.runner import load_questions  # noqa: E402
from rag.ingest.indexer import ingest  # noqa: E402
from rag.settings import get_settings  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", type=Path, default=ROOT / "eval" / "questions.jsonl")
    ap.add_argument("--index", type=Path, default=None)
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    settings = get_settings()
    index = args.index or settings.paths.index_dir
    ingest([settings.paths.docs_dir], settings, index)
    service = AnswerService(settings, index)
    service.ask("预热")
    questions = load_questions(args.set)
    totals = []
    for _ in range(args.repeat):
        for q in questions:
            t0 = time.perf_counter()
            service.ask(q.question, history=q.history)
            totals.append((time.perf_counter() - t0) * 1000)
    load = os.getloadavg()[0]
    print(f"ask over {args.set.name}: n={len(totals)} p50 {M.percentile(totals, 0.5):.0f} ms, "
          f"p95 {M.percentile(totals, 0.95):.0f} ms, max {max(totals):.0f} ms (load average {load:.1f}, "
          f"{os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
