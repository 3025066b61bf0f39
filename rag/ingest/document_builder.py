"""File → cleaned Document with metadata. Raises LoadError for files that cannot be used."""
from __future__ import annotations

import hashlib
import re
from dataclasses import asdict
from pathlib import Path

from rag.documents import Document
from rag.ingest.cleaning import clean_text
from rag.ingest.loaders import LoadError, display_name, load_file
from rag.ingest.metadata import resolve_metadata, sidecar_path
from rag.text.instructions import instruction_sentences, looks_like_instruction

MAX_FLAGGED_SENTENCES = 20  # kept in the cleaning report for the knowledge-base list


def doc_id_for(path: Path) -> str:
    """Stable id from the file name: letters, digits, CJK, `_` and `-` only."""
    return re.sub(r"[^\w\-]+", "_", Path(path).stem).strip("_") or "doc"


def content_hash(path: Path) -> str:
    h = hashlib.sha256(Path(path).read_bytes())
    side = sidecar_path(Path(path))
    if side.exists():
        h.update(side.read_bytes())
    return h.hexdigest()


def text_hash(text: str) -> str:
    return hashlib.sha256(re.sub(r"\s+", "", text).encode("utf-8")).hexdigest()


def content_key(doc: Document) -> str:
    """Identity of what a document says, whatever its file name, encoding or metadata sidecar: the same
    content uploaded under another name is a duplicate. (The final cleaned text depends on the title, which
    a sidecar may set, so the key is taken from the first cleaning pass.)"""
    return doc.cleaning.get("text_sha256") or text_hash(doc.text)


def build_document(path: Path, doc_id: str | None = None, max_bytes: int | None = None) -> Document:
    path = Path(path)
    loaded = load_file(path, max_bytes)
    first_pass, _ = clean_text(loaded.text)
    meta = resolve_metadata(path, loaded.text, first_pass)
    if looks_like_instruction(meta.title):  # documents are data: an injected order never becomes a title
        meta.title = _plain_title(first_pass, path)
    text, report = clean_text(loaded.text, title=meta.title)
    if len(text.strip()) < 10:
        raise LoadError(f"{display_name(path.name)}：清洗后没有可用的文字（少于 10 个字）")
    cleaning = asdict(report) | {"encoding": loaded.encoding, "text_sha256": text_hash(first_pass)} | instruction_flags(text)
    return Document(doc_id=doc_id or doc_id_for(path), source=str(path), content_hash=content_hash(path),
                    meta=meta, text=text, cleaning=cleaning)


def instruction_flags(text: str) -> dict:
    """Sentences that address the reader or a model (忽略以上所有指令 …), recorded when indexing so the
    knowledge-base list can flag the document; the text itself stays as it is (it is evidence of the injection)."""
    found = instruction_sentences(text)
    return {"instruction_count": len(found), "instruction_sentences": found[:MAX_FLAGGED_SENTENCES]}


def _plain_title(cleaned: str, path: Path) -> str:
    for line in cleaned.split("\n"):
        line = line.strip()
        if 6 <= len(line) <= 60 and not looks_like_instruction(line):
            return line.rstrip("。")
    return path.stem
