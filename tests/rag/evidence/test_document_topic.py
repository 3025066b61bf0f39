"""A document without a title line: its opening clause names what every later sentence is about (zero anaphora),
on a real index built from two such documents."""
from helpers import make_settings
from rag.evidence.reader import document_topic, read
from rag.ingest.indexer import ingest
from rag.retrieval.searcher import Searcher

BIO = ("罗保铭，天津人。男，汉族。1969年5月参加工作，1971年8月加入中国共产党。"
       "天津师范专科学校中文系中文专业毕业，南开大学明清史专业毕业，在职研究生学历，硕士学位。")
PLANT = "盾柱木是豆科盾柱木属的植物。原产于中国海南岛、越南、马来西亚、澳洲及美洲等地，多生长于海边。"


def test_an_untitled_documents_opening_clause_is_every_sentences_topic(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "p1.txt").write_text(BIO, encoding="utf-8")
    (docs / "p2.txt").write_text(PLANT, encoding="utf-8")
    index = tmp_path / "index"
    settings = make_settings(index, paths__docs_dir=docs)
    ingest([docs], settings, index)
    searcher = Searcher(settings, index)
    snap = searcher.snapshot()
    hits = searcher.search("罗保铭毕业于哪所学校").hits
    bio = next(h for h in hits if h.chunk.doc_id == "p1")
    assert bio.chunk.title == "p1"  # no title line: ingest fell back to the file name
    assert document_topic(bio.chunk, snap) == "罗保铭"
    reading = read("罗保铭毕业于哪所学校", hits, snap)
    school = next(s for s in reading.sentences if s.text.startswith("天津师范"))
    assert school.focus == 1.0  # 罗保铭 is named once, at the start; the sentence still speaks about him


def test_a_titled_document_keeps_its_title_as_topic(searcher):
    hit = searcher.search("石景山加装电梯").hits[0]
    assert document_topic(hit.chunk, searcher.snapshot()) == hit.chunk.title
