"""Document metadata: extracted from the text where it says so, overridden by a curated sidecar.

The sidecar is `<file>.meta.json` beside the document (e.g. `docs/000_x.txt.meta.json`
or `docs/000_x.meta.json`) with any of title / publisher / date / source_url / region.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from rag.documents import DocMeta
from rag.ingest.loaders import SIDECAR_SUFFIX
from rag.text.gazetteer import Division, county_short_forms, place_mentions, region_label, resolve
from rag.text.script import to_simplified
from rag.text.text_match import normalise

_URL = re.compile(r"https?://[\w\-./?=&%#:~+]+")
_DATE = re.compile(r"(20\d{2}|19\d{2})\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})")
_PUBLISHER = [
    re.compile(r"来源[:：]\s*([^\s:：]{2,20})"),
    re.compile(r"摘自\s*《([^》]{2,20})》"),
    re.compile(r"^(\S{2,8}[报網网])记者", re.M),
]
_SITE_TITLE = re.compile(r"^\s*(.{6,80}?)\s*[-_|｜]\s*(\S{2,8}[网])\s*$", re.M)

NATIONAL = "全国"
# An issuing body: place names then an office (宁波市海曙区住房和城乡建设局, 石景山区人民政府办公室).
_ORG = re.compile(r"((?:[\u4e00-\u9fff]{2,8}?(?:省|市|自治区|自治州|区|县|旗|街道|镇|乡)){1,3}"
                  r"(?:[\u4e00-\u9fff]{0,14}?(?:局|委员会|人民政府|政府|办公室|办公厅|办事处|管委会|中心|厅|委)))")
_DATELINE = re.compile(r"(?:新华社|中新社|中新网|人民网|本报|记者)[^\n，。]{0,12}?([\u4e00-\u9fff]{2,4})\s*\d{1,2}月\d{1,2}日\s*电")
# A text whose places spread over several provinces speaks about the country (examples from everywhere).
_ONE_PROVINCE = 0.6
_SPECIFIC = 0.34  # a county (or city) holding this share of its province's mentions is the document's place


def issuing_body(simple: str) -> str:
    """The office that issued the text: a line that is only an office name (the 落款), or a title that
    begins with one (…局关于…的通知). Last 落款 wins: signatures close a notice."""
    lines = [ln.strip() for ln in simple.splitlines() if ln.strip()]
    for ln in reversed(lines[-8:]):
        m = _ORG.fullmatch(re.sub(r"\s+", "", ln))
        if m and len(ln) <= 40:
            return m.group(1)
    for ln in lines[:5]:
        m = _ORG.match(re.sub(r"\s+", "", ln))
        if m and "关于" in ln[m.end():m.end() + 4]:
            return m.group(1)
    return ""


def extract_region(simple: str, title: str = "", publisher: str = "") -> str:
    """The place the document speaks about, from the text: its issuing body and title weigh most, then
    the dateline, then every place it names. 全国 only when it names none, or places in several provinces
    with none dominating (a national report citing examples)."""
    text = normalise(simple)
    also = county_short_forms(text)
    weighted: list[tuple[str, float]] = [(p, 1.0) for p in place_mentions(text, also)]
    weighted += [(p, 5.0) for p in place_mentions(normalise(publisher), also)]
    weighted += [(p, 3.0) for p in place_mentions(normalise(title), also)]
    if m := _DATELINE.search(text[:600]):
        weighted += [(p, 2.0) for p in place_mentions(m.group(1))]
    context = {p for p, _ in weighted}
    divs: list[tuple[Division, float]] = [(d, w) for p, w in weighted if (d := resolve(p, context)) is not None]
    if not divs:
        return NATIONAL
    by_province: Counter = Counter()
    for d, w in divs:
        by_province[d.adcode[:2]] += w
    province, weight = by_province.most_common(1)[0]
    if weight < _ONE_PROVINCE * sum(by_province.values()):
        return NATIONAL
    inside = [(d, w) for d, w in divs if d.adcode[:2] == province]
    for level, width in ((3, 6), (2, 4)):  # the most specific place that carries the text
        counts: Counter = Counter()
        names: dict[str, Division] = {}
        for d, w in inside:
            if d.level >= level:
                counts[d.adcode[:width]] += w
                if d.level == level:
                    names[d.adcode[:width]] = d
        for code, w in counts.most_common():
            if code in names and w >= _SPECIFIC * weight:
                return region_label(names[code])
            break
    return region_label(next(d for d, _ in inside if d.level == 1)) if any(d.level == 1 for d, _ in inside) \
        else region_label(inside[0][0])


def sidecar_path(doc_path: Path) -> Path:
    return doc_path.with_name(doc_path.stem + SIDECAR_SUFFIX)


def read_sidecar(doc_path: Path) -> dict:
    path = sidecar_path(doc_path)
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {k: str(v) for k, v in data.items() if k in DocMeta.__dataclass_fields__ and v}


def extract_metadata(raw: str, cleaned: str) -> DocMeta:
    simple = to_simplified(raw)
    meta = DocMeta()
    if m := _URL.search(raw[:2000]):
        meta.source_url = m.group(0)
    dates = _DATE.findall(raw[:1500]) or _DATE.findall(raw[-400:])
    if dates:
        y, mo, d = dates[0]
        meta.date = f"{y}-{int(mo):02d}-{int(d):02d}"
    meta.publisher = issuing_body(simple)
    for pattern in _PUBLISHER:
        if meta.publisher:
            break
        if m := pattern.search(simple):
            meta.publisher = m.group(1)
    if m := _SITE_TITLE.search(raw[:3000]):
        meta.title = m.group(1).strip()
        meta.publisher = meta.publisher or m.group(2)
    else:
        first = next((ln for ln in cleaned.split("\n") if 6 <= len(ln) <= 60), "")
        meta.title = first.rstrip("。")
    meta.region = extract_region(simple, meta.title, meta.publisher)
    return meta


def resolve_metadata(doc_path: Path, raw: str, cleaned: str) -> DocMeta:
    meta = extract_metadata(raw, cleaned)
    for key, value in read_sidecar(doc_path).items():
        setattr(meta, key, value)
    return meta
