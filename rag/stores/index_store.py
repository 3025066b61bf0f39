"""The persisted index: immutable segments, immutable version manifests, an atomically replaced CURRENT pointer.

    index/
      CURRENT              name of the live version (written to a temp file, then os.replace)
      v-<time>-<rand>/     manifest.json: the segments of this version (each with the SHA-256 of its
                           segment.json) and the documents deleted from each (tombstones)
      segments/s-<...>/    one immutable segment (rag/stores/segment.py), shared by the versions that list it

A change writes a new small segment (and, now and then, a merged one: see rag/ingest/compaction.py) and a
new manifest beside the live one, and only then swaps CURRENT, so a crash or a bad file mid-ingest leaves
the previous index loadable, and adding one document never rewrites the big files. Every file is listed
with its SHA-256 and size (segment.json lists its folder, the manifest lists segment.json); loading checks
sizes always and contents once per file identity (rag/stores/verified_stamp.py), so a damaged file is an
error naming it, never silently wrong results. The newest `keep_versions` earlier versions stay for
`rollback()`; segments no kept version lists are removed.
"""
from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path


from rag.stores.file_lock import exclusive_lock
from rag.stores.rows import (ChunkRows, Documents, RowLayout, SentenceRows, SentenceVectors, TokenRows,
                             VectorRows)
from rag.stores.segment import SEGMENT_MANIFEST, Segment
from rag.stores.verified_stamp import stamped_files, write_stamp

FORMAT_VERSION = 3  # 2: manifest["files"] holds the checksum of every file; 3: segments, tombstones, postings
MANIFEST = "manifest.json"
SEGMENTS = "segments"


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
    """One version as read from disk: row views over its segments (nothing parsed per row until asked for).
    The retrieval wing builds its legs from it."""

    version: str
    manifest: dict
    documents: Documents
    chunks: ChunkRows
    tokens: TokenRows
    vectors: VectorRows
    layout: RowLayout = field(repr=False)
    # Sentence data (rag/ingest/sentences.py): rows {chunk_id, start, end, places, about, years} and their vectors.
    sentences: SentenceRows = field(default=None, repr=False)
    sentence_vectors: SentenceVectors | None = field(default=None, repr=False)

    @property
    def segments(self) -> list[Segment]:
        return self.layout.segments

    def doc_chunks(self, doc_id: str) -> list[tuple[int, object]]:
        if doc_id not in self.layout.docs:
            return []
        return [(i, self.chunks[i]) for i in self.layout.doc_rows(doc_id)]


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

    @property
    def segments_dir(self) -> Path:
        return self.dir / SEGMENTS

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
        problems, metas = self._check_version(vdir, manifest, full=False)
        if problems:
            raise IndexCorrupt(f"索引已损坏：{'；'.join(problems)}。{recovery_hint(self.dir)}")
        segments = []
        for entry, meta in zip(manifest["segments"], metas):
            try:
                segments.append(Segment(self.segments_dir / entry["name"], meta).open(
                    lambda folder, name: _parsing(folder, name, self.dir)))
            except IndexCorrupt as exc:
                if "恢复办法" in str(exc):
                    raise
                raise IndexCorrupt(f"{exc}。{recovery_hint(self.dir)}") from exc
        layout = RowLayout(segments, [e.get("deleted", []) for e in manifest["segments"]])
        return StoredIndex(version, manifest, Documents(layout), ChunkRows(layout), TokenRows(layout),
                           VectorRows(layout), layout, SentenceRows(layout), SentenceVectors(layout))

    def _check_version(self, vdir: Path, manifest: dict, full: bool) -> tuple[list[str], list[dict]]:
        """(problems, segment metadata) of a version: each listed segment.json against the manifest, then the
        files of each segment against its segment.json. full=False skips hashing files verified before
        whose identity is unchanged (verified_stamp); sizes are always compared."""
        listed = manifest.get("segments")
        if not isinstance(listed, list):
            return [f"{vdir / MANIFEST} 没有记录索引段"], []
        problems, metas = [], []
        for entry in listed:
            folder = self.segments_dir / str(entry.get("name", ""))
            seg_json = folder / SEGMENT_MANIFEST
            if not seg_json.is_file():
                problems.append(f"{seg_json} 缺失")
                continue
            if seg_json.stat().st_size != entry.get("bytes") or sha256_of(seg_json) != entry.get("sha256"):
                problems.append(f"{seg_json} 内容被改动（SHA-256 与清单 {vdir / MANIFEST} 不符）")
                continue
            try:
                meta = _read_manifest(folder, self.dir, SEGMENT_MANIFEST)
            except IndexCorrupt as exc:
                problems.append(str(exc).split("。")[0])
                continue
            files = meta.get("files") or {}
            skip = set() if full else stamped_files(folder, files)
            found = verify_files(folder, meta, skip=skip)
            if not found and skip != set(files):
                write_stamp(folder, files)
            problems += found
            metas.append(meta)
        return problems, metas

    # -- checking and restoring -------------------------------------------------
    def verify(self) -> list[tuple[str, bool, list[str]]]:
        """(version, is_live, problems) for every version folder, newest first; no problems = intact.
        Every file is hashed (no verified stamps): this is the check for silent media damage."""
        live = self.current_version()
        out = []
        for version in reversed(self.versions()):
            vdir = self.dir / version
            try:
                problems = self._check_version(vdir, _read_manifest(vdir, self.dir), full=True)[0]
            except IndexCorrupt as exc:
                problems = [str(exc).split("。")[0]]
            out.append((version, version == live, problems))
        pointer = self.dir / "CURRENT"
        if pointer.exists() and live is None:
            out.insert(0, ("CURRENT", True, [f"CURRENT 指向的版本 {pointer.read_text(encoding='utf-8').strip()!r} 不存在"]))
        return out

    def rollback(self) -> tuple[str | None, str, list[tuple[str, list[str]]]]:
        """Make the newest intact earlier version live; the version left is set aside (.discarded-…).
        Segments are shared: a damaged segment that the earlier versions also list is skipped with them.

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
                    problems = self._check_version(vdir, _read_manifest(vdir, self.dir), full=True)[0]
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
    def lock(self):
        """One writer at a time (CLI and UI may ingest into the same folder)."""
        return exclusive_lock(self.dir, ".lock")

    def write_version(self, manifest: dict, segments: list[dict]) -> str:
        """Write a new version manifest listing `segments` (entries from write_segment, each with the doc ids
        deleted from it), then switch CURRENT to it. The segments are complete already. Caller holds lock()."""
        now = time.time()
        version = f"v-{time.strftime('%Y%m%d%H%M%S', time.localtime(now))}-{int(now % 1 * 1e6):06d}-{secrets.token_hex(3)}"
        tmp = self.dir / f".building-{version}"
        tmp.mkdir(parents=True)
        try:
            manifest = manifest | {"format_version": FORMAT_VERSION, "version": version,
                                   "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "segments": segments}
            (tmp / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
            _fsync(tmp / MANIFEST)
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
        set-aside and abandoned temp folders, and segments no remaining version lists, but only after a
        minute: a reader that read CURRENT just before the swap may still be opening one."""
        keep = {live, *[v for v in self.versions() if v < live][-self.keep_versions:]} if self.keep_versions else {live}
        now = time.time()
        for path in self.dir.iterdir():
            if path.name in keep or not path.is_dir():
                continue
            if path.name.startswith(("v-", ".building-", ".discarded-")) and now - path.stat().st_mtime > 60:
                shutil.rmtree(path, ignore_errors=True)
        if not self.segments_dir.is_dir():
            return
        listed = set()
        for path in self.dir.iterdir():
            if path.is_dir() and path.name.startswith(("v-", ".discarded-", ".building-")):
                try:
                    listed |= {e["name"] for e in _read_manifest(path, self.dir).get("segments", [])}
                except IndexProblem:
                    if path.name.startswith("v-"):
                        return  # an unreadable version manifest: keep every segment rather than guess
                except (KeyError, TypeError):
                    return
        for path in self.segments_dir.iterdir():
            if path.name not in listed and now - path.stat().st_mtime > 60:
                shutil.rmtree(path, ignore_errors=True)


# -- integrity: generic over the files of a folder, whatever files the writer adds ----------
def file_digests(folder: Path) -> dict[str, dict]:
    """SHA-256 and size of every file in a folder except the manifest that lists it and dot files."""
    out = {}
    for f in sorted(folder.iterdir()):
        if f.is_file() and f.name not in (MANIFEST, SEGMENT_MANIFEST) and not f.name.startswith("."):
            out[f.name] = {"sha256": sha256_of(f), "bytes": f.stat().st_size}
    return out


def sha256_of(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def verify_files(vdir: Path, manifest: dict, skip: set[str] = frozenset()) -> list[str]:
    """What is wrong with the listed files of a folder, one Chinese line per file naming it; [] when intact.

    Sizes are compared first (a truncated file costs no hashing), then contents are hashed in streaming reads,
    except the files in `skip` (verified before and unchanged since: rag/stores/verified_stamp.py)."""
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
    todo = [name for name, want in listed.items() if name not in skip and (vdir / name).is_file()
            and (vdir / name).stat().st_size == want.get("bytes")]
    # one thread per core (hashlib releases the GIL while it hashes)
    with ThreadPoolExecutor(max_workers=min(len(todo), os.cpu_count() or 1) or 1) as pool:
        digests = dict(zip(todo, pool.map(lambda name: sha256_of(vdir / name), todo)))
    problems += [f"{vdir / name} 内容被改动（SHA-256 与清单不符）" for name in todo
                 if digests[name] != listed[name].get("sha256")]
    return problems


def recovery_hint(index_dir: Path) -> str:
    return (f"恢复办法：回退到上一个完好的版本 python app.py index --index {index_dir} --rollback，"
            f"或从文档文件夹重建 python app.py ingest --index {index_dir} --rebuild docs/")


def _read_manifest(vdir: Path, index_dir: Path, name: str = MANIFEST) -> dict:
    with _parsing(vdir, name, index_dir):
        manifest = json.loads((vdir / name).read_text(encoding="utf-8"))
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
