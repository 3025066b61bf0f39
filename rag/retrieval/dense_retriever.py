"""Dense leg: inner-product search in FAISS over L2-normalised embeddings (cosine), one index per segment.

A segment up to `dense_index.ann_threshold` chunks holds an exact flat index; a bigger one an IVF index,
searched with `dense_index.ivf_nprobe` cells (chosen by eval/bench_scale.py for recall@10 >= 0.98 against
exact search). Each segment is asked for top_k plus its tombstoned rows, so deletions never shorten the list.
"""
from __future__ import annotations

import numpy as np

from rag.stores.rows import RowLayout


class DenseRetriever:
    def __init__(self, layout: RowLayout, nprobe: int = 64, threads: int = 1):
        self.layout = layout
        if threads:
            import faiss

            faiss.omp_set_num_threads(threads)  # process-wide; build_faiss raises it while it builds
        for seg in layout.segments:
            if hasattr(seg.faiss, "nprobe"):
                seg.faiss.nprobe = nprobe

    @property
    def ntotal(self) -> int:
        return self.layout.n_live

    def run(self, query_vector: np.ndarray, top_k: int) -> list[tuple[int, float]]:
        if self.layout.n_live == 0 or top_k <= 0:
            return []
        q = np.ascontiguousarray(query_vector[None, :], dtype=np.float32)
        rows, scores = [], []
        for si, seg in enumerate(self.layout.segments):
            k = min(top_k + self.layout.dead_per_segment[si], seg.faiss.ntotal)
            if k == 0 or self.layout.dead_per_segment[si] == seg.n_chunks:
                continue
            s, r = seg.faiss.search(q, k)
            found = r[0] >= 0
            rows.append(r[0][found] + self.layout.offsets[si])
            scores.append(s[0][found])
        if not rows:
            return []
        keep, live = self.layout.live_rows(np.concatenate(rows))
        scores = np.concatenate(scores)[keep]
        order = np.lexsort((live, -scores))[:top_k]
        return [(int(r), float(s)) for r, s in zip(live[order], scores[order])]
