"""Counts and rates per local day and in total. A rate with nothing to divide by is None ("—"), never 0."""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime

import numpy as np

from rag.conversations.times import local_day


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _figures(rows: list[dict]) -> dict:
    ratings = [r["feedback"]["rating"] for r in rows if r.get("feedback")]
    up, down = ratings.count("up"), ratings.count("down")
    times = [r["total_ms"] for r in rows if r.get("total_ms") is not None]
    refused = sum(bool(r["refused"]) for r in rows)
    return {"questions": len(rows), "refused": refused, "refusal_rate": _rate(refused, len(rows)),
            "feedback": len(ratings), "up": up, "down": down, "up_rate": _rate(up, len(ratings)),
            "down_rate": _rate(down, len(ratings)),
            "answer_p50_ms": float(np.percentile(times, 50)) if times else None,
            "answer_p95_ms": float(np.percentile(times, 95)) if times else None}


def usage(exchanges: list[dict], timezone: str) -> dict:
    """{"totals": {...}, "per_day": [{"day", ...}]} over exchanges as ConversationStore.exchanges() gives them."""
    by_day: dict[str, list[dict]] = defaultdict(list)
    for r in exchanges:
        # stored as UTC with +00:00; local_day wants naive UTC
        by_day[local_day(datetime.fromisoformat(r["created_at"]).replace(tzinfo=None), timezone)].append(r)
    totals = _figures(exchanges)
    totals["sessions"] = len({r["session_id"] for r in exchanges})
    return {"totals": totals, "per_day": [{"day": day, **_figures(rows)} for day, rows in sorted(by_day.items())]}

