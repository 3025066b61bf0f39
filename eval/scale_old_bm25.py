"""Memory and build time of the former BM25 (dict postings built in Python on every load), for the "before"
figure of the scale table: the same synthetic rows as eval/bench_scale.py, token lists made first, then
the former implementation (kept as the reference in tests/rag/stores/test_segments.py) built over them.

    python eval/scale_old_bm25.py 1000000
"""
import gc
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "rag" / "stores")]


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    from eval.scale_base import build_base
    from eval.scale_corpus import synthetic_segment
    from test_segments import OldBM25

    n = int(sys.argv[1])
    base = build_base(ROOT / ".cache" / "bench_scale" / "base.npz", 0, 0, 0)
    scratch = Path("/tmp/scale_old_bm25_sv.npy")
    data = synthetic_segment(base, n, scratch)
    terms, indptr, ids = data.terms, data.tokens_indptr, data.tokens_ids
    del data
    scratch.unlink()
    gc.collect()
    token_lists = [[terms[t] for t in ids[indptr[i]: indptr[i + 1]].tolist()] for i in range(n)]
    gc.collect()
    before, t = rss_mb(), time.perf_counter()
    OldBM25(token_lists)
    print(f"{n} chunks, {indptr[-1] / n:.1f} tokens each: former dict BM25 built in {time.perf_counter() - t:.1f} s, "
          f"+{rss_mb() - before:.0f} MB resident over the token lists")


if __name__ == "__main__":
    main()
