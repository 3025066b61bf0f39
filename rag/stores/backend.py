"""The store chosen by settings (store.backend): FAISS version folders or Milvus collections."""
from __future__ import annotations

from pathlib import Path

from rag.settings import Settings
from rag.stores.index_store import IndexStore


def open_store(settings: Settings, index_dir: Path | None = None):
    """IndexStore or MilvusStore for this index folder; both offer lock(), current_version(), load(), write()."""
    index_dir = Path(index_dir or settings.paths.index_dir)
    if settings.store.backend == "milvus":
        from rag.stores.milvus_store import MilvusStore

        return MilvusStore(settings.store, index_dir)
    return IndexStore(index_dir, settings.ingest.keep_versions)
