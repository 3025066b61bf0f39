"""Probe (tried and not kept, README "Session of 2026-12-07 (morning)"): can the evidence check tell public near
misses apart better with more public training data, or with a feature that aligns the question around its
question word with a sentence?

    python eval/probe_public_near_misses.py [--train-articles 45] [--test-articles 30]

Builds (or reuses) the near-miss indexes of eval/near_miss_data.py for that many articles per public set (train
and held-out splits, seed 13), reads every case through the real pipeline and prints, on the held-out rows:
- the shipped trees (rag/resources/evidence_model.json) at their threshold, with their AUC;
- trees of the same kind fitted on the public training rows only, with and without the alignment feature
  (how much of the question's text just before and just after its question word a top-10 sentence repeats:
  "X的首都是哪里" against "X的首都是Y"), AUC averaged over three seeds.
More training articles for the shipped fit itself: `python eval/train_evidence.py --articles 45 --test-articles 30`
(run from a worktree; it overwrites the shipped model).
"""
from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "eval"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402

from near_miss_data import build_cases, build_index  # noqa: E402
from train_evidence import OUT, evidence_row, new_classifier, rates  # noqa: E402
from rag.answering.answer_service import AnswerService  # noqa: E402
from rag.evidence import evidence_model  # noqa: E402
from rag.evidence.evidence_model import FEATURES  # noqa: E402
from rag.retrieval.searcher import Filters  # noqa: E402
from rag.settings import get_settings  # noqa: E402
from rag.text.text_match import normalise  # noqa: E402

_WH = re.compile(r"什么|哪[里儿个些一位年种家座条所]?|谁|多少|几|何[时地处人]?|怎么|怎样|如何|为什么|为何")


def _context(question: str) -> tuple[str, str]:
    q = normalise(question).rstrip("？?。! ")
    m = _WH.search(q)
    return (q[:m.start()][-8:], q[m.end():][:8]) if m else (q[-6:], "")


def _alignment(left: str, right: str, text: str) -> float:
    before = next((n for n in range(len(left), 0, -1) if left[-n:] in text), 0)
    after = next((n for n in range(len(right), 0, -1) if right[:n] in text), 0)
    return (before + after) / max(len(left) + len(right), 1)


def rows(split: str, articles: int, settings) -> list[dict]:
    folder = OUT / "near_miss" / f"{split}-a{articles}-q2-s13"
    cases = build_cases(split, articles, 2, 13, folder)
    service = AnswerService(settings, build_index(folder, settings))
    out = []
    for c in cases:
        left, right = _context(c.question)
        for ids, label in ((c.positive, 1), (c.near_miss, 0)):
            r = evidence_row(service, c.question, Filters(doc_ids=ids))
            if r is None:
                continue
            reading = service._read(c.question, None, None, Filters(doc_ids=ids))
            align = max((_alignment(left, right, normalise(s.text)) for s in reading.sentences[:10]), default=0.0)
            out.append(r | {"label": label, "align": align})
    return out


def main() -> None:
    from sklearn.metrics import roc_auc_score

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--train-articles", type=int, default=45)
    ap.add_argument("--test-articles", type=int, default=30)
    args = ap.parse_args()
    settings = get_settings()
    train, test = rows("train", args.train_articles, settings), rows("test", args.test_articles, settings)
    y, yt = np.array([r["label"] for r in train]), np.array([r["label"] for r in test])
    shipped = evidence_model.load_model()
    p = [evidence_model.probability(r["features"], shipped) for r in test]
    print(f"held-out rows {len(test)}; shipped trees at {shipped['threshold']}: {rates(test, shipped)}, "
          f"AUC {roc_auc_score(yt, p):.3f}")
    print("alignment alone, AUC: train", round(roc_auc_score(y, [r["align"] for r in train]), 3),
          "held-out", round(roc_auc_score(yt, [r["align"] for r in test]), 3))
    for extra in ([], ["align"]):
        def matrix(rs):
            return np.array([[r["features"][f] for f in FEATURES] + [r[e] for e in extra] for r in rs])
        aucs = [roc_auc_score(yt, new_classifier(seed).fit(matrix(train), y).predict_proba(matrix(test))[:, 1])
                for seed in range(3)]
        print(f"trees on the public training rows only{' + alignment' if extra else ''}: held-out AUC "
              f"{np.mean(aucs):.3f}")


if __name__ == "__main__":
    main()
