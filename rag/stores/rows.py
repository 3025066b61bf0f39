"""Row-indexed views over the segments of one version, so callers keep indexing `chunks[row]`, `tokens[row]`,
`vectors[row]`, `sentences[j]` and `documents[doc_id]` while nothing is read before it is asked for.

Rows: the live chunks of the version's segments, in segment order; the chunks of deleted documents
(tombstoned in the version manifest) are skipped. Sentence rows are physical (every sentence of every
segment); those of deleted chunks are never returned by the snapshot's sentence methods.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from rag.documents import Chunk, Document
from rag.stores.segment import Segment


class RowLayout:
    """Where each live row and sentence lives: segment offsets, the tombstone mask and the live-row maps."""

    def __init__(self, segments: list[Segment], deleted: list[list[str]]):
        self.segments = segments
        self.offsets = np.zeros(len(segments) + 1, np.int64)
        np.cumsum([s.n_chunks for s in segments], out=self.offsets[1:])
        self.sentence_offsets = np.zeros(len(segments) + 1, np.int64)
        np.cumsum([s.n_sentences for s in segments], out=self.sentence_offsets[1:])
        self.n_phys = int(self.offsets[-1])
        self.docs: dict[str, tuple[int, int]] = {}  # live doc id -> (segment, entry in its documents table)
        alive = np.ones(self.n_phys, bool)
        for si, (seg, gone) in enumerate(zip(segments, deleted)):
            gone = set(gone)
            for j, entry in enumerate(seg.doc_table):
                if entry["doc_id"] in gone:
                    start = self.offsets[si] + entry["first"]
                    alive[start: start + entry["chunks"]] = False
                else:
                    self.docs[entry["doc_id"]] = (si, j)
        self.dead_per_segment = [int(s.n_chunks - alive[self.offsets[i]: self.offsets[i + 1]].sum())
                                 for i, s in enumerate(segments)]
        if alive.all():
            self.alive, self.live_to_phys, self.phys_to_live = None, None, None
            self.n_live = self.n_phys
        else:
            self.alive = alive
            self.live_to_phys = np.flatnonzero(alive)
            self.phys_to_live = np.cumsum(alive, dtype=np.int64) - 1
            self.n_live = len(self.live_to_phys)

    def phys(self, row: int) -> int:
        return int(self.live_to_phys[row]) if self.live_to_phys is not None else int(row)

    def locate(self, phys: int) -> tuple[Segment, int]:
        si = int(np.searchsorted(self.offsets, phys, side="right")) - 1
        return self.segments[si], int(phys - self.offsets[si])

    def live_rows(self, phys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(kept mask, live rows) for an array of physical rows."""
        if self.alive is None:
            return np.ones(len(phys), bool), phys
        keep = self.alive[phys]
        return keep, self.phys_to_live[phys[keep]]

    def locate_sentence(self, j: int) -> tuple[Segment, int, int]:
        si = int(np.searchsorted(self.sentence_offsets, j, side="right")) - 1
        return self.segments[si], si, int(j - self.sentence_offsets[si])

    def doc_rows(self, doc_id: str) -> range:
        si, j = self.docs[doc_id]
        entry = self.segments[si].doc_table[j]
        start = int(self.offsets[si]) + entry["first"]
        if self.phys_to_live is None:
            return range(start, start + entry["chunks"])
        first = int(self.phys_to_live[start]) if entry["chunks"] else 0
        return range(first, first + entry["chunks"])


class _LayoutSequence(Sequence):
    """A read-only sequence over a RowLayout: slices, negative and out-of-range indexes as a list has them;
    subclasses say how long it is and what one checked index holds (`_at`)."""

    def __init__(self, layout: RowLayout):
        self.layout = layout

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        return self._at(i)


class _Rows(_LayoutSequence):
    def __len__(self) -> int:
        return self.layout.n_live

    def _at(self, row: int):
        seg, local = self.layout.locate(self.layout.phys(row))
        return self._get(seg, local)


class ChunkRows(_Rows):
    def _get(self, seg: Segment, local: int) -> Chunk:
        return seg.chunk(local)


class TokenRows(_Rows):
    def _get(self, seg: Segment, local: int) -> list[str]:
        return seg.tokens(local)


class VectorRows(_Rows):
    """Chunk vectors by live row, read from the memory-mapped vectors.npy of each segment."""

    def _get(self, seg: Segment, local: int) -> np.ndarray:
        return np.asarray(seg.vectors[local])

    @property
    def shape(self) -> tuple[int, int]:
        dim = next((int(s.vectors.shape[1]) for s in self.layout.segments if s.vectors.ndim == 2), 0)
        return (len(self), dim)

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        out = np.vstack([np.asarray(self[i]) for i in range(len(self))]) if len(self) else np.zeros(self.shape)
        return out if dtype is None else out.astype(dtype)


class SentenceRows(_LayoutSequence):
    """Sentence rows {chunk_id, start, end, places, about, years} by physical sentence row."""

    def __len__(self) -> int:
        return int(self.layout.sentence_offsets[-1])

    def _at(self, j: int) -> dict:
        seg, _, local = self.layout.locate_sentence(j)
        return seg.sentence(local)


class SentenceVectors:
    """Sentence vectors by physical sentence row, gathered from each segment's memory map."""

    def __init__(self, layout: RowLayout):
        self.layout = layout

    def __len__(self) -> int:
        return int(self.layout.sentence_offsets[-1])

    @property
    def dim(self) -> int:
        return next((int(s.sentence_vectors.shape[1]) for s in self.layout.segments if s.n_sentences), 0)

    @property
    def shape(self) -> tuple[int, int]:
        return (len(self), self.dim)

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        out = self[np.arange(len(self))]
        return out if dtype is None else out.astype(dtype)

    def __getitem__(self, rows) -> np.ndarray:
        if np.ndim(rows) == 0:
            return self[[int(rows)]][0]
        rows = np.atleast_1d(np.asarray(rows, np.int64))
        offs = self.layout.sentence_offsets
        seg_of = np.searchsorted(offs, rows, side="right") - 1
        out = np.empty((len(rows), self.dim), np.float32)
        for si in np.unique(seg_of):
            pick = seg_of == si
            out[pick] = self.layout.segments[si].sentence_vectors[rows[pick] - offs[si]]
        return out


class Documents(Mapping):
    """doc id -> Document, read from its segment when asked for; `info(doc_id)` gives the small table entry
    (content_hash, content_key, source, title, chunks) without reading the document's text."""

    def __init__(self, layout: RowLayout):
        self.layout = layout

    def __getitem__(self, doc_id: str) -> Document:
        si, j = self.layout.docs[doc_id]
        return self.layout.segments[si].document(j)

    def __iter__(self):
        return iter(self.layout.docs)

    def __len__(self) -> int:
        return len(self.layout.docs)

    def __contains__(self, doc_id) -> bool:
        return doc_id in self.layout.docs

    def info(self, doc_id: str) -> dict:
        si, j = self.layout.docs[doc_id]
        return self.layout.segments[si].doc_table[j]
