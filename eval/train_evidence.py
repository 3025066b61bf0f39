"""Train the learned evidence check (rag/evidence/evidence_model.py) and print its validation figures.

    python eval/train_evidence.py [--articles 15] [--test-articles 10] [--per-paragraph 2] [--seed 13] [--from-rows]

Data, all reproducible with the fixed seed:
- public near misses (eval/near_miss_data.py): CMRC 2018 / DRCD questions asked over their article with the
  answer paragraph (answerable) and with the paragraph's answer sentence removed (not answerable), train
  split of articles only;
- the project's eval/questions.jsonl and eval/questions_holdout.jsonl over docs/ (answerable flag as labelled);
- the resident sets whose misses were read during development (questions_resident1, 3 … 22; resident2 never
  trains, and a sealed set joins only after its first look is recorded).
Validation: the public test split (articles never trained on), the blind sets blind … blind4 and resident2,
and each training resident set scored by a model fitted without it (leave one set out).
The model: gradient-boosted trees (rag/evidence/evidence_model.py). The decision threshold comes from
cross-validated training rows only.
Features are what the pipeline computes anyway (AnswerService._read → refusal.assess). Hard rules (task,
off-topic, a place or organisation the documents never mention) decide before the model and are left out.
Writes rag/resources/evidence_model.json and eval/results/evidence_model.json (figures).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "eval"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402

from near_miss_data import build_cases, build_index  # noqa: E402
from rag.answering.answer_service import AnswerService  # noqa: E402
from rag.answering.query_rewriter import needs_rewrite, rewrite_offline  # noqa: E402
from rag.evaluation.resident import load_resident  # noqa: E402
from rag.evaluation.runner import load_questions  # noqa: E402
from rag.evidence import evidence_model  # noqa: E402
from rag.evidence.evidence_model import FEATURES  # noqa: E402
from rag.evidence.refusal import assess  # noqa: E402
from rag.ingest.indexer import ingest  # noqa: E402
from rag.retrieval.searcher import Filters  # noqa: E402
from rag.settings import get_settings  # noqa: E402

OUT = ROOT / "eval" / "results"
TRAINING_RESIDENT_SETS = (1, *range(3, 43))
# on cross-validated training rows: the issue's own target for residents (false refusals ≤ 5 %). It was 0.08,
# fixed before any validation figure was seen; with it the threshold climbed as the features improved (0.46 → 0.51 →
# 0.56 on the refits of 2026-12-07) and refused residents' questions whose every feature looks answerable (README)
MAX_FALSE_REFUSALS = 0.05


def new_classifier(seed: int):
    from sklearn.ensemble import HistGradientBoostingClassifier

    # shallow trees, many small steps, no row subsampling: the fit depends on the rows alone, so a decision near the
    # threshold does not move with the seed (plain boosting with subsample=0.8 moved several). Constraining the
    # lexical features to be monotone was tried: it answered a follow-up whose own subject the documents never
    # name (P 0.53), and constraining the lexical checks' flags as well halved the public held-out refusals.
    return HistGradientBoostingClassifier(max_depth=3, max_iter=150, learning_rate=0.05, min_samples_leaf=10,
                                          early_stopping=False, random_state=seed)


def fit(X, y, seed: int):
    """Both classes weigh the same (there are twice as many answerable rows)."""
    from sklearn.utils.class_weight import compute_sample_weight

    return new_classifier(seed).fit(X, y, sample_weight=compute_sample_weight("balanced", y))


def cross_validated(X, y, seed: int) -> np.ndarray:
    """P(answerable) of every row from a model that did not see it (5 folds)."""
    from sklearn.model_selection import StratifiedKFold

    p = np.zeros(len(y))
    for fit_rows, held in StratifiedKFold(5, shuffle=True, random_state=seed).split(X, y):
        p[held] = fit(X[fit_rows], y[fit_rows], seed).predict_proba(X[held])[:, 1]
    return p


def is_public(row: dict) -> bool:
    return row["source"].split("-")[0] in ("cmrc", "drcd")


def choose_threshold(train: list[dict], X, y, seed: int, quiet: bool = False) -> float:
    """The threshold with the best balanced accuracy whose false-refusal rate stays at or under
    MAX_FALSE_REFUSALS on the public rows and on the project's own rows alike (pooled, the larger group would
    hide the other). One threshold: which lexical check fired is a feature the trees weigh already (a second,
    higher threshold for flagged questions refused more answerable questions out of sample for the same
    refusals: leave-one-set-out 0.077 / 0.868 against 0.063 / 0.857 with one)."""
    p = cross_validated(X, y, seed)
    public = np.array([is_public(r) for r in train if r["features"] is not None])
    best, best_t = -1.0, 0.1
    for t in np.arange(0.05, 0.60, 0.01):  # a fine grid: steps of 0.05 moved false refusals by points
        refused = p < t
        worst = max(refused[(y == 1) & public].mean(), refused[(y == 1) & ~public].mean())
        # each group's balanced accuracy weighs the same: pooled, the residents' rows (seventeen times the public
        # near misses) chose a threshold that let most near misses through
        balanced = np.mean([(refused[(y == 0) & g].mean() + 1 - refused[(y == 1) & g].mean()) / 2
                            for g in (public, ~public)])
        if worst <= MAX_FALSE_REFUSALS and balanced > best:
            best, best_t = balanced, round(float(t), 2)
    if not quiet:
        print(f"threshold from cross-validated training rows: {best_t} (balanced accuracy {best:.3f})", flush=True)
    return best_t


def train_model(train: list[dict], seed: int, quiet: bool = False) -> dict:
    X, y = matrix(train)
    clf = fit(X, y, seed)
    # refuse when P(answerable) < threshold, chosen on 5-fold cross-validated TRAINING rows only
    threshold = choose_threshold(train, X, y, seed, quiet)
    model = evidence_model.export_trees(clf, FEATURES)
    exported = np.array([evidence_model.probability(dict(zip(FEATURES, x)), model) for x in X])
    assert np.allclose(exported, clf.predict_proba(X)[:, 1], atol=1e-6), "exported trees differ from the fit"
    return model | {"kind": "gradient_boosting", "threshold": threshold,
                    "importance": evidence_model.importance(model),
                    "trained_on": {"rows": int(len(y)), "answerable": int(y.sum()), "seed": seed}}


def leave_one_set_out(train: list[dict], seed: int) -> dict:
    """Each resident set in the training mix scored by a model fitted without it (thresholds included)."""
    out = {}
    for held in sorted({r["source"] for r in train if r["source"].startswith("questions_resident")}):
        model = train_model([r for r in train if r["source"] != held], seed, quiet=True)
        out[held] = rates([r for r in train if r["source"] == held], model)
    pos = sum(v["n_answerable"] for v in out.values())
    neg = sum(v["n_unanswerable"] for v in out.values())
    out["pooled"] = {"n_answerable": pos, "n_unanswerable": neg,
                     "false_refusal_rate": round(sum(v["false_refusal_rate"] * v["n_answerable"]
                                                     for v in out.values()) / pos, 3),
                     "refusal_accuracy": round(sum(v["refusal_accuracy"] * v["n_unanswerable"]
                                                   for v in out.values()) / neg, 3)}
    return out


def evidence_row(service: AnswerService, question: str, filters: Filters | None,
                 asked: str | None = None) -> dict | None:
    """The features `ask` computes: a rewritten follow-up is read with its own words (`asked`), as in
    AnswerService.stream."""
    reading = service._read(question, None, None, filters, asked=asked)
    ev = assess(question, reading.hits, service.searcher.snapshot(), service.settings.answer.refuse_below,
                reading=reading)
    if not ev.features:  # a hard rule decided (task, off-topic, unknown place)
        return None
    return {"features": ev.features, "rule": ev.kind}


def public_rows(split: str, articles: int, per_paragraph: int, seed: int, settings) -> list[dict]:
    folder = OUT / "near_miss" / f"{split}-a{articles}-q{per_paragraph}-s{seed}"
    cases = build_cases(split, articles, per_paragraph, seed, folder)
    service = AnswerService(settings, build_index(folder, settings))
    rows = []
    for c in cases:
        for ids, label in ((c.positive, 1), (c.near_miss, 0)):
            r = evidence_row(service, c.question, Filters(doc_ids=ids))
            if r:
                rows.append(r | {"label": label, "source": f"{c.dataset}-{split}", "question": c.question})
    print(f"{split}: {len(cases)} public cases → {len(rows)} rows", flush=True)
    return rows


def local_rows(paths: list[Path], settings, index: Path, load=load_questions) -> list[dict]:
    """Questions over docs/ (answerable as labelled); a hard rule's decision is a row without features.
    `load`: load_questions for eval/questions*.jsonl, load_resident for the residents' sets."""
    service = AnswerService(settings, index)
    rows = []
    for path in paths:
        for q in load(path):
            query = rewrite_offline(q.question, q.history) if needs_rewrite(q.question, q.history) else q.question
            r = evidence_row(service, query, None, asked=q.question if query != q.question else None)
            rows.append((r or {"features": None}) | {"label": int(q.answerable), "source": path.stem,
                                                     "question": q.question})
    return rows


def matrix(rows):
    usable = [r for r in rows if r["features"] is not None]
    return np.array([[r["features"][f] for f in FEATURES] for r in usable]), np.array([r["label"] for r in usable])


def rates(rows: list[dict], model: dict) -> dict:
    """Refusal accuracy on unanswerable rows and false refusals on answerable ones (hard-rule rows count as
    refused)."""
    def refused(r):
        return r["features"] is None or evidence_model.refuses(r["features"], model)
    pos = [r for r in rows if r["label"] == 1]
    neg = [r for r in rows if r["label"] == 0]
    return {"n_answerable": len(pos), "n_unanswerable": len(neg),
            "false_refusal_rate": round(sum(map(refused, pos)) / max(len(pos), 1), 3),
            "refusal_accuracy": round(sum(map(refused, neg)) / max(len(neg), 1), 3)}


def collect_rows(args) -> tuple[list[dict], list[dict], list[dict]]:
    """Feature rows from the real pipeline: (training, public held-out, blind) rows."""
    settings = get_settings()
    docs_index = OUT / "near_miss" / "docs-index"
    ingest([settings.paths.docs_dir], settings, docs_index)
    train = public_rows("train", args.articles, args.per_paragraph, args.seed, settings)
    train += local_rows([ROOT / "eval" / "questions.jsonl", ROOT / "eval" / "questions_holdout.jsonl"], settings,
                        docs_index)
    # the resident sets whose misses have been read train (the residents' own words are the in-domain data);
    # resident2 never trains, and a sealed set is scored only after the fit
    train += local_rows([ROOT / "eval" / f"questions_resident{n}.jsonl" for n in TRAINING_RESIDENT_SETS],
                        settings, docs_index, load_resident)
    test_public = public_rows("test", args.test_articles, args.per_paragraph, args.seed, settings)
    blind = local_rows([ROOT / "eval" / f"questions_{n}.jsonl" for n in ("blind", "blind2", "blind3", "blind4")],
                       settings, docs_index)
    blind += local_rows([ROOT / "eval" / "questions_resident2.jsonl"], settings, docs_index, load_resident)
    return train, test_public, blind


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=15, help="training articles sampled per public set")
    ap.add_argument("--test-articles", type=int, default=10, help="held-out articles sampled per public set")
    ap.add_argument("--per-paragraph", type=int, default=2, help="questions per paragraph")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--from-rows", action="store_true", help="refit on the feature rows the last full run saved "
                    "(eval/results/evidence_rows.json) instead of asking every question again")
    args = ap.parse_args()
    t0 = time.time()
    if args.from_rows:
        saved = json.loads((OUT / "evidence_rows.json").read_text(encoding="utf-8"))
        train, test_public, blind = saved["train"], saved["public_test"], saved["blind"]
    else:
        train, test_public, blind = collect_rows(args)

    model = train_model(train, args.seed)
    model["trained_on"] |= {"articles_per_set": args.articles, "per_paragraph": args.per_paragraph}
    figures = {"train": rates(train, model),
               "public_test (articles never trained on)": rates(test_public, model),
               **{src: rates([r for r in blind if r["source"] == src], model)
                  for src in sorted({r["source"] for r in blind})},
               "resident sets, each left out of its own fit": leave_one_set_out(train, args.seed),
               "seconds": round(time.time() - t0)}
    (OUT / "evidence_rows.json").write_text(json.dumps({"train": train, "public_test": test_public, "blind": blind},
                                                       ensure_ascii=False), encoding="utf-8")
    (ROOT / "rag" / "resources" / "evidence_model.json").write_text(json.dumps(model, indent=1), encoding="utf-8")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "evidence_model.json").write_text(json.dumps({"model": model, "validation": figures}, indent=1,
                                                        ensure_ascii=False), encoding="utf-8")
    for name, weight in sorted(model["importance"].items(), key=lambda x: -x[1]):
        print(f"  {name:16s} {weight:.3f}")
    print(f"threshold {model['threshold']:.3f}")
    for k, v in figures.items():
        print(f"{k}: {v}")


if __name__ == "__main__":
    main()
