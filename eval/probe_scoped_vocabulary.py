"""Probe (tried and not kept, README "Refits of 2026-12-07"): the near-miss benchmark pools every article in one
index and filters by document, so a word only the removed answer sentence used still counts as one "the documents
use". Would the evidence model refuse more near misses if the vocabulary were the filtered documents' own?

    python eval/probe_scoped_vocabulary.py

Re-reads the public training and held-out rows with `knows` / `mentions` restricted to the filtered documents (the
snapshot is wrapped for this run only; the product is unchanged), refits on them plus the saved resident rows
(eval/results/evidence_rows.json) and prints the public rates against the saved rows' own refit. Rows a hard rule
decides drop out of the public rows, as in train_evidence.py.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "eval"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import train_evidence as T  # noqa: E402
from rag.retrieval import searcher as searcher_module  # noqa: E402
from rag.settings import get_settings  # noqa: E402
from rag.text.text_match import normalise  # noqa: E402


class ScopedVocabulary:
    """The snapshot, with its vocabulary narrowed to the chunks the filters allow."""

    def __init__(self, snap, filters):
        rows = [i for i, c in enumerate(snap.chunks) if filters.allows(snap.documents[c.doc_id])]
        self._snap = snap
        self._vocab = {t for r in rows for t in snap.tokens[r]}
        self._text = "\n".join(normalise(snap.chunks[r].search_text()) for r in rows)

    def __getattr__(self, name):
        return getattr(self._snap, name)

    def knows(self, term: str) -> bool:
        return term in self._vocab

    def mentions(self, text: str) -> bool:
        return text in self._text


def main() -> None:
    scope = {"filters": None}
    cache = {}
    plain = searcher_module.Searcher.snapshot

    def snapshot(self):
        snap = plain(self)
        if scope["filters"] is None:
            return snap
        key = (id(snap), tuple(scope["filters"].doc_ids))
        return cache.setdefault(key, ScopedVocabulary(snap, scope["filters"]))

    searcher_module.Searcher.snapshot = snapshot
    row = T.evidence_row

    def scoped_row(service, question, filters, asked=None):
        scope["filters"] = filters
        try:
            return row(service, question, filters, asked)
        finally:
            scope["filters"] = None

    T.evidence_row = scoped_row
    saved = json.loads((T.OUT / "evidence_rows.json").read_text(encoding="utf-8"))
    settings = get_settings()
    public_train = T.public_rows("train", 15, 2, 13, settings)
    public_test = T.public_rows("test", 10, 2, 13, settings)
    local = [r for r in saved["train"] if not T.is_public(r)]
    for name, train, test in (("saved rows", saved["train"], saved["public_test"]),
                              ("scoped vocabulary", public_train + local, public_test)):
        model = T.train_model(train, 13, quiet=True)
        print(f"{name}: threshold {model['threshold']}, public held-out {T.rates(test, model)}, "
              f"public training {T.rates([r for r in train if T.is_public(r)], model)}", flush=True)


if __name__ == "__main__":
    main()
