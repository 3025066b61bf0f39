"""The live index as retrieval sees it: a stored version plus the BM25 and dense legs built from it."""
from __future__ import annotations

from dataclasses import dataclass, field

from rag.retrieval.bm25_retriever import BM25Retriever
from rag.retrieval.dense_retriever import DenseRetriever
from rag.stores.index_store import StoredIndex


@dataclass
class Snapshot(StoredIndex):
    dense: DenseRetriever = field(default=None, repr=False)
    bm25: BM25Retriever = field(default=None, repr=False)

    @classmethod
    def from_stored(cls, stored: StoredIndex, bm25_k1: float = 1.2, bm25_b: float = 0.75) -> "Snapshot":
        return cls(**vars(stored), dense=DenseRetriever(stored.faiss_index),
                   bm25=BM25Retriever(stored.tokens, bm25_k1, bm25_b))
