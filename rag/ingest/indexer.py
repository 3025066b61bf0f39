"""Ingest: files → documents → chunks → embeddings → a new index version, incrementally.

Unchanged documents (same content hash, same chunker and embedding settings) reuse
their stored chunks and vectors; changed ones are re-chunked and re-embedded;
documents whose files are gone disappear (in sync mode). A file that cannot be
read is reported by name and, if an earlier version of it is indexed, that
version is kept: a bad file never half-updates the index. A file with the same
text as an indexed document is reported as a duplicate, not indexed twice. A live
index that fails its checksums is never silently replaced by a partial one.
"""
from __future__ import annotations

import contextlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from embeddings import get_embedder
from rag.documents import Chunk, Document
from rag.ingest.chunking import chunk_document
from rag.ingest.document_builder import build_document, content_key, doc_id_for
from rag.ingest.loaders import LoadError, discover, display_name
from rag.ingest.progress import ProgressCallback, ProgressTracker
from rag.ingest.compaction import plan_merges
from rag.ingest.segment_data import fresh_segment, merged_segment
from rag.ingest.sentences import embed_sentences, sentence_rows, sentence_texts
from rag.settings import Settings
from rag.stores.backend import open_store
from rag.stores.index_store import IndexProblem, IndexStore, NoIndex, StoredIndex, embedding_fingerprint
from rag.stores.segment import SEGMENT_MANIFEST, AnnParams, Segment, write_segment
from rag.text.instructions import looks_like_instruction
from rag.text.text_match import normalise, tokenizer_fingerprint


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    reembedded: list[str] = field(default_factory=list)  # kept documents re-chunked from their stored text
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file name, reason)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (file name, doc id already holding its text)
    flagged: dict[str, int] = field(default_factory=dict)  # doc id → sentences that address the reader or a model
    chunks: int = 0
    embedded_chunks: int = 0
    seconds: float = 0.0
    version: str | None = None
    rebuilt_reason: str = ""

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed or self.reembedded)

    def summary(self) -> str:
        lines = [f"入库：新增 {len(self.added)}，更新 {len(self.updated)}，未变 {len(self.unchanged)}，"
                 f"删除 {len(self.removed)}" + (f"，重新嵌入 {len(self.reembedded)}" if self.reembedded else "")
                 + f"；共 {self.chunks} 个段落（本次嵌入 {self.embedded_chunks} 个），用时 {self.seconds:.1f} 秒"]
        if self.rebuilt_reason:
            lines.append(f"完整重建：{self.rebuilt_reason}")
        lines += [f"失败 {name}：{reason}" for name, reason in self.failed]
        lines += [f"重复 {name}：内容与已收录的文档 {doc_id} 相同，未重复收录" for name, doc_id in self.duplicates]
        lines += [f"注意 {doc_id}：有 {n} 句像是对读者或模型下的指令（已标记，不作标题）" for doc_id, n in self.flagged.items()]
        return "\n".join(lines)

    def to_dict(self) -> dict:
        """Structured result for the knowledge-base tab."""
        return {k: v for k, v in self.__dict__.items()}


class LiveIndexUnreadable(IndexProblem):
    """Adding to or removing from an index that cannot be read would replace it by a partial one."""


def chunker_fingerprint(settings: Settings) -> dict:
    c = settings.chunking
    return {"encoding": c.encoding, "chunk_tokens": c.chunk_tokens, "overlap_tokens": c.overlap_tokens,
            "min_chunk_tokens": c.min_chunk_tokens, "cleaner": 2, "passage_form": "normalised", "sentences": 7,
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
           rebuild: bool = False, remove: list[str] | None = None,
           progress: ProgressCallback | None = None) -> IngestReport:
    """Bring the index at `index_dir` up to date with `paths`.

    sync=True: the index holds exactly these files afterwards (removed files disappear).
    sync=False: the files are added or updated; other indexed documents stay — so if the live index
    cannot be read this raises LiveIndexUnreadable instead of writing an index without them
    (unless rebuild=True: then the index is rebuilt from these files alone).
    rebuild: re-chunk and re-embed everything.
    remove: doc ids to drop (knowledge-base management).
    progress: called with an IngestProgress after each file read and each batch of chunks embedded.
    """
    t0 = time.perf_counter()
    remove = list(remove or [])
    store = open_store(settings, index_dir)  # FAISS folders or Milvus, by settings.store.backend
    report = IngestReport()
    files = discover(paths)
    ids = _assign_ids(files)
    tracker = ProgressTracker(progress, len(files))

    # 1. Read and clean every file before touching the index.
    fresh: dict[str, Document] = {}
    names: dict[str, str] = {}
    failed_ids: set[str] = set()
    max_bytes = int(settings.ingest.max_file_mb * 1e6)
    for f in files:
        names[ids[f]] = display_name(f.name)
        try:
            fresh[ids[f]] = build_document(f, ids[f], max_bytes)
        except LoadError as exc:
            report.failed.append((names[ids[f]], str(exc).removeprefix(f"{names[ids[f]]}：")))
            failed_ids.add(ids[f])
        except Exception as exc:  # a parser bug on one file must not stop the others
            report.failed.append((names[ids[f]], f"读取出错（{exc.__class__.__name__}: {exc}）"))
            failed_ids.add(ids[f])
        tracker.file_done()

    embedder = get_embedder(settings.embedding)
    fingerprint = {"embedding": embedding_fingerprint(settings.embedding.backend, settings.embedding.model),
                   "model_id": embedder.model_id, "dim": embedder.dim, "chunker": chunker_fingerprint(settings)}

    with store.lock():
        # 2. What can be reused from the live version.
        previous = _live_version(store, sync, rebuild, report)
        reuse = previous is not None and not rebuild
        if previous is not None and rebuild:
            report.rebuilt_reason = "按要求（--rebuild）重新切分、重新嵌入全部文档"
        elif reuse and previous.manifest.get("fingerprint", {}) != fingerprint:
            report.rebuilt_reason = f"设置已改变（{_diff(previous.manifest.get('fingerprint', {}), fingerprint)}）"
            reuse = False

        # The previous documents' table (hash, content key, chunk count); a document's text is read only
        # when it is re-chunked, so adding one file to a large index reads none of the others.
        prev_docs = previous.documents if previous else {}
        prev_info = {d: _doc_info(previous, d) for d in prev_docs} if previous else {}
        keep_ids = [d for d in prev_info if d not in fresh and d not in remove and (not sync or d in failed_ids)]
        _drop_duplicates(fresh, prev_info, keep_ids, names, report)
        report.removed = [d for d in prev_info if d not in fresh and d not in keep_ids]

        # 3. Plan: reuse stored chunks and vectors where possible, chunk the rest.
        plan: list[tuple[str, int | None, list[Chunk] | None]] = []  # (doc id, reused chunks, new chunks)
        flagged: dict[str, int] = {}
        for doc_id in keep_ids + [d for d in fresh if d not in remove]:
            new, old = fresh.get(doc_id), prev_info.get(doc_id)
            if reuse and (new is None or (old is not None and old["content_hash"] == new.content_hash)):
                plan.append((doc_id, old["chunks"], None))
                flagged[doc_id] = old.get("instructions", 0)
                if new is not None:
                    report.unchanged.append(doc_id)
                continue
            doc = new or prev_docs[doc_id]
            chunks = chunk_document(doc, settings.chunking)
            flag_instruction_chunks(doc, chunks)
            fresh[doc_id] = doc
            plan.append((doc_id, None, chunks))
            flagged[doc_id] = doc.cleaning.get("instruction_count", 0)
            if new is None or (old is not None and old["content_hash"] == new.content_hash):
                report.reembedded.append(doc_id)
            else:
                (report.updated if old is not None else report.added).append(doc_id)
        report.flagged = {d: n for d, n in flagged.items() if n}

        # 4. Embed what is new, in batches, reporting progress.
        new_texts = [c.search_text() for _, _, chunks in plan if chunks is not None for c in chunks]
        tracker.enter("嵌入", chunks_total=len(new_texts))
        new_vectors = _embed(embedder, new_texts, settings.embedding.batch_size, tracker)
        report.embedded_chunks = len(new_texts)

        # 5. A new segment for what was (re)chunked; replaced and removed documents become tombstones in
        #    their segments. Unchanged documents stay where they are: their files are not rewritten.
        items, at = [], 0
        for doc_id, _, chunks in plan:
            if chunks is None:
                continue
            doc = fresh[doc_id]
            srows = sentence_rows(doc, chunks)
            items.append((doc, chunks, new_vectors[at: at + len(chunks)], srows,
                          embed_sentences(embedder, sentence_texts(chunks, srows))))
            at += len(chunks)
        live_after = [d for d, _, _ in plan]
        report.chunks = sum(n for _, n, chunks in plan if chunks is None) + at
        tracker.enter("写入")
        if previous is not None and not report.changed:
            report.version = previous.version  # nothing to write
        elif previous is None and not plan and (report.failed or report.duplicates):
            report.version = None  # every file was refused: no index is created from nothing
        elif not hasattr(store, "segments_dir"):  # a store written a whole version at a time (Milvus)
            report.version = _write_whole(store, fingerprint, previous if reuse else None, plan, items, fresh,
                                          embedder.dim)
        else:
            report.version = _write(store, settings, fingerprint, previous if reuse else None, items, live_after,
                                    embedder.dim)
    report.seconds = time.perf_counter() - t0
    tracker.enter("完成")
    return report


def _write(store: IndexStore, settings: Settings, fingerprint: dict, previous: StoredIndex | None,
           items: list, live_after: list[str], dim: int) -> str:
    """Write the new segment (if any), merge segments the compaction policy picks, then the version."""
    ann = AnnParams(settings.dense_index.ann_threshold, settings.dense_index.ivf_nlist)
    keep = set(live_after)
    entries, segs = [], []
    if previous is not None:
        replaced = {doc.doc_id for doc, *_ in items}
        for entry, seg in zip(previous.manifest["segments"], previous.segments):
            gone = {e["doc_id"] for e in seg.doc_table if e["doc_id"] not in keep or e["doc_id"] in replaced}
            gone |= set(entry.get("deleted", []))
            entries.append(entry | {"deleted": sorted(gone), "deleted_chunks": sum(
                e["chunks"] for e in seg.doc_table if e["doc_id"] in gone)})
            segs.append(seg)
    store.segments_dir.mkdir(parents=True, exist_ok=True)
    if items:
        entries.append(write_segment(store.segments_dir, fresh_segment(items, dim), ann))
        segs.append(None)
    live = [e["n_chunks"] - e.get("deleted_chunks", 0) for e in entries]
    dead = [e.get("deleted_chunks", 0) for e in entries]
    for group in plan_merges(live, dead, settings.ingest.max_segments, settings.ingest.compact_deleted_share):
        parts = [(segs[i] or _open_new(store, entries[i]), set(entries[i]["deleted"])) for i in group]
        merged = merged_segment(parts, dim)
        new = [write_segment(store.segments_dir, merged, ann)] if merged.documents else []
        entries = [e for i, e in enumerate(entries) if i not in group] + new
        segs = [s for i, s in enumerate(segs) if i not in group] + [None] * len(new)
    documents = {}
    for entry, seg in zip(entries, segs):
        seg = seg or _open_new(store, entry)
        documents |= {e["doc_id"]: {"source": e["source"], "content_hash": e["content_hash"], "title": e["title"]}
                      for e in seg.doc_table if e["doc_id"] not in set(entry.get("deleted", []))}
    manifest = {"fingerprint": fingerprint, "n_chunks": sum(e["n_chunks"] - e.get("deleted_chunks", 0)
                                                            for e in entries),
                "documents": {d: documents[d] for d in live_after if d in documents}}
    return store.write_version(manifest, entries)


def _doc_info(previous, doc_id: str) -> dict:
    """A live document's table entry (hash, content key, chunk count): from a segment, or built from the
    document for a store that loads documents whole (Milvus)."""
    docs = previous.documents
    if hasattr(docs, "info"):
        return docs.info(doc_id)
    doc = docs[doc_id]
    return {"content_hash": doc.content_hash, "content_key": content_key(doc), "source": doc.source,
            "title": doc.title, "chunks": len(previous.doc_chunks(doc_id)),
            "instructions": doc.cleaning.get("instruction_count", 0)}


def _write_whole(store, fingerprint: dict, previous, plan: list, items: list, fresh: dict[str, Document],
                 dim: int) -> str:
    """Hand the store the complete new version; it rewrites only documents whose hash changed (Milvus)."""
    from rag.ingest.sentences import sentences_by_chunk
    from rag.text.text_match import tokenize

    new_items = {doc.doc_id: (chunks, vecs, srows, svecs) for doc, chunks, vecs, srows, svecs in items}
    prev_sentences = sentences_by_chunk(previous.sentences) if previous is not None else {}
    documents, chunks, tokens, vectors, sentences, sentence_vectors = [], [], [], [], [], []
    empty = np.zeros((0, dim), np.float32)
    for doc_id, _, new_chunks in plan:
        if new_chunks is None:  # unchanged: its rows as the live version holds them
            rows = [i for i, _ in previous.doc_chunks(doc_id)]
            documents.append(previous.documents[doc_id])
            chunks += [previous.chunks[i] for i in rows]
            tokens += [previous.tokens[i] for i in rows]
            vectors.append(np.asarray(previous.vectors[rows], np.float32) if rows else empty)
            srows = [j for i in rows for j in prev_sentences.get(previous.chunks[i].chunk_id, [])]
            sentences += [previous.sentences[j] for j in srows]
            sentence_vectors.append(np.asarray(previous.sentence_vectors[srows], np.float32) if srows else empty)
        else:
            doc_chunks, doc_vectors, srows, svectors = new_items[doc_id]
            documents.append(fresh[doc_id])
            chunks += doc_chunks
            tokens += [tokenize(c.search_text()) for c in doc_chunks]
            vectors.append(doc_vectors)
            sentences += srows
            sentence_vectors.append(svectors)
    manifest = {"fingerprint": fingerprint,
                "documents": {d.doc_id: {"source": d.source, "content_hash": d.content_hash, "title": d.title}
                              for d in documents}}
    return store.write(manifest, documents, chunks, tokens, np.vstack(vectors) if vectors else empty, sentences,
                       np.vstack(sentence_vectors) if sentence_vectors else empty)


def _open_new(store: IndexStore, entry: dict) -> Segment:
    """A segment written in this ingest, opened for merging or for its documents table."""
    folder = store.segments_dir / entry["name"]
    meta = json.loads((folder / SEGMENT_MANIFEST).read_text(encoding="utf-8"))
    return Segment(folder, meta).open(lambda f, name: contextlib.nullcontext())


def _live_version(store: IndexStore, sync: bool, rebuild: bool, report: IngestReport) -> StoredIndex | None:
    """The live version, verified. If it cannot be read, only a run that names every document may replace it."""
    try:
        return store.load()
    except NoIndex:
        return None
    except Exception as exc:
        if not sync and not rebuild:
            raise LiveIndexUnreadable(
                f"现有索引无法读取，为免丢失其中的文档，本次没有写入任何内容。{exc}") from exc
        report.rebuilt_reason = f"现有索引无法读取，按给出的文件完整重建（{exc}）"
        return None


def _drop_duplicates(fresh: dict[str, Document], prev_info: dict[str, dict], keep_ids: list[str],
                     names: dict[str, str], report: IngestReport) -> None:
    """A file whose cleaned text another document already holds is not indexed twice (reported by name).
    Documents already indexed with this content win, then the first file in order."""
    owner = {prev_info[d]["content_key"]: d for d in keep_ids}

    def changed(doc_id: str) -> bool:
        old = prev_info.get(doc_id)
        return old is None or old["content_hash"] != fresh[doc_id].content_hash

    for doc_id in sorted(fresh, key=changed):  # stable sort: unchanged indexed documents first
        h = content_key(fresh[doc_id])
        if owner.setdefault(h, doc_id) != doc_id:
            report.duplicates.append((names.get(doc_id, doc_id), owner[h]))
            del fresh[doc_id]


def flag_instruction_chunks(doc: Document, chunks: list[Chunk]) -> None:
    """Record which chunks hold text addressed to the reader or a model (documents are data, never orders)."""
    doc.cleaning["instruction_chunks"] = [c.chunk_id for c in chunks if looks_like_instruction(c.text)]


def _embed(embedder, texts: list[str], batch_size: int, tracker: ProgressTracker) -> np.ndarray:
    # Embedded in the same matching form as queries (Simplified, NFKC, lower case), so a
    # Traditional question and a Simplified passage meet in one script.
    step = max(batch_size, 8)  # one encode batch per progress step
    parts = []
    for i in range(0, len(texts), step):
        batch = texts[i: i + step]
        parts.append(embedder.embed_passages([normalise(t) for t in batch]))
        tracker.chunks_embedded(len(batch))
    return np.vstack(parts).astype(np.float32) if parts else np.zeros((0, embedder.dim), np.float32)


def _diff(old: dict, new: dict) -> str:
    keys = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
    return "; ".join(f"{k}: {old.get(k)!r} → {new.get(k)!r}" for k in keys) or "unknown"
