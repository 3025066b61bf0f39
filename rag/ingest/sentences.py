"""Sentence-level data made at ingest: each chunk's sentences with their spans, the places they
speak about, and (in indexer.py) their embeddings with the same model as the chunks.

The reader (rag/evidence/reader.py) scores these sentences at query time; having them split, tagged
and embedded once keeps `ask` fast. A sentence "is about" the places it names; one that names none
speaks about the places named last before it in its chunk, else its headings' places, else the
document's region (钟楼区…。建成使用电梯33台 is about 钟楼区).
"""
from __future__ import annotations

import re

import numpy as np

from rag.documents import Chunk, Document
from rag.text.gazetteer import (contains, county_short_forms, divisions, division_named, full_name, local_places,
                                places_in)
from rag.text.sentence_split import split_sentences
from rag.text.text_match import normalise

_YEAR = re.compile(r"(?:19|20)\d{2}(?=\s*年)")
# The document's own voice (a district's press conference, a bureau's report): 我们, 我区, 全区 mean its region.
SPEAKER = re.compile(r"我们|我区|本区|我市|本市|全区|全市|我街道|本街道")


def is_division(name: str) -> bool:
    return name in divisions()


def named_places(text_norm: str, also: frozenset[str]) -> list[str]:
    """Gazetteer places (as full names) and local places (…街道, …社区) the text names."""
    found = [full_name(p) for p in places_in(text_norm, also)]
    found += local_places(text_norm)
    return list(dict.fromkeys(found))


def sentence_rows(doc: Document, chunks: list[Chunk]) -> list[dict]:
    """One row per sentence of each chunk: chunk_id, start/end inside chunk.text, `places` it names,
    `about` (the places it speaks about, inherited when it names none) and `years` it names.

    The context a sentence inherits is the places of the last sentence before it that named a division, else
    its headings' places (a section headed 钟楼区永红街道党工委 speaks about 永红街道), else the document's region.
    A sentence that names only places *around* its context (入围常州市2023年度…案例 in 永红街道's section,
    北京第一个… in 石景山's report) still speaks about its context: the wider place is named in passing. So does a
    sentence in the document's own voice (我们, 全区) that names another district (实现与海淀区联通)."""
    also = county_short_forms(normalise(doc.text))
    region = [doc.meta.region] if doc.meta.region and doc.meta.region != "全国" else []
    rows = []
    for chunk in chunks:
        head = named_places(normalise(" ".join(chunk.heading_path)), also)
        last: list[str] = []
        for s, e in split_sentences(chunk.text):
            norm = normalise(chunk.text[s:e])
            own = named_places(norm, also)
            named = [p for p in own if is_division(p)]
            context = last or head or region
            if named and region and SPEAKER.search(norm):
                # 我们…建成西山绿道,实现与海淀区联通;推动松林公园…: the speaker's own district is what this and the
                # clauses after it speak about; the other district is named in passing
                last = region
                about = own + region
            elif named and not all(_around(d, context) for d in named):
                last = own
                about = own
            else:
                # a street or community alone keeps the district it lies in (永红街道 stays in 钟楼区)
                about = own + context
            rows.append({"chunk_id": chunk.chunk_id, "start": s, "end": e, "places": own,
                         "about": list(dict.fromkeys(about)), "years": _YEAR.findall(norm)})
    return rows


def _around(place: str, context: list[str]) -> bool:
    """Is the division `place` strictly wider than a division of the context (常州市 around 钟楼区)?"""
    inner = [division_named(c) for c in context]
    return any(c and full_name(c) != full_name(place) and contains(place, c) for c in inner)


def sentence_texts(chunks: list[Chunk], rows: list[dict]) -> list[str]:
    """The matching form (Simplified, NFKC, lower case) that is embedded, as chunks are."""
    by_id = {c.chunk_id: c for c in chunks}
    return [normalise(by_id[r["chunk_id"]].text[r["start"]:r["end"]]) for r in rows]


def sentences_by_chunk(rows: list[dict]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for j, r in enumerate(rows):
        out.setdefault(r["chunk_id"], []).append(j)
    return out


def embed_sentences(embedder, texts: list[str]) -> np.ndarray:
    """Embed in length order (batches of similar length pad less), rows returned in the given order."""
    if not texts:
        return np.zeros((0, embedder.dim), np.float32)
    unique = sorted(set(texts), key=len)  # chunk overlaps repeat sentences: embed each once
    vectors = embedder.embed_passages(unique)
    row = {t: i for i, t in enumerate(unique)}
    return vectors[[row[t] for t in texts]]
