"""Chunker on the real seed documents: contiguous spans, token budget, structure kept."""
from helpers import DOCS
from rag.ingest.chunking import chunk_document
from rag.ingest.document_builder import build_document
from rag.settings import ChunkingSettings
from rag.text.tokens import count_tokens


def _chunks(prefix, **kw):
    doc = build_document(next(DOCS.glob(prefix + "*.txt")))
    return doc, chunk_document(doc, ChunkingSettings(**kw))


def test_chunks_are_exact_spans_within_budget():
    cfg = ChunkingSettings()
    for f in sorted(DOCS.glob("*.txt")):
        doc = build_document(f)
        chunks = chunk_document(doc, cfg)
        assert chunks
        for c in chunks:
            assert doc.text[c.start:c.end] == c.text
            assert c.doc_id == doc.doc_id and c.title == doc.title
            # the merge of a tiny neighbour may exceed the target by that neighbour's size at most
            assert count_tokens(c.text) <= cfg.chunk_tokens + cfg.min_chunk_tokens + 40
        covered = set()
        for c in chunks:
            covered.update(range(c.start, c.end))
        body = {i for i, ch in enumerate(doc.text) if ch not in "\n "}
        assert len(body - covered) / len(body) < 0.01  # nothing of the text is lost


def test_enumerated_paragraphs_start_chunks_and_carry_their_lead():
    doc, chunks = _chunks("001")
    starts = [c for c in chunks if c.text.startswith("一是打造宜居品質之城")]
    assert starts and "一是打造宜居品質之城" in starts[0].heading_path
    hit = [c for c in chunks if "173部" in c.text]
    assert hit and any("一是打造宜居品質之城" in p for p in hit[0].heading_path)


def test_headings_stay_with_their_body():
    doc, chunks = _chunks("004")
    c = next(c for c in chunks if "摸清底數 先行試點" in c.text)
    assert c.text.startswith("摸清底數 先行試點\n明确改造路徑方向\n老舊小區大多建成于2000年以前")
    assert c.heading_path[0] == "摸清底數 先行試點 明确改造路徑方向"


def test_sentences_are_not_cut_and_overlap_repeats_tail():
    doc, chunks = _chunks("001", chunk_tokens=120, overlap_tokens=40)
    for c in chunks:
        assert c.text[-1] in "。！？；;!?”」)）\n" or len(c.text) < 40 or c.end == len(doc.text) or \
            doc.text[c.end] == "\n" or c.text[-1] in "，,、"
    overlaps = sum(1 for a, b in zip(chunks, chunks[1:]) if a.doc_id == b.doc_id and b.start < a.end)
    assert overlaps > 5
