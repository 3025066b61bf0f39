"""Homophone typos in a question, corrected against the knowledge base's own words.

A resident types by pinyin and picks a wrong character now and then: 首刚园 (首钢园), 棚护区 (棚户区). Such a
word is in no dictionary and nowhere in the documents, so retrieval misses and the evidence check refuses.
A question word is corrected only when all of this holds — so a real word the documents never use (门票,
护理) stays as asked, and its absence stays a reason to refuse:

- it is not a word of jieba's dictionary and the knowledge base never uses it; a 4 字 run of two or three
  tokens counts as a word, since a typo splits jieba's cut (老|久|小区);
- changing exactly one character to one that sounds the same gives a word the knowledge base uses;
- that change is the only one that does.

A two-字 word jieba made up itself (物叶 for 物业: its HMM glues the two characters, no dictionary has them) is
corrected only where the two characters share their common reading: 人能 is one rare reading (tai) from 人大,
老是 one vowel from 老舍. One the speaker's verb ends (先紧着, 用久了) is a phrase, not a broken word.
"""
from __future__ import annotations

from dataclasses import dataclass

from rag.evidence.question_parse import pos_words
from rag.retrieval.snapshot import Snapshot
from rag.text.homophones import homophones, reading
from rag.text.text_match import jieba_instance, normalise


@dataclass(frozen=True)
class Fix:
    typed: str  # as it stands in the normalised question
    meant: str


def _cjk(word: str) -> bool:
    return all("\u4e00" <= c <= "\u9fff" for c in word)


def _candidates(word: str, snap: Snapshot, common_reading: bool = False) -> set[str]:
    out = set()
    for i, ch in enumerate(word):
        for alt in homophones(ch):
            if common_reading and reading(alt) != reading(ch):
                continue
            cand = word[:i] + alt + word[i + 1:]
            if snap.knows(cand):
                out.add(cand)
    return out


def _words(question_norm: str) -> set[str]:
    """The question's 3–4 字 words and its 4 字 runs of two or three tokens: a typo often splits the cut (老久小区
    is cut 老|久|小区, so the word to correct is the run). Shorter runs are left alone (国家|对 is one change away
    from 国家队, and a run that short is too often a real phrase) except two lone noun or verb characters."""
    jieba = jieba_instance()
    words = {w for w in jieba.cut_for_search(question_norm) if 3 <= len(w) <= 4 and _cjk(w)}
    tokens = list(jieba.cut(question_norm, HMM=False))
    for n in (2, 3):
        for i in range(len(tokens) - n + 1):
            run = "".join(tokens[i:i + n])
            if len(run) == 4 and _cjk(run):
                words.add(run)
    # a two-字 word the typo broke into two lone characters (搬签 for 搬迁 is cut 搬|签): both a noun or verb
    # character, as a broken content word is (not 一|平, 成|小, 前|要), or a bound morpheme (电|悌: 悌 is tagged g,
    # a character that is no word on its own)
    tagged = pos_words(question_norm)
    for (a, fa), (b, fb) in zip(tagged, tagged[1:]):
        if len(a) == len(b) == 1 and _cjk(a + b) and fa[:1] in "nvg" and fb[:1] in "nvg" and not {a, b} & _AUXILIARY:
            words.add(a + b)
    return words


def _made_up_pairs(question_norm: str) -> set[str]:
    """Two-字 tokens jieba's HMM made (no dictionary holds them), not followed by an aspect particle and holding
    none, nor a grammatical character: 物叶 (物业), 电题 (电梯), not 先紧(着), 用久(了) or 多大."""
    jieba = jieba_instance()
    tokens = list(jieba.cut(question_norm))
    out = set()
    for i, w in enumerate(tokens):
        following = tokens[i + 1][:1] if i + 1 < len(tokens) else ""
        if len(w) == 2 and _cjk(w) and not jieba.dt.FREQ.get(w) and not set(w + following) & _ASPECT \
                and not set(w) & _GRAMMAR:
            out.add(w)
    return out


_ASPECT = set("着著了过")
# verbs that go with anything (前|要, 人|能), and the negation 没 (改完|没几年, not 完美): no broken word
_AUXILIARY = set("是有能要会可想得让给在没")
# the HMM also glues a word to a grammatical character (多大, 因何, 队|有, 人|里, 忠|是): no broken word either
_GRAMMAR = _AUXILIARY | set("里何多大少几哪谁么吗呢啊的")


def typo_fixes(question: str, snap: Snapshot) -> list[Fix]:
    """The corrections a question needs (usually none)."""
    jieba = jieba_instance()
    norm = normalise(question)
    words = _words(norm)
    pairs = _made_up_pairs(norm) - words
    fixes = []
    for word in sorted(words | pairs, key=len, reverse=True):
        if jieba.dt.FREQ.get(word) or snap.knows(word) or snap.mentions(word) \
                or any(word in f.meant or word in f.typed or f.typed in word for f in fixes):
            continue
        found = _candidates(word, snap, common_reading=word in pairs)
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
