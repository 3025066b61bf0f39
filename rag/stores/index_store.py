"""The persisted index: immutable version folders plus an atomically replaced CURRENT pointer.

    index/
      CURRENT              name of the live version (written to a temp file, then os.replace)
      v-<time>-<rand>/     manifest.json, documents.jsonl, chunks.jsonl, vectors.npy, faiss.index

A new version is written completely beside the live one and only then made
current, so a crash or a bad file mid-ingest leaves the previous index loadable.
The manifest records the SHA-256 and size of every other file of its version;
loading checks them, so a damaged file is an error naming it, never silently
wrong results. The newest `keep_versions` earlier versions stay for `rollback()`.
"""
from __future__ import annotations

import fcntl
import hashlib
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

FORMAT_VERSION = 2  # 2: manifest["files"] holds the checksum of every file
MANIFEST = "manifest.json"


class IndexProblem(Exception):
    """Base for index problems that the user must act on; the message says what to do."""


class NoIndex(IndexProblem):
    pass


class IndexMismatch(IndexProblem):
    pass


class IndexCorrupt(IndexProblem):
    """A version whose files do not match their manifest, or cannot be parsed."""


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
    def __init__(self, index_dir: Path, keep_versions: int = 2):
        self.dir = Path(index_dir)
        self.keep_versions = keep_versions  # earlier versions kept for rollback()

    # -- reading -----------------------------------------------------------------
    def current_version(self) -> str | None:
        pointer = self.dir / "CURRENT"
        if not pointer.exists():
            return None
        name = pointer.read_text(encoding="utf-8", errors="replace").strip()
        return name if name and "/" not in name and (self.dir / name).is_dir() else None

    def read_manifest(self) -> dict | None:
        version = self.current_version()
        if version is None:
            return None
        return _read_manifest(self.dir / version, self.dir)

    def versions(self) -> list[str]:
        """Every complete version folder, oldest first (names start with their creation time)."""
        if not self.dir.is_dir():
            return []
        return sorted(p.name for p in self.dir.iterdir() if p.is_dir() and p.name.startswith("v-"))

    def load(self) -> StoredIndex:
        version = self.current_version()
        if version is None and (self.dir / "CURRENT").exists():
            named = (self.dir / "CURRENT").read_text(encoding="utf-8", errors="replace").strip()
            raise IndexCorrupt(f"索引指针 {self.dir / 'CURRENT'} 指向的版本 {named!r} 不存在。{recovery_hint(self.dir)}")
        if version is None:
            raise NoIndex(f"{self.dir} 里还没有索引：请先运行 python app.py ingest --index {self.dir} docs/")
        vdir = self.dir / version
        manifest = _read_manifest(vdir, self.dir)
        if manifest.get("format_version") != FORMAT_VERSION:
            raise IndexMismatch(f"索引 {vdir} 的格式是 {manifest.get('format_version')}，本程序读取格式 "
                                f"{FORMAT_VERSION}：请重建，python app.py ingest --index {self.dir} --rebuild docs/")
        problems = verify_files(vdir, manifest)
        if problems:
            raise IndexCorrupt(f"索引已损坏：{'；'.join(problems)}。{recovery_hint(self.dir)}")
        documents = {}
        with _parsing(vdir, "documents.jsonl", self.dir):
            for line in (vdir / "documents.jsonl").read_text(encoding="utf-8").splitlines():
                d = json.loads(line)
                d["meta"] = DocMeta(**d["meta"])
                documents[d["doc_id"]] = Document(**d)
        chunks, tokens = [], []
        with _parsing(vdir, "chunks.jsonl", self.dir):
            for line in (vdir / "chunks.jsonl").read_text(encoding="utf-8").splitlines():
                d = json.loads(line)
                tokens.append(d.pop("tokens"))
                chunks.append(Chunk(**d))
        with _parsing(vdir, "vectors.npy", self.dir):
            vectors = np.load(vdir / "vectors.npy")
        import faiss

        with _parsing(vdir, "faiss.index", self.dir):
            faiss_index = faiss.read_index(str(vdir / "faiss.index"))
        if faiss_index.ntotal != len(chunks) or len(vectors) != len(chunks):
            raise IndexCorrupt(f"索引 {vdir} 前后不一致（{len(chunks)} 个段落，{faiss_index.ntotal} 个向量）。"
                               f"{recovery_hint(self.dir)}")
        sentences, sentence_vectors = [], None
        if (vdir / "sentences.jsonl").exists():
            with _parsing(vdir, "sentences.jsonl", self.dir):
                sentences = [json.loads(ln) for ln in (vdir / "sentences.jsonl").read_text(encoding="utf-8").splitlines()]
            with _parsing(vdir, "sentence_vectors.npy", self.dir):
                sentence_vectors = np.load(vdir / "sentence_vectors.npy")
            if len(sentence_vectors) != len(sentences):
                raise IndexCorrupt(f"索引 {vdir} 前后不一致（{len(sentences)} 个句子，{len(sentence_vectors)} 个句向量）。"
                                   f"{recovery_hint(self.dir)}")
        return StoredIndex(version, manifest, documents, chunks, tokens, vectors, faiss_index, sentences,
                           sentence_vectors)

    # -- checking and restoring -------------------------------------------------
    def verify(self) -> list[tuple[str, bool, list[str]]]:
        """(version, is_live, problems) for every version folder, newest first; no problems = intact."""
        live = self.current_version()
        out = []
        for version in reversed(self.versions()):
            vdir = self.dir / version
            try:
                manifest = _read_manifest(vdir, self.dir)
                problems = verify_files(vdir, manifest)
            except IndexCorrupt as exc:
                problems = [str(exc).split("。")[0]]
            out.append((version, version == live, problems))
        pointer = self.dir / "CURRENT"
        if pointer.exists() and live is None:
            out.insert(0, ("CURRENT", True, [f"CURRENT 指向的版本 {pointer.read_text(encoding='utf-8').strip()!r} 不存在"]))
        return out

    def rollback(self) -> tuple[str | None, str, list[tuple[str, list[str]]]]:
        """Make the newest intact earlier version live; the version left is set aside (.discarded-…).

        Returns (left version, new live version, [(skipped damaged version, problems)])."""
        with self.lock():
            live = self.current_version()
            skipped = []
            for version in reversed(self.versions()):
                if version == live:
                    continue
                if live is not None and version > live:
                    continue  # only go back in time
                vdir = self.dir / version
                try:
                    problems = verify_files(vdir, _read_manifest(vdir, self.dir))
                except IndexCorrupt as exc:
                    problems = [str(exc).split("。")[0]]
                if problems:
                    skipped.append((version, problems))
                    continue
                self._point_current_to(version)
                if live is not None:
                    os.rename(self.dir / live, self.dir / f".discarded-{live}")
                return live, version, skipped
        raise IndexProblem(f"{self.dir} 里没有可以回退到的完好旧版本"
                           + (f"（已检查 {len(skipped)} 个，均已损坏）" if skipped else "")
                           + f"：请从文档重建，python app.py ingest --index {self.dir} --rebuild docs/")

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

        now = time.time()
        version = f"v-{time.strftime('%Y%m%d%H%M%S', time.localtime(now))}-{int(now % 1 * 1e6):06d}-{secrets.token_hex(3)}"
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
                                   "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "n_chunks": len(chunks),
                                   "files": file_digests(tmp)}
            (tmp / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
            for f in tmp.iterdir():
                _fsync(f)
            os.rename(tmp, self.dir / version)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        self._point_current_to(version)
        self._collect_garbage(live=version)
        return version

    def _point_current_to(self, version: str) -> None:
        pointer_tmp = self.dir / f".CURRENT.{version}"
        pointer_tmp.write_text(version + "\n", encoding="utf-8")
        _fsync(pointer_tmp)
        os.replace(pointer_tmp, self.dir / "CURRENT")

    def _collect_garbage(self, live: str) -> None:
        """Keep the live version and the newest `keep_versions` before it (for rollback); drop older ones,
        set-aside and abandoned temp folders, but only after a minute: a reader that read CURRENT
        just before the swap may still be opening one."""
        keep = {live, *[v for v in self.versions() if v < live][-self.keep_versions:]} if self.keep_versions else {live}
        now = time.time()
        for path in self.dir.iterdir():
            if path.name in keep or not path.is_dir():
                continue
            if path.name.startswith(("v-", ".building-", ".discarded-")) and now - path.stat().st_mtime > 60:
                shutil.rmtree(path, ignore_errors=True)


# -- integrity: generic over the files of a version folder, whatever files the writer adds ----------
def file_digests(folder: Path) -> dict[str, dict]:
    """SHA-256 and size of every file in a version folder except the manifest that lists them."""
    out = {}
    for f in sorted(folder.iterdir()):
        if f.is_file() and f.name != MANIFEST:
            with open(f, "rb") as fh:
                out[f.name] = {"sha256": hashlib.file_digest(fh, "sha256").hexdigest(), "bytes": f.stat().st_size}
    return out


def verify_files(vdir: Path, manifest: dict) -> list[str]:
    """What is wrong with the files of a version, one Chinese line per file naming it; [] when intact.

    Sizes are compared first (a truncated file costs no hashing), then contents are hashed in streaming reads."""
    listed = manifest.get("files")
    if not isinstance(listed, dict) or not listed:
        return [f"{vdir / MANIFEST} 没有记录文件校验值"]
    problems = []
    for name, want in listed.items():
        path = vdir / name
        if not path.is_file():
            problems.append(f"{path} 缺失")
        elif path.stat().st_size != want.get("bytes"):
            problems.append(f"{path} 大小不符（应为 {want.get('bytes')} 字节，实际 {path.stat().st_size} 字节）")
    for name, want in listed.items():
        path = vdir / name
        if path.is_file() and path.stat().st_size == want.get("bytes"):
            with open(path, "rb") as fh:
                if hashlib.file_digest(fh, "sha256").hexdigest() != want.get("sha256"):
                    problems.append(f"{path} 内容被改动（SHA-256 与清单不符）")
    return problems


def recovery_hint(index_dir: Path) -> str:
    return (f"恢复办法：回退到上一个完好的版本 python app.py index --index {index_dir} --rollback，"
            f"或从文档文件夹重建 python app.py ingest --index {index_dir} --rebuild docs/")


def _read_manifest(vdir: Path, index_dir: Path) -> dict:
    with _parsing(vdir, MANIFEST, index_dir):
        manifest = json.loads((vdir / MANIFEST).read_text(encoding="utf-8"))
        if not isinstance(manifest, dict):
            raise ValueError("not a JSON object")
        return manifest


@contextmanager
def _parsing(vdir: Path, name: str, index_dir: Path):
    """Turn any read or parse failure of one index file into an error that names it and says how to recover."""
    try:
        yield
    except IndexProblem:
        raise
    except Exception as exc:
        raise IndexCorrupt(f"索引文件 {vdir / name} 无法读取（{exc.__class__.__name__}）。{recovery_hint(index_dir)}") from exc


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
