"""LangChain `BaseRetriever` over the product's Searcher: the same hybrid BM25 + dense retrieval, filters
and Simplified/Traditional normalisation the app uses, for Python users who build LangChain chains.

    from rag.retrieval.langchain_retriever import RenewalRetriever
    retriever = RenewalRetriever(searcher=Searcher(get_settings()), k=5)
    retriever.invoke("石景山老樓加梯竣工總量是多少部？")  # -> [Document(page_content=..., metadata={...})]
"""
from __future__ import annotations

from pathlib import Path
from typing import Literal

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, Field

from rag.retrieval.searcher import Filters, Searcher


class RenewalRetriever(BaseRetriever):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    searcher: Searcher
    k: int = Field(5, ge=1, le=100, description="Passages returned.")
    mode: Literal["hybrid", "bm25", "dense"] | None = Field(None, description="None: the searcher's setting.")
    filters: Filters | None = Field(None, description="Regions, documents, date range.")

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        result = self.searcher.search(query, k=self.k, mode=self.mode, filters=self.filters)
        docs = []
        for h in result.hits:
            c, m = h.chunk, h.doc.meta
            docs.append(Document(page_content=c.text, id=c.chunk_id, metadata={
                "rank": h.rank, "score": h.score, "doc_id": c.doc_id, "chunk_id": c.chunk_id, "title": c.title,
                "heading_path": list(c.heading_path), "start": c.start, "end": c.end, "file": Path(c.source).name,
                "publisher": m.publisher, "date": m.date, "region": m.region, "source_url": m.source_url}))
        return docs
