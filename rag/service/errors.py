"""JSON errors for the REST API: {"error": {"message", "type", "code"}} (OpenAI's shape), messages in Chinese."""
from __future__ import annotations

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from rag.conversations.times import parse_day
from rag.retrieval.searcher import DATE_FIELDS, FilterError, parse_filter_date
from rag.service.rate_limit import RateLimited
from rag.stores.index_store import IndexProblem

_KINDS = {400: "invalid_request_error", 401: "authentication_error", 403: "permission_denied", 404: "not_found",
          405: "method_not_allowed", 413: "request_too_large", 422: "invalid_request_error",
          429: "rate_limit_exceeded", 503: "service_unavailable"}


DAY_PARAMS = ("since", "until")  # query parameters of /v1/conversations, /v1/feedback, /v1/insights


class ApiError(HTTPException):
    def __init__(self, status: int, message: str, headers: dict | None = None):
        super().__init__(status, message, headers)


def error_json(status: int, message: str, headers: dict | None = None) -> JSONResponse:
    body = {"error": {"message": message, "type": _KINDS.get(status, "error"), "code": status}}
    return JSONResponse(body, status_code=status, headers=headers)


def _field(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path")]
    return ".".join(parts) or "请求体"


def _problem(e: dict) -> str:
    field = _field(e.get("loc", ()))
    name = field.rsplit(".", 1)[-1]
    if name in DATE_FIELDS:  # the same words as the UI's filter check
        try:
            parse_filter_date(str(e.get("input", "")), DATE_FIELDS[name])
        except FilterError as exc:
            return str(exc)
    if name in DAY_PARAMS:  # the conversation log's since / until: 年-月-日
        given = str(e.get("input", ""))
        try:
            parse_day(given, name)
        except ValueError as exc:
            return str(exc)
        return f"{name}超出范围：“{given}”，请写成 1000 年以后的年-月-日，如 2026-01-31"
    return f"{field}：{e.get('msg', '')}"


def install(app: FastAPI) -> None:
    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if exc.status_code == 404 and message == "Not Found":
            message = f"没有这个地址：{request.url.path}"
        elif exc.status_code == 405 and message == "Method Not Allowed":
            message = f"{request.url.path} 不支持 {request.method} 请求"
        return error_json(exc.status_code, message, getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        problems = [_problem(e) for e in exc.errors()[:5]]
        return error_json(422, "请求内容不合要求：" + "；".join(problems))

    @app.exception_handler(RateLimited)
    async def limited(request: Request, exc: RateLimited):
        return error_json(429, str(exc), {"Retry-After": str(exc.retry_after)})

    @app.exception_handler(IndexProblem)
    async def no_index(request: Request, exc: IndexProblem):
        return error_json(503, f"索引不可用：{exc}")

    @app.exception_handler(FilterError)
    async def bad_filter(request: Request, exc: FilterError):  # e.g. 起始日期“去年”无法识别 (names the field)
        return error_json(422, str(exc))
