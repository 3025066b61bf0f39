"""Stored times are naive UTC; staff think in local days (settings conversations.timezone)."""
from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def to_utc_naive(when: date | datetime | str, tz: str) -> datetime:
    """A date (or "YYYY-MM-DD") is local midnight in `tz`; a naive datetime is already UTC."""
    if isinstance(when, str):
        when = parse_day(when)
    if isinstance(when, datetime):
        return when.astimezone(UTC).replace(tzinfo=None) if when.tzinfo else when
    return datetime.combine(when, time(), ZoneInfo(tz)).astimezone(UTC).replace(tzinfo=None)


def local_day(stored: datetime, tz: str) -> str:
    return stored.replace(tzinfo=UTC).astimezone(ZoneInfo(tz)).date().isoformat()


def iso_utc(stored: datetime) -> str:
    return stored.replace(tzinfo=UTC).isoformat(timespec="seconds")


def parse_day(text: str, field: str = "日期") -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{field}格式不对：“{text}”，请写成 2026-01-31 这样的年-月-日") from None
