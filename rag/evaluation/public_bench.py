"""Public benchmarks (CMRC 2018 trial, DRCD dev) against a vanilla LangChain baseline, in one run.

Each dataset's paragraphs are pooled into one corpus (one document per paragraph);
a question's own paragraph is the relevant one. renewal-qa runs its full pipeline
(cleaning, chunking, BM25 + dense hybrid, script normalisation, offline answerer).
The baseline is what a LangChain tutorial builds: RecursiveCharacterTextSplitter over
the raw paragraphs, the same embedding model, a FAISS vector store, no cleaning, no
BM25, no script normalisation; its "answer" is the top retrieved chunk cut to the
offline answerer's length budget, the fair extractive counterpart.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from rag.answering.answer_service import AnswerService
from rag.ingest.indexer import ingest
from rag.retrieval.searcher import Searcher
from rag.settings import ROOT, Settings

from . import metrics as M

# The shared datasets folder beside the checkout; RQA_DATASETS_DIR names another (e.g. from a git worktree).
DATASETS_DIR = Path(os.environ.get("RQA_DATASETS_DIR") or ROOT.parent / "shared" / "datasets")
DATASETS = {
    "cmrc": DATASETS_DIR / "cmrc2018" / "cmrc2018_trial.json",
    "drcd": DATASETS_DIR / "drcd" / "DRCD_dev.json",
}
CACHE = ROOT / ".cache" / "bench"


@dataclass
class QA:
    question: str
    paragraph_id: str
    answers: list[str]
    qid: str = ""  # the dataset's own question id


def load_squad(path: Path) -> tuple[dict[str, str], list[QA]]:
    """SQuAD v1 JSON → ({paragraph id: context}, questions). Ids are p00001… in file order."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))["data"]
    paragraphs: dict[str, str] = {}
    questions: list[QA] = []
    for article in data:
        for para in article["paragraphs"]:
            pid = f"p{len(paragraphs) + 1:05d}"
            paragraphs[pid] = para["context"]
            for qa in para["qas"]:
                questions.append(QA(qa["question"], pid, [a["text"] for a in qa.get("answers", [])],
                                    str(qa.get("id", len(questions)))))
    return paragraphs, questions


def materialise(name: str, paragraphs: dict[str, str]) -> Path:
    """Write each paragraph as .cache/bench/<name>/docs/<id>.txt (rewritten only when different)."""
    docs = CACHE / name / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    for pid, text in paragraphs.items():
        f = docs / f"{pid}.txt"
        if not f.exists() or f.read_text(encoding="utf-8") != text:
            f.write_text(text, encoding="utf-8")
    keep = {f"{pid}.txt" for pid in paragraphs}
    for f in docs.glob("*.txt"):  # a stale file would become an extra (distractor) document
        if f.name not in keep:
            f.unlink()
    return docs


def _rank_metrics(ranked_ids: list[list[str]], gold: list[str]) -> dict:
    return M.rank_summary([[pid == g for pid in ids] for ids, g in zip(ranked_ids, gold)])


class _LangChainEmbeddings:
    """The same embedding model, behind LangChain's Embeddings interface (raw text, no normalisation)."""

    def __init__(self, embedder):
        self.embedder = embedder

    def embed_documents(self, texts):
        return self.embedder.embed_passages(list(texts)).tolist()

    def embed_query(self, text):
        return self.embedder.embed_query(text).tolist()

    def __call__(self, text):
        return self.embed_query(text)


def vanilla_langchain(name: str, paragraphs: dict[str, str], settings: Settings):
    from langchain_community.vectorstores import FAISS
    from langchain_core.documents import Document
    from langchain_core.embeddings import Embeddings
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from embeddings import get_embedder

    class Emb(_LangChainEmbeddings, Embeddings):
        pass

    emb = Emb(get_embedder(settings.embedding))
    folder = CACHE / name / f"langchain-faiss-{settings.embedding.backend}"
    if (folder / "index.faiss").exists():
        return FAISS.load_local(str(folder), emb, allow_dangerous_deserialization=True)  # our own file
    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    docs = splitter.split_documents([Document(page_content=t, metadata={"pid": pid}) for pid, t in paragraphs.items()])
    store = FAISS.from_documents(docs, emb)
    store.save_local(str(folder))
    return store


def run_dataset(name: str, settings: Settings, limit: int | None = None, answers: bool = True) -> dict:
    paragraphs, questions = load_squad(DATASETS[name])
    questions = questions[:limit] if limit else questions
    docs = materialise(name, paragraphs)
    index_dir = CACHE / name / f"index-{settings.embedding.backend}"
    report = ingest([docs], settings, index_dir, sync=True)
    searcher = Searcher(settings, index_dir)
    gold = [q.paragraph_id for q in questions]

    ours = [[h.chunk.doc_id for h in searcher.search(q.question, k=10).hits] for q in questions]
    systems = {"renewal-qa (hybrid)": _rank_metrics(ours, gold)}
    store = vanilla_langchain(name, paragraphs, settings)
    base_hits = [store.similarity_search(q.question, k=10) for q in questions]
    systems["vanilla LangChain"] = _rank_metrics([[d.metadata["pid"] for d in hits] for hits in base_hits], gold)

    if answers:
        service = AnswerService(settings, searcher=searcher)
        budget = settings.answer.max_chars
        ours_contains, base_contains, ours_refused = [], [], []
        for q, hits in zip(questions, base_hits):
            if not q.question.strip():
                continue  # two CMRC entries have no question text: `ask` rightly answers 请输入问题, no refusal
            a = service.ask(q.question)
            ours_refused.append(float(a.refused))
            ours_contains.append(max((M.contains_gold(a.answer, g) for g in q.answers), default=0.0))
            top = hits[0].page_content[:budget] if hits else ""
            base_contains.append(max((M.contains_gold(top, g) for g in q.answers), default=0.0))
        systems["renewal-qa (hybrid)"]["contains_gold"] = M.mean(ours_contains)
        systems["vanilla LangChain"]["contains_gold"] = M.mean(base_contains)
        # every public question is answerable from its paragraph: any refusal here is a false one
        systems["renewal-qa (hybrid)"]["false_refusal_rate"] = M.mean(ours_refused)
        systems["renewal-qa (hybrid)"]["n_asked"] = len(ours_refused)
    base = systems["vanilla LangChain"]["recall@5"] or 1e-9
    return {"n_questions": len(questions), "n_paragraphs": len(paragraphs), "ingest_seconds": report.seconds,
            "systems": systems, "ratio_recall@5": systems["renewal-qa (hybrid)"]["recall@5"] / base}


def run_public(settings: Settings, names: list[str], limit: int | None = None) -> dict:
    return {name: run_dataset(name, settings, limit) for name in names if name}
