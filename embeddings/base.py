"""What every embedding backend offers: passages and queries in, L2-normalised float32 rows out."""
from __future__ import annotations

from typing import Protocol

import numpy as np


class Embedder(Protocol):
    model_id: str  # recorded in the index manifest; a different id means the index must be rebuilt
    dim: int

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


def normalise(rows: np.ndarray) -> np.ndarray:
    rows = np.asarray(rows, dtype=np.float32)
    if rows.ndim == 1:
        rows = rows[None, :]
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return rows / np.maximum(norms, 1e-12)


def encode_in_batches(encode, texts: list[str], batch_size: int, max_chars: int, dim: int) -> np.ndarray:
    """Cut each text to max_chars, encode batch by batch, L2-normalise; (0, dim) for no texts."""
    if not texts:
        return np.zeros((0, dim), dtype=np.float32)
    cut = [t[:max_chars] for t in texts]
    return normalise(np.vstack([encode(cut[i:i + batch_size]) for i in range(0, len(cut), batch_size)]))
