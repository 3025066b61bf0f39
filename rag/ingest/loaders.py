"""Read a document file into plain text. One reader per format; bad files raise LoadError with a Chinese reason."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from rag.ingest.text_decoding import UndecodableText, decode_bytes

SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf", ".docx")
SIDECAR_SUFFIX = ".meta.json"


class LoadError(Exception):
    """A file that cannot be turned into text; the message names the file and the reason (in Chinese)."""


@dataclass
class LoadedFile:
    path: Path
    text: str
    encoding: str  # detected text encoding, or the binary format's name


def _read_text(path: Path) -> LoadedFile:
    data = path.read_bytes()
    if not data.strip():
        raise LoadError("文件是空的")
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")):
        raise LoadError("内容是二进制数据，不是文本")
    try:
        text, enc = decode_bytes(data)
    except UndecodableText as exc:
        raise LoadError(str(exc)) from exc
    return LoadedFile(path, text, enc)


_BLOCK_TAGS = re.compile(r"</?(p|div|br|li|tr|h[1-6]|section|article|table|ul|ol|title)\b[^>]*>", re.I)


def html_to_text(html: str) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(_BLOCK_TAGS.sub(lambda m: "\n" + m.group(0), html), "html.parser")
    for tag in soup(["script", "style", "noscript", "nav", "footer", "iframe"]):
        tag.decompose()
    title = soup.title.get_text(strip=True) if soup.title else ""
    if soup.title:
        soup.title.decompose()
    body = soup.get_text("")
    return (title + "\n" + body) if title else body


def _read_html(path: Path) -> LoadedFile:
    loaded = _read_text(path)
    return LoadedFile(path, html_to_text(loaded.text), loaded.encoding)


def _read_pdf(path: Path) -> LoadedFile:
    from pypdf import PdfReader

    try:
        reader = PdfReader(str(path))
        pages = [page.extract_text() or "" for page in reader.pages]
    except Exception as exc:  # pypdf raises many types for broken files
        raise LoadError(f"PDF 文件已损坏或不是 PDF，无法打开（{exc.__class__.__name__}）") from exc
    text = "\n".join(pages)
    if not text.strip():
        raise LoadError(f"PDF 没有文字层（共 {len(pages)} 页，可能是扫描图片），提取不到文字；请先做文字识别（OCR）再上传")
    return LoadedFile(path, text, "pdf")


def _read_docx(path: Path) -> LoadedFile:
    import docx

    try:
        document = docx.Document(str(path))
    except Exception as exc:
        raise LoadError(f"不是有效的 Word 文档（.docx），无法打开（{exc.__class__.__name__}）") from exc
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text for cell in row.cells))
    return LoadedFile(path, "\n".join(lines), "docx")


_READERS = {
    ".txt": _read_text,
    ".md": _read_text,
    ".html": _read_html,
    ".htm": _read_html,
    ".pdf": _read_pdf,
    ".docx": _read_docx,
}


def load_file(path: Path, max_bytes: int | None = None) -> LoadedFile:
    """Read one file; `max_bytes` refuses a bigger file before reading it (memory stays bounded)."""
    path = Path(path)
    name = display_name(path.name)
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        raise LoadError(f"{name}：不支持的文件类型“{path.suffix or '无扩展名'}”（支持 {' '.join(SUPPORTED_SUFFIXES)}）")
    if not path.is_file():
        raise LoadError(f"{name}：不是文件")
    size = path.stat().st_size
    if max_bytes is not None and size > max_bytes:
        raise LoadError(f"{name}：文件过大（{size / 1e6:.1f} MB，上限 {max_bytes / 1e6:g} MB），未读取")
    if size == 0:
        raise LoadError(f"{name}：文件是空的")
    try:
        loaded = reader(path)
    except LoadError as exc:
        raise LoadError(f"{name}：{exc}") from exc
    except OSError as exc:
        raise LoadError(f"{name}：无法读取（{exc.strerror or exc}）") from exc
    if "\x00" in loaded.text:
        raise LoadError(f"{name}：内容是二进制数据，不是文本")
    if not loaded.text.strip():
        raise LoadError(f"{name}：没有文字内容")
    return loaded


def display_name(name: str) -> str:
    """A file name safe to show in a message: control characters (NUL, newlines …) written as \\xNN."""
    return "".join(f"\\x{ord(c):02x}" if unicodedata.category(c) == "Cc" else c for c in name)


def discover(paths: list[Path]) -> list[Path]:
    """Expand folders into document files (sorted); metadata sidecars and hidden files are skipped."""
    found: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and not f.name.startswith(".") and not f.name.endswith(SIDECAR_SUFFIX) \
                        and f.suffix.lower() in SUPPORTED_SUFFIXES and f.name.lower() != "readme.md":
                    found.append(f)
        else:
            found.append(p)
    return found
