"""Check every answer sentence against the passages it cites, for every backend.

Support is measured on script-normalised text (t2s, NFKC, no punctuation) as the
share of the sentence's character bigrams found in the passage; every number in
a sentence must appear in a passage it cites. Markers that point nowhere are
removed, unsupported sentences are dropped, uncited ones get the best-supporting
passage or are dropped. Citations are renumbered 1..m in order of first use.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from rag.text.script import to_simplified

MARKER = re.compile(r"\s*(?:【(\d{1,2})】|\[(\d{1,2})\])")
ANSWER_SENTENCE = re.compile(r"[^。！？!?；;\n]+(?:[。！？!?；;]+[”」』’\"）)]*)?(?:\s*(?:【\d{1,2}】|\[\d{1,2}\]))*")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_STRIP = re.compile(r"[\W_]+")

SUPPORTED = 0.5  # share of a sentence's bigrams that must occur in a cited passage
REFUSAL_PHRASES = ("资料中没有找到", "資料中沒有找到", "没有找到相关", "沒有找到相關")


def match_form(text: str) -> str:
    return _STRIP.sub("", unicodedata.normalize("NFKC", to_simplified(text)).lower())


def _bigrams(s: str) -> set[str]:
    return {s[i:i + 2] for i in range(len(s) - 1)} if len(s) > 1 else {s}


def support(sentence: str, passage: str) -> float:
    s, p = match_form(sentence), match_form(passage)
    if not s:
        return 1.0
    grams = _bigrams(s)
    return sum(1 for g in grams if g in p) / len(grams)


def numbers_supported(sentence: str, passage: str) -> bool:
    nums = _NUMBER.findall(unicodedata.normalize("NFKC", sentence))
    p = unicodedata.normalize("NFKC", passage).replace(",", "")
    return all(n.replace(",", "") in p for n in nums)


def best_quote(sentence: str, passage: str) -> tuple[int, int]:
    """The passage sentence that best matches `sentence`, as (start, end) in the passage."""
    best, span = -1.0, (0, 0)
    for m in re.finditer(r"[^。！？!?；;\n]+[。！？!?；;]*[”」』）)]*", passage):
        score = support(m.group(0), sentence) if len(m.group(0)) > 1 else 0.0
        if score > best:
            best, span = score, (m.start(), m.end())
    return span


@dataclass
class Checked:
    text: str
    used: list[int]  # passage indexes (0-based) in citation order
    quotes: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)
    is_refusal: bool = False


def check_answer(answer: str, passages: list[str], framing: tuple[str, ...] | list[str] = ()) -> Checked:
    """`passages[i]` is the text numbered i+1 in the prompt / offline answer. `framing`: sentences the
    offline answerer wrote around its quotes ("资料中没有石景山的这个数字；"): they state no fact and are
    kept as they are, uncited."""
    frames = {match_form(f) for f in framing}
    if any(p in answer for p in REFUSAL_PHRASES) and not MARKER.search(answer):
        return Checked(text=answer.strip(), used=[], is_refusal=True)
    used: list[int] = []
    quotes: dict[int, list[tuple[int, int]]] = {}
    out: list[str] = []
    dropped: list[str] = []
    for m in ANSWER_SENTENCE.finditer(answer):
        raw = m.group(0).strip()
        if not raw:
            continue
        cited = [int(a or b) - 1 for a, b in MARKER.findall(raw)]
        body = MARKER.sub("", raw).strip()
        if not match_form(body):
            continue
        if not cited and match_form(body) in frames:
            out.append(body)
            continue
        valid = [i for i in dict.fromkeys(cited) if 0 <= i < len(passages)]
        ok = [i for i in valid if support(body, passages[i]) >= SUPPORTED and numbers_supported(body, passages[i])]
        if not ok:
            # Uncited, or cited wrongly: take the best-supporting passage if it really supports the sentence.
            scored = sorted(((support(body, p), i) for i, p in enumerate(passages)), reverse=True)
            ok = [i for s, i in scored[:1] if s >= SUPPORTED and numbers_supported(body, passages[i])]
        if not ok:
            dropped.append(body)
            continue
        for i in ok:
            if i not in used:
                used.append(i)
            quotes.setdefault(i, [])
            q = best_quote(body, passages[i])
            if q not in quotes[i]:
                quotes[i].append(q)
        out.append(body + "".join(f"【{used.index(i) + 1}】" for i in ok))
    return Checked(text="".join(out), used=used, quotes=quotes, dropped=dropped)
