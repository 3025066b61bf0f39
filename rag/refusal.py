"""Decide whether the retrieved evidence can answer the question at all.

Checks, in order; the first that fails refuses (script-normalised throughout):

1. `no_hits`   nothing was retrieved.
   `task`      not a question but a job for a general assistant (写一首诗, 翻译…).
   `off_topic` an everyday topic the documents never mention (天气, 好吃, 股票: resources/off_topic_words.txt).
2. `entity`    a place / organisation / person the question names is in no retrieved passage
               (a question about 上海静安区 is not answered by passages about 石景山).
3. `absent`    a content word the question asks about occurs nowhere in the knowledge base,
               not even as a synonym or a part (门票, 公积金, 股票): the documents cannot say.
               Words that only name the *kind* of answer (名字, 时间, 办法) are exempt; they
               live in resources/answer_type_words.txt.
4. `type`      the question asks for an answer of a particular kind (a year, a date, money, a
               ratio, a person, an organisation, a count: rag/asked_type.py) and no retrieved
               sentence about its subject carries one.
5. `weak`      evidence strength: the idf-weighted share of the question's words that the KB
               knows, found together in one of the top passages, is below `answer.refuse_below`
               (calibrated with `python eval/calibrate_refusal.py`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from .asked_type import AskedType, asked_types
from .index_store import Snapshot
from .places import forms, places_in
from .searcher import Hit
from .text_match import RESOURCES, STOPWORDS, jieba_instance, normalise, synonyms_of, tokenize

# Below county level the gazetteer stops; a named 街道 / 镇 / 村 / 小区 still counts as a place.
_LOCAL_SUFFIX = re.compile(r"(街道|镇|乡|村|新村|花园|小区|社区)$")
_GENERIC = {"小区", "社区", "老小区", "城中村", "新农村", "农村", "乡村", "我们小区", "本小区", "该小区", "每个小区"}
_ORG_SUFFIX = re.compile(r"(局|委|厅|部|署|办|处|院|会|公司|集团|银行|大学|中心)$")  # jieba tags odd words `nt`
_QUESTION_CHARS = set("哪什几多谁怎啥么")
_CONTENT_FLAGS = {"n", "vn", "nz", "eng", "nt"}
_RUN_SKIP = ("r", "p", "u", "d", "c", "y", "m", "q", "f", "z", "e", "o", "x")  # POS prefixes that end a new-word run

SYNONYM_CREDIT = 0.7  # a word counts this much when only a synonym of it is in the passage


@dataclass
class Evidence:
    coverage: float  # idf-weighted share of the question's KB-known words in the best passage, 0..1
    missing_entities: list[str] = field(default_factory=list)
    absent_terms: list[str] = field(default_factory=list)
    refuse: bool = False
    kind: str = ""  # which check refused: no_hits | entity | absent | unit | weak ("" = answer)
    reason: str = ""

    @property
    def off_topic(self) -> bool:
        """Nothing of the question is in the knowledge base: say what we cover, not just 'not found'."""
        return self.refuse and self.kind in ("no_hits", "task", "off_topic", "absent", "weak") and self.coverage < 0.05 \
            and not self.missing_entities


@lru_cache(maxsize=1)
def answer_type_words() -> frozenset[str]:
    words = set()
    for line in (RESOURCES / "answer_type_words.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            words.update(line.split())
    return frozenset(words)


def _pos(question: str) -> list[tuple[str, str]]:
    import jieba.posseg as pseg

    jieba_instance()
    # No HMM: unknown-word guessing glues colloquial runs into fake nouns (开工前会不会 → 前会).
    return [(w, f) for w, f in pseg.cut(normalise(question), HMM=False)]


def entities(question: str) -> list[str]:
    """Places (gazetteer), named local places (…街道, …小区) and organisations the question names."""
    found = places_in(normalise(question))
    for word, flag in _pos(question):
        if word in _GENERIC or _QUESTION_CHARS & set(word) or any(word in f or f in word for f in found):
            continue
        local = _LOCAL_SUFFIX.search(word)
        if (local and len(word) - len(local.group(0)) >= 2) or (flag == "nt" and _ORG_SUFFIX.search(word)):
            found.append(word)
    return found


def mentions(hit: Hit, entity: str) -> bool:
    """Does the passage (with its title, headings and the document's region) name the entity?"""
    where = normalise(" ".join([hit.chunk.search_text(), hit.doc.meta.region, hit.doc.title]))
    return any(form in where for form in forms(entity))


def _known(term: str, snap: Snapshot) -> bool:
    """Is the word, one of its parts, or a synonym anywhere in the knowledge base?"""
    postings = snap.bm25.postings
    parts = [term, *tokenize(term)]
    return any(p in postings for p in parts) or any(s in postings for p in parts for s in synonyms_of(p))


_ASKING = re.compile(r"吗|么|什么|多少|(?<!好)几|哪|谁|怎|如何|是否|能否|可以|啥|咋|呢|([\u4e00-\u9fff])[不没]\1")


def focus_clauses(question: str) -> str:
    """The clauses that do the asking. "我开电动车的，…能装上充电桩吗？" asks about 充电桩;
    电动车 is the asker's situation, and its absence from the documents proves nothing."""
    clauses = [c for c in re.split(r"[，,。；;！!？?]", question) if c.strip()]
    asking = [c for c in clauses if _ASKING.search(c)]
    return "，".join(asking or clauses[-1:])


_KB_TEXT: dict[str, str] = {}


def kb_text(snap: Snapshot) -> str:
    """All indexed text in matching form (for substring tests), cached per index version."""
    if snap.version not in _KB_TEXT:
        _KB_TEXT.clear()
        _KB_TEXT[snap.version] = "\n".join(normalise(c.search_text()) for c in snap.chunks)
    return _KB_TEXT[snap.version]


@lru_cache(maxsize=1)
def off_topic_words() -> tuple[str, ...]:
    lines = (RESOURCES / "off_topic_words.txt").read_text(encoding="utf-8").splitlines()
    return tuple(w for line in lines if not line.startswith("#") for w in line.split())


def off_topic(question: str, snap: Snapshot) -> list[str]:
    """Everyday topics (天气, 好吃, 股票…) the question asks about and the documents never mention."""
    words = set(jieba_instance().cut(normalise(focus_clauses(question)), HMM=False))  # 合作文件 holds no 作文
    text = kb_text(snap)
    return [w for w in off_topic_words() if w in words and w not in text]


def _new_word_runs(clause: str) -> list[str]:
    """Words jieba's dictionary does not know come out as runs of single characters (卤|煮|店,
    优|格). A run with a noun in it is a candidate content word."""
    runs, run = [], []
    for word, flag in _pos(clause) + [("", "x")]:
        if len(word) == 1 and "\u4e00" <= word <= "\u9fff" and not flag.startswith(_RUN_SKIP) and word not in STOPWORDS:
            run.append((word, flag))
            continue
        while run and not run[-1][1].startswith("n"):
            run.pop()  # a new noun ends in a noun character (卤煮店); 人来, 弄成小 are phrases
        while run and not run[0][1].startswith("n"):
            run.pop(0)  # and starts in one (做|优|格 → 优格)
        if len(run) >= 2:
            runs.append("".join(w for w, _ in run))
        run = []
    return runs


def absent_terms(question: str, snap: Snapshot) -> list[str]:
    """Content words (two characters or more) of the question that the knowledge base never uses.
    Reduplicated verbs (问问, 看看) are colloquial, not content."""
    skip = answer_type_words()
    out = []
    known_tokens = [t for t in tokenize(question) if t in snap.bm25.postings]
    for word, flag in _pos(focus_clauses(question)):
        if any(word in t or t in word for t in known_tokens if len(t) >= 2):
            continue  # PM2.5: jieba's POS cut says `pm2`, the tokenizer's `pm2.5` is in the KB
        content = flag in _CONTENT_FLAGS or (flag == "ns" and len(word) >= 3)  # 珠穆朗玛峰; not 中考 (tagged ns)
        if not content or word in STOPWORDS or word in skip or word in out:
            continue
        if _QUESTION_CHARS & set(word) or (len(word) == 2 and word[0] == word[1]):
            continue
        if len(word) >= 2 and not _known(word, snap):
            out.append(word)
    text = kb_text(snap)
    out += [run for run in _new_word_runs(focus_clauses(question)) if run not in text and run not in out]
    return out


def _weights(question: str, snap: Snapshot) -> dict[str, float]:
    """idf weight of each question word the KB knows (unknown words are the `absent` check's job;
    words that only name the kind of answer, 地方 or 名字, are no evidence either way)."""
    terms = snap.bm25.query_terms(question, use_synonyms=False)
    skip = answer_type_words()
    return {t: w * snap.bm25.idf(t) for t, w in terms.items() if t not in skip and _known(t, snap)}


def _covered(weights: dict[str, float], tokens: set[str]) -> float:
    total = sum(weights.values())
    if not total:
        return 0.0
    got = sum(w if t in tokens else (SYNONYM_CREDIT * w if synonyms_of(t) & tokens else 0.0) for t, w in weights.items())
    return got / total


def coverage(question: str, hits: list[Hit], snap: Snapshot, depth: int = 3) -> float:
    """Best share (idf-weighted) of the question's KB-known words found in one of the top passages."""
    weights = _weights(question, snap)
    return max((_covered(weights, set(tokenize(h.chunk.search_text()))) for h in hits[:depth]), default=0.0)


# Requests for general-assistant work; a policy Q&A answers questions about its documents.
TASK_REQUEST = re.compile(r"^(请|请你|帮我|给我|麻烦)?\s*(写|作|编|创作|生成)(一|个|首|篇|段|份|几)|翻译|译成|讲个笑话")


_SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]*")


def type_supported(kind: AskedType, weights: dict[str, float], hits: list[Hit], depth: int = 5,
                   min_share: float = 0.5) -> bool:
    """Some top passage has a sentence (with its neighbours) that carries an answer of the asked kind
    and most of the question's words: a figure next to the subject, not anywhere in the passage."""
    for hit in hits[:depth]:
        if kind.scope == "passage":
            text = normalise(hit.chunk.search_text())
            if kind.carries.search(text) and _covered(weights, set(tokenize(text))) >= min_share:
                return True
            continue
        sentences = [normalise(m.group(0)) for m in _SENTENCE.finditer(hit.chunk.text)]
        head = " ".join([hit.chunk.title, *hit.chunk.heading_path])
        for i, sentence in enumerate(sentences):
            if not kind.carries.search(sentence):
                continue
            window = head + "".join(sentences[max(0, i - 1):i + 2])
            if _covered(weights, set(tokenize(window))) >= min_share:
                return True
    return False


def assess(question: str, hits: list[Hit], snap: Snapshot, refuse_below: float, type_share: float = 0.5) -> Evidence:
    """Run the checks in order; the first failure refuses with a reason a user can read."""
    weights = _weights(question, snap)
    cov = max((_covered(weights, set(tokenize(h.chunk.search_text()))) for h in hits[:3]), default=0.0)
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
    ev.missing_entities = [e for e in entities(question) if not any(mentions(h, e) for h in hits)]
    if ev.missing_entities:
        ev.refuse, ev.kind, ev.reason = True, "entity", f"资料中没有提到：{'、'.join(ev.missing_entities)}"
        return ev
    ev.absent_terms = absent_terms(question, snap)
    if ev.absent_terms:
        ev.refuse, ev.kind, ev.reason = True, "absent", f"资料中没有提到：{'、'.join(ev.absent_terms)}"
        return ev
    for kind in asked_types(normalise(question)):
        if not type_supported(kind, weights, hits, min_share=type_share):
            ev.refuse, ev.kind, ev.reason = True, "type", f"资料中没有找到相关的{kind.name}"
            return ev
    if cov < refuse_below:
        ev.refuse, ev.kind, ev.reason = True, "weak", f"evidence too weak (coverage {cov:.2f} < {refuse_below:.2f})"
    return ev
