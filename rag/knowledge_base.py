"""Knowledge-base management for staff (the UI's KB tab): upload, list, delete, re-index.

It keeps the knowledge-base folder (paths.docs_dir) and the index in step, through the
same atomic, incremental ingest as the CLI. A rejected upload changes nothing, and every
message is Chinese and names the file.
"""
from __future__ import annotations

import shutil
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from rag.ingest.document_builder import build_document, content_key, doc_id_for
from rag.ingest.indexer import IngestReport, ingest
from rag.ingest.loaders import SIDECAR_SUFFIX, SUPPORTED_SUFFIXES, LoadError, discover, display_name
from rag.ingest.metadata import sidecar_path
from rag.ingest.progress import ProgressCallback
from rag.retrieval.searcher import Searcher
from rag.settings import Settings
from rag.stores.index_store import IndexProblem, NoIndex


@dataclass
class KBResult:
    ok: bool
    message: str  # one Chinese paragraph for staff
    report: IngestReport | None = None
    doc_id: str = ""  # the document the action was about, when there is one
    details: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"ok": self.ok, "message": self.message, "doc_id": self.doc_id, "details": self.details,
                "report": self.report.to_dict() if self.report else None}


def upload_name_problem(name: str) -> str | None:
    """Why a browser-supplied file name cannot be stored in the knowledge-base folder, or None.

    The name becomes a path on the server, so nothing that leaves the folder (../, /, \\), hides the file
    from re-indexing (a leading dot, README.md), or cannot be shown (control characters, NUL) is accepted."""
    shown = display_name(name)
    if not name.strip():
        return "文件名为空"
    if any(unicodedata.category(c) == "Cc" for c in name):
        return f"文件名含有控制字符（如换行、NUL）：{shown}，请改名后再上传"
    if "/" in name or "\\" in name or name in (".", ".."):
        return f"文件名不能包含路径（/、\\ 或 ..）：{shown}，请只上传文件本身"
    if name.startswith("."):
        return f"文件名不能以“.”开头（会被当作隐藏文件）：{shown}"
    if name.lower() == "readme.md" or name.lower().endswith(SIDECAR_SUFFIX):
        return f"这个文件名留作说明或元数据用，请改名后再上传：{shown}"
    if len(name.encode("utf-8")) > 200:
        return f"文件名过长（{len(name.encode('utf-8'))} 字节，上限 200）：{shown[:40]}…"
    return None


class KnowledgeBase:
    def __init__(self, settings: Settings, searcher: Searcher):
        self.settings = settings
        self.searcher = searcher
        self.docs_dir = Path(settings.paths.docs_dir)
        self.index_dir = searcher.store.dir

    def documents(self) -> list[dict]:
        """One row per indexed document; `instructions` > 0 flags text that addresses the reader or a model."""
        snap = self.searcher.snapshot()
        counts: dict[str, int] = {}
        for c in snap.chunks:
            counts[c.doc_id] = counts.get(c.doc_id, 0) + 1
        return [{"doc_id": d.doc_id, "title": d.title, "publisher": d.meta.publisher, "date": d.meta.date,
                 "region": d.meta.region, "chunks": counts.get(d.doc_id, 0), "file": Path(d.source).name,
                 "encoding": d.cleaning.get("encoding", ""),
                 "instructions": d.cleaning.get("instruction_count", 0),
                 "instruction_sentences": d.cleaning.get("instruction_sentences", []),
                 "instruction_chunks": d.cleaning.get("instruction_chunks", [])}
                for d in snap.documents.values()]

    def _indexed(self) -> dict:
        """The indexed documents; {} when there is no index yet. A damaged index raises IndexProblem."""
        try:
            return self.searcher.snapshot().documents
        except NoIndex:
            return {}

    def add(self, uploaded: Path, original_name: str, progress: ProgressCallback | None = None) -> KBResult:
        name = original_name or ""
        if problem := upload_name_problem(name):
            return KBResult(False, f"未添加：{problem}。知识库未改变。")
        suffix = Path(name).suffix.lower()
        if suffix not in SUPPORTED_SUFFIXES:
            return KBResult(False, f"不支持的文件类型 {suffix or '（无扩展名）'}：{name}。支持 {' '.join(SUPPORTED_SUFFIXES)}")
        size_mb = Path(uploaded).stat().st_size / 1e6
        if size_mb > self.settings.ui.max_upload_mb:
            return KBResult(False, f"文件过大：{name} 为 {size_mb:.1f} MB，上限 {self.settings.ui.max_upload_mb:g} MB"
                                   f"（设置 ui.max_upload_mb）。知识库未改变。")
        doc_id = doc_id_for(Path(name))
        with tempfile.TemporaryDirectory() as tmp:
            probe = Path(tmp) / name
            shutil.copy(uploaded, probe)
            try:
                doc = build_document(probe, doc_id)  # read and clean it before anything is touched
            except LoadError as exc:
                return KBResult(False, f"无法读取：{exc}。知识库未改变。", doc_id=doc_id)
        try:
            indexed = self._indexed()
        except IndexProblem as exc:
            return KBResult(False, f"未添加 {name}：{exc}", doc_id=doc_id)
        same = next((d for d in indexed.values() if d.doc_id != doc_id and content_key(d) == content_key(doc)), None)
        if same is not None:
            return KBResult(False, f"未添加 {name}：内容与已收录的《{same.title}》（{same.doc_id}，文件 "
                                   f"{Path(same.source).name}）相同，不重复收录。", doc_id=same.doc_id)
        target = self.docs_dir / name
        backup = None
        if target.exists():
            backup = Path(tempfile.mkdtemp()) / name
            shutil.copy(target, backup)
        self.docs_dir.mkdir(parents=True, exist_ok=True)
        shutil.copy(uploaded, target)

        def restore():  # put the folder back as it was: the index itself was never switched
            if backup:
                shutil.copy(backup, target)
            else:
                target.unlink(missing_ok=True)

        try:
            report = ingest([target], self.settings, self.index_dir, sync=False, progress=progress)
        except IndexProblem as exc:
            restore()
            return KBResult(False, f"未添加 {name}：{exc}", doc_id=doc_id)
        except Exception:
            restore()
            raise
        if report.failed or report.duplicates:
            restore()
            reason = report.failed[0][1] if report.failed else f"内容与已收录的文档 {report.duplicates[0][1]} 相同"
            return KBResult(False, f"未添加 {name}：{reason}。知识库未改变。", report, doc_id)
        verb = "已更新" if report.updated else ("已添加" if report.added else "内容未变")
        chunks = sum(1 for c in self.searcher.snapshot().chunks if c.doc_id == doc.doc_id)
        message = f"{verb}《{doc.title}》（{doc.doc_id}，{chunks} 个段落）"
        if n := doc.cleaning.get("instruction_count"):
            message += f"。注意：其中 {n} 句像是对读者或模型下的指令（如“{doc.cleaning['instruction_sentences'][0][:30]}”），已标记"
        return KBResult(True, message, report, doc.doc_id,
                        {"title": doc.title, "chunks": chunks, "instructions": doc.cleaning.get("instruction_count", 0)})

    def delete(self, doc_id: str) -> KBResult:
        try:
            indexed = self._indexed()
        except IndexProblem as exc:
            return KBResult(False, f"未删除：{exc}", doc_id=doc_id)
        doc = indexed.get(doc_id)
        if doc is None:
            return KBResult(False, f"没有这个文档：{doc_id}", doc_id=doc_id)
        try:
            report = ingest([], self.settings, self.index_dir, sync=False, remove=[doc_id])
        except IndexProblem as exc:
            return KBResult(False, f"未删除《{doc.title}》：{exc}", doc_id=doc_id)
        for f in discover([self.docs_dir]) if self.docs_dir.exists() else []:  # files go once the index is switched
            if doc_id_for(f) == doc_id:
                f.unlink()
                sidecar_path(f).unlink(missing_ok=True)
        return KBResult(True, f"已删除《{doc.title}》（{doc_id}）", report, doc_id)

    def reindex(self, progress: ProgressCallback | None = None) -> KBResult:
        """Index exactly the knowledge-base folder (the recovery path for a damaged index too)."""
        try:
            report = ingest([self.docs_dir], self.settings, self.index_dir, sync=True, progress=progress)
        except IndexProblem as exc:
            return KBResult(False, f"重新索引失败：{exc}")
        return KBResult(not report.failed, report.summary(), report)
