"""Group questions by meaning: average-linkage agglomerative clustering on cosine distance, cut where
members are on average at least `min_similarity` alike; labels from the most central member and terms."""
from __future__ import annotations

import math
from collections import Counter

import numpy as np

from rag.text.text_match import tokenize


def cluster(vectors: np.ndarray, min_similarity: float) -> list[list[int]]:
    """Lists of row indices, largest group first (ties: first appearance)."""
    n = len(vectors)
    if n == 0:
        return []
    if n == 1:
        return [[0]]
    from sklearn.cluster import AgglomerativeClustering

    labels = AgglomerativeClustering(n_clusters=None, metric="cosine", linkage="average",
                                     distance_threshold=1.0 - min_similarity).fit_predict(vectors)
    groups: dict[int, list[int]] = {}
    for i, label in enumerate(labels):
        groups.setdefault(int(label), []).append(i)
    return sorted(groups.values(), key=lambda g: (-len(g), g[0]))


def central(vectors: np.ndarray, members: list[int]) -> int:
    """The member most similar to the others (the medoid): the group's most typical wording."""
    sub = vectors[members]
    return members[int(np.argmax((sub @ sub.T).sum(axis=1)))]


def top_terms(member_texts: list[str], all_texts: list[str], n: int = 4) -> list[str]:
    """Words frequent in the group and rare elsewhere (tf × idf over every question in the report)."""
    df = Counter()
    for t in all_texts:
        df.update(set(_words(t)))
    tf = Counter(w for t in member_texts for w in set(_words(t)))
    total = max(len(all_texts), 1)
    scored = sorted(tf, key=lambda w: (-tf[w] * math.log(1 + total / df[w]), -len(w), w))  # 公积金 before 公积
    out: list[str] = []
    for w in scored:
        if not any(w in kept or kept in w for kept in out):  # 电梯 and 加装电梯 say the same thing once
            out.append(w)
        if len(out) == n:
            break
    return out


# Question filler the retrieval stopword list keeps (it matters there, not in a topic label).
_FILLER = {"怎么样", "怎么办", "为什么", "是不是", "能不能", "可不可以", "要不要", "需要", "哪儿", "多少钱", "情况"}


def _words(text: str) -> list[str]:
    return [w for w in tokenize(text) if len(w) > 1 and not w.isdigit() and w not in _FILLER]
