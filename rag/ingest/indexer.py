"""Ingest: files → documents → chunks → embeddings → a new index version, incrementally.

Unchanged documents (same content hash, same chunker and embedding settings) reuse
their stored chunks and vectors; changed ones are re-chunked and re-embedded;
documents whose files are gone disappear (in sync mode). A file that cannot be
read is reported by name and, if an earlier version of it is indexed, that
version is kept: a bad file never half-updates the index.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from embeddings import get_embedder
from rag.documents import Document
from rag.ingest.chunking import chunk_document
from rag.ingest.document_builder import build_document, doc_id_for
from rag.ingest.loaders import LoadError, discover
from rag.ingest.sentences import embed_sentences, sentence_rows, sentence_texts, sentences_by_chunk
from rag.settings import Settings
from rag.stores.index_store import IndexStore, NoIndex, embedding_fingerprint
from rag.text.text_match import normalise, tokenize, tokenizer_fingerprint


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file name, reason)
    chunks: int = 0
    embedded_chunks: int = 0
    seconds: float = 0.0
    version: str | None = None
    rebuilt_reason: str = ""

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)

    def summary(self) -> str:
        parts = [f"{len(self.added)} added", f"{len(self.updated)} updated", f"{len(self.unchanged)} unchanged",
                 f"{len(self.removed)} removed", f"{self.chunks} chunks ({self.embedded_chunks} embedded)",
                 f"{self.seconds:.1f}s"]
        lines = ["ingest: " + ", ".join(parts)]
        if self.rebuilt_reason:
            lines.append(f"full rebuild: {self.rebuilt_reason}")
        lines += [f"FAILED {name}: {reason}" for name, reason in self.failed]
        return "\n".join(lines)


def chunker_fingerprint(settings: Settings) -> dict:
    c = settings.chunking
    return {"encoding": c.encoding, "chunk_tokens": c.chunk_tokens, "overlap_tokens": c.overlap_tokens,
            "min_chunk_tokens": c.min_chunk_tokens, "cleaner": 2, "passage_form": "normalised", "sentences": 1,
            "tokenizer": tokenizer_fingerprint()}


def _assign_ids(files: list[Path]) -> dict[Path, str]:
    ids: dict[Path, str] = {}
    used: set[str] = set()
    for f in files:
        base = doc_id_for(f)
        doc_id, n = base, 2
        while doc_id in used:
            doc_id, n = f"{base}_{n}", n + 1
        used.add(doc_id)
        ids[f] = doc_id
    return ids


def ingest(paths: list[Path], settings: Settings, index_dir: Path | None = None, sync: bool = True,
           rebuild: bool = False, remove: list[str] | None = None) -> IngestReport:
    """Bring the index at `index_dir` up to date with `paths`.

    sync=True: the index holds exactly these files afterwards (removed files disappear).
    sync=False: the files are added or updated; other indexed documents stay.
    remove: doc ids to drop (knowledge-base management).
    """
    t0 = time.perf_counter()
    store = IndexStore(index_dir or settings.paths.index_dir)
    report = IngestReport()
    files = discover(paths)
    ids = _assign_ids(files)

    # 1. Read and clean every file before touching the index.
    fresh: dict[str, Document] = {}
    failed_ids: set[str] = set()
    for f in files:
        try:
            fresh[ids[f]] = build_document(f, ids[f])
        except LoadError as exc:
            report.failed.append((f.name, str(exc).removeprefix(f"{f.name}: ")))
            failed_ids.add(ids[f])
        except Exception as exc:  # a parser bug on one file must not stop the others
            report.failed.append((f.name, f"{exc.__class__.__name__}: {exc}"))
            failed_ids.add(ids[f])

    embedder = get_embedder(settings.embedding)
    fingerprint = {"embedding": embedding_fingerprint(settings.embedding.backend, settings.embedding.model),
                   "model_id": embedder.model_id, "dim": embedder.dim, "chunker": chunker_fingerprint(settings)}

    with store.lock():
        # 2. What can be reused from the live version.
        previous = None
        if not rebuild:
            try:
                previous = store.load()
            except NoIndex:
                previous = None
            except Exception as exc:
                report.rebuilt_reason = f"previous index unreadable ({exc})"
        if previous is not None:
            old = previous.manifest.get("fingerprint", {})
            if old != fingerprint:
                report.rebuilt_reason = f"settings changed ({_diff(old, fingerprint)})"
                previous = None

        keep_ids: list[str] = []
        if previous is not None:
            for doc_id in previous.documents:
                drop = doc_id in (remove or [])
                gone = sync and doc_id not in fresh and doc_id not in failed_ids
                if drop or gone:
                    report.removed.append(doc_id)
                elif doc_id not in fresh:
                    keep_ids.append(doc_id)  # kept: not named this time, or its file failed to read

        # 3. Chunk and embed only what changed.
        documents: list[Document] = []
        chunk_rows, token_rows, vector_rows = [], [], []
        sent_rows, sent_vector_rows = [], []  # sentence data (rag/ingest/sentences.py), reused like chunks
        prev_docs = previous.documents if previous else {}
        prev_sentences = sentences_by_chunk(previous.sentences) if previous else {}
        for doc_id in keep_ids + [d for d in fresh if d not in (remove or [])]:
            new = fresh.get(doc_id)
            old = prev_docs.get(doc_id)
            if new is None or (old is not None and old.content_hash == new.content_hash):
                doc = old
                rows = [i for i, _ in previous.doc_chunks(doc_id)]
                chunk_rows += [previous.chunks[i] for i in rows]
                token_rows += [previous.tokens[i] for i in rows]
                vector_rows.append(previous.vectors[rows] if rows else np.zeros((0, embedder.dim), np.float32))
                srows = [j for i in rows for j in prev_sentences.get(previous.chunks[i].chunk_id, [])]
                sent_rows += [previous.sentences[j] for j in srows]
                sent_vector_rows.append(previous.sentence_vectors[srows] if srows
                                        else np.zeros((0, embedder.dim), np.float32))
                if new is not None:
                    report.unchanged.append(doc_id)
            else:
                doc = new
                chunks = chunk_document(doc, settings.chunking)
                texts = [c.search_text() for c in chunks]
                chunk_rows += chunks
                token_rows += [tokenize(t) for t in texts]
                # Embedded in the same matching form as queries (Simplified, NFKC, lower case), so a
                # Traditional question and a Simplified passage meet in one script.
                vector_rows.append(embedder.embed_passages([normalise(t) for t in texts]))
                srows = sentence_rows(doc, chunks)
                sent_rows += srows
                sent_vector_rows.append(embed_sentences(embedder, sentence_texts(chunks, srows)))
                report.embedded_chunks += len(chunks)
                (report.updated if old is not None else report.added).append(doc_id)
            documents.append(doc)

        report.chunks = len(chunk_rows)
        if previous is not None and not report.changed:
            report.version = previous.version  # nothing to write
        else:
            vectors = np.vstack(vector_rows) if vector_rows else np.zeros((0, embedder.dim), np.float32)
            manifest = {"fingerprint": fingerprint,
                        "documents": {d.doc_id: {"source": d.source, "content_hash": d.content_hash,
                                                 "title": d.title} for d in documents}}
            sent_vectors = np.vstack(sent_vector_rows) if sent_vector_rows else np.zeros((0, embedder.dim), np.float32)
            report.version = store.write(manifest, documents, chunk_rows, token_rows, vectors, sent_rows, sent_vectors)
    report.seconds = time.perf_counter() - t0
    return report


def _diff(old: dict, new: dict) -> str:
    keys = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
    return "; ".join(f"{k}: {old.get(k)!r} → {new.get(k)!r}" for k in keys) or "unknown"
