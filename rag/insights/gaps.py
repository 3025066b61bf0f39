"""Knowledge gaps: questions the system refused, yes/no questions the documents did not settle (the answer said
资料没有直接回答 and showed what they do say), or answers residents disliked (👎), grouped by topic.
Each gap is a policy to publish or a document to add; its label is its most central question and top terms."""
from __future__ import annotations

from collections import Counter

from .clustering import central, cluster, top_terms


def gap_rows(exchanges: list[dict]) -> list[dict]:
    return [r for r in exchanges if r["refused"] or r.get("refusal_kind") == "unsettled"
            or (r.get("feedback") or {}).get("rating") == "down"]


def knowledge_gaps(exchanges: list[dict], vectors_of, min_similarity: float, examples: int = 5) -> list[dict]:
    """[{"id", "label", "central_question", "terms", "size", "refused", "disliked", "reasons", "examples",
    "questions": [{"exchange_id", "question", "refused", "refusal_kind", "refusal_reason", "rating", "reason",
    "text"}]}],
    largest first. `examples` are distinct wordings, most central first."""
    rows = gap_rows(exchanges)
    if not rows:
        return []
    texts = [r["question"].strip() for r in rows]
    vectors = vectors_of(texts)
    all_texts = [r["question"] for r in exchanges]
    gaps = []
    for number, members in enumerate(cluster(vectors, min_similarity), 1):
        mid = central(vectors, members)
        sims = vectors[members] @ vectors[mid]
        ordered = [members[i] for i in sorted(range(len(members)), key=lambda i: -sims[i])]
        distinct = list(dict.fromkeys(texts[i] for i in ordered))
        terms = top_terms([texts[i] for i in members], all_texts)
        fb = [rows[i].get("feedback") or {} for i in members]
        gaps.append({
            "id": number, "central_question": texts[mid], "terms": terms,
            "label": texts[mid] + (f"（{' · '.join(terms)}）" if terms else ""),
            "size": len(members), "refused": sum(bool(rows[i]["refused"]) for i in members),
            "disliked": sum(f.get("rating") == "down" for f in fb),
            "reasons": dict(Counter(f["reason"] for f in fb if f.get("reason"))),
            "examples": distinct[:examples],
            "questions": [{"exchange_id": rows[i]["id"], "question": texts[i], "refused": rows[i]["refused"],
                           "refusal_kind": rows[i].get("refusal_kind", ""),
                           "refusal_reason": rows[i]["refusal_reason"],
                           "rating": (rows[i].get("feedback") or {}).get("rating", ""),
                           "reason": (rows[i].get("feedback") or {}).get("reason", ""),
                           "text": (rows[i].get("feedback") or {}).get("text", "")} for i in ordered]})
    return gaps
