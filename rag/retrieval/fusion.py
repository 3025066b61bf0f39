"""Joiners for the two legs' ranked lists.

Plain RRF throws away how *sure* each leg is, and the dense leg is weak on exact
figures, so the default fuses normalised scores: BM25 divided by the query's best
BM25 score, cosine rescaled over the candidate list. Passages both legs put in
their top 5 get a bonus (per-query agreement).
"""
from __future__ import annotations


def rrf(lists: list[list[tuple[int, float]]], k: int = 60, weights: list[float] | None = None) -> list[tuple[int, float]]:
    weights = weights or [1.0] * len(lists)
    scores: dict[int, float] = {}
    for w, ranked in zip(weights, lists):
        for rank, (row, _) in enumerate(ranked):
            scores[row] = scores.get(row, 0.0) + w / (k + rank + 1)
    return sorted(scores.items(), key=lambda kv: -kv[1])


def _minmax(ranked: list[tuple[int, float]]) -> dict[int, float]:
    if not ranked:
        return {}
    hi, lo = ranked[0][1], ranked[-1][1]
    span = hi - lo
    return {row: ((s - lo) / span if span > 1e-9 else 1.0) for row, s in ranked}


def weighted_scores(bm25: list[tuple[int, float]], dense: list[tuple[int, float]], bm25_weight: float,
                    agreement_bonus: float = 0.0, agree_depth: int = 5) -> list[tuple[int, float]]:
    lex = {row: s / bm25[0][1] for row, s in bm25} if bm25 and bm25[0][1] > 0 else {}
    sem = _minmax(dense)
    both = {r for r, _ in bm25[:agree_depth]} & {r for r, _ in dense[:agree_depth]}
    fused = {}
    for row in set(lex) | set(sem):
        fused[row] = bm25_weight * lex.get(row, 0.0) + (1 - bm25_weight) * sem.get(row, 0.0)
        if row in both:
            fused[row] += agreement_bonus
    return sorted(fused.items(), key=lambda kv: -kv[1])
