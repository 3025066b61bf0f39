"""Decide whether the retrieved evidence can answer the question at all.

Certain checks first; the first that fails refuses (script-normalised throughout):

1. `no_hits`   nothing was retrieved.
2. `task`      not a question but a job for a general assistant (写一首诗, 翻译…).
3. `off_topic` an everyday topic the documents never mention (天气, 好吃: resources/off_topic_words.txt).
4. `entity`    a place (gazetteer, rag/text/gazetteer.py), a named 街道 / 小区 or an organisation that the
               knowledge base never mentions (上海静安区). A place it does mention is the reader's business
               (rag/evidence/reader.py): it answers for that place or says the fact is given only for another.

Then the lexical checks, which are not certain (a colloquial word the documents never use is no reason to
refuse):

5. `absent`    a content word of the asking clauses occurs nowhere in the knowledge base (门票, 公积金);
               the asker's situation (太差, 腿脚不好) and words naming the kind of answer do not count.
6. `type`      the question asks for a kind of answer (year, amount, person, count …: asked_type.py) and no
               retrieved sentence about its subject carries one.
7. `weak`      the idf-weighted share of the question's KB-known words in the top passages is below
               `answer.refuse_below`.

With the reader's sentences at hand and a fitted model in rag/resources/evidence_model.json, these three are
features of the learned check (rag/evidence/evidence_model.py) together with the reader's best sentence
(words, meaning, kind, place); the model's P(answerable) below its threshold refuses, reported under the
lexical check that fired (or `weak`). With the OpenAI-compatible backend only the certain checks run and
the LLM decides the rest.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from rag.evidence.asked_type import AskedType, asked_types, kind_phrasing
from rag.evidence.evidence_model import features, load_model, probability, refuses
from rag.evidence.kb_vocabulary import absent_terms, known, names_nothing, off_topic
from rag.evidence.places import entities, forms, mentions
from rag.evidence.reader import kb_entities, said_as, without_places
from rag.retrieval.searcher import Hit
from rag.retrieval.snapshot import Snapshot
from rag.text.sentence_split import SENTENCE
from rag.text.text_match import normalise, synonyms_of, tokenize
from rag.text.thesaurus import everyday_to_written

SYNONYM_CREDIT = 0.7  # a word counts this much when only a synonym of it is in the passage


@dataclass
class Evidence:
    coverage: float  # idf-weighted share of the question's KB-known words in the best passage, 0..1
    missing_entities: list[str] = field(default_factory=list)
    absent_terms: list[str] = field(default_factory=list)
    refuse: bool = False
    kind: str = ""  # which check refused: no_hits | task | off_topic | entity | absent | type | weak | ""
    reason: str = ""
    asked_kind: str = ""  # for `type`: the kind of answer no sentence carries (数量, 金额 …)
    features: dict = field(default_factory=dict)  # the learned check's inputs (rag/evidence/evidence_model.py)
    probability: float | None = None  # its P(answerable)

    @property
    def off_topic(self) -> bool:
        """Nothing of the question is in the knowledge base: say what we cover, not just 'not found'."""
        return self.refuse and self.kind in ("no_hits", "task", "off_topic", "absent", "weak") and self.coverage < 0.05 \
            and not self.missing_entities


def _weights(question: str, snap: Snapshot) -> dict[str, float]:
    """idf weight of each question word the KB knows (unknown words are the `absent` check's job;
    words that only name the kind of answer, 地方 or 名字, are no evidence either way)."""
    q_norm = normalise(question)
    phrasing = kind_phrasing(q_norm, asked_types(q_norm))  # 古时候叫什么名字: 古时候 only phrases the kind
    terms = snap.bm25.query_terms(question, use_synonyms=False)
    return {t: w * snap.bm25.idf(t) for t, w in terms.items()
            if not names_nothing(t, snap, phrasing) and known(t, snap)}


def _covered(weights: dict[str, float], tokens: set[str], text_norm: str = "",
             said: dict[str, tuple[str, ...]] | None = None) -> float:
    """`said`: the documents' terms for the glossary expressions heard in the question (reader.said_as), found in
    `text_norm` (the passage's own cut may split them: 长护险)."""
    total = sum(weights.values())
    if not total:
        return 0.0
    said = said or {}
    got = sum(w if t in tokens else (SYNONYM_CREDIT * w if synonyms_of(t) & tokens or everyday_to_written(t) & tokens
                                     or any(x in text_norm for x in said.get(t, ())) else 0.0)
              for t, w in weights.items())
    return got / total


# Requests for general-assistant work; a policy Q&A answers questions about its documents.
TASK_REQUEST = re.compile(r"^(请|请你|帮我|给我|麻烦)?\s*(写|作|编|创作|生成)(一|个|首|篇|段|份|几)|翻译|译成|讲个笑话")


def type_supported(kind: AskedType, weights: dict[str, float], hits: list[Hit], depth: int = 5,
                   min_share: float = 0.5, said: dict[str, tuple[str, ...]] | None = None) -> bool:
    """Some top passage has a sentence (with its neighbours) that carries an answer of the asked kind
    and most of the question's words: a figure next to the subject, not anywhere in the passage."""
    for hit in hits[:depth]:
        if kind.scope == "passage":
            # normalising the passage (OpenCC) is the slow part: only where a heard expression's term must be found
            # in it, else only once its words are covered
            text = normalise(hit.chunk.search_text()) if said else ""
            if _covered(weights, hit.tokens, text, said) >= min_share \
                    and kind.held_by(text or normalise(hit.chunk.search_text())):
                return True
            continue
        sentences = [normalise(m.group(0)) for m in SENTENCE.finditer(hit.chunk.text)]
        head = " ".join([hit.chunk.title, *hit.chunk.heading_path])
        for i, sentence in enumerate(sentences):
            if not kind.held_by(sentence):
                continue
            window = head + "".join(sentences[max(0, i - 1):i + 2])
            if _covered(weights, set(tokenize(window)), window, said) >= min_share:
                return True
    return False


TYPE_SHARE = 0.45  # share of the question's (idf) weight the sentence carrying the asked kind of answer must hold


def assess(question: str, hits: list[Hit], snap: Snapshot, refuse_below: float, type_share: float = TYPE_SHARE,
           reading=None, certain_only: bool = False) -> Evidence:
    """Run the checks in order; the first failure refuses with a reason a user can read. A follow-up with a
    subject of its own (首钢园门票在哪里买 after a question about 加梯) is weighed on its own words — what it asks —
    not on the previous question glued on for retrieval and place (the reader does the same: read(asked=…))."""
    own = reading.asked if reading is not None and reading.asked else question
    weights = _weights(own, snap)
    cov = max((_covered(weights, h.tokens) for h in hits[:3]), default=0.0)  # best of the top 3 passages
    ev = Evidence(cov)
    if not hits:
        ev.refuse, ev.kind, ev.reason = True, "no_hits", "no passage retrieved"
        return ev
    if TASK_REQUEST.search(normalise(question)):
        ev.refuse, ev.kind, ev.reason = True, "task", "a writing/translation task, not a question about the documents"
        return ev
    topics = off_topic(question, snap)
    if topics:
        ev.refuse, ev.kind, ev.reason = True, "off_topic", f"资料中没有提到：{'、'.join(topics)}"
        return ev
    if reading is not None:
        # a place the knowledge base names somewhere is the reader's business (it answers for that place,
        # or says the documents give the fact only for another); refusing outright is certain only for
        # places and organisations the documents never mention
        ev.missing_entities = [e for e in kb_entities(question, snap)
                               if not any(mentions(h, e) for h in hits) and not any(snap.mentions(f) for f in forms(e))]
    else:
        ev.missing_entities = [e for e in entities(question) if not any(mentions(h, e) for h in hits)]
    if ev.missing_entities:
        ev.refuse, ev.kind, ev.reason = True, "entity", f"资料中没有提到：{'、'.join(ev.missing_entities)}"
        return ev
    if certain_only:
        return ev  # an LLM reads the passages and decides the rest (its 资料中没有找到 is honoured)
    lexical = _lexical_checks(own, hits, snap, weights, cov, refuse_below, type_share,
                              reading.kinds if reading is not None else None,
                              reading.places if reading is not None else [])
    if reading is not None:
        absent = lexical[3] if lexical and lexical[0] == "absent" else []
        ev.features = features(reading, cov, lexical[0] if lexical else "",
                               measured_absent(normalise(own), reading.kinds, absent),
                               _absent_subject_share(reading, absent))
    if reading is None or load_model() is None:
        if lexical is not None:
            ev.refuse, ev.kind, ev.reason, ev.asked_kind, ev.absent_terms = True, *lexical
        return ev
    # The learned check decides; the lexical checks are among its features (they are not certain). Words the
    # documents never use — all of them (unknown_share) or those that are most of the subject (absent_share:
    # 首钢园门票在哪里买) — are features too: as hard rules they refused colloquial questions the documents answer
    # (楼边犄角旮旯的空地 → 口袋公园, 太阳能板 → 光伏板) and, with the trees of eval/train_evidence.py, caught no
    # unanswerable question of any resident or earlier set (README: measured).
    ev.probability = probability(ev.features)
    if refuses(ev.features):
        ev.refuse = True
        if lexical is not None:
            ev.kind, ev.reason, ev.asked_kind, ev.absent_terms = lexical
        else:
            ev.kind, ev.reason = "weak", f"evidence too weak (p={ev.probability:.2f})"
    return ev


MEASURED_GAP = 3  # characters between a figure question's phrase (多少钱) and the word it measures (房租大概得多少钱)


def measured_absent(question_norm: str, kinds: list[AskedType], absent: list[str]) -> bool:
    """Is a word the documents never use the very thing a figure question measures — 门票多少钱, 省多少电费,
    分数线是多少 — next to the phrase that asks the figure, in the same clause? Then no figure in the documents
    is a figure of that (a colloquial aside elsewhere in the question, 我想带我妈去散步, is not)."""
    for match in (m for k in kinds for m in k.asks.finditer(question_norm)):
        for term in absent:
            for at in re.finditer(re.escape(term), question_norm):
                gap = question_norm[at.end():match.start()] if at.end() <= match.start() \
                    else question_norm[match.end():at.start()]
                if len(gap) <= MEASURED_GAP and not re.search(r"[，。？！,?!；;\s]", gap):
                    return True
    return False


def _absent_subject_share(reading, absent: list[str]) -> float:
    """Share of the question's subject weight held by words the documents never use."""
    if not absent:
        return 0.0
    weights = reading.subject
    total = sum(weights.values())
    if not total:
        return 0.0
    return sum(w for t, w in weights.items() if any(t in a or a in t for a in absent)) / total


def _lexical_checks(question: str, hits: list[Hit], snap: Snapshot, weights: dict[str, float], cov: float,
                    refuse_below: float, type_share: float,
                    kinds: list[AskedType] | None = None,
                    places: tuple[str, ...] | list[str] = ()) -> tuple[str, str, str, list[str]] | None:
    """The first lexical check that fails: (kind, reason, asked kind, absent terms), or None. `kinds`: the
    reader's asked kinds (a follow-up's own, not its rewrite's); `places`: the places it asks about, whose names
    are no absent words (永红装了几部电梯 cuts 永|红装)."""
    absent = absent_terms(without_places(normalise(question), places), snap)
    if absent:
        return "absent", f"资料中没有提到：{'、'.join(absent)}", "", absent
    said = said_as(normalise(question), weights)
    for kind in (asked_types(normalise(question)) if kinds is None else kinds):
        if not type_supported(kind, weights, hits, min_share=type_share, said=said):
            return "type", f"资料中没有找到相关的{kind.name}", kind.name, []
    if cov < refuse_below:
        return "weak", f"evidence too weak (coverage {cov:.2f} < {refuse_below:.2f})", "", []
    return None
