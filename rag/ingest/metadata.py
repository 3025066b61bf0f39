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
from rag.text.script import to_simplified

_URL = re.compile(r"https?://[\w\-./?=&%#:~+]+")
_DATE = re.compile(r"(20\d{2}|19\d{2})\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})")
_PUBLISHER = [
    re.compile(r"来源[:：]\s*([^\s:：]{2,20})"),
    re.compile(r"摘自\s*《([^》]{2,20})》"),
    re.compile(r"^(\S{2,8}[报網网])记者", re.M),
]
_SITE_TITLE = re.compile(r"^\s*(.{6,80}?)\s*[-_|｜]\s*(\S{2,8}[网])\s*$", re.M)

# Region keywords in Simplified; the first that dominates names the document's region.
REGIONS = {"北京市石景山区": ["石景山"], "常州市钟楼区": ["钟楼区", "常州"]}
NATIONAL = "全国"


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
    for pattern in _PUBLISHER:
        if m := pattern.search(simple):
            meta.publisher = m.group(1)
            break
    if m := _SITE_TITLE.search(raw[:3000]):
        meta.title = m.group(1).strip()
        meta.publisher = meta.publisher or m.group(2)
    else:
        first = next((ln for ln in cleaned.split("\n") if 6 <= len(ln) <= 60), "")
        meta.title = first.rstrip("。")
    counts = Counter({region: sum(simple.count(k) for k in keys) for region, keys in REGIONS.items()})
    region, n = counts.most_common(1)[0]
    meta.region = region if n >= 3 else NATIONAL
    return meta


def resolve_metadata(doc_path: Path, raw: str, cleaned: str) -> DocMeta:
    meta = extract_metadata(raw, cleaned)
    for key, value in read_sidecar(doc_path).items():
        setattr(meta, key, value)
    return meta
