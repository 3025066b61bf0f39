"""Knowledge-base management for staff (the UI's KB tab): upload, list, delete, re-index.

It keeps the knowledge-base folder (paths.docs_dir) and the index in step, through the
same atomic, incremental ingest as the CLI. A rejected upload changes nothing.
"""
from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from rag.ingest.document_builder import build_document, doc_id_for
from rag.ingest.indexer import IngestReport, ingest
from rag.ingest.loaders import SUPPORTED_SUFFIXES, LoadError, discover
from rag.ingest.metadata import sidecar_path
from rag.retrieval.searcher import Searcher
from rag.settings import Settings


@dataclass
class KBResult:
    ok: bool
    message: str
    report: IngestReport | None = None


class KnowledgeBase:
    def __init__(self, settings: Settings, searcher: Searcher):
        self.settings = settings
        self.searcher = searcher
        self.docs_dir = Path(settings.paths.docs_dir)
        self.index_dir = searcher.store.dir

    def documents(self) -> list[dict]:
        snap = self.searcher.snapshot()
        counts: dict[str, int] = {}
        for c in snap.chunks:
            counts[c.doc_id] = counts.get(c.doc_id, 0) + 1
        return [{"doc_id": d.doc_id, "title": d.title, "publisher": d.meta.publisher, "date": d.meta.date,
                 "region": d.meta.region, "chunks": counts.get(d.doc_id, 0), "file": Path(d.source).name}
                for d in snap.documents.values()]

    def add(self, uploaded: Path, original_name: str) -> KBResult:
        name = Path(original_name).name
        suffix = Path(name).suffix.lower()
        if suffix not in SUPPORTED_SUFFIXES:
            return KBResult(False, f"不支持的文件类型 {suffix or '（无扩展名）'}：{name}。支持 {' '.join(SUPPORTED_SUFFIXES)}")
        size_mb = Path(uploaded).stat().st_size / 1e6
        if size_mb > self.settings.ui.max_upload_mb:
            return KBResult(False, f"文件过大：{name} 为 {size_mb:.1f} MB，上限 {self.settings.ui.max_upload_mb:g} MB")
        with tempfile.TemporaryDirectory() as tmp:
            probe = Path(tmp) / name
            shutil.copy(uploaded, probe)
            try:
                doc = build_document(probe)  # read and clean it before anything is touched
            except LoadError as exc:
                return KBResult(False, f"无法读取：{exc}")
        target = self.docs_dir / name
        backup = None
        if target.exists():
            backup = Path(tempfile.mkdtemp()) / name
            shutil.copy(target, backup)
        self.docs_dir.mkdir(parents=True, exist_ok=True)
        shutil.copy(uploaded, target)
        try:
            report = ingest([target], self.settings, self.index_dir, sync=False)
        except Exception:
            # put the folder back as it was: the index itself was never switched
            if backup:
                shutil.copy(backup, target)
            else:
                target.unlink(missing_ok=True)
            raise
        if report.failed:
            target.unlink(missing_ok=True)
            if backup:
                shutil.copy(backup, target)
            return KBResult(False, f"无法读取：{report.failed[0][1]}", report)
        verb = "已更新" if report.updated else ("已添加" if report.added else "内容未变")
        chunks = sum(1 for c in self.searcher.snapshot().chunks if c.doc_id == doc.doc_id)
        return KBResult(True, f"{verb}《{doc.title}》（{doc.doc_id}，{chunks} 个段落）", report)

    def delete(self, doc_id: str) -> KBResult:
        snap = self.searcher.snapshot()
        if doc_id not in snap.documents:
            return KBResult(False, f"没有这个文档：{doc_id}")
        for f in discover([self.docs_dir]) if self.docs_dir.exists() else []:
            if doc_id_for(f) == doc_id:
                f.unlink()
                sidecar_path(f).unlink(missing_ok=True)
        report = ingest([], self.settings, self.index_dir, sync=False, remove=[doc_id])
        return KBResult(True, f"已删除 {doc_id}", report)

    def reindex(self) -> KBResult:
        report = ingest([self.docs_dir], self.settings, self.index_dir, sync=True)
        return KBResult(not report.failed, report.summary(), report)
