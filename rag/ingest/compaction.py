"""When to merge index segments. Each ingest that changes documents adds one small segment and tombstones
the replaced documents, so a long-lived index would gather many small segments and dead rows; merging
rewrites only the small or mostly-dead ones, so the cost stays proportional to what changed.

- a segment whose deleted share passes ingest.compact_deleted_share is rewritten without its dead rows;
- more than ingest.max_segments segments: those under a tenth of the largest (live chunks) are merged
  into one (at least the two smallest), so one big segment is never rewritten for a small change.
"""
from __future__ import annotations


def plan_merges(live: list[int], dead: list[int], max_segments: int, deleted_share: float) -> list[list[int]]:
    """Groups of segment positions to rewrite, each group into one new segment (an empty result is dropped)."""
    n = len(live)
    rewrite = {i for i in range(n) if dead[i] and dead[i] / (live[i] + dead[i]) > deleted_share}
    if n <= max_segments:
        return [[i] for i in sorted(rewrite)]
    biggest = max(live)
    small = [i for i in range(n) if live[i] < biggest / 10]
    if len(small) < 2:
        small = sorted(range(n), key=lambda i: live[i])[:2]
    return [[i] for i in sorted(rewrite - set(small))] + [sorted(small)]
