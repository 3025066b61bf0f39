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


def test_bad_files_are_named_with_a_reason(tmp_path):
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    (tmp_path / "broken.docx").write_bytes(b"PK\x03\x04 not a zip")
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    (tmp_path / "empty.txt").write_bytes(b"")
    for name, words in [("broken.pdf", "PDF"), ("broken.docx", "DOCX"), ("image.png", "unsupported"),
                        ("empty.txt", "empty")]:
        with pytest.raises(LoadError) as err:
            load_file(tmp_path / name)
        assert name in str(err.value) and words in str(err.value)


def test_discover_skips_sidecars_and_hidden_files():
    files = discover([DOCS])
    assert len(files) == 5 and all(f.suffix == ".txt" for f in files)
