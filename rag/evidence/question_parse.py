"""Reading a question: its words with parts of speech, the clauses that do the asking, and the
character runs jieba could not place in its dictionary (likely new words)."""
from __future__ import annotations

import re

from rag.text.text_match import STOPWORDS, jieba_instance, normalise

QUESTION_CHARS = set("哪什几多谁怎啥么")
_RUN_SKIP = ("r", "p", "u", "d", "c", "y", "m", "q", "f", "z", "e", "o", "x")  # POS prefixes that end a new-word run


def pos_words(question: str) -> list[tuple[str, str]]:
    import jieba.posseg as pseg

    jieba_instance()
    # No HMM: unknown-word guessing glues colloquial runs into fake nouns (开工前会不会 → 前会).
    return [(w, f) for w, f in pseg.cut(normalise(question), HMM=False)]


# Words that frame a question but never name what it asks about: pronouns and demonstratives (r: 那边, 那些),
# words of position or time (f/t: 以前, 后来; a year stays), directional complements (收上来, 腾出来: 上来, 出来)
# colloquial question verbs (干嘛, 干啥) and modal verbs (不能, 可以). A resident's 那边 is as absent from the documents as their 门票,
# but it is not what the question is about.
_FRAME_FLAGS = ("r", "f", "t")
_DIRECTIONAL = re.compile(r"[上下进出回过起][来去]$")
_QUESTION_VERBS = re.compile(r"干嘛|干啥|干什么|咋样|怎么样")
# Modal verbs frame a yes/no question (能不能提取公积金 is cut 能|不能|提取|公积金): they say whether, not what.
_MODALS = {"不能", "能够", "可以", "不可以", "可不可以", "不会", "应该", "应当", "不要", "想要", "能否", "可否"}


# The scope of the asking (整个钟楼区), a demonstrative with its classifier (那条街, 这个: tagged mq, not r) and
# a perfective question tail (好了没, 修了没有) frame the question too.
_SCOPE = {"整个"}  # not 全市: 在全市第一个搞样板楼 names the documents' own 全市首推
# Hearsay (听说麻峪村要搬了) says where the asker heard it, not what is asked.
_HEARSAY = {"听说", "据说", "听人说", "听别人说", "听讲", "传言", "听闻"}
# 还有 (在建的还有几台, 还有哪些) says "besides, still": it continues the asking and names nothing.
_CONTINUING = {"还有"}
# How generally the asker means it (老旧小区一般都是啥时候盖的, 通常多久能来人): the hedge frames the asking; the
# documents say it their own way (大多建成于2000年以前) or not at all
_HEDGES = {"一般", "一般来说", "通常", "往往", "基本上", "大多", "大多数", "大部分", "多数"}
_DEMONSTRATIVE = re.compile(r"^[这那哪此该每]")
_PERFECTIVE_TAIL = re.compile(r".了没有?$")
# A light verb with its aspect or classifier (搞了个, 弄了, 整个): the asker's way of saying "did", naming nothing.
_LIGHT_VERB = re.compile(r"^[搞弄整干][了个]{1,2}$")


def frames_question(word: str, flag: str) -> bool:
    if any(c.isdigit() for c in word):
        return False
    return flag.startswith(_FRAME_FLAGS) or (2 <= len(word) <= 3 and bool(_DIRECTIONAL.search(word))) \
        or bool(_QUESTION_VERBS.search(word)) or word in _MODALS or word in _SCOPE or word in _HEARSAY \
        or word in _CONTINUING or word in _HEDGES \
        or (flag.startswith("m") and bool(_DEMONSTRATIVE.match(word))) or bool(_PERFECTIVE_TAIL.match(word)) \
        or bool(_LIGHT_VERB.match(word))


# A-not-A (改不改, 涨不涨, 进没进) asks whether: the verb is what is asked about; the form and its negated half
# (不涨, 没进) are no words of their own. Verbs of judging or being (算不算, 好不好) only frame the asking.
# A one-character verb the index has no token for (拆 of 拆不拆) adds nothing: it is written 拆除, 拆迁.
_A_NOT_A = re.compile(r"([\u4e00-\u9fff]{1,2})([不没])\1")
_FRAMING_VERBS = {"是", "有", "能", "会", "要", "可", "对", "行", "好", "算", "多", "少", "可以", "应该"}  # 多不多: the asked kind


def a_not_a(question_norm: str) -> list[tuple[str, set[str]]]:
    """(the verb, the tokens its A-not-A form makes) for each A-not-A in the question whose verb says what is asked
    (not 是不是, 算不算: those frame a yes/no question, read as before)."""
    out = []
    for m in _A_NOT_A.finditer(question_norm):
        verb, neg = m.group(1), m.group(2)
        if verb not in _FRAMING_VERBS:
            out.append((verb, {m.group(0), neg + verb, verb + neg}))
    return out


# 永红那块儿, 衙门口那片: a demonstrative with a locative classifier points at the place just named ("over there")
_LOCATIVE = {"块", "片", "边", "带", "头"}


def deictic_words(words: list[tuple[str, str]]) -> set[str]:
    """The classifiers that make 那块儿 / 这片儿 a pointer at a place (jieba cuts 那|块儿 and tags 块儿 a noun)."""
    return {w for (prev, _), (w, _) in zip(words, words[1:])
            if prev in ("那", "这", "哪") and w.rstrip("儿") in _LOCATIVE}


_MODAL_CHARS = set("能会可要该")


def modal_with_verb(term: str) -> bool:
    """能用, 能住, 会涨: a modal verb with a one-character verb, one token to the index's tokenizer, two words to
    jieba (能|用). The modal frames the asking; the bare verb is as vague as 装 of 装了 (能源, 要求 are words)."""
    words = pos_words(term)
    return len(words) == 2 and words[0][0] in _MODAL_CHARS and len(words[1][0]) == 1


def modal_then_verb(term: str) -> bool:
    """能带 (of 能带娃), which the cutter's dictionary keeps as one word (a physics term): a modal and a verb
    character. Only for a word the documents never use: 要求 is one too."""
    return len(term) == 2 and term[0] in _MODAL_CHARS and pos_words(term[1])[0][1].startswith("v")


ASKING = re.compile(r"吗|么|什么|多少|(?<!好)几|哪|谁|怎|如何|是否|能否|可以|啥|咋|呢|([\u4e00-\u9fff])[不没]\1")


def focus_clauses(question: str) -> str:
    """The clauses that do the asking. "我开电动车的，…能装上充电桩吗？" asks about 充电桩;
    电动车 is the asker's situation, and its absence from the documents proves nothing."""
    clauses = [c for c in re.split(r"[，,。；;！!？?]", question) if c.strip()]
    asking = [c for c in clauses if ASKING.search(c)]
    return "，".join(asking or clauses[-1:])


def new_word_runs(clause: str) -> list[str]:
    """Words jieba's dictionary does not know come out as runs of single characters (卤|煮|店,
    优|格). A run that starts and ends in a noun character is a candidate content word."""
    runs, run = [], []
    for word, flag in pos_words(clause) + [("", "x")]:
        if len(word) == 1 and "\u4e00" <= word <= "\u9fff" and not flag.startswith(_RUN_SKIP) and word not in STOPWORDS:
            run.append((word, flag))
            continue
        while run and not run[-1][1].startswith("n"):
            run.pop()  # a new noun ends in a noun character (卤煮店); 人来, 弄成小 are phrases
        while run and not run[0][1].startswith("n"):
            run.pop(0)  # and starts in one (做|优|格 → 优格)
        if len(run) >= 2:
            runs.append("".join(w for w, _ in run))
        run = []
    return runs
