"""One immutable segment of the index: the documents, chunks, BM25 postings, vectors and sentences of a batch
of documents, in its own folder under index/segments/, shared by every version that lists it.

    segment.json             documents table, counts, dense index kind, SHA-256 and size of every other file
    documents.jsonl          one Document per line          + document_offsets.npy (byte offset of each line)
    chunks.jsonl             one Chunk per line             + chunk_offsets.npy
    search_text.txt          normalised search text, one chunk after another + search_text_offsets.npy
    bigrams.npy              the distinct adjacent-character pairs of that text (a fast "not mentioned")
    terms.json               the segment's BM25 vocabulary (term id -> term)
    tokens_indptr/ids.npy    each chunk's BM25 tokens as term ids, in order (row-major)
    postings_indptr/rows/tf.npy   the same as postings (term-major): rows and term frequencies per term
    lengths.npy              tokens per chunk
    vectors.npy, faiss.index chunk vectors (float32, memory-mapped) and their FAISS index (flat or IVF)
    sentences.jsonl          sentence rows + sentence_offsets.npy, sentence_first.npy (first sentence of each
                             chunk), sentence_vectors.npy (memory-mapped)

Nothing here is parsed into per-row Python objects on load: arrays are memory-mapped, text lines are read
when a row is asked for. A new document goes into a new small segment, so adding one never rewrites the
big files of earlier segments.
"""
from __future__ import annotations

import json
import mmap
import os
import secrets
import shutil
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from rag.documents import Chunk, DocMeta, Document

SEGMENT_MANIFEST = "segment.json"


@dataclass
class AnnParams:
    """How a segment's dense index is built (from settings.dense_index)."""

    threshold: int = 200_000  # chunks in one segment above which it gets an IVF index instead of exact search
    nlist: int = 0  # IVF cells; 0 = 2 * sqrt(chunks)


@dataclass
class SegmentData:
    """What a new segment holds, in memory, before it is written. Tokens come as term ids over `terms`."""

    documents: list[Document]
    doc_rows: list[int]  # chunks per document, in order; a document's chunks are contiguous
    chunk_lines: list[bytes]  # JSON of each chunk (UTF-8), without newline
    search_texts: list[str]  # normalised search text per chunk
    terms: list[str]
    tokens_indptr: np.ndarray
    tokens_ids: np.ndarray
    vectors: np.ndarray
    sentence_lines: list[bytes]
    sentence_first: np.ndarray  # int64, chunks + 1
    sentence_vectors: np.ndarray
    content_keys: list[str]


def encode_tokens(token_lists: list[list[str]]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(terms, indptr, ids): token lists as term ids over a vocabulary in first-seen order."""
    vocab: dict[str, int] = {}
    ids = [vocab.setdefault(t, len(vocab)) for toks in token_lists for t in toks]
    indptr = np.zeros(len(token_lists) + 1, np.int64)
    np.cumsum([len(t) for t in token_lists], out=indptr[1:])
    return list(vocab), indptr, np.asarray(ids, np.int32)


def postings_of(indptr: np.ndarray, ids: np.ndarray, n_terms: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Term-major postings (indptr over terms, rows, term frequencies) from row-major token ids."""
    from scipy.sparse import csr_matrix

    n_rows = len(indptr) - 1
    m = csr_matrix((np.ones(len(ids), np.int32), ids, indptr), shape=(n_rows, n_terms))
    m.sum_duplicates()
    c = m.tocsc()
    c.sort_indices()
    return c.indptr.astype(np.int64), c.indices.astype(np.int32), c.data.astype(np.int32)


def build_faiss(vectors: np.ndarray, ann: AnnParams):
    """Exact inner product (cosine on unit vectors) up to ann.threshold chunks, IVF above it."""
    import faiss

    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    n, dim = len(vectors), vectors.shape[1]
    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(os.cpu_count() or 1)  # queries may run on one thread; a build uses every core
    try:
        return _build_faiss(vectors, n, dim, ann)
    finally:
        faiss.omp_set_num_threads(before)


def _build_faiss(vectors: np.ndarray, n: int, dim: int, ann: AnnParams):
    import faiss

    if n <= ann.threshold:
        index = faiss.IndexFlatIP(dim)
    else:
        nlist = min(ann.nlist or int(2 * np.sqrt(n)), n)
        index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, nlist, faiss.METRIC_INNER_PRODUCT)
        index.cp.niter = 10  # bounded k-means time on 2 cores (10 rounds, 40 training points per cell)
        sample = vectors[np.sort(np.random.default_rng(0).choice(n, min(n, nlist * 40), replace=False))]
        index.train(sample)
    for i in range(0, n, 100_000):  # bounded temporary memory
        index.add(vectors[i: i + 100_000])
    return index


def bigram_codes(texts: list[str]) -> np.ndarray:
    """Sorted distinct pairs of adjacent characters (code point << 32 | next code point) in the texts: a string
    with a pair not in this set occurs in none of them, which answers most `mentions` without a scan."""
    parts = []
    for lo in range(0, len(texts), 20_000):
        a = np.frombuffer("\n".join(texts[lo: lo + 20_000]).encode("utf-32-le"), np.uint32).astype(np.uint64)
        parts.append(np.unique((a[:-1] << np.uint64(32)) | a[1:]))
    return np.unique(np.concatenate(parts)) if parts else np.zeros(0, np.uint64)


def new_segment_name() -> str:
    now = time.time()
    return f"s-{time.strftime('%Y%m%d%H%M%S', time.localtime(now))}-{int(now % 1 * 1e6):06d}-{secrets.token_hex(3)}"


def write_segment(segments_dir: Path, data: SegmentData, ann: AnnParams) -> dict:
    """Write a complete segment folder (temp name, fsync, rename); returns its entry for a version manifest."""
    import faiss

    from rag.stores.index_store import _fsync, file_digests
    from rag.stores.verified_stamp import write_stamp

    name = new_segment_name()
    tmp = segments_dir / f".building-{name}"
    tmp.mkdir(parents=True)
    try:
        _write_lines(tmp, "documents", [json.dumps(_doc_dict(d), ensure_ascii=False).encode() for d in data.documents])
        _write_lines(tmp, "chunks", data.chunk_lines)
        _write_lines(tmp, "sentences", data.sentence_lines)
        texts = [t.encode() for t in data.search_texts]
        _write_lines(tmp, "search_text", texts, suffix=".txt")
        np.save(tmp / "bigrams.npy", bigram_codes(data.search_texts))
        (tmp / "terms.json").write_text(json.dumps(data.terms, ensure_ascii=False), encoding="utf-8")
        np.save(tmp / "tokens_indptr.npy", np.asarray(data.tokens_indptr, np.int64))
        np.save(tmp / "tokens_ids.npy", np.asarray(data.tokens_ids, np.int32))
        p_indptr, p_rows, p_tf = postings_of(data.tokens_indptr, data.tokens_ids, len(data.terms))
        np.save(tmp / "postings_indptr.npy", p_indptr)
        np.save(tmp / "postings_rows.npy", p_rows)
        np.save(tmp / "postings_tf.npy", p_tf)
        np.save(tmp / "lengths.npy", np.diff(data.tokens_indptr).astype(np.int32))
        vectors = np.ascontiguousarray(data.vectors, dtype=np.float32)
        np.save(tmp / "vectors.npy", vectors)
        index = build_faiss(vectors, ann)
        faiss.write_index(index, str(tmp / "faiss.index"))
        np.save(tmp / "sentence_first.npy", np.asarray(data.sentence_first, np.int64))
        np.save(tmp / "sentence_vectors.npy", np.ascontiguousarray(data.sentence_vectors, dtype=np.float32))
        at, table = 0, []
        for doc, n, key in zip(data.documents, data.doc_rows, data.content_keys):
            table.append({"doc_id": doc.doc_id, "first": at, "chunks": n, "content_hash": doc.content_hash,
                          "content_key": key, "source": doc.source, "title": doc.title,
                          "instructions": doc.cleaning.get("instruction_count", 0)})
            at += n
        meta = {"segment": name, "n_chunks": len(vectors), "n_sentences": len(data.sentence_lines),
                "dim": int(vectors.shape[1]) if vectors.ndim == 2 else 0,
                "dense": "ivf" if n_ivf(index) else "flat", "documents": table, "files": file_digests(tmp)}
        (tmp / SEGMENT_MANIFEST).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        for f in tmp.iterdir():
            _fsync(f)
        final = segments_dir / name
        os.rename(tmp, final)
        write_stamp(final, meta["files"])  # the writer just hashed these files: a first load need not
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    seg_json = final / SEGMENT_MANIFEST
    from rag.stores.index_store import sha256_of

    return {"name": name, "sha256": sha256_of(seg_json), "bytes": seg_json.stat().st_size,
            "n_chunks": len(vectors), "deleted": []}


def n_ivf(index) -> int:
    return int(getattr(index, "nlist", 0) or 0)


def _doc_dict(doc: Document) -> dict:
    d = dict(doc.__dict__)
    d["meta"] = doc.meta.__dict__
    return d


def _write_lines(folder: Path, stem: str, lines: list[bytes], suffix: str = ".jsonl") -> None:
    """Lines joined by newlines, plus the byte offset where each starts (and the end) for random access."""
    offsets = np.zeros(len(lines) + 1, np.int64)
    np.cumsum([len(x) + 1 for x in lines], out=offsets[1:])
    with open(folder / f"{stem}{suffix}", "wb") as fh:
        fh.write(b"\n".join(lines) + (b"\n" if lines else b""))
    np.save(folder / f"{stem.removesuffix('s') if stem.endswith('s') else stem}_offsets.npy", offsets)


class LineFile:
    """Random access to the lines of a text file through a memory map and its offsets array."""

    def __init__(self, path: Path, offsets: np.ndarray):
        self.offsets = offsets
        self._fh = open(path, "rb")
        size = os.fstat(self._fh.fileno()).st_size
        self.mm = mmap.mmap(self._fh.fileno(), 0, access=mmap.ACCESS_READ) if size else b""

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def line(self, i: int) -> bytes:
        return self.mm[int(self.offsets[i]): int(self.offsets[i + 1]) - 1]


class Segment:
    """A verified segment folder, opened: arrays memory-mapped, rows read on demand."""

    def __init__(self, folder: Path, meta: dict):
        self.dir, self.meta, self.name = folder, meta, folder.name
        self.n_chunks = int(meta["n_chunks"])
        self.n_sentences = int(meta["n_sentences"])
        self.doc_table = meta["documents"]

    def open(self, parsing) -> "Segment":
        """Map the arrays and read the small files; `parsing(name)` names the file in any error."""
        def npy(name: str) -> np.ndarray:
            with parsing(self.dir, name):
                return np.load(self.dir / name, mmap_mode="r")

        self.chunk_file = LineFile(self.dir / "chunks.jsonl", npy("chunk_offsets.npy"))
        self.doc_file = LineFile(self.dir / "documents.jsonl", npy("document_offsets.npy"))
        self.sentence_file = LineFile(self.dir / "sentences.jsonl", npy("sentence_offsets.npy"))
        self.text_file = LineFile(self.dir / "search_text.txt", npy("search_text_offsets.npy"))
        with parsing(self.dir, "terms.json"):
            self.terms: list[str] = json.loads((self.dir / "terms.json").read_text(encoding="utf-8"))
        self.tokens_indptr, self.tokens_ids = npy("tokens_indptr.npy"), npy("tokens_ids.npy")
        self.postings_indptr, self.postings_rows = npy("postings_indptr.npy"), npy("postings_rows.npy")
        self.postings_tf, self.lengths = npy("postings_tf.npy"), npy("lengths.npy")
        self.vectors, self.sentence_vectors = npy("vectors.npy"), npy("sentence_vectors.npy")
        self.sentence_first = npy("sentence_first.npy")
        self.bigrams = npy("bigrams.npy")
        self._parsing, self._faiss = parsing, None
        counts = {"chunks.jsonl": len(self.chunk_file), "vectors.npy": len(self.vectors),
                  "lengths.npy": len(self.lengths),
                  "sentence_first.npy": len(self.sentence_first) - 1, "search_text.txt": len(self.text_file)}
        sentence_counts = {"sentences.jsonl": len(self.sentence_file), "sentence_vectors.npy": len(self.sentence_vectors)}
        wrong = [f for f, n in counts.items() if n != self.n_chunks]
        wrong += [f for f, n in sentence_counts.items() if n != self.n_sentences]
        if wrong:
            self._inconsistent(wrong)
        self._term_ids = None
        # per-segment caches (a module-wide lru_cache would keep every old segment's maps alive)
        self.chunk = lru_cache(maxsize=4096)(self._chunk)
        self.document = lru_cache(maxsize=256)(self._document)
        self.sentence = lru_cache(maxsize=4096)(self._sentence)
        return self

    def _inconsistent(self, wrong: list[str]):
        from rag.stores.index_store import IndexCorrupt, recovery_hint

        raise IndexCorrupt(f"索引段 {self.dir} 前后不一致（{'、'.join(wrong)} 的行数与 {SEGMENT_MANIFEST} "
                           f"记录的 {self.n_chunks} 个段落、{self.n_sentences} 个句子不符）。"
                           f"{recovery_hint(self.dir.parent.parent)}")

    @property
    def faiss(self):
        """The FAISS index, read on first use (ingest never searches, so it never reads the biggest file)."""
        if self._faiss is None:
            import faiss

            with self._parsing(self.dir, "faiss.index"):
                index = faiss.read_index(str(self.dir / "faiss.index"))
            if index.ntotal != self.n_chunks:
                self._inconsistent(["faiss.index"])
            self._faiss = index
        return self._faiss

    @property
    def term_ids(self) -> dict[str, int]:
        if self._term_ids is None:
            self._term_ids = {t: i for i, t in enumerate(self.terms)}
        return self._term_ids

    def _chunk(self, i: int) -> Chunk:
        return Chunk(**json.loads(self.chunk_file.line(i)))

    def tokens(self, i: int) -> list[str]:
        ids = self.tokens_ids[self.tokens_indptr[i]: self.tokens_indptr[i + 1]]
        return [self.terms[t] for t in ids.tolist()]

    def _document(self, j: int) -> Document:
        d = json.loads(self.doc_file.line(j))
        d["meta"] = DocMeta(**d["meta"])
        return Document(**d)

    def _sentence(self, j: int) -> dict:
        return json.loads(self.sentence_file.line(j))
