"""A synthetic N-chunk segment made from the real slice (eval/scale_base.py), vectorised (no per-row work
beyond formatting one JSON line per chunk and per sentence).

Row i copies real chunk b = i mod R (R real chunks), copy number c = i div R:
- vector: the real embedding of chunk b plus Gaussian noise (sd NOISE per dimension), renormalised; copy 0
  is the real vector itself. NOISE = 0.025 puts a copy at cosine ~0.90 of its original (1/sqrt(1+384 sd^2));
- BM25 tokens: the jieba tokens of chunk b, each replaced with probability 0.1 (copies only) by a token drawn
  from the whole real token stream (so frequent words stay frequent), plus one token unique to the row
  (`r<i>`, a rare term like a number or name) - the vocabulary grows by one term per row;
- text: the real text of chunk b plus " r<i>"; search text: its normalised form;
- sentences: the real sentence spans of chunk b; sentence vector = the row's vector plus noise (sd
  SENT_NOISE), renormalised (not real sentence embeddings: only sizes and speed are measured with them);
- documents: 100 consecutive rows form one document (its text is the rows' texts joined by newlines).
"""
from __future__ import annotations

import json

import numpy as np

from rag.documents import DocMeta, Document
from rag.stores.segment import SegmentData, encode_tokens

NOISE, SENT_NOISE, REPLACE, PER_DOC = 0.025, 0.035, 0.1, 100


def _unit(x: np.ndarray) -> np.ndarray:
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x


def noisy_copies(base: np.ndarray, b: np.ndarray, first_copy: np.ndarray, sd: float, rng, out=None) -> np.ndarray:
    """base[b] plus noise (none where first_copy), renormalised, in blocks (bounded temporary memory)."""
    out = np.empty((len(b), base.shape[1]), np.float32) if out is None else out
    for lo in range(0, len(b), 200_000):
        hi = min(lo + 200_000, len(b))
        block = base[b[lo:hi]].copy()
        noise = rng.standard_normal(block.shape, dtype=np.float32) * sd
        noise[first_copy[lo:hi]] = 0
        out[lo:hi] = _unit(block + noise)
    return out


def synthetic_segment(base: dict, n: int, sentence_vectors_path, seed: int = 0) -> SegmentData:
    from rag.text.sentence_split import split_sentences
    from rag.text.text_match import normalise, tokenize

    rng = np.random.default_rng(seed)
    texts = [str(t) for t in base["texts"]]
    r = len(texts)
    i = np.arange(n)
    b, c = i % r, i // r
    vectors = noisy_copies(base["vectors"], b, c == 0, NOISE, rng)

    # tokens: real token ids of b, 10% replaced in copies, plus the row's own term
    terms, t_indptr, t_ids = encode_tokens([tokenize(t) for t in texts])
    base_len = np.diff(t_indptr)
    lens = base_len[b]
    body_indptr = np.zeros(n + 1, np.int64)
    np.cumsum(lens, out=body_indptr[1:])
    gather = np.arange(body_indptr[-1]) + np.repeat(t_indptr[b] - body_indptr[:-1], lens)
    body = t_ids[gather]
    swap = (rng.random(len(body)) < REPLACE) & np.repeat(c > 0, lens)
    body[swap] = t_ids[rng.integers(0, len(t_ids), int(swap.sum()))]
    indptr = body_indptr + np.arange(n + 1)  # one more token per row
    ids = np.empty(indptr[-1], np.int32)
    last = indptr[1:] - 1
    mask = np.ones(len(ids), bool)
    mask[last] = False
    ids[mask] = body
    ids[last] = len(terms) + i
    terms = terms + [f"r{k}" for k in range(n)]

    # documents of PER_DOC rows; chunk offsets point into the document text
    heads = [json.dumps(t, ensure_ascii=False) for t in texts]
    norm = [normalise(t) for t in texts]
    documents, doc_rows, chunk_lines, search_texts = [], [], [], []
    for d, lo in enumerate(range(0, n, PER_DOC)):
        doc_id, rows = f"scale{d:06d}", range(lo, min(lo + PER_DOC, n))
        parts, at = [], 0
        for k, row in enumerate(rows):
            text = f"{texts[b[row]]} r{row}"
            parts.append(text)
            chunk_lines.append((f'{{"chunk_id": "{doc_id}#{k}", "doc_id": "{doc_id}", "source": "scale/{doc_id}.txt", '
                                f'"title": "{doc_id}", "heading_path": [], "start": {at}, "end": {at + len(text)}, '
                                f'"text": {heads[b[row]][:-1]} r{row}"}}').encode())
            search_texts.append(f"{doc_id}\n{norm[b[row]]} r{row}")
            at += len(text) + 1
        documents.append(Document(doc_id, f"scale/{doc_id}.txt", f"h{d}", DocMeta(title=doc_id), "\n".join(parts)))
        doc_rows.append(len(rows))

    # sentences: real spans of b, vectors near the row's vector
    spans = [split_sentences(t) for t in texts]
    per_base = np.array([len(s) for s in spans], np.int64)
    per_row = per_base[b]
    first = np.zeros(n + 1, np.int64)
    np.cumsum(per_row, out=first[1:])
    sentence_lines = []
    for d, lo in enumerate(range(0, n, PER_DOC)):
        for k, row in enumerate(range(lo, min(lo + PER_DOC, n))):
            sentence_lines += [f'{{"chunk_id": "scale{d:06d}#{k}", "start": {s}, "end": {e}, "places": [], '
                               f'"about": [], "years": []}}'.encode() for s, e in spans[b[row]]]
    owner = np.repeat(i, per_row)
    sv = np.lib.format.open_memmap(sentence_vectors_path, mode="w+", dtype=np.float32,
                                   shape=(int(first[-1]), vectors.shape[1]))
    for lo in range(0, len(owner), 500_000):
        hi = min(lo + 500_000, len(owner))
        block = vectors[owner[lo:hi]] + rng.standard_normal((hi - lo, vectors.shape[1]), dtype=np.float32) * SENT_NOISE
        sv[lo:hi] = _unit(block)
    sv.flush()
    return SegmentData(documents, doc_rows, chunk_lines, search_texts, terms, indptr, ids, vectors,
                       sentence_lines, first, sv, [f"k{d}" for d in range(len(documents))])
