"""Knowledge-base management (what the UI's KB tab calls) on a real index."""
import shutil

import pytest

from helpers import DOCS, make_settings
from rag.ingest.indexer import ingest
from rag.knowledge_base import KnowledgeBase
from rag.retrieval.searcher import Searcher


@pytest.fixture()
def kb(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(next(DOCS.glob("002*.txt")), docs)
    s = make_settings(tmp_path / "index")
    s.paths.docs_dir = docs
    ingest([docs], s, tmp_path / "index")
    return KnowledgeBase(s, Searcher(s, tmp_path / "index"))


def _files(kb):
    return sorted(p.name for p in kb.docs_dir.iterdir())


def test_upload_is_searchable_at_once_then_delete(kb, tmp_path):
    up = tmp_path / "upload.tmp"
    up.write_text("口袋公园通知\n石景山区新建口袋公园36处。\n", encoding="utf-8")
    result = kb.add(up, "口袋公园.txt")
    assert result.ok and "已添加" in result.message
    assert "口袋公园.txt" in _files(kb)
    hit = kb.searcher.search("口袋公园多少处", k=1).hits[0]
    assert "36处" in hit.chunk.text
    assert {d["doc_id"] for d in kb.documents()} == {"002_5b15a4c597be09c2", "口袋公园"}
    assert kb.delete("口袋公园").ok
    assert "口袋公园.txt" not in _files(kb) and [d["doc_id"] for d in kb.documents()] == ["002_5b15a4c597be09c2"]


@pytest.mark.parametrize("name,data,words", [
    ("virus.exe", b"MZ", "不支持"), ("scan.pdf", b"%PDF-1.4 junk", "无法读取"), ("blank.txt", b"   ", "无法读取")])
def test_rejected_upload_changes_nothing(kb, tmp_path, name, data, words):
    before_files, before_version = _files(kb), kb.searcher.store.current_version()
    up = tmp_path / "up.bin"
    up.write_bytes(data)
    result = kb.add(up, name)
    assert not result.ok and words in result.message
    assert _files(kb) == before_files and kb.searcher.store.current_version() == before_version


def test_size_limit(kb, tmp_path):
    kb.settings.ui.max_upload_mb = 0.001
    up = tmp_path / "big.txt"
    up.write_text("老旧小区" * 2000, encoding="utf-8")
    result = kb.add(up, "big.txt")
    assert not result.ok and "过大" in result.message


def test_reupload_replaces_the_document(kb, tmp_path):
    up = tmp_path / "a.txt"
    up.write_text("通知\n本区加装电梯补贴每部20万元。\n", encoding="utf-8")
    kb.add(up, "notice.txt")
    up.write_text("通知\n本区加装电梯补贴每部24万元。\n", encoding="utf-8")
    assert "已更新" in kb.add(up, "notice.txt").message
    text = " ".join(h.chunk.text for h in kb.searcher.search("加装电梯补贴每部多少", k=3).hits)
    assert "24万元" in text and "20万元" not in text
