"""Sentence- and structure-aware chunking for Chinese, sized in tiktoken tokens.

Every chunk is a contiguous span of the cleaned document text, so `start`/`end`
can be used for citation and highlighting. Headings (short lines without a full
stop) start a section and stay with the body that follows; paragraphs that open
with an enumerator (一是 / 第一， / （一） / 第X条) start a new chunk.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from rag.documents import Chunk, Document
from rag.ingest.cleaning import HEADING
from rag.settings import ChunkingSettings
from rag.text.tokens import count_tokens

# A sentence ends at 。！？；!? (plus closing quotes/brackets) or at a line end.
_SENTENCE = re.compile(r"[^。！？；!?;\n]*(?:[。！？；!?;]+[”」』’\"）)]*|\n|$)")
_FULL_STOP = "。！？；!?;:：”」』)）"


@dataclass
class _Span:
    start: int
    end: int
    tokens: int


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in "\n ":
        start += 1
    while end > start and text[end - 1] in "\n ":
        end -= 1
    return start, end


def is_heading_line(line: str) -> bool:
    line = line.strip()
    return 0 < len(line) <= 32 and line[-1] not in _FULL_STOP and "。" not in line


def _lead(paragraph: str) -> str:
    """The enumerated lead of a paragraph: `一是打造宜居品質之城。...` → `一是打造宜居品質之城`."""
    return re.split(r"[。！？；:：]", paragraph, maxsplit=1)[0][:40]


def split_sentences(text: str, offset: int, encoding: str, max_tokens: int) -> list[_Span]:
    spans: list[_Span] = []
    for m in _SENTENCE.finditer(text):
        if m.start() == m.end():
            continue
        s, e = m.start(), m.end()
        piece = text[s:e]
        n = count_tokens(piece, encoding)
        if n <= max_tokens:
            spans.append(_Span(offset + s, offset + e, n))
            continue
        # An over-long sentence is cut at commas, then hard, so no chunk exceeds the budget.
        for part in re.finditer(r"[^，,、]*[，,、]?", piece):
            if not part.group(0):
                continue
            ps, pe = s + part.start(), s + part.end()
            while count_tokens(text[ps:pe], encoding) > max_tokens:
                step = max(1, (pe - ps) // 2)
                spans.append(_Span(offset + ps, offset + ps + step, count_tokens(text[ps:ps + step], encoding)))
                ps += step
            spans.append(_Span(offset + ps, offset + pe, count_tokens(text[ps:pe], encoding)))
    return spans


def _blocks(text: str):
    """Yield (kind, heading, start, end) for each line: 'heading' lines, 'enum' paragraphs, 'body'."""
    pos = 0
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        if not line.strip():
            continue
        if is_heading_line(line):
            yield "heading", line.strip(), start, end
        elif HEADING.match(line):
            yield "enum", _lead(line), start, end
        else:
            yield "body", "", start, end


def chunk_document(doc: Document, cfg: ChunkingSettings) -> list[Chunk]:
    text = doc.text
    chunks: list[Chunk] = []
    headings: list[str] = []  # consecutive heading lines form the current section heading
    heading_start: int | None = None  # where pending heading lines begin (kept with the body)
    enum_lead = ""
    current: list[_Span] = []
    cur_path: list[str] = []
    last_kind = ""

    def flush(keep_overlap: bool) -> None:
        nonlocal current
        if not current:
            return
        start, end = _trim(text, current[0].start, current[-1].end)
        chunks.append(Chunk(
            chunk_id=f"{doc.doc_id}#{len(chunks)}", doc_id=doc.doc_id, source=doc.source, title=doc.title,
            heading_path=list(cur_path), start=start, end=end, text=text[start:end],
        ))
        if keep_overlap and cfg.overlap_tokens:
            tail: list[_Span] = []
            total = 0
            for span in reversed(current):
                if total + span.tokens > cfg.overlap_tokens:
                    break
                tail.insert(0, span)
                total += span.tokens
            current = tail if len(tail) < len(current) else []
        else:
            current = []

    for kind, label, start, end in _blocks(text):
        if kind == "heading":
            if last_kind != "heading":
                flush(keep_overlap=False)
                headings, heading_start, enum_lead = [], start, ""
            headings.append(label)
            last_kind = kind
            continue
        if kind == "enum":
            flush(keep_overlap=False)
            enum_lead = label
        para_start = heading_start if heading_start is not None else start
        heading_start = None
        path = [h for h in [" ".join(headings), enum_lead] if h]
        if not current:
            cur_path = path
        spans = split_sentences(text[para_start:end + 1], para_start, cfg.encoding, cfg.chunk_tokens)
        for span in spans:
            used = sum(s.tokens for s in current)
            if current and used + span.tokens > cfg.chunk_tokens:
                flush(keep_overlap=True)
                cur_path = path
            current.append(span)
        last_kind = kind
    flush(keep_overlap=False)
    if heading_start is not None:  # trailing headings with no body become their own chunk
        current = [_Span(heading_start, len(text), count_tokens(text[heading_start:], cfg.encoding))]
        cur_path = [" ".join(headings)]
        flush(keep_overlap=False)
    return _merge_small(chunks, cfg, text)


def _merge_small(chunks: list[Chunk], cfg: ChunkingSettings, text: str) -> list[Chunk]:
    """Fold a tiny chunk into the following one of the same document (still one contiguous span)."""
    merged: list[Chunk] = []
    carry: Chunk | None = None
    for chunk in chunks:
        if carry is not None:
            chunk.start, chunk.end = _trim(text, carry.start, chunk.end)
            chunk.text = text[chunk.start:chunk.end]
            chunk.heading_path = carry.heading_path or chunk.heading_path
            carry = None
        if count_tokens(chunk.text, cfg.encoding) < cfg.min_chunk_tokens and chunk is not chunks[-1]:
            carry = chunk
            continue
        merged.append(chunk)
    for i, chunk in enumerate(merged):
        chunk.chunk_id = f"{chunk.doc_id}#{i}"
    return merged
