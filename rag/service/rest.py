"""REST routes: /v1/models, /v1/search, /v1/documents (changes need staff), /healthz, /readyz."""
from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from fastapi import APIRouter, Depends, File, Request, UploadFile

from rag.retrieval.searcher import Filters
from rag.service.auth import components, require_staff
from rag.service.errors import ApiError
from rag.service.rate_limit import client_of
from rag.service.schemas import (MODEL_ID, ConversationLogHealth, DocumentChange, DocumentList, DocumentOut, Health,
                                 ModelCard, ModelList,
                                 Ready, SearchHit, SearchRequest, SearchResponse, error_responses)
from rag.stores.index_store import IndexProblem

router = APIRouter()
STARTED = int(time.time())


def check_question(c, text: str, field: str, allow_empty: bool = False) -> str:
    text = (text or "").strip()
    if not text and not allow_empty:
        raise ApiError(400, f"{field} 为空：请输入问题。")
    limit = c.settings.service.max_question_chars
    if len(text) > limit:
        raise ApiError(413, f"{field} 太长（{len(text)} 字），请控制在 {limit} 字以内。")
    return text


def hit_fields(h: dict) -> dict:
    """A hit or citation as the API shows it: the file name, never the server's path."""
    out = {k: v for k, v in h.items() if k != "source"}
    out["file"] = Path(h.get("source") or "").name
    return out


@router.get("/v1/models", response_model=ModelList, tags=["chat"])
def models() -> ModelList:
    return ModelList(data=[ModelCard(id=MODEL_ID, created=STARTED)])


@router.post("/v1/search", response_model=SearchResponse, tags=["search"],
             responses=error_responses(400, 413, 422, 429, 503))
def search(body: SearchRequest, request: Request) -> SearchResponse:
    c = components(request)
    query = check_question(c, body.query, "query", allow_empty=True)
    c.chat_limiter.hit(client_of(request))
    if not query:
        return SearchResponse(query=query, mode=body.mode, hits=[], timings_ms={"total": 0.0})
    f = body.filters
    try:
        result = c.searcher.search(query, k=body.k, mode=body.mode,
                                   filters=Filters(f.regions, f.doc_ids, f.date_from, f.date_to))
    except IndexProblem as exc:
        raise ApiError(503, f"索引不可用：{exc}")
    hits = [SearchHit(**{k: v for k, v in hit_fields(h.to_dict()).items() if k in SearchHit.model_fields})
            for h in result.hits]
    return SearchResponse(query=result.query, mode=result.mode, hits=hits, timings_ms=result.timings_ms)


@router.get("/v1/documents", response_model=DocumentList, tags=["documents"], responses=error_responses(503))
def list_documents(request: Request) -> DocumentList:
    try:
        docs = components(request).kb.documents()
    except IndexProblem as exc:
        raise ApiError(503, f"索引不可用：{exc}")
    return DocumentList(data=[DocumentOut(**{k: d[k] for k in DocumentOut.model_fields}) for d in docs])


@router.post("/v1/documents", response_model=DocumentChange, tags=["documents"],
             responses=error_responses(400, 401, 413, 422))
def upload_document(request: Request, file: UploadFile = File(description="A .txt .md .html .pdf or .docx file"),
                    staff: str = Depends(require_staff)) -> DocumentChange:
    """Add or update one document (staff API key). Indexed at once; a rejected file changes nothing."""
    c = components(request)
    name = Path(file.filename or "").name
    if not name:
        raise ApiError(400, "上传的文件没有文件名（multipart 字段 file 的 filename）。")
    limit = int(c.settings.ui.max_upload_mb * 1e6)
    with tempfile.TemporaryDirectory(prefix="rqa-upload-") as tmp:
        path = Path(tmp) / "upload"
        with path.open("wb") as out:
            shutil.copyfileobj(file.file, out, length=1 << 20)
        if path.stat().st_size > limit:
            raise ApiError(413, f"文件过大：{name} 超过上限 {c.settings.ui.max_upload_mb:g} MB。")
        try:
            result = c.kb.add(path, name)
        except IndexProblem as exc:
            raise ApiError(503, f"索引不可用：{exc}")
    if not result.ok:
        raise ApiError(400, result.message)
    doc_id = ""
    if result.report is not None:
        changed = result.report.added + result.report.updated
        doc_id = changed[0] if changed else ""
    return DocumentChange(ok=True, message=result.message, doc_id=doc_id)


@router.delete("/v1/documents/{doc_id}", response_model=DocumentChange, tags=["documents"],
               responses=error_responses(401, 404))
def delete_document(doc_id: str, request: Request, staff: str = Depends(require_staff)) -> DocumentChange:
    """Remove a document from the index and its file (and sidecar) from the knowledge-base folder."""
    result = components(request).kb.delete(doc_id)
    if not result.ok:
        raise ApiError(404, result.message)
    return DocumentChange(ok=True, message=result.message, doc_id=doc_id)


@router.get("/healthz", response_model=Health, tags=["health"])
def healthz() -> Health:
    """The process is up."""
    return Health()


@router.get("/readyz", response_model=Ready, tags=["health"], responses=error_responses(503))
def readyz(request: Request) -> Ready:
    """The index is loaded and searchable; how the conversation log is doing (its failed writes never
    stop an answer, so they are reported here, not turned into a 503)."""
    c = components(request)
    try:
        snap = c.searcher.snapshot()
        c.searcher.search("城市更新", k=1, mode="bm25")
    except IndexProblem as exc:
        raise ApiError(503, f"索引不可用：{exc}")
    return Ready(index_version=snap.version, documents=len(snap.documents), chunks=len(snap.chunks),
                 conversations=_log_health(c.store))


def _log_health(store) -> ConversationLogHealth | None:
    if store is None:
        return None
    h = store.health()
    return ConversationLogHealth(ok=h["ok"], backend=store.url.get_backend_name(), write_failures=h["write_failures"],
                                 last_error=h["last_error"])
