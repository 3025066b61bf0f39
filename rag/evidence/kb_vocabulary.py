"""What the knowledge base says nothing about: question words it never uses, everyday topics
it never mentions. An answer cannot come from documents that lack the asked-about word."""
from __future__ import annotations

import re
from functools import lru_cache

from rag.evidence.question_parse import (QUESTION_CHARS, focus_clauses, frames_question, modal_then_verb,
                                         modal_with_verb, new_word_runs, pos_words)
from rag.retrieval.snapshot import Snapshot
from rag.text.text_match import RESOURCES, STOPWORDS, glossed_words, jieba_instance, normalise, synonyms_of, tokenize
from rag.text.thesaurus import function_word, thesaurus_of

_CONTENT_FLAGS = {"n", "vn", "nz", "eng", "nt"}
# numerals and the classifiers after them, for a number glued to the next word (14|个人) and a count word (五个)
_NUMERALS = "一二三四五六七八九十百千万两几"
_CLASSIFIERS = "个位名座家所处项栋台部条块片户"
_NUMBER = re.compile(rf"[\d.]+|[{_NUMERALS}]+")
# An evaluation (太差, 挺烂) or a noun whose condition the asker describes (腿脚不好, 视力不行) tells the asker's
# situation; the documents name that situation in their own words (悬空老人), so its absence proves nothing.
_DEGREE = set("太很挺超贼忒特真")
_CONDITION = {"不好", "不便", "不行", "不佳", "不灵", "不方便", "不利索", "太差", "差", "不太好", "有问题", "出问题", "坏了"}
_WH_DETERMINERS = {"什么", "哪个", "哪些", "哪一", "哪一个", "哪", "何", "多少", "几", "啥", "哪种", "哪家", "哪位", "什么样",
                   "哪几", "哪几个", "怎样", "怎么样"}


@lru_cache(maxsize=1)
def answer_type_words() -> frozenset[str]:
    words = set()
    for line in (RESOURCES / "answer_type_words.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            words.update(line.split())
    return frozenset(words)


@lru_cache(maxsize=1)
def off_topic_words() -> tuple[str, ...]:
    lines = (RESOURCES / "off_topic_words.txt").read_text(encoding="utf-8").splitlines()
    return tuple(w for line in lines if not line.startswith("#") for w in line.split())


def off_topic(question: str, snap: Snapshot) -> list[str]:
    """Everyday topics (天气, 好吃, 股票…) the question asks about and the documents never mention."""
    from rag.text.gazetteer import local_places

    words = set(jieba_instance().cut(normalise(focus_clauses(question)), HMM=False))  # 合作文件 holds no 作文
    found = [w for w in off_topic_words() if w in words and not snap.mentions(w)]
    if not found:
        return []  # most questions: no estate lookup (a tagged cut) on the way to every answer
    # 金谷花园改造那个下雨存水的是咋弄的: an estate the documents cover, and what is done there in their words (改造),
    # make 下雨 part of its renewal; 永红街道明天下雨吗 names the estate and nothing the documents say about it
    rest = normalise(question)
    named = [p for p in local_places(rest) if snap.mentions(p)]
    for p in named:
        rest = rest.replace(p, " ")
    known_context = any(len(w) >= 2 and w not in STOPWORDS and w not in found and snap.knows(w)
                        for w in jieba_instance().cut(rest, HMM=False))
    # 金谷花园那边下雨积水是怎么弄的, 钟楼那边改完的小区下雨积水是怎么处理的: what was done about it there, the documents'
    # subject; 永红街道明天下雨吗 asks the weather
    if (named and (known_context or _ASKS_WHAT_DONE.search(rest))) or (known_context and _ASKS_WHAT_DONE.search(rest)):
        return []
    return found


_ASKS_WHAT_DONE = re.compile(r"(怎么|咋|如何)\s*(弄|办|整|治|解决|处理|搞)")


def colloquial_stem(term: str) -> str:
    """厂子 → 厂, 桩子 → 桩: spoken Chinese adds 子/儿 to a noun that written text uses bare, inside its own
    words (工厂, 北重厂, 充电桩). "" when the word has no such suffix."""
    return term[0] if len(term) == 2 and term[1] in "子儿" and term[0] != term[1] else ""


def known(term: str, snap: Snapshot) -> bool:
    """Is the word, one of its parts, a synonym (the domain's or the thesaurus'), or the bare noun of its spoken
    form anywhere in the knowledge base?"""
    parts = [term, *tokenize(term)]
    if any(snap.knows(p) for p in parts) or any(snap.knows(s) for p in parts for s in synonyms_of(p)) \
            or any(snap.knows(s) for s in thesaurus_of(term)):  # everyday words: 爬山 where they write 登山
        return True
    stem = colloquial_stem(term)
    return bool(stem) and snap.mentions(stem)


def without_erhua(term: str) -> str:
    """名儿 → 名, 地儿 → 地, 玩意儿 → 玩意: the spoken 儿 suffix, which written text drops. A word left with one
    character (名, 事, 地) is too vague to name what is asked; a kind word (名 of 叫啥名儿) phrases the kind."""
    return term[:-1] if len(term) >= 2 and term.endswith("儿") and term[-2] != "儿" else term


def framing_word(term: str, snap: Snapshot) -> bool:
    """A word the documents never write that frames the asking rather than naming the asked fact:
    - a function word (到底, 已经, 真的): the asker's stance. Through its thesaurus senses (到底 ~ 彻底, 根本) it
      would count as a word the documents use, and every sentence would lack it;
    - a one-character verb with its result (装好, 改完, 弄完): the action done, as 装了 says it. The documents
      write a finished action their own way (建成使用, 竣工), and the bare verb is no subject word either."""
    if snap.knows(term):
        return False
    return function_word(term) or verb_with_result(term)


_RESULT = set("好完")
_PRO_VERBS = set("弄搞整干")  # colloquial "do": 弄出来, 搞起来, 整成 say only that something was done


def verb_with_result(term: str) -> bool:
    """A one-character verb with its result (装好, 改完, 干完), or a colloquial "do" with its complement (弄出 of
    弄出来, 搞成): the action done, in the asker's words."""
    return len(term) == 2 and "\u4e00" <= term[0] <= "\u9fff" \
        and (term[1] in _RESULT or (term[0] in _PRO_VERBS and term[1] in "出起成上"))


def names_nothing(term: str, snap: Snapshot, phrasing: list[str], counted: bool = False) -> bool:
    """A question word that cannot be what is asked about, for the reader's subject and the evidence check's cover
    alike: one character once its spoken 儿 is dropped, a word that names the kind of answer (地方, 名字), a framing
    word (到底, 装好), or part of the question's phrasing of the kind (`phrasing`: 多少钱, 古时候叫). When a count is
    asked (`counted`), the answer is a number and such a word is what is counted (居民意见一共收上来多少份)."""
    bare = without_erhua(term)
    return len(bare) < 2 or (bare in answer_type_words() and not counted) or framing_word(term, snap) \
        or any(term in p for p in phrasing)


_COUNT_WORD = re.compile(rf"[{_NUMERALS}\d]+[{_CLASSIFIERS}批类种]")


def only_counts(term: str, question_norm: str) -> bool:
    """A number with its classifier (那五个棚改片: 五个) counts what follows; it names nothing asked about. Not in a
    slogan where a number follows it (“四个一”: the name of what is asked)."""
    return bool(_COUNT_WORD.fullmatch(term)) and not re.search(re.escape(term) + r"\s*[\d一二三四五六七八九十]", question_norm)


_COUNT_BEFORE = re.compile(rf"(多少|几|[{_NUMERALS}\d]+)$")


def said_twice(word: str) -> bool:
    """A two-character word that repeats its character (问问, 看看, 管管): colloquial, no content."""
    return len(word) == 2 and word[0] == word[1]


def colloquial_filler(term: str, question_norm: str, words: list[tuple[str, str]], snap: Snapshot) -> bool:
    """Pieces of the asker's phrasing that name nothing, when the documents never use them: a word said twice
    (问问, 管管, as absent_terms skips it), a piece of a numeral idiom (三天两头 cut 三天|两头: how often, not
    what) and a count's classifier glued to the next character (多少台旧的 cut 多少|台旧)."""
    if snap.knows(term):
        return False
    if said_twice(term) and any(w == term for w, _ in words):
        return True  # a word of its own (问问); not 破破 of 破破烂烂 nor 太太 of 老太太
    if any(term in w and f.startswith("m") and len(w) >= 4 and not any(c.isdigit() for c in w) and not snap.knows(w)
           for w, f in words):
        return True  # 三天两头: how often
    return len(term) == 2 and term[0] in _CLASSIFIERS and any(
        _COUNT_BEFORE.search(question_norm[:m.start()]) for m in re.finditer(re.escape(term), question_norm))


def absent_terms(question: str, snap: Snapshot) -> list[str]:
    """Content words (two characters or more) of the question that the knowledge base never uses.
    Reduplicated verbs (问问, 看看) are colloquial, not content."""
    skip = answer_type_words()
    out = []
    known_tokens = [t for t in tokenize(question) if snap.knows(t)]
    focus = focus_clauses(question)
    words = pos_words(focus)
    glossed = glossed_words(normalise(question))
    for i, (word, flag) in enumerate(words):
        if word in glossed:
            continue
        before = [w for w, _ in words[max(0, i - 2):i]]
        if (before and before[-1] in _WH_DETERMINERS) or (len(before) == 2 and before[0] in _WH_DETERMINERS
                                                          and before[1] in ("一", "个", "种", "类", "位", "家")):
            continue  # 哪个朝代, 什么寓意: the noun after the question word names the kind of answer
        if i and word[0] in _CLASSIFIERS and _NUMBER.fullmatch(words[i - 1][0]):
            continue  # 14|个人|人社区: the number's classifier glued to the next word's first character
        if any(word in t or t in word for t in known_tokens if len(t) >= 2):
            continue  # PM2.5: jieba's POS cut says `pm2`, the tokenizer's `pm2.5` is in the KB
        content = flag in _CONTENT_FLAGS or (flag == "ns" and len(word) >= 3)  # 珠穆朗玛峰; not 中考 (tagged ns)
        if not content or word in STOPWORDS or word in skip or word in out or frames_question(word, flag):
            continue
        if QUESTION_CHARS & set(word) or said_twice(word):
            continue
        if modal_with_verb(word) or modal_then_verb(word):
            continue  # 能|带娃: a modal glued to a one-character verb asks whether, it names nothing
        if (len(word) == 2 and word[0] in _DEGREE) or (i + 1 < len(words) and words[i + 1][0] in _CONDITION):
            continue  # 太差, 腿脚不好: how the asker's situation is, not what is asked
        if len(word) >= 2 and not known(word, snap):
            out.append(word)
    out += [run for run in new_word_runs(focus) if not snap.mentions(run) and run not in out]
    return out
