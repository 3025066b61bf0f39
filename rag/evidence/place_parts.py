"""Whole or part of the asked place: a count or an amount is a sum over a place, so a part's figure is not
the whole's. 石景山区's 173部 is not Beijing's, 永红片区's 19464户 not 钟楼区's, while a year or a name of the
district answers a question about its city (北京第一个…的是哪个区). Used by the reader (rag/evidence/reader.py)
for each sentence of an aggregate question about a division."""
from __future__ import annotations

import re

from rag.text.gazetteer import LOCAL_SUFFIXES, contains, division_named, divisions, forms, full_name


# Kinds of answer that sum over a place: a part's count, amount, share, length or area is not the whole's.
# A year, a name or a title is not a sum (北京第一个…的是哪个区、哪年 is answered by the district).
AGGREGATES = {"数量", "金额", "每平方米单价", "比例", "长度", "面积"}


def whole_places(places: list[str]) -> list[str]:
    """The asked divisions whose figure a part's figure cannot be: each one the question asks about as a whole
    (北京, 常州全市), not one that only locates a more specific asked place (北京 in 北京石景山区)."""
    if any(p not in divisions() for p in places):
        return []  # a named street or estate is asked; the division beside it only locates it (钟楼区永红街道)
    return [p for p in places if not any(q != p and contains(p, q) for q in places)]


_WHOLE_CITY = re.compile(r"全市|我市|本市")
# The question asks for all of its place in so many words: 钟楼区全区, 常州全市, 整个常州市
WHOLE_ASKED = re.compile(r"全(市|区|县|省|镇|街道)|整个")
_WHOLE_COUNTY = re.compile(r"全区|我区|本区|全县|我县|本县")


def part_of(asked: str, about: list[str], region: str, text_norm: str, question_norm: str = "",
            whole_asked: bool = False) -> bool:
    """Does the sentence speak about a part of the asked division rather than the whole of it? A count or an
    amount is an aggregate over a place: 石景山区's 173部 is not Beijing's figure, 永红片区's 19464户 not 钟楼区's.
    - A document about a district inside the asked city speaks for that district throughout; it names its
      city in passing (入围常州市2023年度…案例, 北京第一个…) and speaks for the whole city only as 全市 / 本市.
    - Otherwise a sentence naming a district or a street inside the asked place is about that part, unless it
      names the asked place itself or speaks for all of it in the document's voice (全区 in 石景山's report).
      When the question asks for the whole in so many words (钟楼区全区, 整个常州), a street its section speaks
      about counts too (rag/ingest/sentences.py: the section of 钟楼区永红街道党工委 is about 永红街道).
      A part the question names itself is what it asks about (钟楼区有几个人人社区示范点), and a name in quotes
      is a programme's, not a place's (在全国率先试点“人人社区”建设…打造了14个“人人社区”共同体示范点)."""
    home = division_named(region)
    if home and full_name(home) != full_name(asked) and contains(asked, home):
        return not _WHOLE_CITY.search(text_norm)
    if any(f in text_norm for f in forms(asked) if len(f) >= 2):
        return False
    if home and full_name(home) == full_name(asked) and _WHOLE_COUNTY.search(text_norm):
        return False
    for p in about:
        named = [f for f in forms(p) if len(f) >= 2]
        if full_name(p) == full_name(asked) or any(f and f in question_norm for f in named + [local_short(p)]) \
                or any(_quoted(f, text_norm) for f in named):
            continue
        if p in divisions():
            if contains(asked, p) and any(f in text_norm for f in named):
                return True  # it names a district inside the asked city
        elif home and contains(asked, home) and (whole_asked or any(f in text_norm for f in named)):
            return True  # it names (or, when the whole is asked, its section speaks about) a street inside it
    return False


def local_short(name: str) -> str:
    """永红街道 → 永红 (as residents say it); "" when no two characters are left."""
    suffix = next((x for x in LOCAL_SUFFIXES if name.endswith(x)), "")
    return name[: -len(suffix)] if suffix and len(name) - len(suffix) >= 2 else ""


def _quoted(name: str, text_norm: str) -> bool:
    return any(f"{a}{name}{b}" in text_norm for a, b in ("“”", "「」", '""', "『』"))


def around_asked(asked: str, named: list[str], region: str, text_norm: str, before_figure: str) -> str:
    """The division a sentence speaks for when it names one around the asked street or estate before its figure:
    in the document about 永红街道, 钟楼区…先后改造近1900栋居民楼 counts all of 钟楼区, not 永红街道's houses. The
    division must hold the document's own place (the street lies in it) and the sentence must not name the asked
    place itself; "" otherwise. A division named after the figure (…33台,…入围常州市…案例) only names an award's."""
    home = division_named(region) if region and region != "全国" else None
    if not home or asked in divisions() or any(f in text_norm for f in forms(asked) if len(f) >= 2) \
            or ((short := local_short(asked)) and short in text_norm):
        return ""
    for p in named:
        p = division_named(p) or p
        if p in divisions() and contains(p, home) and any(f in before_figure for f in forms(p) if len(f) >= 2):
            return p
    return ""
