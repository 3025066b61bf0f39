"""The most asked questions, near-duplicates ("老旧小区改造改什么" / "老舊小區改造都改些什麼？") counted as one."""
from __future__ import annotations

from collections import Counter

from .clustering import central, cluster


def top_questions(exchanges: list[dict], vectors_of, min_similarity: float, n: int) -> list[dict]:
    """[{"question", "count", "refused", "variants": [other wordings, most frequent first]}], most asked first.
    The shown wording is the most frequent exact one (ties: the most central)."""
    if not exchanges:
        return []
    texts = [r["question"].strip() for r in exchanges]
    distinct = sorted(set(texts), key=texts.index)
    counts = Counter(texts)
    refused = Counter(t for t, r in zip(texts, exchanges) if r["refused"])
    vectors = vectors_of(distinct)
    out = []
    for members in cluster(vectors, min_similarity):
        mid = distinct[central(vectors, members)]
        wordings = sorted((distinct[i] for i in members), key=lambda t: (-counts[t], t != mid))
        out.append({"question": wordings[0], "count": sum(counts[t] for t in wordings),
                    "refused": sum(refused[t] for t in wordings), "variants": wordings[1:]})
    out.sort(key=lambda g: -g["count"])
    return out[:n]
