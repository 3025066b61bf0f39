"""Read a document file into plain text. One reader per format; bad files raise LoadError."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf", ".docx")
SIDECAR_SUFFIX = ".meta.json"


class LoadError(Exception):
    """A file that cannot be turned into text; the message names the file and the reason."""


@dataclass
class LoadedFile:
    path: Path
    text: str
    encoding: str  # detected text encoding, or the binary format's name


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode text in UTF-8, GB18030/GBK or Big5 (and others charset_normalizer knows)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise LoadError("not text in a known encoding (tried UTF-8, GB18030, Big5 ...)")
    return str(best), best.encoding


def _read_text(path: Path) -> LoadedFile:
    text, enc = decode_bytes(path.read_bytes())
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
        raise LoadError(f"unreadable PDF ({exc.__class__.__name__}: {exc})") from exc
    text = "\n".join(pages)
    if not text.strip():
        raise LoadError("PDF has no extractable text (scanned image?)")
    return LoadedFile(path, text, "pdf")


def _read_docx(path: Path) -> LoadedFile:
    import docx

    try:
        document = docx.Document(str(path))
    except Exception as exc:
        raise LoadError(f"unreadable DOCX ({exc.__class__.__name__}: {exc})") from exc
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


def load_file(path: Path) -> LoadedFile:
    path = Path(path)
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        raise LoadError(f"{path.name}: unsupported file type '{path.suffix}' (supported: {', '.join(SUPPORTED_SUFFIXES)})")
    if not path.is_file():
        raise LoadError(f"{path.name}: not a file")
    try:
        loaded = reader(path)
    except LoadError as exc:
        raise LoadError(f"{path.name}: {exc}") from exc
    except OSError as exc:
        raise LoadError(f"{path.name}: cannot read ({exc.strerror or exc})") from exc
    if "\x00" in loaded.text:
        raise LoadError(f"{path.name}: binary content, not text")
    if not loaded.text.strip():
        raise LoadError(f"{path.name}: empty document")
    return loaded


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
