"""Script-transparent tokenisation for lexical matching: t2s, NFKC, jieba search-mode words."""
from __future__ import annotations

import logging
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from rag.text.heard_by_meaning import heard_by_meaning
from rag.text.script import to_simplified

RESOURCES = Path(__file__).resolve().parent.parent / "resources"  # rag/resources

# Function words and question words carry no evidence; numbers and names do.
STOPWORDS = set(
    "的 了 和 与 及 或 是 在 有 也 都 就 而 被 把 将 对 从 向 以 于 为 等 之 其 这 那 这个 那个 一个 我 我们 你 你们 他 她 它 "
    "吗 呢 吧 啊 呀 么 什么 怎么 怎样 如何 哪些 哪个 哪里 多少 几 能 能否 可以 是否 请问 请 一下 还 又 很 会 要 想 "
    "家 里 个 上 下 中 问 说 讲 告诉 知道 关于 有关 是从 从 起 自 时 具体 目前 现在 已经 大概 大约 一共 总共 分别 各是 "
    " 有没有 没有 不 呢 啥 咋 嘛 我家 咱们 咱 俺 给 让 能装 吗".split()
)
_PUNCT = re.compile(r"^[\W_]+$")

_DOMAIN_WORDS = ["老旧小区", "老小区", "装电梯", "老房子", "加装电梯", "加梯", "老楼加梯", "棚户区", "棚改", "城市更新", "上下水", "管线管道",
                 "物管会", "信托制物业", "海绵城市", "雨水调蓄", "创新创业", "充电桩", "老旧电梯", "悬空老人", "助餐", "助餐点", "住建部",
                 "石景山", "钟楼区", "首钢园", "竣工总量", "两园一河", "京西八大厂", "高精尖", "旧改"]


def tokenizer_fingerprint() -> str:
    """Changes when stored chunk tokens would: the index rebuilds instead of mixing two tokenisers."""
    import hashlib

    return hashlib.sha256(" ".join(sorted(STOPWORDS) + ["|"] + _DOMAIN_WORDS).encode()).hexdigest()[:12]


@lru_cache(maxsize=1)
def jieba_instance():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    for word in _DOMAIN_WORDS:
        jieba.add_word(word, freq=20000)
    return jieba


def normalise(text: str) -> str:
    """Matching form of text: Simplified script, NFKC (full-width digits → ASCII), lower case."""
    return unicodedata.normalize("NFKC", to_simplified(text)).lower()


def tokenize(text: str) -> list[str]:
    words = jieba_instance().cut_for_search(normalise(text))
    return [w for w in (w.strip() for w in words) if w and w not in STOPWORDS and not _PUNCT.match(w)]


@lru_cache(maxsize=1)
def synonym_groups() -> list[list[str]]:
    groups = []
    for line in (RESOURCES / "synonyms.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            groups.append(line.split())
    return groups


@lru_cache(maxsize=1)
def colloquial_glossary() -> list[tuple[str, tuple[str, ...]]]:
    """(policy term, everyday expressions) from resources/colloquial.txt: how residents say what the documents
    name (水管子, 下水道 → 上下水; 破平房 → 棚户区). One way only: a resident's word leads to the documents' term."""
    out = []
    for line in (RESOURCES / "colloquial.txt").read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.lstrip().startswith("#"):
            term, said = line.split("=", 1)
            out.append((normalise(term.strip()), tuple(normalise(w) for w in said.split())))
    return out


@lru_cache(maxsize=1024)
def glossary_heard(query_norm: str, by_meaning: bool = True) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Each glossary term whose everyday expressions are heard in the (normalised) query, with those expressions: one
    scan of the glossary per question, shared by retrieval (said_for), the reader's subject and the absent check."""
    chars = set(query_norm)  # every way of hearing an expression needs one of its leading characters
    literal = tuple((term, found) for term, said in colloquial_glossary()
                    if (found := tuple(w for w in said if _leads(w) & chars and heard(w, query_norm))))
    if not by_meaning:
        return literal
    # a clause that says one of the expressions in other words (你要东他要西 ~ 你说东他说西): heard as that clause
    meant: dict[str, list[str]] = {}
    literal_terms = {t for t, _ in literal}
    for term, clause in heard_by_meaning(query_norm):
        if term not in literal_terms:
            meant.setdefault(term, []).append(clause)
    return literal + tuple((term, tuple(found)) for term, found in meant.items())


@lru_cache(maxsize=8192)
def _leads(expression: str) -> frozenset[str]:
    """The characters one of which a query must hold to hear the expression: its first, or the first of its
    first word when it is heard apart (给老人送饭 heard as 老人…送饭)."""
    parts = _expression_words(expression)
    return frozenset(expression[:1] + (parts[0][:1] if parts else ""))


def said_for(query_norm: str) -> list[str]:
    """The documents' terms for everyday expressions in the (normalised) query."""
    return [term for term, _ in glossary_heard(query_norm)]


def glossed_words(query_norm: str) -> set[str]:
    """The words of the glossary's everyday expressions heard in the query (电瓶车, 充电 of 电瓶车没地儿充电): the
    glossary says what the documents call them (充电桩), so they are no words the documents lack."""
    return {p for _, found in glossary_heard(query_norm) for w in found for p in (w, *tokenize_plain(w))}


@lru_cache(maxsize=4096)
def _expression_words(expression: str) -> tuple[str, ...]:
    """An expression's words in order; the search cut also gives the pieces of a long word (电瓶 of 电瓶车), dropped."""
    parts = tokenize_plain(expression)
    return tuple(p for p in parts if not any(p != q and p in q for q in parts))


_AGAIN = re.compile(r"(.)了又\1")  # a glossary expression of repetition: 挖了又挖, 刨了又刨


@lru_cache(maxsize=256)
def _repeated(verb: str) -> re.Pattern:
    """The verb, then again after 又 or 再 within one clause."""
    v = re.escape(verb)
    return re.compile(rf"{v}[^，。,；;？?！!]{{0,8}}[又再][^，。,；;？?！!]{{0,2}}{v}")


# what residents put inside an everyday expression without changing it: a modal or an adverb (多久来人 said
# 多久能来人, 老楼装电梯 said 老楼能不能装电梯 is not: 不 turns it into a question of its own words)
_INSERTED = r"(?:能够|可以|能|会|才|要|就|得|都|还|也)"


@lru_cache(maxsize=4096)
def _with_insertions(expression: str) -> re.Pattern | None:
    """The expression with a modal or adverb allowed between its words (jieba's cut, every character kept)."""
    words = [w for w in jieba_instance().cut(expression, HMM=False) if w.strip()]
    if len(words) < 2 or len(expression) < 3:
        return None
    return re.compile(f"{_INSERTED}{{0,2}}".join(map(re.escape, words)))


def heard(expression: str, query_norm: str) -> bool:
    """Is the glossary's everyday expression in the query, whole (下不了楼) or with its words apart in their order
    (物业打分 in 物业干得好不好有没有人给打分排名)? Apart, each word must have two characters or more: one
    character (淹 of 下雨淹) would be found in too many questions."""
    if expression in query_norm:
        return True
    if (again := _AGAIN.fullmatch(expression)) and _repeated(again.group(1)).search(query_norm):
        return True  # 挖了又挖 is any repetition of 挖 with 又: 今天挖一遍明天又挖一遍, 挖了填填了又挖
    if (inserted := _with_insertions(expression)) and inserted.search(query_norm):
        return True  # 多久来人 heard in 多久能来人
    parts = _expression_words(expression)
    if len(parts) < 2 or any(len(p) < 2 for p in parts):
        return False
    at = 0
    for p in parts:
        at = query_norm.find(p, at)
        if at < 0:
            return False
        at += len(p)
    return True


@lru_cache(maxsize=4096)
def synonyms_of(term: str) -> frozenset[str]:
    """Tokens of the other members of every synonym group that contains `term`, and of the documents' terms
    for an everyday word (水管子 → 上下水)."""
    out: set[str] = set()
    for group in synonym_groups():
        if term in group or any(term in tokenize_plain(w) for w in group):
            for w in group:
                # a member of several words says it by the whole and by its head (人才公寓: 公寓), not by a modifier
                # (人才 is in every 青年人才 sentence, and no way of saying 租房)
                toks = tokenize_plain(w)
                out.update(toks if len(toks) <= 1 else (w, toks[-1]))
    if len(term) >= 2:
        for policy, said in colloquial_glossary():
            # the expression itself, or it without a spoken 子/儿 (水管 of 水管子); not one word of it (补偿 of
            # 搬迁补偿 is no way of saying 搬迁, nor 电话 of 电话线 of saying 通信)
            if any(w in (term, term + "子", term + "儿") for w in said):
                out.update(tokenize_plain(policy))
    out.discard(term)
    return frozenset(out)


@lru_cache(maxsize=4096)
def tokenize_plain(word: str) -> tuple[str, ...]:
    return tuple(tokenize(word))


def expand(query_norm: str, tokens: list[str]) -> list[str]:
    """Synonyms of words present in the (normalised) query, not already among its tokens."""
    present = set(tokens)
    extra: list[str] = []
    groups = [g for g in synonym_groups() if any(w in query_norm for w in g)]
    groups += [[term] for term in said_for(query_norm)]  # the documents' terms for a resident's everyday words
    for group in groups:
        for w in group:
            for t in tokenize(w):
                if t not in present and t not in extra:
                    extra.append(t)
    return extra
