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
