"""Search service: query → ranked passages from the live index (bm25 / dense / hybrid).

It re-reads the index when CURRENT changes, so a running app sees re-indexing
without a restart.
"""
from __future__ import annotations

import datetime
import re
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from embeddings import get_embedder
from rag.documents import Chunk, Document
from rag.retrieval.fusion import weighted_scores
from rag.retrieval.snapshot import Snapshot
from rag.settings import Settings
from rag.stores.backend import open_store
from rag.stores.index_store import IndexMismatch, embedding_fingerprint
from rag.text.text_match import normalise


@dataclass
class Hit:
    rank: int
    score: float
    chunk: Chunk
    doc: Document
    bm25: float = 0.0  # raw leg scores, for refusal calibration and debugging
    cosine: float = 0.0
    coverage: float = 0.0  # share of the query's content terms found in the passage
    tokens: frozenset[str] = frozenset()  # the chunk's stored BM25 tokens (title and headings included)

    def to_dict(self) -> dict:
        c, m = self.chunk, self.doc.meta
        return {"rank": self.rank, "score": round(self.score, 4), "doc_id": c.doc_id, "source": c.source,
                "title": c.title, "text": c.text, "start": c.start, "end": c.end, "chunk_id": c.chunk_id,
                "heading_path": c.heading_path, "publisher": m.publisher, "date": m.date,
                "source_url": m.source_url, "region": m.region, "bm25": round(self.bm25, 3),
                "cosine": round(self.cosine, 4), "coverage": round(self.coverage, 3)}


class FilterError(ValueError):
    """A filter value that does not parse; the message names the field in Chinese and shows the accepted forms."""


_DATE = re.compile(r"^(\d{4})(?:\s*[-/.年]\s*(\d{1,2})(?:\s*[-/.月]\s*(\d{1,2})\s*日?)?\s*月?)?\s*年?$")
DATE_FIELDS = {"date_from": "起始日期", "date_to": "截止日期"}


def parse_filter_date(value: str, label: str) -> str:
    """'2023', '2023-1', '2023/01/15', '2023年1月' → ISO prefix ('2023', '2023-01', '2023-01-15'); '' stays ''."""
    text = unicodedata.normalize("NFKC", value or "").strip()
    if not text:
        return ""
    m = _DATE.match(text)
    try:
        if m is None:
            raise ValueError
        year, month, day = m.group(1), m.group(2), m.group(3)
        datetime.date(int(year), int(month or 1), int(day or 1))  # a real calendar date
    except ValueError:
        raise FilterError(f"{label}“{value}”无法识别：请写成 2023、2023-01 或 2023-01-15") from None
    return year + (f"-{int(month):02d}" if month else "") + (f"-{int(day):02d}" if day else "")


@dataclass
class Filters:
    """Narrow retrieval to some documents (UI filters). Empty means no restriction.

    Dates are checked when searching (check()): a value that does not parse is an error naming the
    field, never silently ignored."""

    regions: list[str] = field(default_factory=list)
    doc_ids: list[str] = field(default_factory=list)
    date_from: str = ""  # ISO dates compare as strings; documents without a date always pass
    date_to: str = ""

    def check(self) -> "Filters":
        """Normalise the dates in place (2023-1 → 2023-01); raise FilterError naming a field that does not parse."""
        for name, label in DATE_FIELDS.items():
            setattr(self, name, parse_filter_date(getattr(self, name), label))
        if self.date_from and self.date_to and self.date_from[: len(self.date_to)] > self.date_to:
            raise FilterError(f"起始日期 {self.date_from} 晚于截止日期 {self.date_to}")
        return self

    def allows(self, doc: Document) -> bool:
        m = doc.meta
        if self.regions and m.region not in self.regions:
            return False
        if self.doc_ids and doc.doc_id not in self.doc_ids:
            return False
        if m.date and self.date_from and m.date[: len(self.date_from)] < self.date_from:
            return False
        if m.date and self.date_to and m.date[: len(self.date_to)] > self.date_to:
            return False
        return True

    def active(self) -> bool:
        return bool(self.regions or self.doc_ids or self.date_from or self.date_to)


@dataclass
class SearchResult:
    query: str
    hits: list[Hit]
    mode: str
    timings_ms: dict
    query_vector: object = None  # the embedded query (numpy), reused by the reader's sentence scoring

    def to_dict(self) -> dict:
        return {"query": self.query, "mode": self.mode, "hits": [h.to_dict() for h in self.hits],
                "timings_ms": self.timings_ms}


class Searcher:
    def __init__(self, settings: Settings, index_dir: Path | None = None):
        self.settings = settings
        self.store = open_store(settings, index_dir)  # FAISS folders or Milvus, by settings.store.backend
        self._snapshot: Snapshot | None = None
        self._lock = threading.Lock()

    @property
    def embedder(self):
        return get_embedder(self.settings.embedding)

    def snapshot(self) -> Snapshot:
        """The live index; reloaded when another process or tab has swapped in a new version."""
        with self._lock:
            current = self.store.current_version()
            if self._snapshot is None or current != self._snapshot.version:
                r = self.settings.retrieval
                if self.settings.store.backend == "milvus":
                    from rag.retrieval.milvus_snapshot import MilvusSnapshot

                    self._snapshot = MilvusSnapshot.load(self.store)
                else:
                    d = self.settings.dense_index
                    self._snapshot = Snapshot.from_stored(self.store.load(), r.bm25_k1, r.bm25_b, d.ivf_nprobe,
                                                          d.sentence_exact_limit, d.search_threads)
            return self._snapshot

    def check_compatible(self, snap: Snapshot) -> None:
        fp = snap.manifest.get("fingerprint", {})
        want = embedding_fingerprint(self.settings.embedding.backend, self.settings.embedding.model)
        if fp.get("embedding") != want:
            raise IndexMismatch(
                f"index {self.store.dir} was built with embedding {fp.get('embedding')!r} ({fp.get('model_id')}, "
                f"dim {fp.get('dim')}); the settings ask for {want!r}. Rebuild it: "
                f"python app.py ingest --index {self.store.dir} --rebuild docs/")
        if self.embedder.dim != fp.get("dim"):
            raise IndexMismatch(f"index dimension {fp.get('dim')} != model dimension {self.embedder.dim}; "
                                f"rebuild with python app.py ingest --index {self.store.dir} --rebuild docs/")

    def search(self, query: str, k: int | None = None, mode: str | None = None, filters: Filters | None = None,
               predicate: Callable[[Chunk], bool] | None = None) -> SearchResult:
        r = self.settings.retrieval
        k = k or r.top_k
        mode = mode or r.mode
        t0 = time.perf_counter()
        if filters is not None:
            filters.check()
        snap = self.snapshot()
        depth = max(r.candidates, k)
        engine = {}  # a store that filters inside the engine gets the filters as a scalar expression
        if filters is not None and filters.active():
            if getattr(snap, "filters_in_engine", False):
                engine = {"where": snap.where(filters)}
            else:
                depth = len(snap.chunks)  # filtering happens after retrieval; look at everything
        bm25 = snap.bm25.run(query, depth, r.use_synonyms, **engine) if mode in ("bm25", "hybrid") else []
        t1 = time.perf_counter()
        dense, query_vector = [], None
        if mode in ("dense", "hybrid"):
            self.check_compatible(snap)
            query_vector = self.embedder.embed_query(normalise(query))
            dense = snap.dense.run(query_vector, depth, **engine)
        t2 = time.perf_counter()
        if mode == "bm25":
            ranked = bm25
        elif mode == "dense":
            ranked = dense
        else:
            ranked = weighted_scores(bm25, dense, r.bm25_weight, r.agreement_bonus)
        bm25_of, cos_of = dict(bm25), dict(dense)
        terms = snap.bm25.query_terms(query, use_synonyms=False)
        hits: list[Hit] = []
        for row, score in ranked:
            chunk = snap.chunks[row]
            doc = snap.documents[chunk.doc_id]
            if filters is not None and not filters.allows(doc):
                continue
            if predicate is not None and not predicate(chunk):
                continue
            toks = frozenset(snap.tokens[row])
            coverage = sum(1 for t in terms if t in toks) / len(terms) if terms else 0.0
            cosine = cos_of.get(row)
            if cosine is None and mode != "bm25":
                cosine = 0.0
            hits.append(Hit(len(hits) + 1, float(score), chunk, doc, bm25_of.get(row, 0.0), cosine or 0.0, coverage,
                            toks))
            if len(hits) >= k:
                break
        t3 = time.perf_counter()
        timings = {"bm25": round((t1 - t0) * 1000, 2), "dense": round((t2 - t1) * 1000, 2),
                   "fuse": round((t3 - t2) * 1000, 2), "total": round((t3 - t0) * 1000, 2)}
        return SearchResult(query, hits, mode, timings, query_vector)

