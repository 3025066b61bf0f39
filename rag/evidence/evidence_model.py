"""The learned evidence check: is the question answered by what the reader found?

A logistic regression over features the pipeline already computes (the reader's best sentence: words,
meaning, asked kind, place; the passage coverage; which lexical check would have refused). Trained by
eval/train_evidence.py with a fixed seed on public reading-comprehension data with synthetic near-miss
negatives (the paragraph with its answer sentence removed; the article's other paragraphs) plus the
project's own eval sets; the fitted coefficients live in rag/resources/evidence_model.json.
"""
from __future__ import annotations

import json
import math
from functools import lru_cache

from rag.text.text_match import RESOURCES

MODEL_PATH = RESOURCES / "evidence_model.json"
RULE_KINDS = ("absent", "type", "weak")  # lexical checks: evidence for the model, no longer verdicts

# No "a place was asked" feature: in the training data questions naming a place were mostly answerable, a
# property of who wrote the questions, not evidence (it let "明天北京下不下雨" through).
FEATURES = ["best_score", "best_lexical", "best_semantic", "second_semantic", "best_holds", "kind_asked",
            "hold_lexical", "hold_semantic", "coverage", "rule_absent", "rule_type", "rule_weak",
            "on_place_share", "list_or_how", "best_focus", "hold_focus", "unknown_share",
            "measured_absent"]


def features(reading, coverage: float, rule: str, measured_absent: bool = False) -> dict[str, float]:
    """Numbers describing how well the best sentences about the asked place answer the question."""
    on = reading.on_place()
    best = on[0] if on else None
    sems = sorted((s.semantic for s in on), reverse=True)
    holding = [s for s in on if s.holds]
    top = reading.sentences[:10]
    return {
        "best_score": best.score if best else 0.0,
        "best_lexical": max((s.lexical for s in on[:5]), default=0.0),
        "best_semantic": sems[0] if sems else 0.0,
        "second_semantic": sems[1] if len(sems) > 1 else 0.0,
        "best_holds": float(bool(best and best.holds)),
        "kind_asked": float(bool(reading.kinds)),
        "hold_lexical": max((s.lexical for s in holding), default=0.0),
        "hold_semantic": max((s.semantic for s in holding), default=0.0),
        "coverage": coverage,
        "rule_absent": float(rule == "absent"),
        "rule_type": float(rule == "type"),
        "rule_weak": float(rule == "weak"),
        "on_place_share": sum(s.on_place for s in top) / len(top) if top else 0.0,
        "list_or_how": float(reading.form in ("list", "how", "why")),
        # does the sentence name what is asked about (the subject words), not only the place and the kind?
        "best_focus": best.focus if best else 0.0,
        "hold_focus": max((s.focus for s in holding), default=0.0),
        # focus counts only the subject words the documents use; how much of the subject lies outside them
        # (江苏理工学院的录取分数线: 录取, 分数线) is its own evidence
        "unknown_share": reading.unknown_share,
        # the figure asked for is of something the documents never name (门票多少钱): refusal.measured_absent
        "measured_absent": float(measured_absent),
    }


@lru_cache(maxsize=1)
def load_model() -> dict | None:
    if not MODEL_PATH.exists():
        return None
    return json.loads(MODEL_PATH.read_text(encoding="utf-8"))


def probability(feats: dict[str, float], model: dict | None = None) -> float | None:
    """P(answerable) under the fitted model; None when no model file ships."""
    model = model or load_model()
    if model is None:
        return None
    z = model["intercept"]
    for name, coef, mean, scale in zip(model["features"], model["coef"], model["mean"], model["scale"]):
        z += coef * (feats.get(name, 0.0) - mean) / (scale or 1.0)
    return 1.0 / (1.0 + math.exp(-z))


def refuses(feats: dict[str, float], model: dict | None = None) -> bool:
    """The fitted decision: refuse below `threshold`, or below the higher `rule_threshold` when a lexical
    check flagged the question (a word the documents never use, no sentence with the asked kind, weak cover)."""
    model = model or load_model()
    p = probability(feats, model)
    flagged = feats.get("rule_absent", 0) + feats.get("rule_type", 0) + feats.get("rule_weak", 0) > 0
    return p < model["threshold"] or (flagged and p < model.get("rule_threshold", model["threshold"]))
