"""Data carried through the pipeline: a cleaned document and its chunks."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class DocMeta:
    title: str = ""
    publisher: str = ""
    date: str = ""
    source_url: str = ""
    region: str = ""


@dataclass
class Document:
    doc_id: str
    source: str  # path of the file it came from
    content_hash: str  # sha256 of the raw bytes plus the sidecar
    meta: DocMeta
    text: str  # cleaned text in its original script; chunk offsets point into it
    cleaning: dict = field(default_factory=dict)

    @property
    def title(self) -> str:
        return self.meta.title or self.doc_id


@dataclass
class Chunk:
    chunk_id: str
    doc_id: str
    source: str
    title: str
    heading_path: list[str]
    start: int  # char offsets into Document.text: text == document.text[start:end]
    end: int
    text: str

    def search_text(self) -> str:
        """What the retrievers see: title and headings prefixed (not part of the displayed text)."""
        return "\n".join([self.title, *self.heading_path, self.text])

    def to_dict(self) -> dict:
        return asdict(self)
