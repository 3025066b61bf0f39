"""Place names: China's administrative divisions (cpca's adcodes.csv) plus resources/places_extra.txt.

Shared by ingest (a document's region, each sentence's places) and the evidence check (the place a
question asks about). Names are matched on jieba word boundaries, so 明天台北 holds 台北, not 天台.
"""
from __future__ import annotations

import csv
import importlib.util
import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from pathlib import Path

from rag.text.text_match import RESOURCES

# Longest first, so 自治州 is stripped before 州 would be.
SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "自治县", "新区", "地区", "林区",
            "省", "市", "区", "县", "盟", "旗")


# Division names that are also ordinary words in this domain: 城区 (downtown), 平房区 (bungalow area).
_COMMON_WORDS = {"城区", "郊区", "矿区", "老城区", "新城区", "平房区", "市中区", "东区", "西区", "南区", "北区", "中区"}


@dataclass(frozen=True)
class Division:
    adcode: str
    name: str  # full name: 海曙区

    @property
    def level(self) -> int:
        """1 province, 2 prefecture, 3 county."""
        return 1 if self.adcode[2:6] == "0000" else 2 if self.adcode[4:6] == "00" else 3


def _gazetteer_csv() -> Path:
    spec = importlib.util.find_spec("cpca")  # locate the package's data without importing its code
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the cpca package (place gazetteer) is not installed: run scripts/setup.sh")
    return Path(spec.submodule_search_locations[0]) / "resources" / "adcodes.csv"


def short_form(full: str) -> str:
    for suffix in SUFFIXES:
        if full.endswith(suffix) and len(full) - len(suffix) >= 2:
            return full[: -len(suffix)]
    return full


@lru_cache(maxsize=1)
def divisions() -> dict[str, list[Division]]:
    """Full name → the divisions of that name (鼓楼区 exists in several cities)."""
    out: dict[str, list[Division]] = {}
    with _gazetteer_csv().open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            name = row["name"].strip()
            if name and name != "市辖区" and name not in _COMMON_WORDS:
                out.setdefault(name, []).append(Division(row["adcode"][:6], name))
    return out


@lru_cache(maxsize=1)
def _by_code() -> dict[str, Division]:
    return {d.adcode: d for ds in divisions().values() for d in ds}


@lru_cache(maxsize=1)
def place_names() -> dict[str, str]:
    """Every full name and its short form → the full name. Provinces and prefectures keep their short
    form (广州); counties only when it has three characters or more (石景山): two-character county
    short forms are common words (老城, 朝阳, 天台, 钟楼)."""
    names: dict[str, str] = {}
    for full, ds in divisions().items():
        names[full] = full
        short = short_form(full)
        if short != full and (any(d.level < 3 for d in ds) or len(short) >= 3):
            names.setdefault(short, full)
    for line in (RESOURCES / "places_extra.txt").read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            for name in line.split():
                names.setdefault(name, name)
    return names


def places_in(text_norm: str, also: frozenset[str] = frozenset()) -> list[str]:
    """Place names in (normalised, Simplified) text, on word boundaries; two adjacent words may form one
    name (静安 + 区). `also`: extra names known from context, e.g. 钟楼 where the text says 钟楼区."""
    return list(dict.fromkeys(place_mentions(text_norm, also)))


def place_mentions(text_norm: str, also: frozenset[str] = frozenset()) -> list[str]:
    """Every place-name occurrence, in order (repeats kept: a document's region is the place it keeps naming)."""
    from rag.text.text_match import jieba_instance

    names = place_names()
    words = [w for w in jieba_instance().cut(text_norm, HMM=False) if w.strip()]
    found, i = [], 0
    while i < len(words):
        pair = words[i] + words[i + 1] if i + 1 < len(words) else ""
        if pair in names or pair in also:
            found.append(pair)
            i += 2
            continue
        if (words[i] in names or words[i] in also) and len(words[i]) >= 2:
            found.append(words[i])
        elif words[i].endswith("园") and ((park := words[i][:-1]) in names or park in also) and len(park) >= 2:
            found.append(park)  # 中关村海淀园, 石景山园: a park named after its district is in that district
        i += 1
    return found


def full_name(name: str) -> str:
    return place_names().get(name, name)


def forms(name: str) -> set[str]:
    """The name as written plus its full and short forms: 广州 ↔ 广州市."""
    full = full_name(name)
    return {name, full, short_form(full)}


def county_by_short_form(word: str) -> str:
    """The county a two-character short form names (武进 → 武进区), "" when none does. Only for a context
    that already says a place is meant ("那武进呢" after a question about 钟楼区): alone such a short form is
    as likely a common word (朝阳, 钟楼)."""
    if len(word) != 2:
        return ""
    names = sorted((full for full, ds in divisions().items() if short_form(full) == word and full != word
                    and all(d.level == 3 for d in ds)), key=lambda n: (not n.endswith("区"), n))
    return names[0] if names else ""


def sibling_short_forms(short_forms: frozenset[str]) -> frozenset[str]:
    """Two-character short forms of the counties in the same prefecture as the counties these short forms name
    (石景山 → 通州, 丰台, 海淀 …; 钟楼 → 武进, 天宁 …)."""
    cities = {d.adcode[:4] for sf in short_forms for d in divisions().get(county_by_short_form(sf) or sf + "区", [])
              if d.level == 3}
    return frozenset(short_form(d.name) for ds in divisions().values() for d in ds
                     if d.level == 3 and d.adcode[:4] in cities and len(short_form(d.name)) == 2)


def county_short_forms(text_norm: str) -> frozenset[str]:
    """Two-character short forms (钟楼, 海曙) of counties the text names in full: there they are places."""
    return frozenset(short_form(n) for n in places_in(text_norm) if short_form(n) != n and len(short_form(n)) == 2
                     and n in divisions() and all(d.level == 3 for d in divisions()[n]))


def _parent(d: Division) -> Division | None:
    if d.level == 3:
        return _by_code().get(d.adcode[:4] + "00") or _by_code().get(d.adcode[:2] + "0000")
    if d.level == 2:
        return _by_code().get(d.adcode[:2] + "0000")
    return None


def resolve(name: str, context: set[str] = frozenset()) -> Division | None:
    """The division a name means; among several of that name, the one whose parent the context names."""
    ds = divisions().get(full_name(name))
    if not ds:
        return None
    context_full = {full_name(c) for c in context}
    for d in ds:
        p = _parent(d)
        if p and (p.name in context_full or (_parent(p) and _parent(p).name in context_full)):
            return d
    return ds[0]


def region_label(d: Division) -> str:
    """How the index writes a region: 北京市石景山区, 宁波市海曙区 (city + county), 宁波市, 浙江省."""
    if d.level == 3:
        p = _parent(d)
        return (p.name if p else "") + d.name
    return d.name


@lru_cache(maxsize=256)
def region_place(region: str) -> str:
    """常州市钟楼区 → 钟楼区 (the county in a region label); 北京市 stays; a label naming no division stays."""
    for d in sorted(divisions(), key=len, reverse=True):
        if region.endswith(d) and len(d) >= 2:
            return d
    return region


def division_named(name: str) -> str:
    """The division a name or a region label means (石景山区; 常州市钟楼区 → 钟楼区); "" for anything else (全国, 街道)."""
    place = name if name in divisions() else region_place(name)
    return place if place in divisions() else ""


def contains(outer: str, inner: str) -> bool:
    """Is place `inner` the same as or inside `outer` (浙江省 ⊇ 宁波市 ⊇ 海曙区)? Names not in the gazetteer
    (街道, 小区) compare as written."""
    a, b = resolve(outer), resolve(inner, {outer})
    if a is None or b is None:
        return bool(forms(outer) & forms(inner))
    while b is not None:
        if b.adcode == a.adcode:
            return True
        b = _parent(b)
    return False


# Below county level the gazetteer stops; a named 街道 / 社区 / 小区 / 村 is found by its suffix word.
LOCAL_SUFFIXES = ("街道", "社区", "小区", "新村", "花园", "花苑", "片区", "镇", "乡", "村")
_GENERIC_LOCAL = {"老旧小区", "老小区", "旧小区", "城中村", "新农村", "农村", "乡村", "城镇", "乡镇", "本小区", "该小区", "各小区",
                  "全小区", "城乡", "老旧", "各村", "全村", "本村"}
# s: a place word (边上, 附近, 门口) says where, it starts no name (永定河边上麻峪村 names 麻峪村)
_PREFIX_STOP_FLAGS = ("v", "c", "u", "p", "d", "ad", "r", "q", "x", "eng", "y", "e", "o", "f", "s")
# A question word, quantifier or demonstrative before the suffix (几个社区, 哪些小区, 所有小区, 那个街道) makes a phrase
# about some place, not the name of one.
_NOT_A_NAME = ("几", "哪", "啥", "什么", "多少", "这", "那", "每", "某", "些", "各", "所有", "全部", "任何", "其他", "其它", "别的",
               "好多", "许多", "很多", "不少", "大多", "多数")  # 好多小区: many estates, none named
# A place is named, not counted: 9个试点社区 and 试点社区有几个 speak of a kind of community, not of one; so does
# 多少个人人社区, where jieba glues the measure word into the name (个人|人|社区).
# An organ of government before 社区 (城市建设司社区建设处) makes an office's name, not a community's.
_ORGAN = re.compile(r"[司局厅部委署办处]$")
_MEASURE = "个处家所批类"
_COUNTED_BEFORE = re.compile(rf"(?:多少|[\d一二三四五六七八九十百千两几多])\s*[{_MEASURE}]$")
_COUNTED_AFTER = re.compile(r"(一共|总共|共)?(有|是)?(几|多少)个?(?=[？?，,。！!呢吗啊]|$)")
# a count inside the words before the suffix counts it too (每年确定一批联系点小区: a kind of estate, no name)
_COUNTED_PREFIX = re.compile(rf"^(?:多少|[\d一二三四五六七八九十百千两几多]+)\s*[{_MEASURE}]")
# A word that closes a clause of time or condition (下大雨的时候|小区就淹) ends what comes before; it starts no name.
_CLAUSE_END = {"时候", "时", "以后", "之后", "以前", "之前", "期间", "的话", "时期"}
# 一下大雨|小区就淹成河: in "一…就…" (as soon as) the words after 一 are the first clause and the noun before 就
# the second clause's subject, so no name spans the two
_AS_SOON_AS = re.compile(r"一[^，,。；;！!？?\s]{1,8}$")


def local_places(text_norm: str) -> list[str]:
    """Named streets, communities and estates (永红街道, 鲁谷社区, 文享花园): a suffix word with the one- or
    two-character words just before it (jieba does not know these names, so it cuts them up)."""
    import jieba.posseg as pseg

    from rag.text.text_match import STOPWORDS, jieba_instance

    jieba_instance()
    words = list(pseg.cut(text_norm, HMM=False))
    ends = list(accumulate(len(w) for w, _ in words))
    found = []
    for i, (word, _flag) in enumerate(words):
        suffix = next((s for s in LOCAL_SUFFIXES if word.endswith(s)), None)
        if suffix is None or word in _GENERIC_LOCAL or _COUNTED_AFTER.match(text_norm, ends[i]):
            continue
        prefix = word[: -len(suffix)]
        if prefix in LOCAL_SUFFIXES:
            continue  # 街道社区: two level words, the communities of streets in general, no name
        j = i - 1
        while len(prefix) < 4 and j >= 0:
            w, f = words[j]
            # one word of up to four characters may be the whole name (南大街 of 南大街街道); shorter words join;
            # a verb-noun only completes a name too short to be one (运营|景贤小镇 is a verb and its object)
            if (len(w) > 2 and (prefix or len(w) > 4)) or w in STOPWORDS or w in _CLAUSE_END \
                    or f.startswith(_PREFIX_STOP_FLAGS) and not (f.startswith("vn") and len(prefix) == 1) \
                    or w in place_names() or w.endswith(LOCAL_SUFFIXES) or not all("\u4e00" <= c <= "\u9fff" for c in w):
                break
            prefix = w + prefix
            j -= 1
            if prefix + suffix in _GENERIC_LOCAL:
                break  # 盘活|旧小区: the words before a generic 旧小区 say what is done to it, they name no estate
        start = ends[i] - len(prefix) - len(suffix)
        if 2 <= len(prefix) <= 5 and prefix + suffix not in _GENERIC_LOCAL and prefix not in _GENERIC_LOCAL \
                and prefix not in LOCAL_SUFFIXES \
                and not any(w in prefix for w in _NOT_A_NAME) and not _COUNTED_BEFORE.search(text_norm, 0, start) \
                and not (prefix[0] in _MEASURE and _COUNTED_BEFORE.search(text_norm, 0, start + 1)) \
                and not _COUNTED_PREFIX.match(prefix) and not _ORGAN.search(prefix) \
                and not (text_norm.startswith("就", ends[i]) and _AS_SOON_AS.search(text_norm, 0, start)):
            found.append(prefix + suffix)
    return list(dict.fromkeys(found))
