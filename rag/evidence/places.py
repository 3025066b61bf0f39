"""Place names: China's administrative divisions (cpca's gazetteer) plus resources/places_extra.txt.

A question about 广州市越秀区 is not answered by passages about 石景山; recognising the place
from a gazetteer, not from jieba's part-of-speech guesses (which tag 中考 as a place), keeps
that check from firing on ordinary words.
"""
from __future__ import annotations

import csv
import importlib.util
import re
from functools import lru_cache
from pathlib import Path

from rag.evidence.question_parse import QUESTION_CHARS, pos_words
from rag.text.text_match import RESOURCES, normalise

# Below county level the gazetteer stops; a named 街道 / 镇 / 村 / 小区 still counts as a place.
_LOCAL_SUFFIX = re.compile(r"(街道|镇|乡|村|新村|花园|小区|社区)$")
_GENERIC = {"小区", "社区", "老小区", "城中村", "新农村", "农村", "乡村", "我们小区", "本小区", "该小区", "每个小区"}
_ORG_SUFFIX = re.compile(r"(局|委|厅|部|署|办|处|院|会|公司|集团|银行|大学|中心)$")  # jieba tags odd words `nt`

# Longest first, so 自治州 is stripped before 州 would be.
_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "自治县", "新区", "地区", "林区",
             "省", "市", "区", "县", "盟", "旗")


def _gazetteer_csv() -> Path:
    spec = importlib.util.find_spec("cpca")  # locate the package's data without importing its code
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the cpca package (place gazetteer) is not installed: run scripts/setup.sh")
    return Path(spec.submodule_search_locations[0]) / "resources" / "adcodes.csv"


@lru_cache(maxsize=1)
def place_names() -> dict[str, str]:
    """Every full name and its short form (广州市 → 广州) → the full name."""
    names: dict[str, str] = {}
    with _gazetteer_csv().open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            full = row["name"].strip()
            names[full] = full
            if not row["adcode"][4:6] == "00":
                continue  # counties keep only their full name: 老城(区), 朝阳(区), 天台(县) are common words
            for suffix in _SUFFIXES:
                if full.endswith(suffix) and len(full) - len(suffix) >= 2:
                    names.setdefault(full[: -len(suffix)], full)
                    break
    for line in (RESOURCES / "places_extra.txt").read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            for name in line.split():
                names.setdefault(name, name)
    return names


def places_in(text_norm: str) -> list[str]:
    """Place names in (normalised, Simplified) text, on word boundaries: 明天台北 holds 台北, not 天台.
    Two adjacent words may form one name (静安 + 区)."""
    from rag.text.text_match import jieba_instance

    names = place_names()
    words = [w for w in jieba_instance().cut(text_norm, HMM=False) if w.strip()]
    found, i = [], 0
    while i < len(words):
        pair = words[i] + words[i + 1] if i + 1 < len(words) else ""
        if pair in names:
            found.append(pair)
            i += 2
            continue
        if words[i] in names and len(words[i]) >= 2:
            found.append(words[i])
        i += 1
    return list(dict.fromkeys(found))


def forms(name: str) -> set[str]:
    """The name as written plus its full and short forms: 广州 ↔ 广州市."""
    full = place_names().get(name, name)
    out = {name, full}
    for suffix in _SUFFIXES:
        if full.endswith(suffix) and len(full) - len(suffix) >= 2:
            out.add(full[: -len(suffix)])
            break
    return out


def entities(question: str) -> list[str]:
    """Places (gazetteer), named local places (…街道, …小区) and organisations the question names."""
    found = places_in(normalise(question))
    for word, flag in pos_words(question):
        if word in _GENERIC or QUESTION_CHARS & set(word) or any(word in f or f in word for f in found):
            continue
        local = _LOCAL_SUFFIX.search(word)
        if (local and len(word) - len(local.group(0)) >= 2) or (flag == "nt" and _ORG_SUFFIX.search(word)):
            found.append(word)
    return found


def mentions(hit, entity: str) -> bool:  # hit: rag.retrieval.searcher.Hit
    """Does the passage (with its title, headings and the document's region) name the entity?"""
    where = normalise(" ".join([hit.chunk.search_text(), hit.doc.meta.region, hit.doc.title]))
    return any(form in where for form in forms(entity))
