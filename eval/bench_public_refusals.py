"""False refusals on the public sets (every question is answerable from its paragraph), the real `ask` path.

    python eval/bench_public_refusals.py [--datasets cmrc,drcd] [--limit N]

Uses rag/evaluation/public_bench.py (the same pooled index under .cache/bench/ that `python app.py eval --public`
builds: one document per paragraph; the first build embeds every paragraph and its sentences) and prints, per
set: questions, false-refusal rate (target ≤ 0.02, issue 10), answer contains gold, recall@5 against the vanilla
LangChain baseline.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from rag.evaluation.public_bench import run_dataset  # noqa: E402
from rag.settings import get_settings  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--datasets", default="cmrc", help="comma-separated: cmrc, drcd")
    ap.add_argument("--limit", type=int, default=None, help="first N questions of each set")
    args = ap.parse_args(argv)
    settings = get_settings()
    for name in [d.strip() for d in args.datasets.split(",") if d.strip()]:
        t0 = time.time()
        r = run_dataset(name, settings, args.limit)
        ours, base = r["systems"]["renewal-qa (hybrid)"], r["systems"]["vanilla LangChain"]
        print(f"{name}: n={r['n_questions']} (asked {ours['n_asked']}) paragraphs={r['n_paragraphs']} false refusals "
              f"{ours['false_refusal_rate']:.3f}  answer contains gold {ours['contains_gold']:.3f}  recall@5 "
              f"{ours['recall@5']:.3f} (LangChain {base['recall@5']:.3f})  ingest {r['ingest_seconds']:.0f} s, "
              f"all {time.time() - t0:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
