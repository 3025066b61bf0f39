"""Run in a fresh process by eval/bench_scale.py: cold load of an index, its resident memory, and query
latencies of each leg. Prints one JSON object.

    python eval/scale_probe.py INDEX_DIR QUERIES.npz [--full-verify] [--nprobe N]
"""
from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def rss_mb(field: str = "VmRSS") -> float:
    """Resident memory (VmRSS) or its peak (VmHWM) of this process; ru_maxrss would report the parent's
    peak, which Linux carries over fork and exec."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def pct(values: list[float], p: float) -> float:
    import numpy as np

    return round(float(np.percentile(values, p)), 2) if values else 0.0


def main() -> None:
    import numpy as np

    index_dir, queries_file = Path(sys.argv[1]), Path(sys.argv[2])
    full = "--full-verify" in sys.argv
    nprobe = int(sys.argv[sys.argv.index("--nprobe") + 1]) if "--nprobe" in sys.argv else None
    if full:  # forget the verified stamps: every file is hashed, as on the first load after a copy
        for stamp in (index_dir / "segments").glob("*/.verified.json"):
            stamp.unlink()
    from rag.retrieval.fusion import weighted_scores
    from rag.retrieval.searcher import Searcher
    from rag.settings import Settings

    settings = Settings()
    settings.paths.index_dir = index_dir
    if nprobe:
        settings.dense_index.ivf_nprobe = nprobe
    q = np.load(queries_file)
    texts, vectors = [str(t) for t in q["queries"]], q["query_vectors"]
    rss0 = rss_mb()
    t0 = time.perf_counter()
    snap = Searcher(settings, index_dir).snapshot()
    load_s = time.perf_counter() - t0
    rss_loaded = rss_mb()
    r = settings.retrieval
    depth = r.candidates
    snap.bm25.run(texts[0], depth)  # jieba's dictionary loads on first use: not an index cost
    lat = {"bm25": [], "dense": [], "hybrid": []}
    for text, qv in zip(texts, vectors):
        a = time.perf_counter()
        bm = snap.bm25.run(text, depth, r.use_synonyms)
        b = time.perf_counter()
        dn = snap.dense.run(qv, depth)
        c = time.perf_counter()
        weighted_scores(bm, dn, r.bm25_weight, r.agreement_bonus)
        d = time.perf_counter()
        lat["bm25"].append((b - a) * 1000)
        lat["dense"].append((c - b) * 1000)
        lat["hybrid"].append((d - a) * 1000)
    extra = {}
    t = time.perf_counter()
    found = snap.mentions("这串文字不在知识库里")
    extra["mentions_absent_ms"] = round((time.perf_counter() - t) * 1000, 1)
    t = time.perf_counter()
    snap.closest_sentences(vectors[0], 12)
    extra["closest_sentences_ms"] = round((time.perf_counter() - t) * 1000, 1)
    t = time.perf_counter()
    [snap.chunks[row] for row, _ in snap.bm25.run(texts[1], 5)]
    extra["five_chunks_ms"] = round((time.perf_counter() - t) * 1000, 1)
    out = {"load_s": round(load_s, 2), "rss_before_mb": round(rss0), "rss_loaded_mb": round(rss_loaded),
           "rss_after_queries_mb": round(rss_mb()),
           "peak_rss_mb": round(rss_mb("VmHWM")),
           "queries": len(texts), "mentions_found": found, **extra}
    for leg, values in lat.items():
        out[f"{leg}_p50_ms"], out[f"{leg}_p95_ms"] = pct(values, 50), pct(values, 95)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
