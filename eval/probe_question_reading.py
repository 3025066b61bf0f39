"""What the question-reading rules do on every labelled question of the repository (no answers are scored).

    python eval/probe_question_reading.py [--sets GLOB ...]

Prints each homophone-typo correction (rag/evidence/spelling.py) and each question whose asked figure is of a
word the documents never use (refusal.measured_absent), with its label, then the totals: how many corrections,
and how many answerable / unanswerable questions measured_absent marks. Default sets: eval/questions*.jsonl
(the seed set, holdout, blind and resident sets).
"""
from __future__ import annotations

import argparse
import glob
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from rag.evidence.asked_type import asked_types  # noqa: E402
from rag.evidence.kb_vocabulary import absent_terms  # noqa: E402
from rag.evidence.refusal import measured_absent  # noqa: E402
from rag.evidence.spelling import typo_fixes  # noqa: E402
from rag.evaluation.resident import load_resident  # noqa: E402
from rag.evaluation.runner import load_questions  # noqa: E402
from rag.ingest.indexer import ingest  # noqa: E402
from rag.retrieval.searcher import Searcher  # noqa: E402
from rag.settings import get_settings  # noqa: E402
from rag.text.text_match import normalise  # noqa: E402



def load(path: str) -> list:
    """The set's questions through the loader its scorer uses (which also says what is answerable)."""
    return load_resident(Path(path)) if Path(path).stem.startswith("questions_resident") else load_questions(Path(path))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sets", nargs="*", default=[str(ROOT / "eval" / "questions*.jsonl")])
    args = ap.parse_args(argv)
    settings = get_settings()
    ingest([settings.paths.docs_dir], settings, settings.paths.index_dir, sync=True)
    snap = Searcher(settings, settings.paths.index_dir).snapshot()
    files = sorted({f for pattern in args.sets for f in glob.glob(pattern)})
    questions = [q for f in files for q in load(f)]
    fixes = marked = 0
    marked_by_label = {True: 0, False: 0}
    t0 = time.perf_counter()
    for question in questions:
        q = question.question
        found = typo_fixes(q, snap)
        if found:
            fixes += len(found)
            print(f"typo      {q}  →  {', '.join(f'{f.typed}→{f.meant}' for f in found)}")
        q_norm = normalise(q)
        if measured_absent(q_norm, asked_types(q_norm), absent_terms(q, snap)):
            marked += 1
            marked_by_label[question.answerable] += 1
            print(f"measured  [{'answerable' if question.answerable else 'not answerable'}] {q}")
    ms = (time.perf_counter() - t0) * 1000 / max(len(questions), 1)
    print(f"{len(questions)} questions in {len(files)} sets: {fixes} typo corrections; measured_absent marks {marked} "
          f"({marked_by_label[False]} not answerable, {marked_by_label[True]} answerable); {ms:.1f} ms per question")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
