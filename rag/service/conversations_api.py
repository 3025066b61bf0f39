"""Staff REST routes over the conversation log: GET /v1/conversations, /v1/feedback, /v1/insights.

All need a staff credential (`require_staff`: API key or login cookie). Dates are local days in
settings conversations.timezone, YYYY-MM-DD; `until` is exclusive (at or before `since`: nothing).
A date that does not parse is a 422 whose Chinese message names the parameter."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from fastapi import APIRouter, Depends, Query, Request

from rag.conversations.times import parse_day
from rag.service.auth import components, require_staff
from rag.service.errors import ApiError
from rag.service.schemas import ISO_DAY, ExchangeList, ExchangeOut, FeedbackList, FeedbackRow, InsightsReport, \
    error_responses

router = APIRouter(tags=["conversations"])
# Staff is checked first (dependencies run in signature order): an anonymous caller learns nothing from a 422.
MAX_PAGE = 1000
DAY_DOC = "本地日期 YYYY-MM-DD（settings conversations.timezone）"


def _since(since: str | None = Query(None, pattern=ISO_DAY, max_length=10, description=f"起始日期（含）：{DAY_DOC}"),
           until: str | None = Query(None, pattern=ISO_DAY, max_length=10, description=f"截止日期（不含）：{DAY_DOC}"),
           ) -> tuple[date | None, date | None]:
    try:  # the pattern lets 2026-02-30 through; the calendar does not
        first = parse_day(since, "since") if since else None
        last = parse_day(until, "until") if until else None
    except ValueError as exc:
        raise ApiError(422, f"请求内容不合要求：{exc}") from None
    return first, last  # until at or before since: an empty range, answered with no rows


def _store(request: Request):
    store = components(request).store
    if store is None:
        raise ApiError(503, "对话记录未开启（settings conversations.enabled = false），没有可查询的数据。")
    return store


def _citation(c: dict) -> dict:
    """A stored citation as the API shows it: the file name, never the server's path."""
    out = {k: v for k, v in c.items() if k != "source"}
    out["file"] = Path(c.get("source") or "").name
    return out


@router.get("/v1/conversations", response_model=ExchangeList, responses=error_responses(401, 422, 503))
def conversations(request: Request, staff: str = Depends(require_staff), dates: tuple = Depends(_since),
                  limit: int = Query(100, ge=1, le=MAX_PAGE, description="每页条数"),
                  offset: int = Query(0, ge=0, le=10**9, description="跳过的条数")) -> ExchangeList:
    """Recorded exchanges (question, answer, citations, refusal, timings, feedback), oldest first."""
    since, until = dates
    rows = _store(request).exchanges(since=since, until=until, limit=limit, offset=offset)
    data = [ExchangeOut(**{**r, "citations": [_citation(c) for c in r["citations"]]}) for r in rows]
    return ExchangeList(data=data, limit=limit, offset=offset)


@router.get("/v1/feedback", response_model=FeedbackList, responses=error_responses(401, 422, 503))
def feedback(request: Request, staff: str = Depends(require_staff), dates: tuple = Depends(_since)) -> FeedbackList:
    """Residents' 👍/👎 (with reason and note) and the exchange each judges, oldest first."""
    since, until = dates
    return FeedbackList(data=[FeedbackRow(**r) for r in _store(request).feedback(since=since, until=until)])


@router.get("/v1/insights", response_model=InsightsReport, responses=error_responses(401, 422, 503))
def insights(request: Request, staff: str = Depends(require_staff), dates: tuple = Depends(_since)) -> InsightsReport:
    """Totals and per-day figures, the most asked questions and the knowledge gaps (refused and 👎 questions
    grouped by topic) — the 洞察 tab's report."""
    since, until = dates
    _store(request)
    return InsightsReport(**components(request).insights.report(since=since, until=until))
