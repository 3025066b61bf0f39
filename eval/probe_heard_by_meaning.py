"""List the clauses of resident questions heard by meaning: the glossary expression nearest to each clause, when its
cosine is at least --min (below the shipped threshold too, to see where near misses begin), and not heard by its
characters already. How rag/text/heard_by_meaning.py's SIMILAR and MIN_CLAUSE were chosen (sets 60–72, --min 0.905).

    python eval/probe_heard_by_meaning.py [--sets 60-72] [--min 0.905]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from embeddings import get_embedder  # noqa: E402
from rag.settings import get_settings  # noqa: E402
from rag.text import heard_by_meaning as meaning  # noqa: E402
from rag.text.text_match import glossary_heard, normalise  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sets", default="60-72", help="resident sets, a range a-b")
    ap.add_argument("--min", type=float, default=0.905, help="least cosine listed")
    args = ap.parse_args()
    lo, hi = (int(x) for x in args.sets.split("-"))
    meaning.install(get_embedder(get_settings().embedding))
    seen, found, n = set(), [], 0
    for k in range(lo, hi + 1):
        path = ROOT / "eval" / f"questions_resident{k}.jsonl"
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            d = json.loads(line)
            q = normalise(d["question"])
            if q in seen:
                continue
            seen.add(q)
            literal = {t for t, _ in glossary_heard(q, by_meaning=False)}
            for clause in meaning.clauses(q):
                n += 1
                term, expr, sim = meaning.nearest(clause)
                if sim >= args.min and term not in literal:
                    found.append((sim, d["kind"], clause, expr, term, d["answer_keys"][:2]))
    heard = sum(f[0] >= meaning.SIMILAR for f in found)
    print(f"{n} clauses of {len(seen)} questions; {len(found)} at cosine >= {args.min}, {heard} at >= {meaning.SIMILAR} "
          f"(heard)")
    for sim, kind, clause, expr, term, keys in sorted(found, reverse=True):
        mark = "heard" if sim >= meaning.SIMILAR else "     "
        print(f"{sim:.3f} {mark} [{kind}] {clause} ~ {expr} → {term}  keys {keys}")


if __name__ == "__main__":
    main()
