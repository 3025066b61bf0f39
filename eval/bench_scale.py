"""Scale benchmark of the embedded store (FAISS + stored BM25 postings in segments): build time, size on disk,
cold load, resident memory, query latency per leg, dense recall@10 of the approximate index against exact
search, and the cost of adding and deleting one document, at 10k / 100k / 1M chunks.

    python eval/bench_scale.py --sizes 10k,100k          # default; add 1m when asked (about 15 min here)

How rows are made: eval/scale_base.py (the real slice: CMRC 2018 + DRCD paragraph chunks embedded with the
project's embedder, real questions as queries) and eval/scale_corpus.py (replicated and perturbed to N).
Latencies come from a fresh process (eval/scale_probe.py) per size; the OS page cache is warm from the
build (this machine cannot drop caches). Prints a table and writes eval/results/scale.{md,json}.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

NOTE = ("一则新的通知\n关于口袋公园建设的通知\n石景山区今年新建口袋公园36处，每处面积不小于400平方米，方便居民就近休闲。"
        "公园建设资金由区财政统筹安排，街道负责日常养护。\n")


def size_arg(text: str) -> int:
    text = text.strip().lower()
    return int(float(text[:-1]) * {"k": 1e3, "m": 1e6}[text[-1]]) if text[-1] in "km" else int(text)


def folder_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def exact_top(vectors: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    """Exact top-k rows by inner product, in blocks of 200k rows."""
    best_s, best_i = None, None
    for lo in range(0, len(vectors), 200_000):
        s = queries @ np.asarray(vectors[lo: lo + 200_000]).T
        i = np.argsort(-s, axis=1)[:, :k] + lo
        s = np.take_along_axis(s, i - lo, axis=1)
        if best_s is not None:
            s, i = np.hstack([best_s, s]), np.hstack([best_i, i])
        order = np.argsort(-s, axis=1)[:, :k]
        best_s, best_i = np.take_along_axis(s, order, axis=1), np.take_along_axis(i, order, axis=1)
    return best_i


def recall_at(index, queries: np.ndarray, truth: np.ndarray, k: int, nprobe: int | None) -> tuple[float, float]:
    """(recall@k, mean ms per query, one query at a time) of a FAISS index against exact top-k."""
    if nprobe is not None:
        index.nprobe = nprobe
    found, t = [], time.perf_counter()
    for q in queries:
        found.append(index.search(q[None, :], k)[1][0])
    ms = (time.perf_counter() - t) * 1000 / len(queries)
    hits = sum(len(set(f) & set(g)) for f, g in zip(found, truth))
    return hits / (k * len(queries)), ms


def build(n: int, base: dict, work: Path, settings, ann) -> tuple[Path, dict]:
    from rag.ingest.indexer import chunker_fingerprint
    from rag.stores.index_store import IndexStore, embedding_fingerprint
    from rag.stores.segment import write_segment
    from eval.scale_corpus import synthetic_segment

    index_dir = work / f"index-{n}"
    shutil.rmtree(index_dir, ignore_errors=True)
    t0 = time.perf_counter()
    data = synthetic_segment(base, n, work / "sentence_vectors.tmp.npy")
    t1 = time.perf_counter()
    store = IndexStore(index_dir)
    store.segments_dir.mkdir(parents=True)
    entry = write_segment(store.segments_dir, data, ann)
    e = settings.embedding
    from embeddings import get_embedder

    emb = get_embedder(e)
    fingerprint = {"embedding": embedding_fingerprint(e.backend, e.model), "model_id": emb.model_id, "dim": emb.dim,
                   "chunker": chunker_fingerprint(settings)}
    docs = {d.doc_id: {"source": d.source, "content_hash": d.content_hash, "title": d.title} for d in data.documents}
    with store.lock():
        store.write_version({"fingerprint": fingerprint, "n_chunks": n, "documents": docs}, [entry])
    t2 = time.perf_counter()
    vectors = data.vectors
    del data
    (work / "sentence_vectors.tmp.npy").unlink()
    return index_dir, {"generate_s": round(t1 - t0, 1), "write_index_s": round(t2 - t1, 1), "vectors": vectors}


def probe(index_dir: Path, queries: Path, *flags: str) -> dict:
    out = subprocess.run([sys.executable, str(ROOT / "eval" / "scale_probe.py"), str(index_dir), str(queries), *flags],
                         capture_output=True, text=True, cwd=ROOT, timeout=1200)
    if out.returncode:
        raise RuntimeError(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def add_and_delete(index_dir: Path, settings, work: Path) -> dict:
    """Add one short document with the real ingest (real embedding), then delete it; what each wrote."""
    from rag.ingest.indexer import ingest

    note = work / "口袋公园通知.txt"
    note.write_text(NOTE, encoding="utf-8")
    settings.paths.index_dir = index_dir
    big = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in (index_dir / "segments").rglob("*") if p.is_file()
           and not p.name.startswith(".")}
    before = {p for p in index_dir.rglob("*") if p.is_file()}
    stamps: dict[str, float] = {}
    t0 = time.perf_counter()
    report = ingest([note], settings, index_dir, sync=False,
                    progress=lambda p: stamps.setdefault(p.stage, time.perf_counter()))
    total = time.perf_counter() - t0
    embedding = stamps.get("写入", t0) - stamps.get("嵌入", t0)
    written = sum(p.stat().st_size for p in index_dir.rglob("*") if p.is_file() and p not in before)
    untouched = all((p.stat().st_ino, p.stat().st_mtime_ns) == v for p, v in big.items())
    before = {p for p in index_dir.rglob("*") if p.is_file()}
    t1 = time.perf_counter()
    gone = ingest([], settings, index_dir, sync=False, remove=[report.added[0]])
    delete_s = time.perf_counter() - t1
    written_del = sum(p.stat().st_size for p in index_dir.rglob("*") if p.is_file() and p not in before)
    return {"add_total_s": round(total, 2), "add_embedding_s": round(embedding, 2),
            "add_other_s": round(total - embedding, 2), "add_bytes": written, "add_chunks": report.embedded_chunks,
            "big_files_untouched": untouched, "delete_s": round(delete_s, 2), "delete_bytes": written_del,
            "deleted": gone.removed}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="10k,100k", help="comma-separated chunk counts (k/m suffixes)")
    ap.add_argument("--queries", type=int, default=200, help="real questions timed and used for recall")
    ap.add_argument("--nprobes", default="4,8,16,32,64", help="IVF nprobe values whose recall@10 is measured")
    ap.add_argument("--ann-threshold", type=int, default=None, help="override dense_index.ann_threshold")
    ap.add_argument("--work", type=Path, default=Path("/tmp/bench_scale"), help="where the indexes are built")
    ap.add_argument("--out", type=Path, default=ROOT / "eval" / "results" / "scale")
    ap.add_argument("--real", type=int, default=2677, help="real chunks to embed (cached in .cache/bench_scale)")
    ap.add_argument("--real-seconds", type=float, default=900, help="time box for embedding them")
    ap.add_argument("--keep", action="store_true", help="keep the built indexes")
    args = ap.parse_args()

    import faiss

    from eval.scale_base import build_base
    from rag.settings import Settings
    from rag.stores.segment import AnnParams, build_faiss

    settings = Settings()
    faiss.omp_set_num_threads(settings.dense_index.search_threads or faiss.omp_get_max_threads())
    if args.ann_threshold:
        settings.dense_index.ann_threshold = args.ann_threshold
    ann = AnnParams(settings.dense_index.ann_threshold, settings.dense_index.ivf_nlist)
    base = build_base(ROOT / ".cache" / "bench_scale" / "base.npz", args.real, args.real_seconds, 300)
    args.work.mkdir(parents=True, exist_ok=True)
    queries = args.work / "queries.npz"
    np.savez(queries, queries=base["queries"][: args.queries], query_vectors=base["query_vectors"][: args.queries])
    qv = base["query_vectors"][: args.queries]
    print(f"real slice: {len(base['texts'])} chunks embedded in {float(base['seconds']):.0f} s; "
          f"{len(qv)} real questions as queries; faiss threads {faiss.omp_get_max_threads()}", flush=True)
    rows = []
    for n in [size_arg(s) for s in args.sizes.split(",")]:
        print(f"== {n} chunks", flush=True)
        index_dir, row = build(n, base, args.work, settings, ann)
        vectors = row.pop("vectors")
        row |= {"chunks": n, "disk_mb": round(folder_bytes(index_dir) / 1e6)}
        truth = exact_top(vectors, qv, 10)
        flat = faiss.IndexFlatIP(vectors.shape[1])
        flat.add(vectors)
        row["exact_ms"] = round(recall_at(flat, qv, truth, 10, None)[1], 2)
        del flat
        seg = next((index_dir / "segments").iterdir())
        stored = faiss.read_index(str(seg / "faiss.index"))
        row["dense_kind"] = "ivf" if hasattr(stored, "nprobe") else "flat"
        ivf = stored if row["dense_kind"] == "ivf" else (
            build_faiss(vectors, AnnParams(0, settings.dense_index.ivf_nlist)) if n >= 50_000 else None)
        if ivf is not None:
            row["nlist"] = int(ivf.nlist)
            for p in [int(x) for x in args.nprobes.split(",")]:
                rec, ms = recall_at(ivf, qv, truth, 10, p)
                row[f"recall@10_nprobe{p}"], row[f"ivf_ms_nprobe{p}"] = round(rec, 4), round(ms, 2)
        del stored, ivf, vectors
        row["stored_recall@10"] = 1.0 if row["dense_kind"] == "flat" else \
            row.get(f"recall@10_nprobe{settings.dense_index.ivf_nprobe}")
        row["cold"] = probe(index_dir, queries)
        row["cold_full_verify"] = probe(index_dir, queries, "--full-verify")
        row |= add_and_delete(index_dir, Settings(), args.work)
        print(json.dumps(row, ensure_ascii=False), flush=True)
        rows.append(row)
        if not args.keep:
            shutil.rmtree(index_dir, ignore_errors=True)
    write_table(rows, args.out, settings, " ".join(sys.argv[1:]))


def write_table(rows: list[dict], out: Path, settings, argv: str) -> None:
    head = ("| chunks | build s (generate + write/index) | disk MB | dense index | cold load s (stamped / full hash) "
            "| RSS MB loaded / after queries | BM25 p50/p95 ms | dense p50/p95 ms | hybrid p50/p95 ms "
            "| dense recall@10 | add 1 doc s (total / embedding / rest), bytes | delete 1 doc s |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in rows:
        c, f = r["cold"], r["cold_full_verify"]
        lines.append(
            f"| {r['chunks']:,} | {r['generate_s']} + {r['write_index_s']} | {r['disk_mb']:,} | {r['dense_kind']}"
            f"{' nlist ' + str(r['nlist']) + ' nprobe ' + str(settings.dense_index.ivf_nprobe) if r['dense_kind'] == 'ivf' else ''}"
            f" | {c['load_s']} / {f['load_s']} | {c['rss_loaded_mb']:,} / {c['rss_after_queries_mb']:,} "
            f"| {c['bm25_p50_ms']}/{c['bm25_p95_ms']} | {c['dense_p50_ms']}/{c['dense_p95_ms']} "
            f"| {c['hybrid_p50_ms']}/{c['hybrid_p95_ms']} | {r['stored_recall@10']} "
            f"| {r['add_total_s']} / {r['add_embedding_s']} / {r['add_other_s']}, {r['add_bytes']:,} | {r['delete_s']} |")
    probes = [f"- {r['chunks']:,}: exact flat search {r['exact_ms']} ms/query; " + ", ".join(
        f"nprobe {k.removeprefix('recall@10_nprobe')}: recall@10 {v}, {r['ivf_ms_nprobe' + k.removeprefix('recall@10_nprobe')]} ms"
        for k, v in r.items() if k.startswith("recall@10_nprobe")) for r in rows]
    text = "\n".join(lines) + "\n\nIVF recall@10 against exact search (one query at a time):\n" + "\n".join(probes)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".md").write_text(f"`python eval/bench_scale.py {argv}`\n\n{text}\n", encoding="utf-8")
    out.with_suffix(".json").write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
