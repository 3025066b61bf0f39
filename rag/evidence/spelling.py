"""Homophone typos in a question, corrected against the knowledge base's own words.

A resident types by pinyin and picks a wrong character now and then: 首刚园 (首钢园), 棚护区 (棚户区). Such a
word is in no dictionary and nowhere in the documents, so retrieval misses and the evidence check refuses.
A question word is corrected only when all of this holds — so a real word the documents never use (门票,
护理) stays as asked, and its absence stays a reason to refuse:

- it is not a word of jieba's dictionary and the knowledge base never uses it;
- changing exactly one character to one that sounds the same gives a word the knowledge base uses;
- that change is the only one that does.
"""
from __future__ import annotations

from dataclasses import dataclass

from rag.retrieval.snapshot import Snapshot
from rag.text.homophones import homophones
from rag.text.text_match import jieba_instance, normalise


@dataclass(frozen=True)
class Fix:
    typed: str  # as it stands in the normalised question
    meant: str


def _cjk(word: str) -> bool:
    return all("\u4e00" <= c <= "\u9fff" for c in word)


def _candidates(word: str, snap: Snapshot) -> set[str]:
    out = set()
    for i, ch in enumerate(word):
        for alt in homophones(ch):
            cand = word[:i] + alt + word[i + 1:]
            if snap.knows(cand):
                out.add(cand)
    return out


def typo_fixes(question: str, snap: Snapshot) -> list[Fix]:
    """The corrections a question needs (usually none)."""
    jieba = jieba_instance()
    words = {w for w in jieba.cut_for_search(normalise(question)) if 3 <= len(w) <= 4 and _cjk(w)}
    fixes = []
    for word in sorted(words, key=len, reverse=True):
        if jieba.dt.FREQ.get(word) or snap.knows(word) or snap.mentions(word) \
                or any(word in f.meant or f.typed in word for f in fixes):
            continue
        found = _candidates(word, snap)
        if len(found) == 1:
            fixes.append(Fix(word, found.pop()))
    return fixes


def apply_fixes(text: str, fixes: list[Fix]) -> str:
    """The fixes applied to `text` (matched in its normalised, Simplified form; the script is kept where the
    typed word is already Simplified, which is where pinyin typos come from)."""
    norm = normalise(text)
    if len(norm) != len(text):
        return text
    out = text
    for f in fixes:
        at = norm.find(f.typed)
        while at >= 0:
            out = out[:at] + f.meant + out[at + len(f.typed):]
            at = norm.find(f.typed, at + len(f.typed))
    return out
