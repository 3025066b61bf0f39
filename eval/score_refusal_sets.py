"""Refusal on the project's labelled sets, end to end: refusal accuracy (unanswerable questions refused) and
false refusals (answerable ones refused) of the real `ask` path, offline, over the index of docs/.

    python eval/score_refusal_sets.py [--set eval/questions_blind3.jsonl ...] [--list]

Default sets: eval/questions.jsonl, questions_holdout.jsonl and the blind sets blind … blind4 (the "no regression"
sets of issue 10). `--list` prints every question whose outcome is wrong. Follow-ups are asked with their history.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from rag.answering.answer_service import AnswerService  # noqa: E402
from rag.evaluation.runner import load_questions  # noqa: E402
from rag.ingest.indexer import ingest  # noqa: E402
from rag.settings import get_settings  # noqa: E402

DEFAULT = ["questions", "questions_holdout", "questions_blind", "questions_blind2", "questions_blind3",
           "questions_blind4"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--set", action="append", type=Path, help="question set (JSONL); default: the six above")
    ap.add_argument("--list", action="store_true", help="print the questions refused or answered wrongly")
    args = ap.parse_args(argv)
    settings = get_settings()
    ingest([settings.paths.docs_dir], settings, settings.paths.index_dir, sync=True)
    service = AnswerService(settings, settings.paths.index_dir)
    for path in args.set or [ROOT / "eval" / f"{name}.jsonl" for name in DEFAULT]:
        pos = neg = false_refusals = refused_right = 0
        for q in load_questions(path):
            refused = service.ask(q.question, history=q.history or []).refused
            if q.answerable:
                pos, false_refusals = pos + 1, false_refusals + refused
            else:
                neg, refused_right = neg + 1, refused_right + refused
            if args.list and refused == q.answerable:
                print(f"  {'false refusal' if refused else 'answered, not answerable'}: {q.question}")
        print(f"{path.stem}: refusal accuracy {refused_right / max(neg, 1):.3f} ({refused_right}/{neg}), "
              f"false refusals {false_refusals / max(pos, 1):.3f} ({false_refusals}/{pos})", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
