"""Copy the live index from one store backend to the other (FAISS folders <-> Milvus), vectors included:
nothing is re-embedded, so a 100k-chunk knowledge base moves in minutes. The target is written completely
(Milvus: collections dropped and recreated; FAISS: a new version folder made current)."""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rag.settings import Settings
from rag.stores.backend import open_store


@dataclass
class MigrationReport:
    source: str
    target: str
    version: str
    documents: int
    chunks: int
    sentences: int
    seconds: float

    def summary(self) -> str:
        return (f"迁移完成：{self.source} → {self.target}，文档 {self.documents} 篇，段落 {self.chunks} 个，"
                f"句子 {self.sentences} 个（向量直接复制，未重新嵌入），用时 {self.seconds:.1f} 秒；新版本 {self.version}")


def _backend(settings: Settings, backend: str) -> Settings:
    return settings.model_copy(update={"store": settings.store.model_copy(update={"backend": backend})})


def _array(vectors, dim: int) -> np.ndarray:
    if vectors is None or len(vectors) == 0:
        return np.zeros((0, dim), np.float32)
    if isinstance(vectors, np.ndarray) or hasattr(vectors, "__array__"):  # arrays, FAISS segment row views
        return np.asarray(vectors, np.float32)
    return np.asarray(vectors[np.arange(len(vectors))], np.float32)  # Milvus RemoteVectors


def migrate(settings: Settings, to: str, index_dir: Path | None = None) -> MigrationReport:
    """Read the live index of the other backend (same index folder and settings) and write it into `to`."""
    t0 = time.perf_counter()
    source_name = "faiss" if to == "milvus" else "milvus"
    source, target = open_store(_backend(settings, source_name), index_dir), open_store(_backend(settings, to), index_dir)
    data = source.load()
    dim = data.manifest["fingerprint"]["dim"]
    manifest = {k: data.manifest[k] for k in ("fingerprint", "documents")} | {
        "migrated_from": f"{source_name} {data.version}"}
    extra = {"full": True} if to == "milvus" else {}
    with target.lock():
        version = target.write(manifest, list(data.documents.values()), data.chunks, data.tokens,
                               _array(data.vectors, dim), data.sentences, _array(data.sentence_vectors, dim), **extra)
    where = getattr(target, "where", lambda: str(target.dir))()
    return MigrationReport(f"{source_name} {data.version}", f"{to} {where}", version, len(data.documents),
                           len(data.chunks), len(data.sentences), time.perf_counter() - t0)
