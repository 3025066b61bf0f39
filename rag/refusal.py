"""Decide whether the retrieved evidence can answer the question at all.

Two signals, both script-normalised: (1) an entity the question asks about
(a place, organisation or name) that occurs nowhere in the knowledge base, and
(2) evidence strength: the idf-weighted share of the question's content words
found in the best retrieved passage. The threshold (`answer.refuse_below`) is
calibrated on eval/questions.jsonl by `python eval/calibrate_refusal.py`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .index_store import Snapshot
from .searcher import Hit
from .text_match import jieba_instance, normalise, synonyms_of, tokenize

_ENTITY_FLAGS = {"ns", "nr", "nt", "nz", "nrt", "nrfg"}
_PLACE_SUFFIX = re.compile(r"(省|市|区|县|镇|乡|街道|村|小区|新村|花园|社区)$")
_GENERIC = {"小区", "社区", "老小区", "城市", "全国", "我国", "中国", "国家", "市区", "城区", "农村", "我家", "本市", "全市", "全区"}


@dataclass
class Evidence:
    coverage: float  # idf-weighted share of question words in the best passage, 0..1
    missing_entities: list[str]
    refuse: bool
    reason: str


def entities(question: str) -> list[str]:
    import jieba.posseg as pseg

    jieba_instance()
    found = []
    for word, flag in pseg.cut(normalise(question)):
        if len(word) < 2 or word in _GENERIC:
            continue
        if flag in _ENTITY_FLAGS or _PLACE_SUFFIX.search(word):
            found.append(word)
    return found


SYNONYM_CREDIT = 0.7  # a word counts this much when only a synonym of it is in the passage


def coverage(question: str, hits: list[Hit], snap: Snapshot, depth: int = 3) -> float:
    """idf-weighted share of the question's words found (or, at reduced credit, a synonym found)
    in the best of the top passages."""
    terms = snap.bm25.query_terms(question, use_synonyms=False)
    if not terms or not hits:
        return 0.0
    weights = {t: w * snap.bm25.idf(t) for t, w in terms.items()}
    alternatives = {t: synonyms_of(t) for t in terms}
    total = sum(weights.values()) or 1.0
    best = 0.0
    for hit in hits[:depth]:
        toks = set(tokenize(hit.chunk.search_text()))
        got = 0.0
        for t, w in weights.items():
            if t in toks:
                got += w
            elif alternatives[t] & toks:
                got += SYNONYM_CREDIT * w
        best = max(best, got / total)
    return best


def mentions(hit: Hit, entity: str) -> bool:
    """Does the passage (with its title, headings and the document's region) name the entity?"""
    where = normalise(" ".join([hit.chunk.search_text(), hit.doc.meta.region, hit.doc.title]))
    return entity in where


def assess(question: str, hits: list[Hit], snap: Snapshot, refuse_below: float) -> Evidence:
    """Refuse when an asked-for entity is in no retrieved passage, or the evidence is weak."""
    missing = [ent for ent in entities(question) if not any(mentions(h, ent) for h in hits)]
    cov = coverage(question, hits, snap)
    if not hits:
        return Evidence(cov, missing, True, "no passage retrieved")
    if missing:
        return Evidence(cov, missing, True, f"资料中没有提到：{'、'.join(missing)}")
    if cov < refuse_below:
        return Evidence(cov, missing, True, f"evidence too weak (coverage {cov:.2f} < {refuse_below:.2f})")
    return Evidence(cov, missing, False, "")
