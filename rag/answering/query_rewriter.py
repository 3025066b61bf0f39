"""Follow-up questions → standalone questions before retrieval.

Offline: carry the previous question's entities ("那钟楼区呢？" after a question
about 石景山 → the same question about 钟楼区; "它什么时候启用的？" → the previous
subject put in place of 它). With an LLM: the condense prompt in prompts/condense.md.
"""
from __future__ import annotations

import re

from rag.answering.prompts import render
from rag.text.text_match import jieba_instance, normalise

_PRONOUN = re.compile(r"^(那么|那|那个|那個|这个|這個|它们|它們|它|他们|他們|该|該|其|此)")
_WHAT_ABOUT = re.compile(r"^(?:那么|那麼|那|还有|還有|再问|再問)?\s*(.{1,20}?)\s*(?:呢|怎么样|怎麼樣|如何)\s*[？?]?$")
_PLACE = re.compile(r"(石景山区?|钟楼区|[\u4e00-\u9fff]{2,4}(?:省|市|区|县|街道|镇))")
_INSIDE = {"a", "b", "m", "q", "f"}  # adjectives/numerals inside a noun run: 首钢/滑雪/大/跳台
_NOUNISH = {"n", "ns", "nr", "nt", "nz", "nrt", "vn", "j", "eng", "l", "an"}


def needs_rewrite(question: str, history: list[str]) -> bool:
    q = question.strip()
    return bool(history) and (len(q) <= 12 or bool(_PRONOUN.match(q)) or q.rstrip("？?").endswith("呢"))


def _subject(question: str) -> str:
    """The first run of noun-like words of a question: its topic."""
    import jieba.posseg as pseg

    jieba_instance()
    run, best = [], ""
    for word, flag in pseg.cut(question):
        if flag in _NOUNISH or flag[:2] in _NOUNISH or (run and flag in _INSIDE):
            run.append(word)
        else:
            if run:
                best = best or "".join(run)
            run = []
    return best or "".join(run)


def rewrite_offline(question: str, history: list[str]) -> str:
    if not needs_rewrite(question, history):
        return question
    prev = history[-1].strip().rstrip("？?")
    q = question.strip()
    m = _WHAT_ABOUT.match(q)
    if m:
        new = m.group(1).strip()
        prev_norm = normalise(prev)
        old = _PLACE.search(prev_norm)
        if _PLACE.search(normalise(new)) and old and len(prev_norm) == len(prev):
            # the same question about another place (match on Simplified, replace in the original)
            return prev[:old.start()] + new + prev[old.end():] + "？"
        return f"{prev}，{new}呢？"
    if _PRONOUN.match(q):
        return _PRONOUN.sub(_subject(prev), q, count=1)
    return f"{prev}，{q}"


def condense_prompt(question: str, history: list[str]) -> str:
    lines = "\n".join(f"用户：{h}" for h in history[-4:])
    return render("condense", history=lines, question=question)
