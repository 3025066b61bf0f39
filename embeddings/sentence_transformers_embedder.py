"""Any sentence-transformers model by local path (or by name, for users who have a model hub)."""
from __future__ import annotations

import numpy as np

from .base import normalise


class SentenceTransformersEmbedder:
    def __init__(self, model: str, query_prefix: str = "", passage_prefix: str = "", batch_size: int = 16,
                 max_chars: int = 1200):
        if not model:
            raise ValueError("embedding.model must name a sentence-transformers model path for this backend")
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(model, device="cpu")
        self.dim = int(self._model.get_sentence_embedding_dimension())
        self.model_id = f"sentence-transformers/{model}"
        self.query_prefix, self.passage_prefix = query_prefix, passage_prefix
        self.batch_size, self.max_chars = batch_size, max_chars

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        rows = self._model.encode([self.passage_prefix + t[: self.max_chars] for t in texts],
                                  batch_size=self.batch_size, convert_to_numpy=True, show_progress_bar=False)
        return normalise(rows)

    def embed_query(self, text: str) -> np.ndarray:
        return normalise(self._model.encode([self.query_prefix + text[: self.max_chars]], convert_to_numpy=True))[0]
