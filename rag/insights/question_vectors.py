"""Question embeddings with the project's embedder, in matching form (Simplified, NFKC), so a
Traditional and a Simplified spelling of one question land together. Cached per text."""
from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np

from rag.text.text_match import normalise

_CACHE_SIZE = 20000


class QuestionVectors:
    def __init__(self, embedder):
        self.embedder = embedder
        self._cache: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, questions: list[str]) -> np.ndarray:
        rows = []
        for q in questions:
            key = (self.embedder.model_id, normalise(q).strip())
            with self._lock:
                vec = self._cache.get(key)
            if vec is None:
                vec = np.asarray(self.embedder.embed_query(key[1]), dtype=np.float32)
                with self._lock:
                    self._cache[key] = vec
                    while len(self._cache) > _CACHE_SIZE:
                        self._cache.popitem(last=False)
            rows.append(vec)
        return np.vstack(rows) if rows else np.zeros((0, getattr(self.embedder, "dim", 1)), dtype=np.float32)
