"""Probe (tried and not kept, README "Refits of 2026-12-07"): would averaging the evidence trees over bootstrap
resamples (bagging) decide better than the single fit?

    python eval/probe_bagged_evidence.py [--bags 5]

Refits on the feature rows the last `python eval/train_evidence.py` saved (eval/results/evidence_rows.json) with the
same classifier, class weights and threshold rule, P being the mean of the bags; prints public held-out and blind-set
rates and each resident set scored by a model fitted without it (pooled), as train_evidence.py does for one fit.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "eval"))

import numpy as np  # noqa: E402

import train_evidence as T  # noqa: E402


class Bagged:
    def __init__(self, models):
        self.models = models

    def predict_proba(self, X):
        return np.mean([m.predict_proba(X) for m in self.models], axis=0)


def bagged_fit(bags: int):
    def fit(X, y, seed):
        from sklearn.utils.class_weight import compute_sample_weight

        rng = np.random.RandomState(seed)
        models = []
        for k in range(bags):
            idx = rng.randint(0, len(y), len(y))
            models.append(T.new_classifier(seed + k).fit(X[idx], y[idx],
                                                         sample_weight=compute_sample_weight("balanced", y[idx])))
        return Bagged(models)
    return fit


def rates(rows, clf, threshold):
    """False refusals and refusal accuracy (rows a hard rule decided count as refused)."""
    usable = [r for r in rows if r["features"] is not None]
    p = iter(clf.predict_proba(np.array([[r["features"][f] for f in T.FEATURES] for r in usable]))[:, 1]) \
        if usable else iter(())
    refused = [True if r["features"] is None else next(p) < threshold for r in rows]
    pos = [x for x, r in zip(refused, rows) if r["label"] == 1]
    neg = [x for x, r in zip(refused, rows) if r["label"] == 0]
    return sum(pos) / max(len(pos), 1), sum(neg) / max(len(neg), 1), len(pos), len(neg)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bags", type=int, default=5)
    ap.add_argument("--seed", type=int, default=13)
    args = ap.parse_args()
    T.fit = bagged_fit(args.bags)  # train_evidence's threshold rule cross-validates through T.fit
    saved = json.loads((T.OUT / "evidence_rows.json").read_text(encoding="utf-8"))
    train, test, blind = saved["train"], saved["public_test"], saved["blind"]
    X, y = T.matrix(train)
    threshold = T.choose_threshold(train, X, y, args.seed)
    clf = T.fit(X, y, args.seed)
    fr, ra, _, _ = rates(test, clf, threshold)
    print(f"bagged ({args.bags}), threshold {threshold}: public held-out {fr:.3f} / {ra:.3f}")
    for src in sorted({r["source"] for r in blind}):
        fr, ra, _, _ = rates([r for r in blind if r["source"] == src], clf, threshold)
        print(f"  {src}: {fr:.3f} / {ra:.3f}")
    fr_n = ra_n = pos = neg = 0
    for held in sorted({r["source"] for r in train if r["source"].startswith("questions_resident")}):
        rest = [r for r in train if r["source"] != held]
        Xh, yh = T.matrix(rest)
        t = T.choose_threshold(rest, Xh, yh, args.seed, quiet=True)
        fr, ra, p, n = rates([r for r in train if r["source"] == held], T.fit(Xh, yh, args.seed), t)
        fr_n, ra_n, pos, neg = fr_n + fr * p, ra_n + ra * n, pos + p, neg + n
    print(f"resident sets, each left out of its own fit, pooled: {fr_n / pos:.3f} / {ra_n / neg:.3f}")


if __name__ == "__main__":
    main()
