"""Lexical leg: Okapi BM25 over jieba tokens of script-normalised chunk text.

Scored from the postings each segment stores (term-major arrays, memory-mapped: rag/stores/segment.py), so
a load builds no per-term Python lists. Document frequency, the chunk count and the mean length are taken
over live chunks (tombstoned ones excluded), so scores equal those of a single index of the live chunks.
"""
from __future__ import annotations

import math

import numpy as np

from rag.stores.rows import RowLayout
from rag.text.text_match import expand, normalise, tokenize



def bm25_idf(n: int, df: int) -> float:
    """Okapi BM25 idf of a term held by df of n chunks (shared by every store's lexical leg)."""
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


def query_term_weights(query: str, use_synonyms: bool = True) -> dict[str, float]:
    """Query term → weight; synonym expansions count half."""
    tokens = tokenize(query)
    weights: dict[str, float] = {}
    for t in tokens:
        weights[t] = weights.get(t, 0.0) + 1.0
    if use_synonyms:
        for t in expand(normalise(query), tokens):
            weights.setdefault(t, 0.5)
    return weights

class BM25Retriever:
    def __init__(self, layout: RowLayout, k1: float = 1.2, b: float = 0.75):
        self.k1, self.b = k1, b
        self.layout = layout
        self.segments = layout.segments
        lengths = np.concatenate([np.asarray(s.lengths, np.int64) for s in self.segments]) if self.segments \
            else np.zeros(0, np.int64)
        live_lengths = lengths if layout.alive is None else lengths[layout.alive]
        self.n = len(live_lengths)
        self.avgdl = (int(live_lengths.sum()) / self.n) if self.n else 1.0
        # the length part of the BM25 denominator, per physical row, computed once
        self.norm = self.k1 * (1 - self.b + self.b * lengths / self.avgdl)
        self._df: dict[str, int] = {}
        for seg in self.segments:
            seg.term_ids  # the term -> id map is built now, as part of loading, not by the first query

    def _postings(self, term: str):
        """(physical rows, term frequencies) per segment holding the term."""
        for si, seg in enumerate(self.segments):
            t = seg.term_ids.get(term)
            if t is None:
                continue
            lo, hi = int(seg.postings_indptr[t]), int(seg.postings_indptr[t + 1])
            yield self.layout.offsets[si] + seg.postings_rows[lo:hi], seg.postings_tf[lo:hi]

    def df(self, term: str) -> int:
        """Live chunks holding the term."""
        if term not in self._df:
            alive = self.layout.alive
            self._df[term] = sum(len(rows) if alive is None else int(alive[rows].sum())
                                 for rows, _ in self._postings(term))
        return self._df[term]

    def knows(self, term: str) -> bool:
        return self.df(term) > 0

    def idf(self, term: str) -> float:
        return bm25_idf(self.n, self.df(term))

    def query_terms(self, query: str, use_synonyms: bool = True) -> dict[str, float]:
        return query_term_weights(query, use_synonyms)

    def run(self, query: str, top_k: int, use_synonyms: bool = True) -> list[tuple[int, float]]:
        """[(row, score)] best first (ties by row); rows with no matching term are not returned."""
        scores = None
        for term, qw in self.query_terms(query, use_synonyms).items():
            parts = list(self._postings(term))
            if not parts or not self.df(term):
                continue
            if scores is None:
                scores = np.zeros(self.layout.n_phys, np.float64)
            idf = self.idf(term)
            for rows, tf in parts:
                tf = tf.astype(np.float64)
                scores[rows] += qw * idf * tf * (self.k1 + 1) / (tf + self.norm[rows])
        if scores is None:
            return []
        hit = np.flatnonzero(scores)
        keep, live = self.layout.live_rows(hit)
        hit_scores = scores[hit[keep]]
        if top_k < len(live):
            part = np.argpartition(-hit_scores, top_k - 1)[:top_k]
            cut = hit_scores[part].min()  # keep every row tied with the k-th so ties break by row
            part = np.flatnonzero(hit_scores >= cut)
            live, hit_scores = live[part], hit_scores[part]
        order = np.lexsort((live, -hit_scores))[:top_k]
        return [(int(r), float(s)) for r, s in zip(live[order], hit_scores[order])]
