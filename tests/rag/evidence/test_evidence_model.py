"""The learned evidence check: exported trees reproduce scikit-learn's fit, and the shipped model decides."""
import numpy as np

from rag.evidence import evidence_model
from rag.evidence.evidence_model import FEATURES, export_trees, load_model, probability, refuses


def test_exported_trees_reproduce_the_fitted_classifier():
    """eval/train_evidence.py fits histogram boosting; the exported lists (read from its private predictors) give
    its P exactly."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    rng = np.random.default_rng(1)
    X = rng.random((400, len(FEATURES)))
    y = (X[:, 0] - X[:, 9] + 0.3 * rng.standard_normal(400) > 0.0).astype(int)
    clf = HistGradientBoostingClassifier(max_depth=3, max_iter=40, learning_rate=0.1, early_stopping=False).fit(X, y)
    model = export_trees(clf, FEATURES)
    ours = [probability(dict(zip(FEATURES, x)), model) for x in X[:50]]
    assert np.allclose(ours, clf.predict_proba(X[:50])[:, 1], atol=1e-6)


def test_the_shipped_model_is_trees_over_the_pipeline_features():
    model = load_model()
    assert model["kind"] == "gradient_boosting" and model["features"] == evidence_model.FEATURES
    assert 0.0 < model["threshold"] < 1.0 and model["trees"]


def test_a_sentence_that_names_the_subject_and_holds_the_asked_kind_is_answerable():
    strong = {f: 0.0 for f in FEATURES} | {"best_score": 0.9, "best_lexical": 0.6, "best_semantic": 0.93,
                                           "second_semantic": 0.9, "best_holds": 1.0, "kind_asked": 1.0,
                                           "hold_lexical": 0.6, "hold_semantic": 0.93, "coverage": 0.9,
                                           "on_place_share": 1.0, "best_focus": 1.0, "hold_focus": 1.0}
    # a real reading's second-best sentence is never closer in meaning than its best one
    weak = strong | {"best_score": 0.05, "best_lexical": 0.05, "best_semantic": 0.84, "second_semantic": 0.83,
                     "best_holds": 0.0,
                     "hold_lexical": 0.0, "hold_semantic": 0.0, "coverage": 0.05, "best_focus": 0.0,
                     "hold_focus": 0.0, "rule_type": 1.0, "unknown_share": 0.8}
    assert not refuses(strong) and refuses(weak)
    assert probability(strong) > probability(weak)
