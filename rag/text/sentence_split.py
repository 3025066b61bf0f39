"""Answer units of a text: up to 。！？, a clause-list ；, or a line end (closing quotes stay attached).
Shared by ingest (sentence data) and the reader, so both cut the same spans."""
from __future__ import annotations

import re

SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]*[”」』）)]*")
MIN_CHARS = 6


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each unit in `text`, whitespace trimmed; fragments under MIN_CHARS dropped."""
    out = []
    for m in SENTENCE.finditer(text):
        s, e = m.start(), m.end()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e - s >= MIN_CHARS:
            out.append((s, e))
    return out
