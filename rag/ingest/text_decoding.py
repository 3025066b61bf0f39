"""Bytes → text for a Chinese knowledge base: BOMs first, then UTF-8, then the Chinese legacy encodings
(GB18030 ⊃ GBK, Big5-HKSCS, CP950, Big5) judged by how Chinese each decoding reads.

Generic detectors (charset_normalizer) guess from byte statistics and need a few hundred bytes: a 45-byte
Big5 notice came out as Shift-JIS. Here every candidate that decodes is scored by the mean log-frequency
of its characters (Traditional folded to Simplified, frequencies from jieba's dictionary): a wrong decoding
of Chinese bytes is a string of rare characters, kana or symbols, so even a dozen characters decide it.
charset_normalizer stays as the fallback for text in other languages.
"""
from __future__ import annotations

import math
import unicodedata
from functools import lru_cache
from pathlib import Path

CHINESE_ENCODINGS = ("gb18030", "big5hkscs", "cp950", "big5")
_BOMS = ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"), (b"\xef\xbb\xbf", "utf-8-sig"),
         (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
_SAMPLE_CHARS = 3000  # scored from the start, middle and end: enough to decide, cheap on a 20 MB file
_NEUTRAL = -7.0  # score of ASCII letters, digits, spaces and common punctuation (about a common hanzi)
_UNKNOWN_LETTER = math.log(1e-9)  # a letter or ideograph the dictionary never uses
_OTHER = _UNKNOWN_LETTER - 5  # symbols, kana, box drawing, private use, replacement character, controls
_PUNCT = set("。，、；：？！「」『』（）《》〈〉【】“”‘’…—·％：；，．\n\r\t ")
_NOT_CHINESE_ENOUGH = -12.0  # below this the best Chinese decoding is gibberish: ask charset_normalizer


class UndecodableText(ValueError):
    pass


@lru_cache(maxsize=1)
def _char_log_freq() -> dict[str, float]:
    """Log relative frequency of each hanzi, summed over the words of jieba's dictionary that contain it."""
    import jieba

    counts: dict[str, int] = {}
    with open(Path(jieba.__file__).parent / "dict.txt", encoding="utf-8") as fh:
        for line in fh:
            word, freq = line.split(" ", 2)[:2]
            for ch in word:
                if ch >= "\u3400":
                    counts[ch] = counts.get(ch, 0) + int(freq)
    total = sum(counts.values())
    return {ch: math.log(n / total) for ch, n in counts.items()}


def chinese_score(text: str) -> float:
    """Mean per-character log-frequency: about -7 to -9 for real Chinese prose, below -12 for a wrong decoding."""
    from rag.text.script import to_simplified

    if len(text) > _SAMPLE_CHARS:
        third, mid = _SAMPLE_CHARS // 3, len(text) // 2
        text = text[:third] + text[mid - third // 2: mid + third // 2] + text[-third:]
    logp = _char_log_freq()
    total = 0.0
    for ch in to_simplified(text):
        if ch in _PUNCT or (ch.isascii() and (ch.isalnum() or ch in ",.;:?!()[]-'\"/%")):
            total += _NEUTRAL
        elif ch in logp:
            total += logp[ch]
        elif unicodedata.category(ch)[0] == "L" and ch != "\ufffd":
            total += _UNKNOWN_LETTER
        else:
            total += _OTHER
    return total / max(len(text), 1)


def decode_bytes(data: bytes) -> tuple[str, str]:
    """(text, encoding name). Raises UndecodableText when no encoding gives readable text."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding).removeprefix("\ufeff"), encoding
            except UnicodeDecodeError:
                break
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    decoded = []
    for encoding in CHINESE_ENCODINGS:
        try:
            decoded.append((data.decode(encoding), encoding))
        except UnicodeDecodeError:
            continue
    if not decoded:  # a few stray bytes: the least damaged Chinese reading, if the damage is small
        for encoding in CHINESE_ENCODINGS:
            text = data.decode(encoding, errors="replace")
            bad = text.count("\ufffd")
            if bad <= max(1, len(text) // 200):
                decoded.append((text, f"{encoding}（{bad} 处无法解码的字节已替换）"))
    scored = sorted(((chinese_score(t), -i, t, e) for i, (t, e) in enumerate(decoded)), reverse=True)
    if scored and scored[0][0] >= _NOT_CHINESE_ENOUGH:
        return scored[0][2], scored[0][3]
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None and (not scored or chinese_score(str(best)) > scored[0][0]):
        return str(best), best.encoding
    if scored:
        return scored[0][2], scored[0][3]
    raise UndecodableText("无法识别文字编码（已尝试 UTF-8、UTF-16、GB18030、Big5-HKSCS、Big5 等）")
