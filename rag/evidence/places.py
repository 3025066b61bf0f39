"""The places and organisations a question names (gazetteer: rag/text/gazetteer.py).

A question about 广州市越秀区 is not answered by passages about 石景山; recognising the place
from a gazetteer, not from jieba's part-of-speech guesses (which tag 中考 as a place), keeps
that check from firing on ordinary words.
"""
from __future__ import annotations

import re

from rag.evidence.question_parse import QUESTION_CHARS, pos_words
from rag.text.gazetteer import forms, local_places, place_names, places_in  # noqa: F401  (re-exported for callers)
from rag.text.text_match import normalise

# Below county level the gazetteer stops; a named 街道 / 镇 / 村 / 小区 still counts as a place.
_LOCAL_SUFFIX = re.compile(r"(街道|镇|乡|村|新村|花园|小区|社区)$")
_GENERIC = {"小区", "社区", "老小区", "老旧小区", "旧小区", "城镇", "城乡", "乡镇", "城中村", "新农村", "农村", "乡村", "我们小区", "本小区", "该小区", "每个小区"}
_PUNCT = re.compile(r"[、，,·・/\s]")
_ORG_SUFFIX = re.compile(r"(局|委|厅|部|署|办|处|院|会|公司|集团|银行|大学|中心)$")  # jieba tags odd words `nt`


def entities(question: str, also: frozenset[str] = frozenset()) -> list[str]:
    """Places (gazetteer), named local places (…街道, …小区) and organisations the question names.
    `also`: place names the knowledge base uses (钟楼 where it says 钟楼区)."""
    found = places_in(normalise(question), also)
    found += [p for p in local_places(normalise(question)) if not any(p in f or f in p for f in found)]
    for word, flag in pos_words(question):
        if word in _GENERIC or QUESTION_CHARS & set(word) or any(word in f or f in word for f in found):
            continue
        local = _LOCAL_SUFFIX.search(word)
        # 街道社区: two level words, the communities of streets in general, no name
        if (local and len(word) - len(local.group(0)) >= 2 and not _LOCAL_SUFFIX.fullmatch(word[:local.start()])) \
                or (flag == "nt" and _ORG_SUFFIX.search(word)):
            found.append(word)
    return found


def is_place(entity: str, also: frozenset[str] = frozenset()) -> bool:
    return entity in place_names() or entity in also or bool(_LOCAL_SUFFIX.search(entity))


def mentions(hit, entity: str) -> bool:  # hit: rag.retrieval.searcher.Hit
    """Does the passage (with its title, headings and the document's region) name the entity?"""
    where = normalise(" ".join([hit.chunk.search_text(), hit.doc.meta.region, hit.doc.title]))
    if any(form in where for form in forms(entity)):
        return True
    # 古城南路东西小区 is the documents' 古城南路东、西小区: names compare without punctuation
    bare = _PUNCT.sub("", where)
    if any(_PUNCT.sub("", form) in bare for form in forms(entity)):
        return True
    # an organisation is called by its short name (最高法院, 住建部) where the documents write it in full
    # (最高人民法院, 住房城乡建设部): its characters in order, a few others between them, within one clause
    return bool(_ORG_SUFFIX.search(entity)) and bool(_short_name(entity).search(where))


def _short_name(name: str) -> re.Pattern:
    """The full names a short organisation name stands for: its characters in order with up to four others
    between any two of them (no clause break). Names under three characters are too short to tell."""
    if len(name) < 3 or not all("\u4e00" <= c <= "\u9fff" for c in name):
        return re.compile(r"(?!)")
    return re.compile(r"[^，。；、,;：:\s]{0,4}".join(map(re.escape, name)))
