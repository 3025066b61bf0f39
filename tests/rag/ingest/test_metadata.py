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


NOTICE = ("宁波市海曙区住房和城乡建设局关于老旧小区物业补助的通知\n各街道、镇：\n"
          "对实行专业化物业管理的老旧小区，按每月每平方米0.35元给予物业补助。\n宁波市海曙区住房和城乡建设局\n2024年3月1日\n")


def test_region_and_publisher_come_from_the_issuing_bureau_not_a_default():
    meta = extract_metadata(NOTICE, NOTICE)
    assert meta.region == "宁波市海曙区" and meta.publisher == "宁波市海曙区住房和城乡建设局"
    assert meta.date == "2024-03-01"


def test_a_text_naming_one_place_is_never_national():
    assert extract_metadata("永乐坊社区决定：旧楼外墙翻新补助每户三千元。杭州市西湖区。", "").region == "杭州市西湖区"
    assert extract_metadata("鐘樓區永紅街道加裝電梯33台。", "").region == "常州市钟楼区"  # Traditional, short form
    # examples from several provinces, none dominating: the text speaks about the country
    many = "山东青岛市、浙江宁波市、内蒙古呼和浩特市、江苏苏州市都开展了老旧小区改造试点。"
    assert extract_metadata(many, "").region == "全国"
