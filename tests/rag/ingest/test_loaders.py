"""Loaders: encodings detected on the real seed texts, every supported format read for real."""
import pytest

from helpers import DOCS
from rag.ingest.loaders import LoadError, discover, load_file


def _seed(prefix):
    return next(DOCS.glob(prefix + "*.txt")).read_text(encoding="utf-8")


@pytest.mark.parametrize("prefix,encoding", [("000", "gb18030"), ("000", "gbk"), ("003", "gbk"),
                                             ("001", "big5"), ("004", "big5"), ("002", "utf-8")])
def test_text_encodings_are_detected(tmp_path, prefix, encoding):
    text = _seed(prefix)
    data = text.encode(encoding, errors="replace")  # Big5 lacks a few simplified variants
    expected = data.decode(encoding)
    path = tmp_path / f"doc_{encoding}.txt"
    path.write_bytes(data)
    loaded = load_file(path)
    assert loaded.text == expected
    assert "城市更新" in loaded.text or "城市更新" in loaded.text.replace("新", "新")


def test_html_drops_scripts_and_keeps_text(tmp_path):
    path = tmp_path / "page.html"
    path.write_text("<html><head><title>加装电梯通知</title><script>alert(1)</script></head>"
                    "<body><nav>首页</nav><p>第一条 老旧小区可以加装电梯。</p><p>第二条 费用分摊。</p></body></html>",
                    encoding="utf-8")
    text = load_file(path).text
    assert "加装电梯通知" in text and "第一条 老旧小区可以加装电梯。" in text and "alert" not in text
    assert "第二条" in text.split("第一条")[1]


def test_docx_is_read(tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph("关于加装电梯的实施意见")
    d.add_paragraph("一、既有多层住宅可以申请加装电梯。")
    path = tmp_path / "policy.docx"
    d.save(str(path))
    assert "既有多层住宅可以申请加装电梯" in load_file(path).text


def _minimal_pdf(text: str) -> bytes:
    """A one-page PDF with a Helvetica text line, written by hand (no PDF writer package needed)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def test_pdf_is_read(tmp_path):
    path = tmp_path / "notice.pdf"
    path.write_bytes(_minimal_pdf("Elevator retrofit subsidy 173 units"))
    assert "Elevator retrofit subsidy 173 units" in load_file(path).text


@pytest.mark.parametrize("text,encoding", [
    ("永樂坊社區決定：舊樓外牆翻新補助每戶三千元。", "big5"),  # the 45-byte file, once read as shift_jis_2004
    ("舊樓加裝電梯補貼每戶三千元。", "big5"),
    ("大廈加裝𨋢，每戶補貼三千元。", "big5hkscs"),  # 𨋢 (lift) exists only in HKSCS
    ("加装电梯补贴每户三千元。", "gbk"),
    ("老旧小区改造", "gbk"),
    ("居民王䶮申请加装电梯补贴。", "gb18030"),  # 䶮 needs GB18030's four-byte form
    ("石景山区加装电梯补贴每部二十万元。", "utf-16"),  # with BOM (little-endian)
    ("舊樓加裝電梯補貼每戶三千元。", "utf-16-be-bom"),
    ("加装电梯补贴每户三千元。", "utf-8-sig"),
])
def test_short_chinese_files_decode_in_every_encoding(tmp_path, text, encoding):
    data = b"\xfe\xff" + text.encode("utf-16-be") if encoding == "utf-16-be-bom" else text.encode(encoding)
    assert len(data) < 60
    path = tmp_path / "notice.txt"
    path.write_bytes(data)
    assert load_file(path).text == text


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "big5", "big5hkscs", "utf-16"])
def test_long_files_decode_in_every_encoding(tmp_path, encoding):
    text = _seed("003") if encoding.startswith("gb") or encoding == "utf-16" else _seed("001")
    data = text.encode(encoding, errors="replace")
    (tmp_path / "doc.txt").write_bytes(data)
    assert load_file(tmp_path / "doc.txt").text == data.decode(encoding)


def _image_only_pdf(path):
    """A PDF whose page is a picture of text and has no text layer: what a scan without OCR is."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (400, 120), "white")
    ImageDraw.Draw(img).text((10, 50), "Elevator subsidy 200000 yuan", fill="black")
    img.save(path, "PDF")


def test_bad_files_get_a_chinese_reason_naming_the_file(tmp_path):
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    _image_only_pdf(tmp_path / "scan.pdf")
    (tmp_path / "junk.docx").write_bytes(b"PK\x03\x04 not a zip" + bytes(range(256)))
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.md").write_bytes(b"  \n\n ")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02 binary junk" * 10)
    cases = [("broken.pdf", "PDF 文件已损坏"), ("scan.pdf", "没有文字层"), ("junk.docx", "不是有效的 Word 文档"),
             ("image.png", "不支持的文件类型"), ("empty.txt", "文件是空的"), ("blank.md", "文件是空的"),
             ("binary.txt", "二进制")]
    for name, words in cases:
        with pytest.raises(LoadError) as err:
            load_file(tmp_path / name)
        assert str(err.value).startswith(f"{name}：") and words in str(err.value), str(err.value)


def test_file_over_the_size_limit_is_refused_before_reading(tmp_path):
    path = tmp_path / "huge.txt"
    path.write_bytes("老旧小区改造。".encode() * 10000)
    with pytest.raises(LoadError) as err:
        load_file(path, max_bytes=100_000)
    assert str(err.value) == "huge.txt：文件过大（0.2 MB，上限 0.1 MB），未读取"
    assert load_file(path, max_bytes=1_000_000).text.startswith("老旧小区改造。")


def test_control_characters_in_a_file_name_are_shown_escaped(tmp_path):
    path = tmp_path / "bad\x07name.txt"
    path.write_bytes(b"")
    with pytest.raises(LoadError) as err:
        load_file(path)
    assert str(err.value).startswith("bad\\x07name.txt：")


def test_discover_skips_sidecars_and_hidden_files():
    files = discover([DOCS])
    assert len(files) == 5 and all(f.suffix == ".txt" for f in files)
