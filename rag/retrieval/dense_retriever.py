"""Dense leg: exact inner-product search in FAISS over L2-normalised embeddings (cosine)."""
from __future__ import annotations

import numpy as np


class DenseRetriever:
    def __init__(self, index):
        self.index = index  # faiss.Index holding one row per chunk, in chunk order

    def run(self, query_vector: np.ndarray, top_k: int) -> list[tuple[int, float]]:
        if self.index.ntotal == 0:
            return []
        k = min(top_k, self.index.ntotal)
        scores, rows = self.index.search(np.ascontiguousarray(query_vector[None, :], dtype=np.float32), k)
        return [(int(r), float(s)) for r, s in zip(rows[0], scores[0]) if r >= 0]
