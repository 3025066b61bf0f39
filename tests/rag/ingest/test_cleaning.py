"""Cleaning asserted on the real seed files (no hand edits: the pipeline must do it)."""
from helpers import DOCS
from rag.ingest.cleaning import clean_text, strip_pinyin
from rag.ingest.document_builder import build_document


def _doc(prefix):
    return build_document(next(DOCS.glob(prefix + "*.txt")))


def test_web_boilerplate_does_not_reach_the_text():
    text = _doc("000").text
    for junk in ["字体", "分享到", "【纠错】", "责任编辑", "阅读下一篇", "新华网 >", "http://", "深度观察"]:
        assert junk not in text, junk
    assert "城市更新是“十四五”时期我国城市建设的重要方略" in text  # the article itself stays


def test_footer_and_injected_spam_removed_from_seed_004():
    raw = next(DOCS.glob("004*.txt")).read_text()
    assert raw.count("金沙集团APP最新版下载") == 3
    doc = _doc("004")
    for junk in ["金沙", "APP最新版下载", "聯系我們", "版權所有", "ICP", "電話", "地址", "Baidu", "sogou", "浏覽"]:
        assert junk not in doc.text, junk
    assert len(doc.cleaning["spam_lines"]) == 3
    assert "老舊小區改造是重大民生工程和發展工程" in doc.text


def test_pinyin_glosses_removed_from_seed_002():
    raw = next(DOCS.glob("002*.txt")).read_text()
    assert "區(qū)" in raw and "產(chǎn)業(yè)" in raw
    doc = _doc("002")
    assert "(qū)" not in doc.text and "(chǎn)" not in doc.text
    assert "石景山區第十三次黨代會" in doc.text and "產業轉型" in doc.text
    assert doc.cleaning["pinyin_glosses"] >= 100


def test_pinyin_rule_leaves_real_parentheses_alone():
    text, n = strip_pinyin("城市(单元)专项规划（一）石景山(本山)區(qū)")
    assert text == "城市(单元)专项规划（一）石景山(本山)區" and n == 1


def test_duplicate_paragraph_indexed_once_and_broken_lines_joined_in_seed_003():
    raw = next(DOCS.glob("003*.txt")).read_text()
    assert raw.count("聚力文旅融合,让城市IP更加鲜明。") == 2
    assert "持续促\n\n进居民" in raw
    doc = _doc("003")
    assert doc.text.count("聚力文旅融合,让城市IP更加鲜明。") == 1
    assert "持续促进居民更充分更高质量就业" in doc.text
    # Headings are not glued onto the next paragraph.
    assert "聚焦转型升级,倾力打造高质态未来产业先导区\n" in doc.text


def test_repeated_title_lines_collapse():
    text, report = clean_text("石景山区打造老旧小区改造新样本的新闻稿\n石景山区打造老旧小区改造新样本的新闻稿-新华网\n正文。\n主持人\n主持人")
    assert text.count("石景山区打造老旧小区改造新样本的新闻稿") == 1
    assert text.count("主持人") == 2  # short labels legitimately repeat


def test_prose_that_mentions_footer_or_casino_words_is_kept():
    # A news paragraph about Macau or business licences is content (CMRC/DRCD paragraphs were lost to this once);
    # a short footer line with the same words is not, and a spam phrase inside prose is cut out, not the paragraph.
    story = "澳门特别行政区政府近日宣布，凡申领营业执照的小微企业均可获得一次性补贴，首批共有三百余家企业受惠，相关措施自下月起实施。"
    spam_in_prose = ("老旧小区改造是重大民生工程和发展工程，金沙集团APP最新版下载，要坚持居民自愿、政府引导，"
                     "统筹推进水电气热等管线改造工作。")
    raw = "\n".join([story, "版权所有 © 某某网 营业执照", spam_in_prose])
    text, report = clean_text(raw)
    assert story in text
    assert "版权所有" not in text
    assert "金沙集团" not in text and "要坚持居民自愿、政府引导" in text
    assert len(report.spam_lines) == 1
