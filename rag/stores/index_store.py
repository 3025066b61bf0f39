"""The persisted index: immutable version folders plus an atomically replaced CURRENT pointer.

    index/
      CURRENT              name of the live version (written to a temp file, then os.replace)
      v-<time>-<rand>/     manifest.json, documents.jsonl, chunks.jsonl, vectors.npy, faiss.index

A new version is written completely beside the live one and only then made
current, so a crash or a bad file mid-ingest leaves the previous index loadable.
"""
from __future__ import annotations

import fcntl
import json
import os
import secrets
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from rag.documents import Chunk, DocMeta, Document

FORMAT_VERSION = 1


class IndexProblem(Exception):
    """Base for index problems that the user must act on; the message says what to do."""


class NoIndex(IndexProblem):
    pass


class IndexMismatch(IndexProblem):
    pass


@dataclass
class StoredIndex:
    """One version as read from disk: data only. The retrieval wing builds its legs from it."""

    version: str
    manifest: dict
    documents: dict[str, Document]
    chunks: list[Chunk]
    tokens: list[list[str]]
    vectors: np.ndarray
    faiss_index: object = field(repr=False)  # faiss.Index, one row per chunk in chunk order
    # Sentence data (rag/ingest/sentences.py): rows {chunk_id, start, end, places, about, years} and their vectors.
    sentences: list[dict] = field(default_factory=list, repr=False)
    sentence_vectors: np.ndarray | None = field(default=None, repr=False)

    def doc_chunks(self, doc_id: str) -> list[tuple[int, Chunk]]:
        return [(i, c) for i, c in enumerate(self.chunks) if c.doc_id == doc_id]


def flat_ip_index(vectors: np.ndarray):
    """Exact inner-product FAISS index over L2-normalised vectors (cosine)."""
    import faiss

    index = faiss.IndexFlatIP(vectors.shape[1])
    if len(vectors):
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


def embedding_fingerprint(backend: str, model: str) -> str:
    return f"{backend}:{model}" if model else backend


class IndexStore:
    def __init__(self, index_dir: Path):
        self.dir = Path(index_dir)

    # -- reading -----------------------------------------------------------------
    def current_version(self) -> str | None:
        pointer = self.dir / "CURRENT"
        if not pointer.exists():
            return None
        name = pointer.read_text(encoding="utf-8").strip()
        return name if name and (self.dir / name / "manifest.json").exists() else None

    def read_manifest(self) -> dict | None:
        version = self.current_version()
        if version is None:
            return None
        return json.loads((self.dir / version / "manifest.json").read_text(encoding="utf-8"))

    def load(self) -> StoredIndex:
        version = self.current_version()
        if version is None:
            raise NoIndex(f"no index in {self.dir}: run `python app.py ingest --index {self.dir} docs/` first")
        vdir = self.dir / version
        manifest = json.loads((vdir / "manifest.json").read_text(encoding="utf-8"))
        if manifest.get("format_version") != FORMAT_VERSION:
            raise IndexMismatch(f"index {vdir} has format {manifest.get('format_version')}, this code reads "
                                f"{FORMAT_VERSION}: rebuild it with `python app.py ingest --index {self.dir} --rebuild`")
        documents = {}
        for line in (vdir / "documents.jsonl").read_text(encoding="utf-8").splitlines():
            d = json.loads(line)
            d["meta"] = DocMeta(**d["meta"])
            documents[d["doc_id"]] = Document(**d)
        chunks, tokens = [], []
        for line in (vdir / "chunks.jsonl").read_text(encoding="utf-8").splitlines():
            d = json.loads(line)
            tokens.append(d.pop("tokens"))
            chunks.append(Chunk(**d))
        vectors = np.load(vdir / "vectors.npy")
        import faiss

        faiss_index = faiss.read_index(str(vdir / "faiss.index"))
        if faiss_index.ntotal != len(chunks) or len(vectors) != len(chunks):
            raise IndexMismatch(f"index {vdir} is inconsistent ({len(chunks)} chunks, {faiss_index.ntotal} vectors): "
                                f"rebuild it with `python app.py ingest --index {self.dir} --rebuild`")
        sentences, sentence_vectors = [], None
        if (vdir / "sentences.jsonl").exists():
            sentences = [json.loads(ln) for ln in (vdir / "sentences.jsonl").read_text(encoding="utf-8").splitlines()]
            sentence_vectors = np.load(vdir / "sentence_vectors.npy")
        return StoredIndex(version, manifest, documents, chunks, tokens, vectors, faiss_index, sentences,
                           sentence_vectors)

    # -- writing -----------------------------------------------------------------
    @contextmanager
    def lock(self):
        """One writer at a time (CLI and UI may ingest into the same folder)."""
        self.dir.mkdir(parents=True, exist_ok=True)
        with open(self.dir / ".lock", "w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def write(self, manifest: dict, documents: list[Document], chunks: list[Chunk], tokens: list[list[str]],
              vectors: np.ndarray, sentences: list[dict] | None = None,
              sentence_vectors: np.ndarray | None = None) -> str:
        """Write a complete new version, then switch CURRENT to it. Caller holds lock()."""
        import faiss

        version = f"v-{time.strftime('%Y%m%d%H%M%S')}-{secrets.token_hex(3)}"
        tmp = self.dir / f".building-{version}"
        tmp.mkdir(parents=True)
        try:
            with open(tmp / "documents.jsonl", "w", encoding="utf-8") as fh:
                for doc in documents:
                    d = {k: v for k, v in doc.__dict__.items()}
                    d["meta"] = doc.meta.__dict__
                    fh.write(json.dumps(d, ensure_ascii=False) + "\n")
            with open(tmp / "chunks.jsonl", "w", encoding="utf-8") as fh:
                for chunk, toks in zip(chunks, tokens):
                    fh.write(json.dumps(chunk.to_dict() | {"tokens": toks}, ensure_ascii=False) + "\n")
            vectors = np.ascontiguousarray(vectors, dtype=np.float32)
            np.save(tmp / "vectors.npy", vectors)
            faiss.write_index(flat_ip_index(vectors), str(tmp / "faiss.index"))
            if sentences is not None:
                with open(tmp / "sentences.jsonl", "w", encoding="utf-8") as fh:
                    fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in sentences)
                np.save(tmp / "sentence_vectors.npy", np.ascontiguousarray(sentence_vectors, dtype=np.float32))
            manifest = manifest | {"format_version": FORMAT_VERSION, "version": version,
                                   "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "n_chunks": len(chunks)}
            (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
            for f in tmp.iterdir():
                _fsync(f)
            os.rename(tmp, self.dir / version)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        pointer_tmp = self.dir / f".CURRENT.{version}"
        pointer_tmp.write_text(version + "\n", encoding="utf-8")
        _fsync(pointer_tmp)
        os.replace(pointer_tmp, self.dir / "CURRENT")
        self._collect_garbage(keep={version})
        return version

    def _collect_garbage(self, keep: set[str]) -> None:
        """Drop old versions and abandoned temp folders, but keep versions younger than a minute:
        a reader that read CURRENT just before the swap may still be opening one."""
        now = time.time()
        for path in self.dir.iterdir():
            if path.name in keep or not path.is_dir():
                continue
            if (path.name.startswith("v-") or path.name.startswith(".building-")) and now - path.stat().st_mtime > 60:
                shutil.rmtree(path, ignore_errors=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
