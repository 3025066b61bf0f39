"""Contents of a new index segment, from freshly chunked documents or from the live rows of existing segments
(compaction). Rows keep document order; a document's chunks and a chunk's sentences stay contiguous."""
from __future__ import annotations

import json

import numpy as np

from rag.documents import Chunk, Document
from rag.ingest.document_builder import content_key
from rag.stores.segment import Segment, SegmentData, encode_tokens
from rag.text.text_match import normalise, tokenize


def fresh_segment(items: list[tuple[Document, list[Chunk], np.ndarray, list[dict], np.ndarray]],
                  dim: int) -> SegmentData:
    """items: (document, its chunks, their vectors, its sentence rows, their vectors), in order."""
    documents, doc_rows, chunk_lines, texts, token_lists, vectors = [], [], [], [], [], []
    sentence_lines, per_chunk, sentence_vectors = [], [], []
    for doc, chunks, vecs, sents, svecs in items:
        documents.append(doc)
        doc_rows.append(len(chunks))
        counts: dict[str, int] = {}
        for r in sents:
            counts[r["chunk_id"]] = counts.get(r["chunk_id"], 0) + 1
        for c in chunks:
            chunk_lines.append(json.dumps(c.to_dict(), ensure_ascii=False).encode())
            texts.append(normalise(c.search_text()))
            token_lists.append(tokenize(c.search_text()))
            per_chunk.append(counts.get(c.chunk_id, 0))
        vectors.append(np.asarray(vecs, np.float32).reshape(len(chunks), dim))
        sentence_lines += [json.dumps(r, ensure_ascii=False).encode() for r in sents]
        sentence_vectors.append(np.asarray(svecs, np.float32).reshape(len(sents), dim))
    terms, indptr, ids = encode_tokens(token_lists)
    return SegmentData(documents, doc_rows, chunk_lines, texts, terms, indptr, ids, _stack(vectors, dim),
                       sentence_lines, _first(per_chunk), _stack(sentence_vectors, dim),
                       [content_key(d) for d in documents])


def merged_segment(parts: list[tuple[Segment, set[str]]], dim: int) -> SegmentData:
    """The live documents of several segments (each with the doc ids deleted from it) as one new segment.
    Arrays are sliced and term ids remapped with numpy; only documents and text lines pass through Python."""
    documents, doc_rows, chunk_lines, texts, keys = [], [], [], [], []
    vocab: dict[str, int] = {}
    ids, lengths, vectors, sentence_lines, per_chunk, sentence_vectors = [], [], [], [], [], []
    for seg, deleted in parts:
        remap = np.asarray([vocab.setdefault(t, len(vocab)) for t in seg.terms], np.int32)
        first_sent = np.asarray(seg.sentence_first)
        for j, entry in enumerate(seg.doc_table):
            if entry["doc_id"] in deleted:
                continue
            lo, hi = entry["first"], entry["first"] + entry["chunks"]
            documents.append(seg.document(j))
            doc_rows.append(entry["chunks"])
            keys.append(entry["content_key"])
            chunk_lines += [seg.chunk_file.line(i) for i in range(lo, hi)]
            texts += [seg.text_file.line(i).decode() for i in range(lo, hi)]
            t_lo, t_hi = int(seg.tokens_indptr[lo]), int(seg.tokens_indptr[hi])
            ids.append(remap[np.asarray(seg.tokens_ids[t_lo:t_hi])])
            lengths.append(np.diff(np.asarray(seg.tokens_indptr[lo: hi + 1])))
            vectors.append(np.asarray(seg.vectors[lo:hi], np.float32))
            s_lo, s_hi = int(first_sent[lo]), int(first_sent[hi])
            sentence_lines += [seg.sentence_file.line(i) for i in range(s_lo, s_hi)]
            per_chunk += np.diff(first_sent[lo: hi + 1]).tolist()
            sentence_vectors.append(np.asarray(seg.sentence_vectors[s_lo:s_hi], np.float32).reshape(-1, dim))
    indptr = _first(np.concatenate(lengths).tolist() if lengths else [])
    return SegmentData(documents, doc_rows, chunk_lines, texts, list(vocab), indptr,
                       np.concatenate(ids) if ids else np.zeros(0, np.int32), _stack(vectors, dim),
                       sentence_lines, _first(per_chunk), _stack(sentence_vectors, dim), keys)


def _stack(parts: list[np.ndarray], dim: int) -> np.ndarray:
    return np.vstack(parts).astype(np.float32) if parts else np.zeros((0, dim), np.float32)


def _first(counts: list[int]) -> np.ndarray:
    out = np.zeros(len(counts) + 1, np.int64)
    np.cumsum(counts, out=out[1:])
    return out
