"""The learned evidence check: is the question answered by what the reader found?

Gradient-boosted trees over features the pipeline already computes (the reader's best sentence: words,
meaning, asked kind, place; the passage coverage; which lexical check would have refused). Trees, because
the features act together: a word the documents never use weighs differently when the best sentence still
names the subject and carries the asked kind than when it does not, which one linear weight per feature
cannot say. Trained by eval/train_evidence.py with a fixed seed on public reading-comprehension data with
synthetic near-miss negatives plus the project's own labelled sets; the fitted trees live in
rag/resources/evidence_model.json as plain lists (no scikit-learn at answer time).
"""
from __future__ import annotations

import json
import math
from functools import lru_cache

import numpy as np

from rag.text.text_match import RESOURCES

MODEL_PATH = RESOURCES / "evidence_model.json"

# No "a place was asked" feature: in the training data questions naming a place were mostly answerable, a
# property of who wrote the questions, not evidence (it let "明天北京下不下雨" through).
FEATURES = ["best_score", "best_lexical", "best_semantic", "second_semantic", "best_holds", "kind_asked",
            "hold_lexical", "hold_semantic", "coverage", "rule_absent", "rule_type", "rule_weak",
            "on_place_share", "list_or_how", "best_focus", "hold_focus", "unknown_share",
            "measured_absent", "absent_share"]


def features(reading, coverage: float, rule: str, measured_absent: bool = False,
             absent_share: float = 0.0) -> dict[str, float]:
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
        # the area retrieval found: a sentence on the district around the asked street counts (its figure is the
        # district's, which the reader tells apart, but it is no sign of a question about another place)
        "on_place_share": sum(s.on_place or s.around for s in top) / len(top) if top else 0.0,
        "list_or_how": float(reading.form in ("list", "how", "why")),
        # does the sentence name what is asked about (the subject words), not only the place and the kind?
        "best_focus": best.focus if best else 0.0,
        "hold_focus": max((s.focus for s in holding), default=0.0),
        # focus counts only the subject words the documents use; how much of the subject lies outside them
        # (江苏理工学院的录取分数线: 录取, 分数线) is its own evidence
        "unknown_share": reading.unknown_share,
        # the figure asked for is of something the documents never name (门票多少钱): refusal.measured_absent
        "measured_absent": float(measured_absent),
        # how much of the subject those never-used words are (门票 in 首钢园门票在哪里买: most of it)
        "absent_share": absent_share,
    }


@lru_cache(maxsize=1)
def load_model() -> dict | None:
    if not MODEL_PATH.exists():
        return None
    return json.loads(MODEL_PATH.read_text(encoding="utf-8"))


def _tree_value(tree: dict, x: list[float]) -> float:
    node = 0
    while tree["left"][node] != -1:  # scikit-learn's rule: go left when x[f] <= threshold
        node = tree["left"][node] if x[tree["feature"][node]] <= tree["threshold"][node] else tree["right"][node]
    return tree["value"][node]


def probability(feats: dict[str, float], model: dict | None = None) -> float | None:
    """P(answerable) under the fitted model; None when no model file ships."""
    model = model or load_model()
    if model is None:
        return None
    x = [float(feats.get(name, 0.0)) for name in model["features"]]
    z = model["base"] + model["learning_rate"] * sum(_tree_value(t, x) for t in model["trees"])
    return 1.0 / (1.0 + math.exp(-z))


def export_trees(clf, features: list[str]) -> dict:
    """A fitted binary scikit-learn HistGradientBoostingClassifier as plain lists. Its trees are only reachable
    through its private `_predictors` (nodes: feature_idx, num_threshold, left, right, value, is_leaf) and
    `_baseline_prediction`; eval/train_evidence.py checks that `probability` reproduces predict_proba on every
    training row, so a change of those internals fails training, not answering. Leaf values already carry the
    learning rate; comparisons are in float64 (x <= num_threshold goes left)."""
    trees = []
    for (predictor,) in clf._predictors:
        n = predictor.nodes
        leaf = n["is_leaf"].astype(bool)
        trees.append({"feature": [int(f) for f in n["feature_idx"]],
                      "threshold": [float(v) for v in n["num_threshold"]],
                      "left": [-1 if lf else int(c) for lf, c in zip(leaf, n["left"])],
                      "right": [-1 if lf else int(c) for lf, c in zip(leaf, n["right"])],
                      "value": [float(v) for v in n["value"]]})
    return {"features": features, "base": float(np.ravel(clf._baseline_prediction)[0]), "learning_rate": 1.0,
            "trees": trees}


def importance(model: dict) -> dict[str, float]:
    """Each feature's share of the split nodes, for the training report."""
    counts = np.zeros(len(model["features"]))
    for t in model["trees"]:
        for f, left in zip(t["feature"], t["left"]):
            if left != -1:
                counts[f] += 1
    total = counts.sum() or 1.0
    return {f: round(float(c / total), 4) for f, c in zip(model["features"], counts)}


def refuses(feats: dict[str, float], model: dict | None = None) -> bool:
    """The fitted decision: refuse below `threshold`. Which lexical check fired (a word the documents never
    use, no sentence with the asked kind, weak cover) is among the features the trees weigh."""
    model = model or load_model()
    return probability(feats, model) < model["threshold"]
