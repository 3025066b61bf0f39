"""Lexical leg: Okapi BM25 over jieba tokens of script-normalised chunk text."""
from __future__ import annotations

import math
from collections import Counter, defaultdict

from rag.text.text_match import expand, normalise, tokenize


class BM25Retriever:
    def __init__(self, token_lists: list[list[str]], k1: float = 1.2, b: float = 0.75):
        self.k1, self.b = k1, b
        self.n = len(token_lists)
        self.lengths = [len(t) for t in token_lists]
        self.avgdl = (sum(self.lengths) / self.n) if self.n else 1.0
        self.postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for i, tokens in enumerate(token_lists):
            for term, tf in Counter(tokens).items():
                self.postings[term].append((i, tf))

    def idf(self, term: str) -> float:
        df = len(self.postings.get(term, ()))
        return math.log(1 + (self.n - df + 0.5) / (df + 0.5))

    def query_terms(self, query: str, use_synonyms: bool = True) -> dict[str, float]:
        """Query term → weight; synonym expansions count half."""
        tokens = tokenize(query)
        weights: dict[str, float] = {}
        for t in tokens:
            weights[t] = weights.get(t, 0.0) + 1.0
        if use_synonyms:
            for t in expand(normalise(query), tokens):
                weights.setdefault(t, 0.5)
        return weights

    def run(self, query: str, top_k: int, use_synonyms: bool = True) -> list[tuple[int, float]]:
        """[(row, score)] best first; rows with no matching term are not returned."""
        scores: dict[int, float] = defaultdict(float)
        for term, qw in self.query_terms(query, use_synonyms).items():
            postings = self.postings.get(term)
            if not postings:
                continue
            idf = self.idf(term)
            for row, tf in postings:
                norm = self.k1 * (1 - self.b + self.b * self.lengths[row] / self.avgdl)
                scores[row] += qw * idf * tf * (self.k1 + 1) / (tf + norm)
        return sorted(scores.items(), key=lambda kv: -kv[1])[:top_k]
