"""Resident question sets: does the answer hold the asked fact, for the asked place — or is it an honest refusal?

    python eval/score_resident.py --set eval/questions_resident1.jsonl [--set ...] [--index DIR] [--label NAME]

Asks every question through the real AnswerService (offline backend) over the index of docs/ (built if missing),
follow-ups with their history. Prints the summary per set (answer holds fact, false refusals, refusal accuracy,
wrong-place answers, latency) and every miss; writes eval/results/resident-<label>-<set>.json.
Scoring rules: rag/evaluation/resident.py.
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

from rag.answering.answer_service import AnswerService  # noqa: E402
from rag.evaluation.resident import load_resident, run_resident  # noqa: E402
from rag.ingest.indexer import ingest  # noqa: E402
from rag.settings import get_settings  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--set", action="append", type=Path, required=True, help="resident question set (JSONL)")
    ap.add_argument("--index", type=Path, default=None, help="index folder (default: settings' index_dir)")
    ap.add_argument("--label", default="current", help="name of this run in the output file")
    ap.add_argument("--quiet", action="store_true", help="do not list the misses")
    args = ap.parse_args(argv)
    settings = get_settings()
    index_dir = args.index or settings.paths.index_dir
    ingest([settings.paths.docs_dir], settings, index_dir, sync=True)
    service = AnswerService(settings, index_dir)
    service.ask("预热")  # model and index load are not part of the per-question latency
    out_dir = ROOT / "eval" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    for path in args.set:
        result = run_resident(service, load_resident(path))
        s = result["summary"]
        print(f"\n== {path.name} ({args.label}) n={s['n']} answerable={s['n_answerable']} "
              f"unanswerable={s['n_unanswerable']}")
        for key in ("answer_holds_fact", "false_refusal_rate", "refusal_accuracy", "wrong_place_answers",
                    "latency_p50_ms", "latency_p95_ms"):
            v = s[key]
            print(f"  {key:20s} {'—' if v is None else (f'{v:.3f}' if isinstance(v, float) else v)}")
        print("  per kind:", json.dumps(s["per_kind_correct"], ensure_ascii=False))
        if not args.quiet:
            for r in result["rows"]:
                if not r["correct"]:
                    tag = "WRONG-PLACE" if r.get("wrong_place") else ("refused" if r["refused"] else "answered")
                    print(f"  MISS {r['id']} [{r['kind']}] {tag}: {r['question']} → {r['answer'][:90]!r}")
        out = out_dir / f"resident-{args.label}-{path.stem}.json"
        out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
        print(f"  wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
