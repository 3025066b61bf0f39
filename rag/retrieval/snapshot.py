"""The live index as retrieval and the reader see it: a stored version plus the BM25 and dense legs built from it.

Everything past retrieval (evidence check, reader, answerer) reads the index only through the methods below,
so a store that keeps its data elsewhere (a Milvus collection, memory-mapped segments) can stand behind the
same interface without the reader holding every sentence vector or the whole text in memory."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from rag.retrieval.bm25_retriever import BM25Retriever
from rag.retrieval.dense_retriever import DenseRetriever
from rag.stores.index_store import StoredIndex


@dataclass
class Snapshot(StoredIndex):
    dense: DenseRetriever = field(default=None, repr=False)
    bm25: BM25Retriever = field(default=None, repr=False)
    _maps: dict = field(default_factory=dict, repr=False)
    # closest_sentences scans every sentence vector up to this many sentences; above it, only the sentences
    # of the chunks the dense index finds closest (settings.dense_index.sentence_exact_limit)
    sentence_exact_limit: int = 200_000

    @classmethod
    def from_stored(cls, stored: StoredIndex, bm25_k1: float = 1.2, bm25_b: float = 0.75, nprobe: int = 64,
                    sentence_exact_limit: int = 200_000, search_threads: int = 1) -> "Snapshot":
        return cls(**vars(stored), dense=DenseRetriever(stored.layout, nprobe, search_threads),
                   bm25=BM25Retriever(stored.layout, bm25_k1, bm25_b), sentence_exact_limit=sentence_exact_limit)

    # -- vocabulary -----------------------------------------------------------------------------
    def knows(self, term: str) -> bool:
        """Is this BM25 token in some chunk?"""
        return self.bm25.knows(term)

    def mentions(self, text: str) -> bool:
        """Does this (script-normalised) string occur anywhere in the knowledge base's chunk text?

        Searched in each segment's search_text.txt (the normalised search text of its chunks, memory-mapped)
        instead of one joined string held in memory, and only in segments that hold every adjacent pair of
        its characters (bigrams.npy); a match inside a deleted chunk does not count.
        Answers are cached per snapshot (the evidence check asks the same words again)."""
        cache = self._maps.setdefault("mentions", {})
        if text not in cache:
            cache[text] = self._find_text(text)
        return cache[text]

    def _find_text(self, text: str) -> bool:
        needle = text.encode()
        if not needle:
            return len(self.chunks) > 0
        a = np.frombuffer(text.encode("utf-32-le"), np.uint32).astype(np.uint64)
        pairs = (a[:-1] << np.uint64(32)) | a[1:]
        for si, seg in enumerate(self.layout.segments):
            if len(pairs) and "\n" not in text:
                at = np.minimum(np.searchsorted(seg.bigrams, pairs), max(len(seg.bigrams) - 1, 0))
                if not len(seg.bigrams) or not (seg.bigrams[at] == pairs).all():
                    continue  # a pair of adjacent characters this segment never has: not in it, no scan
            mm, offsets, at = seg.text_file.mm, seg.text_file.offsets, 0
            while (pos := mm.find(needle, at)) >= 0:
                local = int(np.searchsorted(offsets, pos, side="right")) - 1
                if self.layout.alive is None or self.layout.alive[self.layout.offsets[si] + local]:
                    return True
                at = int(offsets[local + 1])  # that chunk is deleted: look on from the next one
        return False

    # -- rows -----------------------------------------------------------------------------------
    def chunk_row(self, chunk_id: str) -> int | None:
        """Chunk ids are `<doc_id>#<n>`: the row is the document's first row plus n (checked)."""
        doc_id, _, n = chunk_id.rpartition("#")
        if doc_id not in self.layout.docs or not n.isdigit():
            return None
        rows = self.layout.doc_rows(doc_id)
        if int(n) >= len(rows):
            return None
        row = rows[int(n)]
        return row if self.chunks[row].chunk_id == chunk_id else None

    def sentence_rows(self, chunk_id: str) -> list[int]:
        """Rows of the chunk's sentences in `sentences` (empty for a chunk without sentence data)."""
        row = self.chunk_row(chunk_id)
        if row is None:
            return []
        seg, local = self.layout.locate(self.layout.phys(row))
        si = self.layout.segments.index(seg)
        base = int(self.layout.sentence_offsets[si])
        return list(range(base + int(seg.sentence_first[local]), base + int(seg.sentence_first[local + 1])))

    # -- sentence meaning -------------------------------------------------------------------------
    @property
    def has_sentence_vectors(self) -> bool:
        return self.sentence_vectors is not None and len(self.sentence_vectors) > 0

    def sentence_similarity(self, rows: list[int], query_vector: np.ndarray) -> dict[int, float]:
        """Cosine of the query with each listed sentence."""
        if not rows or not self.has_sentence_vectors:
            return {}
        sims = self.sentence_vectors[np.asarray(rows)] @ query_vector
        return {j: float(s) for j, s in zip(rows, sims)}

    def closest_sentences(self, query_vector: np.ndarray, n: int) -> list[tuple[int, float]]:
        """The n sentences closest in meaning to the query, best first.

        Up to sentence_exact_limit sentences: every sentence vector is scored. Above it (a million-chunk
        index has millions of sentences): the sentences of the chunks the dense index ranks closest
        (max(50, 4n) chunks), so no second vector index is held in memory; a sentence close to the query
        almost always sits in a chunk close to it."""
        if not self.has_sentence_vectors or n <= 0:
            return []
        if len(self.sentence_vectors) <= self.sentence_exact_limit:
            rows = self._live_sentence_rows()
            sims = np.concatenate([np.asarray(s.sentence_vectors).reshape(s.n_sentences, -1) @ query_vector
                                   for s in self.layout.segments])
            sims = sims if self.layout.alive is None else sims[rows]
        else:
            rows = np.asarray([j for r, _ in self.dense.run(query_vector, max(50, 4 * n))
                               for j in self.sentence_rows(self.chunks[r].chunk_id)], np.int64)
            sims = self.sentence_vectors[rows] @ query_vector if len(rows) else np.zeros(0)
        if not len(rows):
            return []
        n = min(n, len(sims))
        top = np.argpartition(-sims, n - 1)[:n]
        top = top[np.argsort(-sims[top], kind="stable")]
        return [(int(rows[j]), float(sims[j])) for j in top]

    def _live_sentence_rows(self) -> np.ndarray:
        if "live_sentences" not in self._maps:
            parts = []
            for si, seg in enumerate(self.layout.segments):
                per_chunk = np.diff(np.asarray(seg.sentence_first))
                base = int(self.layout.sentence_offsets[si])
                rows = np.arange(base, base + seg.n_sentences, dtype=np.int64)
                if self.layout.alive is not None:
                    alive = self.layout.alive[self.layout.offsets[si]: self.layout.offsets[si + 1]]
                    rows = rows[np.repeat(alive, per_chunk)]
                parts.append(rows)
            self._maps["live_sentences"] = np.concatenate(parts) if parts else np.zeros(0, np.int64)
        return self._maps["live_sentences"]
