"""The embedded default answerer: extractive, offline, no model download.

It quotes the retrieved sentences that best answer the question (the words,
figures and dates it asks for), each followed by its citation marker, in the
question's script. It never writes a fact that is not in a cited passage: the
only text it adds is the marker.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from rag.answering.citation_check import match_form
from rag.evidence.asked_type import asked_types
from rag.evidence.places import entities, mentions
from rag.retrieval.searcher import Hit
from rag.retrieval.snapshot import Snapshot
from rag.text.script import match_script
from rag.text.text_match import normalise

_SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]*[”」』）)]*")
# Beyond rag/asked_type.py's kinds: size and time questions that name no measure word (多大, 开街时间).
_ASKS_SIZE = re.compile(r"多大|多高|多长|比重|规模|面积|总量")
_ASKS_TIME = re.compile(r"时间|日期|年份")
_HAS_NUMBER = re.compile(r"\d|[一二三四五六七八九十百千万亿两]+[个项部台家处栋户条座亿万]")
_HAS_TIME = re.compile(r"\d{4}年|\d{1,2}月|\d{4}")


class OfflineAnswerer:
    name = "offline"

    def __init__(self, max_chars: int = 200, max_sentences: int = 3):
        self.max_chars, self.max_sentences = max_chars, max_sentences

    def candidates(self, question: str, hits: list[Hit], snap: Snapshot) -> list[tuple[float, int, str]]:
        """(score, passage index, sentence) for every sentence of the retrieved passages."""
        terms = snap.bm25.query_terms(question, use_synonyms=True)
        weights = {t: w * snap.bm25.idf(t) for t, w in terms.items()}
        total = sum(weights.values()) or 1.0
        q_norm = normalise(question)
        kinds = asked_types(q_norm)
        wants_size, wants_time = bool(_ASKS_SIZE.search(q_norm)), bool(_ASKS_TIME.search(q_norm))
        top = hits[0].score if hits and hits[0].score > 0 else 1.0
        asked = entities(question)
        out = []
        for i, hit in enumerate(hits):
            if not all(mentions(hit, e) for e in asked):
                continue  # a passage about 石景山 does not answer a question about 钟楼区
            prior = 0.25 * max(hit.score, 0.0) / top
            for m in _SENTENCE.finditer(hit.chunk.text):
                sentence = m.group(0).strip()
                if len(match_form(sentence)) < 6 or sentence.rstrip("”」』）)")[-1:] in "?？":
                    continue  # fragments and the document's own rhetorical questions answer nothing
                s_norm = normalise(sentence)
                lex = sum(w for t, w in weights.items() if t in s_norm) / total
                # it holds the kind of answer asked for: a year, an amount, a name, a size
                holds = any(k.held_by(s_norm) for k in kinds) or (wants_size and _HAS_NUMBER.search(s_norm)) \
                    or (wants_time and _HAS_TIME.search(s_norm))
                bonus = 0.2 if holds else 0.0
                out.append((lex + bonus + prior, i, sentence))
        out.sort(key=lambda x: -x[0])
        return out

    def stream(self, question: str, hits: list[Hit], snap: Snapshot) -> Iterator[str]:
        """Yield the answer sentence by sentence, each with its marker 【n】 (n = hit position + 1)."""
        cands = self.candidates(question, hits, snap)
        if not cands:
            return
        best = cands[0][0]
        chosen: list[tuple[int, str]] = []
        length = 0
        for score, i, sentence in cands:
            if len(chosen) >= self.max_sentences or score < 0.7 * best:
                break
            if any(_overlap(sentence, s) > 0.6 for _, s in chosen):
                continue
            sentence = _trim(sentence, question)
            if chosen and length + len(sentence) > self.max_chars:
                continue
            chosen.append((i, sentence))
            length += len(sentence)
        for i, sentence in chosen:
            text = match_script(sentence, question)
            if text[-1] not in "。！？!?；;”」』）)":
                text += "。"
            yield f"{text}【{i + 1}】"


def _overlap(a: str, b: str) -> float:
    a, b = match_form(a), match_form(b)
    if not a or not b:
        return 0.0
    grams = {a[i:i + 2] for i in range(len(a) - 1)}
    return sum(1 for g in grams if g in b) / max(len(grams), 1)


def _trim(sentence: str, question: str, limit: int = 150) -> str:
    """A very long sentence is cut to the clauses that carry the question's words (verbatim pieces)."""
    if len(sentence) <= limit:
        return sentence
    clauses = re.findall(r"[^，,、]+[，,、]?", sentence)
    q = match_form(question)
    keep = [i for i, c in enumerate(clauses) if any(c_norm[j:j + 2] in q for c_norm in [match_form(c)]
                                                   for j in range(len(c_norm) - 1))]
    if not keep:
        return sentence[:limit]
    first = max(0, keep[0] - 1)
    pieces, total = [], 0
    for c in clauses[first:]:
        if total + len(c) > limit and pieces:
            break
        pieces.append(c)
        total += len(c)
    return "".join(pieces).rstrip("，,、")
