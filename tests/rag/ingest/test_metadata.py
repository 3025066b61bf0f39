from helpers import DOCS
from rag.ingest.document_builder import build_document
from rag.ingest.metadata import extract_metadata


def test_metadata_extracted_where_the_text_states_it():
    raw = next(DOCS.glob("000*.txt")).read_text()
    meta = extract_metadata(raw, "")
    assert meta.source_url.startswith("http://www.xinhuanet.com/house/20230413/")
    assert meta.date == "2023-04-13"
    assert meta.title == "李先侠：城市更新与产业转型相促进 打造老旧小区改造新样本"
    assert meta.publisher == "新华网" and meta.region == "北京市石景山区"
    raw4 = next(DOCS.glob("004*.txt")).read_text()
    assert extract_metadata(raw4, "").date == "2023-11-29" and extract_metadata(raw4, "").region == "全国"
    raw3 = next(DOCS.glob("003*.txt")).read_text()
    assert extract_metadata(raw3, "").region == "常州市钟楼区"


def test_sidecar_overrides_and_every_seed_has_one():
    for f in sorted(DOCS.glob("*.txt")):
        doc = build_document(f)
        assert doc.meta.title and doc.meta.publisher and doc.meta.region, f.name
    assert build_document(next(DOCS.glob("004*.txt"))).meta.publisher == "《中國建設報》"
