"""Train the sentence ranker (rag/evidence/sentence_ranker.py) and print its validation figures.

    python eval/train_sentence_ranker.py [--seed 13]

Data: every answerable question of the resident sets whose misses were read (the evidence model's
TRAINING_RESIDENT_SETS; resident2 never trains), asked through the real reader over docs/ (follow-ups
rewritten with their history, as `ask` does). Each sentence about the asked place is a row, labelled 1 when
it holds one of the question's answer keys.
Validation: for each set, a ranker fitted without it ranks that set's sentences (leave one set out), and
resident2 (never trained on); the figure is how often the top sentence, and any of the top three, holds the
answer — against the first reader's hand-set weights on the same sentences.
Writes rag/resources/sentence_ranker.json and eval/results/sentence_ranker.json (figures).
After a refit the evidence model's inputs change: run eval/train_evidence.py next.
"""
from __future__ import annotations

import argparse
from contextlib import nullcontext
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "eval"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402

from rag.answering.answer_service import AnswerService  # noqa: E402
from rag.answering.query_rewriter import needs_rewrite, rewrite_offline  # noqa: E402
from rag.evaluation.resident import load_resident  # noqa: E402
from rag.evidence import sentence_ranker  # noqa: E402
from rag.evidence.sentence_ranker import FEATURES  # noqa: E402
from rag.ingest.indexer import ingest  # noqa: E402
from rag.settings import get_settings  # noqa: E402
from rag.text.text_match import normalise  # noqa: E402
from train_evidence import OUT, TRAINING_RESIDENT_SETS  # noqa: E402

VALIDATION_SETS = (2,)


def question_rows(service: AnswerService, path: Path) -> list[dict]:
    """One entry per answerable question: its on-place sentences' signals and labels."""
    out = []
    for q in load_resident(path):
        if not q.answerable or not q.answer_keys:
            continue
        query = rewrite_offline(q.question, q.history) if needs_rewrite(q.question, q.history) else q.question
        reading = service._read(query, None, None, None, asked=q.question if query != q.question else None)
        keys = [normalise(k) for k in q.answer_keys]
        sentences = [{"signals": s.signals, "label": int(any(k in normalise(s.text) for k in keys))}
                     for s in reading.on_place()]
        if any(s["label"] for s in sentences):  # a question no candidate answers teaches no ranking
            out.append({"set": path.stem, "id": q.id, "sentences": sentences})
    return out


def fit(questions: list[dict], seed: int) -> dict:
    from sklearn.linear_model import LogisticRegression

    X = np.array([[s["signals"][f] for f in FEATURES] for q in questions for s in q["sentences"]])
    y = np.array([s["label"] for q in questions for s in q["sentences"]])
    clf = LogisticRegression(C=1.0, class_weight="balanced", max_iter=3000, random_state=seed).fit(X, y)
    return {"features": FEATURES, "coef": [round(float(c), 6) for c in clf.coef_[0]],
            "intercept": round(float(clf.intercept_[0]), 6),
            "trained_on": {"questions": len(questions), "sentences": int(len(y)), "answer_sentences": int(y.sum()),
                           "seed": seed}}


def top_k(questions: list[dict], model: dict | None, k: int) -> float:
    """Share of questions whose top k sentences hold an answer; `model` None: the hand-set weights."""
    with sentence_ranker.hand_weights() if model is None else nullcontext():
        hits = [any(s["label"] for s in sorted(q["sentences"],
                                               key=lambda s: -sentence_ranker.score(s["signals"], model))[:k])
                for q in questions]
    return round(float(np.mean(hits)), 3) if hits else 0.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=13)
    args = ap.parse_args()
    settings = get_settings()
    index = OUT / "near_miss" / "docs-index"
    ingest([settings.paths.docs_dir], settings, index)
    service = AnswerService(settings, index)
    with sentence_ranker.hand_weights():  # the same rows whether or not a fitted ranker ships
        train = [q for n in TRAINING_RESIDENT_SETS
                 for q in question_rows(service, ROOT / "eval" / f"questions_resident{n}.jsonl")]
        valid = [q for n in VALIDATION_SETS
                 for q in question_rows(service, ROOT / "eval" / f"questions_resident{n}.jsonl")]
    figures = {}
    for held in sorted({q["set"] for q in train}):
        model = fit([q for q in train if q["set"] != held], args.seed)
        rows = [q for q in train if q["set"] == held]
        figures[held + " (left out of its fit)"] = {"questions": len(rows),
                                                   "top1": top_k(rows, model, 1), "top3": top_k(rows, model, 3),
                                                   "hand_top1": top_k(rows, None, 1), "hand_top3": top_k(rows, None, 3)}
    model = fit(train, args.seed)
    for name, rows in (("all training sets, each left out", None), ("resident2 (never trained on)", valid)):
        if rows is None:
            parts = [v for k, v in figures.items()]
            n = sum(p["questions"] for p in parts)
            figures[name] = {"questions": n, **{m: round(sum(p[m] * p["questions"] for p in parts) / n, 3)
                                                for m in ("top1", "top3", "hand_top1", "hand_top3")}}
        else:
            figures[name] = {"questions": len(rows), "top1": top_k(rows, model, 1), "top3": top_k(rows, model, 3),
                             "hand_top1": top_k(rows, None, 1), "hand_top3": top_k(rows, None, 3)}
    (ROOT / "rag" / "resources" / "sentence_ranker.json").write_text(json.dumps(model, indent=1), encoding="utf-8")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "sentence_ranker.json").write_text(json.dumps({"model": model, "validation": figures}, indent=1,
                                                         ensure_ascii=False), encoding="utf-8")
    for name, coef in zip(FEATURES, model["coef"]):
        print(f"  {name:18s} {coef:+.3f}")
    for name, v in figures.items():
        print(f"{name}: {v}")


if __name__ == "__main__":
    main()
