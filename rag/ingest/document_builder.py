"""File → cleaned Document with metadata. Raises LoadError for files that cannot be used."""
from __future__ import annotations

import hashlib
import re
from dataclasses import asdict
from pathlib import Path

from rag.documents import Document
from rag.ingest.cleaning import clean_text
from rag.ingest.loaders import LoadError, load_file
from rag.ingest.metadata import resolve_metadata, sidecar_path


def doc_id_for(path: Path) -> str:
    """Stable id from the file name: letters, digits, CJK, `_` and `-` only."""
    return re.sub(r"[^\w\-]+", "_", Path(path).stem).strip("_") or "doc"


def content_hash(path: Path) -> str:
    h = hashlib.sha256(Path(path).read_bytes())
    side = sidecar_path(Path(path))
    if side.exists():
        h.update(side.read_bytes())
    return h.hexdigest()


def build_document(path: Path, doc_id: str | None = None) -> Document:
    path = Path(path)
    loaded = load_file(path)
    first_pass, _ = clean_text(loaded.text)
    meta = resolve_metadata(path, loaded.text, first_pass)
    text, report = clean_text(loaded.text, title=meta.title)
    if len(text.strip()) < 10:
        raise LoadError(f"{path.name}: no usable text after cleaning")
    cleaning = asdict(report) | {"encoding": loaded.encoding}
    return Document(doc_id=doc_id or doc_id_for(path), source=str(path), content_hash=content_hash(path),
                    meta=meta, text=text, cleaning=cleaning)
