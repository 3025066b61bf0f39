"""The reader: which sentences of the knowledge base answer the question, for the place it asks about.

Every sentence of the retrieved passages (plus the few sentences anywhere in the index closest in
meaning to the question, whose passages join the hits) is scored by

- words: the idf-weighted share of the question's terms (synonyms at half weight) and of its
  character bigrams (colloquial words the documents never use still share characters);
- meaning: cosine between the question and the sentence, both embedded with the index's model
  (sentence vectors are made at ingest: rag/ingest/sentences.py);
- kind: it carries the kind of answer asked for (a count, an amount, a year …: asked_type.py);
- place: the places it speaks about (named in it, or inherited from its passage, headings and
  document region) against the places the question names.

How much each counts is learned (rag/evidence/sentence_ranker.py). The offline answerer composes from the
ranked sentences; the evidence check reads its features.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path


from rag.evidence.asked_type import AskedType, asked_types, counted_noun, kind_phrasing
from rag.evidence.kb_vocabulary import (colloquial_filler, colloquial_stem, known, names_nothing, only_counts,
                                        without_erhua)
from rag.evidence.place_parts import AGGREGATES, WHOLE_ASKED, around_asked, local_short, part_of, whole_places
from rag.evidence.places import _PUNCT, entities, is_place
from rag.evidence.question_parse import a_not_a, deictic_words, frames_question, modal_with_verb, pos_words
from rag.evidence.sentence_ranker import score as rank_score
from rag.evidence.sentence_ranker import ASKS_PROBLEM, signals
from rag.ingest.sentences import SPEAKER
from rag.retrieval.searcher import Filters, Hit
from rag.retrieval.snapshot import Snapshot
from rag.text.gazetteer import (LOCAL_SUFFIXES, contains, county_short_forms, division_named, divisions, forms,
                                sibling_short_forms,
                                full_name, place_names, region_place, short_form)
from rag.text.homophones import homophones
from rag.text.instructions import looks_like_instruction
from rag.text.sentence_split import split_sentences
from rag.text.text_match import STOPWORDS, glossary_heard, normalise, synonyms_of, tokenize, tokenize_plain
from rag.text.thesaurus import everyday_to_written

# Cosines of this embedding model crowd into 0.8–0.95; this band maps them onto 0..1.
SEM_FLOOR, SEM_SPAN = 0.85, 0.08
EXTRA_SENTENCES = 6  # closest sentences anywhere in the index whose passages join the hits

_YESNO = re.compile(r"([\u4e00-\u9fff])[不没]\1|吗[？?。]?$|是否|能否|可否|有没有|管不管|要不要|能不能|会不会|可不可以|"
                    r"了没有?[？?。]?$")  # 打通了没: has it been done
_LIST = re.compile(r"哪些|都有什么|都有啥|有什么|有啥|都(改|做|干|包括)(些|了)?(什么|啥)|包括什么|什么内容|哪几")
# 怎么 before a verb asks how (怎么推动, 怎么防止); 怎么样 asks what something is like, 怎么会 why
_HOW = re.compile(r"怎么办|怎么(?!样|回事|会|了|说)[\u4e00-\u9fff]|怎麼(?!樣)[\u4e00-\u9fff]|如何|怎样(?!了)|咋(整|办|弄)?|办法|措施|途径")
QUESTION_WORDS = re.compile(r"多少|几|什么|哪|啥|咋|怎|谁|吗|呢|是否|有没有|能不能|会不会|多大|多久|多长|多高|多远")
_WHY = re.compile(r"为什么|为何|为啥|原因|干嘛")
_ASKED_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_SINCE = re.compile(r"((?:19|20)\d{2})\s*年(?:以来|至今|起|开始)")
# The question asks a running total (2021年以来一共, 截至2023年累计), not one year's figure.
_ASKS_SPAN = re.compile(r"以来|至今|累计|一共|总共|共计|截至|截止|到现在|到目前|为止|年开始|年起")
# The question asks what is planned or comes next (钟楼区明年还打算改多少个老小区, 今年全国计划新开工多少个): a figure or a
# list is answered by a sentence that states a plan or the future, not by what has been done (先后改造近1900栋居民楼).
# 未来 only before a span or a verb (未来五年, 未来还要): 未来产业 names industries, not a time
_ASKS_FUTURE = re.compile(r"明年|后年|下一步|今后|接下来|往后|将来|未来(?=[\d一二三四五六七八九十几两]|一段|时期|还|会|要|将|打算|准备)|"
                          r"还(打算|准备|计划)|还要再|"
                          r"打算|准备(再|还)|计划(再|还|要|新|开工|改|完成|建|装|加|实施|推进|在)|今年(准备|的目标|目标|要)|"
                          r"再(改|建|装|加|修|弄)")
_STATES_FUTURE = re.compile(r"计划|将|未来|力争|目标|规划|预计|拟|明年|今后|下一步|到\s*20\d\d|要|打算|准备|争取|启动")
_HAS_NUMBER = re.compile(r"\d|[一二三四五六七八九十百千万亿两]+[个项部台家处栋户条座亿万]")


_HOW_WORDS = {"怎么", "怎样", "如何", "咋"}


def _asks_whether(question_norm: str) -> bool:
    """A yes/no question: not one whose A-not-A only describes what a how-question asks about (是怎么评价…干得好不好的)."""
    if not _HOW.search(question_norm):
        return bool(_YESNO.search(question_norm))
    return any(question_norm[m.end():m.end() + 1] != "的" for m in _YESNO.finditer(question_norm))


def answer_form(question_norm: str, kinds: list[AskedType]) -> str:
    """How the answer should be shaped: figure | list | yesno | how | why | fact."""
    if kinds and not _LIST.search(question_norm):
        return "figure"
    if _WHY.search(question_norm):
        return "why"
    if _LIST.search(question_norm):
        return "list"
    if _asks_whether(question_norm):
        return "yesno"
    if _HOW.search(question_norm):
        return "how"
    return "fact"


@dataclass
class Sentence:
    hit: int  # index into Reading.hits
    start: int  # span inside hits[hit].chunk.text
    end: int
    text: str
    about: list[str]
    lexical: float = 0.0
    semantic: float = 0.0  # raw cosine
    holds: bool = False  # carries the asked kind of answer
    on_place: bool = True  # speaks about the asked place (True when the question names none)
    score: float = 0.0
    place: str = ""  # the most specific place it speaks about, as a resident would name it
    focus: float = 0.0  # share of the question's subject words (not its place, not its question words) it names
    signals: dict = field(default_factory=dict)  # what the ranker scored (rag/evidence/sentence_ranker.py)
    whole: bool = True  # its figure is the asked place's own, not a part's (石景山's 173部 asked about 北京)
    around: bool = False  # about the division around the asked street: its area, but its figure is the division's


@dataclass
class Reading:
    question: str
    form: str
    kinds: list[AskedType]
    places: list[str]  # places the question asks about
    hits: list[Hit]  # the retrieved hits plus passages of sentences found by meaning
    sentences: list[Sentence] = field(default_factory=list)  # best first
    years: list[str] = field(default_factory=list)  # years the question asks about (2023年)
    national: bool = False  # asks about the whole country (全国): a district's figure is not the answer
    span: bool = False  # asks a running total (以来, 累计, 截至): a "since" sentence covers its later years
    future: str = ""  # asks what is planned or next (明年, 下一步 …: _ASKS_FUTURE), with no year of its own
    orgs: list[str] = field(default_factory=list)  # organisations the question names that the documents name (首开集团)
    unknown_share: float = 0.0  # share of the subject's weight in words the knowledge base never uses
    subject: dict[str, float] = field(default_factory=dict)  # the question's subject words and idf (subject_weights)
    asked: str = ""  # a follow-up's own words when they have a subject of their own (这是从哪年开始算的)
    subject_known: bool = True  # some subject word is one the documents use: focus can tell sentences apart

    @property
    def scoped(self) -> bool:
        """The question restricts where or when: only sentences about that place and period answer it."""
        return bool(self.places or self.years or self.national or self.future)

    @cached_property
    def counted(self) -> str:
        """What a count question counts, in the asker's own words (多少景 → 景; a follow-up's, not its rewrite's), or
        "" (no count asked, or the count names no noun)."""
        return counted_noun(normalise(self.asked or self.question)) if any(k.name == "数量" for k in self.kinds) else ""

    def scope_label(self) -> str:
        """How the answer names what was asked for: 石景山2023年, 全国."""
        where = ""
        for i, p in enumerate(self.places):
            # a street or village after its district reads as one name (石景山黄庄村), two places apart take 、
            inside = i and p.endswith(LOCAL_SUFFIXES) and not self.places[i - 1].endswith(LOCAL_SUFFIXES)
            where += ("" if inside or not i else "、") + _spoken(p)
        where = where or ("全国" if self.national else "")
        return where + "".join(f"{y}年" for y in self.years) + (self.future if self.future in ("明年", "后年") else "")

    def on_place(self) -> list[Sentence]:
        return [s for s in self.sentences if s.on_place]

    def off_place(self) -> list[Sentence]:
        return [s for s in self.sentences if not s.on_place]

    def answering(self) -> list[Sentence]:
        """Sentences whose answer is the asked place's own: about it, and not about a part of it when a sum is
        asked (the composer answers from these; the evidence check reads on_place)."""
        return [s for s in self.sentences if s.on_place and s.whole]

    def elsewhere(self) -> list[Sentence]:
        """Sentences about another place, or about a part of the asked one when a sum is asked."""
        return [s for s in self.sentences if not (s.on_place and s.whole)]

    def answered_on_place(self, depth: int = 8) -> bool:
        """Some well-ranked sentence about the asked place carries the asked kind of answer."""
        return any(s.on_place and s.whole and (s.holds or not self.kinds) for s in self.sentences[:depth])

    def best(self, on_place: bool = True) -> Sentence | None:
        pool = self.on_place() if on_place else self.off_place()
        return pool[0] if pool else None


def _spoken(place: str) -> str:
    """How an answer names a division: 石景山, 北京 — but 钟楼区 in full (钟楼 alone is a bell tower)."""
    short = short_form(place) if place in divisions() else place
    return short if len(short) >= 3 or any(d.level < 3 for d in divisions().get(place, [])) else place


# -- per-index caches ---------------------------------------------------------------------------
_PER_INDEX: dict[str, tuple[str, object]] = {}


def _per_index(name: str, snap: Snapshot, compute):
    """`compute(snap)`, kept until the index version changes (one version per cache name)."""
    version, value = _PER_INDEX.get(name, (None, None))
    if version != snap.version:
        value = compute(snap)
        _PER_INDEX[name] = (snap.version, value)
    return value


def kb_place_forms(snap: Snapshot) -> frozenset[str]:
    """The county short forms the knowledge base uses (钟楼 where it says 钟楼区) and those of the counties beside
    them, in the same city (通州, 丰台 beside 石景山; 武进 beside 钟楼): residents compare their own district with
    the ones the documents cover, and a bare two-character short form elsewhere is as likely a common word
    (新建, 西山, 江南). Cached per index version."""
    def forms_of(s: Snapshot) -> frozenset[str]:
        used = frozenset().union(*(county_short_forms(normalise(d.text)) for d in s.documents.values()))
        return used | sibling_short_forms(used)
    return _per_index("place_forms", snap, forms_of) if snap.documents else frozenset()


def kb_streets(snap: Snapshot) -> dict[str, str]:
    """The streets (街道) the knowledge base's sentences speak about, by the short name residents use for them
    (永红 → 永红街道), cached per index version."""
    def streets(s: Snapshot) -> dict[str, str]:
        names = {p for row in s.sentences for p in row.get("about", []) if p.endswith("街道")}
        return {short: name for name in sorted(names) if (short := local_short(name))}
    return _per_index("streets", snap, streets)


# how the documents count a kind of place (每年确定一批联系点小区, 这些试点社区)
_COUNTERS = ("一批", "一些", "这些", "那些", "多个", "若干", "每个", "各个")


def _kind_in_kb(entity: str, snap: Snapshot) -> bool:
    """Is a name-shaped phrase (联系点小区) one the documents write after a count? Then it is a kind of place
    there, not the name of one, and a question saying it asks about no place."""
    return entity not in place_names() and entity.endswith(LOCAL_SUFFIXES) and snap.mentions(entity) \
        and any(snap.mentions(c + entity) for c in _COUNTERS)


_ORG = re.compile(r"[\u4e00-\u9fff]{2,8}?(集团|公司|银行|协会|基金会|研究院|研究所|大学|学院)")
# a kind of organisation, no name (哪家物业公司, 国有企业)
_ORG_KIND = re.compile(r"^(物业|施工|建设|设计|监理|投资|国有|平台|运营|管理|上市|这家|那家|哪家|一家|什么|啥)")


def kb_orgs(question_norm: str, snap: Snapshot) -> list[str]:
    """The organisations the question names by a name the documents use (首开集团 in 首开集团在石景山改了多少个小区;
    jieba cuts it 首开|集团, so it is no entity to the certain checks): the shortest name ending the matched stretch
    that the documents mention."""
    out = []
    for m in _ORG.finditer(question_norm):
        stretch = m.group(0)
        names = [stretch[k:] for k in range(len(stretch) - len(m.group(1)) - 1)]
        name = next((n for n in reversed(names) if snap.mentions(n)), "")
        if name and not _ORG_KIND.match(name) and not QUESTION_WORDS.search(name):
            out.append(name)
    return out


def kb_entities(question: str, snap: Snapshot) -> list[str]:
    """The places and organisations the question names, each by the documents' own name where the word cutter
    glued a word of the question onto it (一下大雨金谷花园那边: the documents name 金谷花园, not 大雨金谷花园)."""
    return [_kb_name(e, snap) for e in entities(question, kb_place_forms(snap))]


_ESTATES_OF = ("小区", "社区")  # a street's short name with these names the street's estates (永红小区)


def _kb_name(entity: str, snap: Snapshot) -> str:
    suffix = next((x for x in LOCAL_SUFFIXES if entity.endswith(x)), "")
    if not suffix or entity in place_names() or snap.mentions(entity):
        return entity
    if suffix in _ESTATES_OF and (street := kb_streets(snap).get(entity[:-len(suffix)])):
        return street  # 永红小区: the estates of 永红街道, no estate of that name
    tails = (entity[k:] for k in range(1, len(entity) - len(suffix) - 1))
    if found := next((t for t in tails if snap.mentions(t)), None):
        return found
    # a name typed by its sound (鲁古街道 for the documents' 鲁谷街道): the one homophone spelling they use
    stem = entity[:-len(suffix)]
    spelt = {entity[:i] + alt + entity[i + 1:] for i, ch in enumerate(stem) for alt in homophones(ch)}
    spelt = {name for name in spelt if name != entity and snap.mentions(name)}
    return spelt.pop() if len(spelt) == 1 else entity


def asked_places(question: str, snap: Snapshot) -> list[str]:
    """The places a question asks about; a street said without its 街道 (那常州永红那边呢) is that street."""
    also = kb_place_forms(snap)
    found = [full_name(e) for e in kb_entities(question, snap) if is_place(e, also) and not _kind_in_kb(e, snap)]
    q_norm = normalise(question)
    for short, street in kb_streets(snap).items():
        if short in q_norm and not any(short in f for f in found):
            found.append(street)
    return found


def _place_matches(asked: str, about: list[str], region: str, text_norm: str) -> bool:
    """Does a sentence about `about` (in a document about `region`) speak about the asked place?"""
    if asked in divisions():
        for p in about:
            if p in divisions():
                if contains(asked, p):
                    return True
                # a sentence naming the city (北京) in a document about the asked district (石景山区)
                if contains(p, asked) and region and region != "全国" and contains(asked, region_place(region)):
                    return True
            elif asked_in_local(p, region, asked):
                return True
        return False
    # a street or community: the sentence, its inherited places or its passage must name it
    names = forms(asked)
    if any(n in text_norm for n in names) or any(n in p or p in n for p in about for n in names):
        return True
    bare = _PUNCT.sub("", text_norm)  # 古城南路东西小区 is written 古城南路东、西小区
    return any(_PUNCT.sub("", n) in bare for n in names)


def sibling_place(spec: str, asked: list[str]) -> bool:
    """The place a sentence speaks about (its most specific, the speaker's own district first) is a division
    beside an asked one, neither inside nor around it: naming the asked place (与海淀区联通, 联合五区) does not make
    the sentence about it, and its answer would be labelled with the other place."""
    if spec not in divisions():
        return False
    return any(p in divisions() and not contains(p, spec) and not contains(spec, p) for p in asked)


def asked_in_local(local: str, region: str, asked: str) -> bool:
    """A street (永红街道) of a document about 钟楼区 lies in 钟楼区."""
    return bool(region) and region != "全国" and contains(asked, region_place(region))


_CLAUSE_END = re.compile(r"[，。；：！？,;:!?\n]")
LEAD_CLAUSE_MAX = 30  # characters: an opening clause longer than this is a sentence, not a name


def document_topic(chunk, snap: Snapshot) -> str:
    """What the whole document is about, for every sentence in it: its title — or, for a document without a
    title line (ingest fell back to the file name), the opening clause of its text ("罗保铭，天津人。…").
    Encyclopaedic and news prose names its topic once and then leaves it implied (zero anaphora:
    "1984年6月至1985年1月任…"), so a later sentence still speaks about it."""
    if chunk.title != Path(chunk.source).stem:
        return chunk.title
    leads = snap._maps.setdefault("lead_clause", {})
    if chunk.doc_id not in leads:
        row = snap.chunk_row(f"{chunk.doc_id}#0")
        text = snap.chunks[row].text.strip() if row is not None else ""
        clause = _CLAUSE_END.split(text, 1)[0].strip() if text else ""
        leads[chunk.doc_id] = clause if len(clause) <= LEAD_CLAUSE_MAX else ""
    return leads[chunk.doc_id]


@lru_cache(maxsize=65536)
def _norm(text: str) -> str:
    """normalise() (OpenCC is the slow part of reading) for texts met again and again: sentences, passages."""
    return normalise(text)


def _as_place(name: str) -> str:
    """A region label (北京市石景山区) as the division it names (石景山区); other names unchanged."""
    return division_named(name) or name


def _most_specific(about: list[str], region: str) -> str:
    """永红街道 before 钟楼区 before 常州市; the document's own county when the sentence names its city."""
    local = [p for p in about if p not in divisions()]
    if local:
        return local[0]
    places = [p for p in about if p in divisions()]
    home = region_place(region) if region and region != "全国" else ""
    if home and home in divisions() and any(contains(p, home) for p in places):
        return home
    return max(places, key=lambda p: min(d.level for d in divisions()[p]), default="")


def _period_matches(years: list[str], text_norm: str, doc_date: str, span: bool = False) -> bool:
    """Does the sentence speak about the asked year(s)? Years it names, else 今年/去年 against the document's
    date, else the document's own year; undated text answers no year. A running total (2019年以来累计22万个)
    covers a later year only when the question asks a total up to it (`span`): it is not that year's figure."""
    named = stated_years(text_norm)
    doc_year = int(doc_date[:4]) if doc_date[:4].isdigit() else None
    if doc_year:
        named += [str(doc_year)] * ("今年" in text_norm) + [str(doc_year - 1)] * ("去年" in text_norm)
    since = [int(y) for y in _SINCE.findall(text_norm)] if span else []
    if named:
        return all(y in named or any(int(y) >= s for s in since) for y in years)
    return doc_year is not None and all(int(y) == doc_year for y in years)


_COMPARED = re.compile(r"(较|比|相比|对比|同比|跟|和|与|同)$")
_COMPARED_AFTER = re.compile(r"^(相?比|对比)")


def stated_years(text_norm: str) -> list[str]:
    """The years a text states its facts for; a comparison base (较2020年增长15倍, 跟2020年比降了多少) is not one."""
    return [m.group(1) for m in _ASKED_YEAR.finditer(text_norm)
            if not _COMPARED.search(text_norm[max(0, m.start() - 2):m.start()])
            and not _COMPARED_AFTER.search(text_norm[m.end():m.end() + 2])]


_FULL_STOP = re.compile(r"[。！？!?\n]")
_OPENING_CLAUSE = re.compile(r"^[^，,：:；;]*")


def _opening(text: str, start: int) -> str:
    """The opening clause of the full sentence a ；-clause continues, when it states a year: "2024年,中关村石景山园
    实现收入…;…;PCT专利申请量412件" — the year governs every clause after it."""
    ends = [m.end() for m in _FULL_STOP.finditer(text, 0, start)]
    head = text[ends[-1] if ends else 0:start]
    if not head.strip():
        return ""
    clause = _norm(_OPENING_CLAUSE.match(head.strip()).group(0))
    return clause if _ASKED_YEAR.search(clause) else ""


_CLAUSE_STOP = re.compile(r"[，,；;。！？!?]")


def _through_figure(text_norm: str, kinds: list[AskedType]) -> str:
    """The sentence up to the end of the last clause that carries a figure of the asked kind."""
    ends = [m.end() for k in kinds for m in k.carries.finditer(text_norm)]
    if not ends:
        return text_norm
    stop = _CLAUSE_STOP.search(text_norm, max(ends))
    return text_norm[:stop.start()] if stop else text_norm


def _before_figure(text_norm: str, kinds: list[AskedType]) -> str:
    """The sentence up to its first figure of the asked kind: whose figure it is is said before it (钟楼区…先后改造近
    1900栋); a place named after it (…33台,…入围常州市2023年度…案例) is another clause's."""
    starts = [m.start() for k in kinds for m in k.carries.finditer(text_norm)]
    return text_norm[:min(starts)] if starts else text_norm


def _bigrams(text: str) -> set[str]:
    chars = [c for c in text if "\u4e00" <= c <= "\u9fff" or c.isalnum()]
    return {a + b for a, b in zip(chars, chars[1:])}


def _question_bigrams(question_norm: str) -> set[str]:
    """Character bigrams of the question's content (question words and function words removed)."""
    from rag.text.text_match import jieba_instance

    words = [w for w in jieba_instance().cut(question_norm, HMM=False)
             if w.strip() and w not in STOPWORDS and not set(w) & set("哪什几多谁怎啥么吗呢吧啊呀嘛咋")]
    return set().union(*(_bigrams(w) for w in words)) if words else set()


def read(question: str, hits: list[Hit], snap: Snapshot, query_vector=None, embedder=None,
         filters: Filters | None = None, extra: int = EXTRA_SENTENCES, asked: str | None = None) -> Reading:
    """Score every sentence of the hits (and of the closest sentences by meaning) for the question.

    `asked` is a follow-up's own words when `question` is its rewrite with the previous turn ("有多少人受益"
    → "钟楼区改造了多少栋居民楼，有多少人受益"): the rewrite brings the place and the topic, but when the
    follow-up has a subject of its own, its own words say what is asked — its kind and its subject — so the
    previous turn's fact (近1900栋) is not given again as the answer."""
    q_norm = normalise(question)
    asked_norm = normalise(asked) if asked else ""
    places, own_kinds, own = follow_up_reading(question, asked, snap)
    # a follow-up that asks a kind of its own asks that kind, whether or not it names a subject (一共印了几批 after
    # …是谁编的: a count, no longer a person)
    # …; a follow-up asking which ones of a subject of its own (往后还要改哪几个棚户区 after …惠及多少户) asks a list,
    # not the previous turn's count
    kinds = own_kinds or ([] if own and _LIST.search(asked_norm) else asked_types(q_norm))
    reading = Reading(question, answer_form(asked_norm if own else q_norm, kinds), kinds, places, list(hits),
                      # 那到2025年呢: its own year; a follow-up with a subject of its own (那西山绿道吸引了多少游客 after
                      # 2024年首钢园…) asks about its own fact, not in the previous question's year
                      years=list(dict.fromkeys(stated_years(asked_norm) or ([] if own else stated_years(q_norm)))),
                      national="全国" in q_norm, span=bool(_ASKS_SPAN.search(asked_norm if own else q_norm)))
    reading.orgs = kb_orgs(asked_norm or q_norm, snap)
    if reading.form in ("figure", "list") and not reading.years:
        future = _ASKS_FUTURE.search(asked_norm if own else q_norm)
        reading.future = future.group(0) if future else ""
    if query_vector is None and embedder is not None and snap.has_sentence_vectors:
        query_vector = embedder.embed_query(q_norm)
    use_sem = query_vector is not None and snap.has_sentence_vectors
    if use_sem and extra:
        _add_closest(reading, snap, query_vector, filters, extra)
    sem = snap.sentence_similarity([j for h in reading.hits for j in snap.sentence_rows(h.chunk.chunk_id)],
                                   query_vector) if use_sem else {}

    terms = snap.bm25.query_terms(question, use_synonyms=True)
    weights = {t: w * snap.bm25.idf(t) for t, w in terms.items()}
    if own:  # as for the subject: a sentence matching only the previous turn's words does not answer the follow-up
        own_terms = snap.bm25.query_terms(asked, use_synonyms=True)
        weights = {t: w * (1.0 if t in own_terms else CONTEXT_WEIGHT) for t, w in weights.items()}
    total = sum(weights.values()) or 1.0
    reading.subject = subject_weights(question, snap, reading.places, kinds)
    if own:  # the follow-up's own subject leads; the previous turn's words only keep it on topic
        reading.asked = asked
        reading.subject = {**{t: CONTEXT_WEIGHT * w for t, w in reading.subject.items()}, **own}
    kb_words = {t: w for t, w in reading.subject.items() if known(t, snap)}
    total_subject = sum(reading.subject.values())
    reading.unknown_share = 1.0 - sum(kb_words.values()) / total_subject if total_subject else 0.0
    # A word the documents never use (改完, 一锅粥, 家里) is in no sentence: it cannot tell the sentence that
    # answers from one that does not, and as the rarest word it would only pull every sentence's focus down.
    # Focus counts the words they use; how much of the subject lies outside them is its own feature.
    focus_words = kb_words or reading.subject
    reading.subject_known = bool(kb_words)
    said = said_as(q_norm, focus_words)
    q_grams = _question_bigrams(q_norm)
    # a count or an amount sums over a place (the figure form always has an asked kind)
    aggregate = reading.form == "figure" and all(k.name in AGGREGATES for k in kinds)
    wholes = whole_places(reading.places) if aggregate else []
    whole_asked = bool(WHOLE_ASKED.search(asked_norm or q_norm))
    top = max((h.score for h in reading.hits), default=1.0) or 1.0
    problem_asked = bool(ASKS_PROBLEM.search(asked_norm or q_norm))
    out: list[Sentence] = []
    for i, hit in enumerate(reading.hits):
        where = _norm(hit.chunk.search_text()) if reading.places else ""
        head = _norm(" ".join([document_topic(hit.chunk, snap), *hit.chunk.heading_path]))
        rows = snap.sentence_rows(hit.chunk.chunk_id)
        spans = [(snap.sentences[j]["start"], snap.sentences[j]["end"], snap.sentences[j]["about"], j)
                 for j in rows] if rows else [(s, e, [], None) for s, e in split_sentences(hit.chunk.text)]
        named_in = {j: snap.sentences[j]["places"] for j in rows}
        prior = max(hit.score, 0.0) / top
        for s, e, about, j in spans:
            about = [_as_place(p) for p in about]
            text = hit.chunk.text[s:e]
            if text.rstrip("”」』）)")[-1:] in "?？" or looks_like_instruction(text):
                continue  # the document's own rhetorical questions, and text that addresses a model
            norm = _norm(text)
            context = context_of(norm, hit.chunk.text[:s], lambda: _previous_passage(hit.chunk, snap))
            region = hit.doc.meta.region
            if region and region != "全国" and SPEAKER.search(norm):
                # 我们…建成40.2公里西山绿道,实现与海淀区联通: the speaker's own district is what it is about
                about = [*about, _as_place(region)]
            lex_terms = sum(w for t, w in weights.items() if t in norm) / total
            lex_grams = len(q_grams & _bigrams(norm)) / len(q_grams) if q_grams else 0.0
            lexical = 0.7 * lex_terms + 0.3 * lex_grams
            semantic = sem[j] if j in sem else hit.cosine
            # every asked kind: 每平方米多少钱 wants a price per m², not any amount of money
            holds = all(k.held_by(norm) or (context and k.scope == "passage" and k.held_by(f"{context} {norm}"))
                        for k in kinds) if kinds else False
            on = all(_place_matches(p, about, hit.doc.meta.region, where)
                     for p in reading.places) if reading.places else True
            if on and reading.years:
                dated = norm if stated_years(norm) else _opening(hit.chunk.text, s) + norm
                on = _period_matches(reading.years, dated, hit.doc.meta.date, reading.span)
            if on and reading.future:  # a plan stated in the sentence, or in the title of a plan (未来五年工作重点…)
                on = bool(_STATES_FUTURE.search(norm) or _STATES_FUTURE.search(head))
            # a sentence listing several provinces and cities (组织山东、浙江两省和上海、苏州等8个城市深化试点) is the nation's
            # programme speaking of where it went, not one place's figure
            nationwide = reading.national and _lists_places(about)
            if on and reading.national:  # a sentence about one district is not the national figure
                # 全国 must scope the figure, not stand in a title after it (…24.48平方米,…获评“全国文明城区”)
                on = "全国" in _through_figure(norm, kinds) or not any(p != "全国" for p in about) or nationwide
            # nor is one district's figure the city's, or one street's the district's: the sentence is about the
            # asked place (the evidence check reads that), but its figure is not the asked place's
            # a street or estate named only after the figure (…5000万元人才发展专项资金,运营景贤小镇) is what a later
            # clause acts on, unless the passage already speaks about a part (永红街道's section: …19464户,永红片区…)
            inherited_part = any(p not in divisions() and p not in named_in.get(j, ()) for p in about)
            counted = norm if inherited_part else _through_figure(norm, kinds)
            whole = not (on and wholes and any(part_of(p, about, region, counted, q_norm, whole_asked) for p in wholes))
            sem_n = min(max((semantic - SEM_FLOOR) / SEM_SPAN, 0.0), 1.0)
            focus = _focus(focus_words, f"{norm} {context}" if context else norm, head, said)
            # the asked kind counts fully only beside the asked subject (a year in a planning title is no answer);
            # how much each signal counts is learned (sentence_ranker.py)
            spec = _most_specific(about, hit.doc.meta.region)
            if nationwide:
                spec = "全国"  # the places it lists are where the nation's programme went, none is whose figure it is
            around = ""
            if on and aggregate and j is not None:
                around = next(filter(None, (around_asked(p, named_in.get(j, []), region, norm, _before_figure(norm, kinds))
                                            for p in reading.places)), "")
                if around:
                    on, spec = False, around  # its figure is the district's, not the asked street's
            if on and reading.places and sibling_place(spec, reading.places):
                on = False  # 我们…建成40.2公里西山绿道,实现与海淀区联通 speaks about 石景山, not 海淀区 it reaches
            if on and wholes and whole and counted != norm \
                    and any(part_of(p, about, region, norm, q_norm, whole_asked) for p in wholes):
                spec = wholes[0]  # the place named after the figure (运营景贤小镇) is not whose figure it is
            sig = signals(lexical, sem_n, holds, focus, prior, text, reading.form, bool(kinds), problem_asked)
            score = rank_score(sig)
            out.append(Sentence(i, s, e, text, list(about), lexical, semantic, holds, on, score, spec, focus, sig,
                                whole, bool(around)))
    # the same sentence through overlapping chunks: keep its best-scored copy
    seen: dict[str, Sentence] = {}
    for sent in sorted(out, key=lambda x: -x.score):
        seen.setdefault(_norm(sent.text), sent)
    reading.sentences = list(seen.values())
    return reading


NATIONWIDE_PLACES = 3  # places a sentence lists to speak for the nation's programme, not for one of them


def _lists_places(about: list[str]) -> bool:
    """Does the sentence list several places none of which lies in another (山东、浙江两省和上海、苏州), rather than
    one place and the divisions around it (常州市钟楼区永红街道)?"""
    names = set(about) - {"全国"}
    apart = [p for p in names if not any(q != p and (contains(q, p) or contains(p, q)) for q in names)]
    return len(apart) >= NATIONWIDE_PLACES
CONTEXT_WEIGHT = 0.25  # a follow-up's inherited subject words, against its own


def follow_up_reading(question: str, asked: str | None, snap: Snapshot) -> tuple[list[str], list[AskedType],
                                                                                  dict[str, float]]:
    """(asked places, the follow-up's own asked kinds, its own subject words) for `question`, the rewrite of the
    follow-up `asked` (no follow-up: the question's places, [], {}). A follow-up naming its own place asks about it,
    not about the previous turn's (石景山那边物业有上红榜的吗 after a question about 永红): the rewrite glued both."""
    places = (asked_places(asked, snap) if asked else []) or asked_places(question, snap)
    own_kinds = asked_types(normalise(asked)) if asked else []
    own = subject_weights(asked, snap, places, own_kinds) if asked else {}
    return places, own_kinds, own


def subject_weights(question: str, snap: Snapshot, places: list[str], kinds: list[AskedType]) -> dict[str, float]:
    """The question's subject words with their idf: what the asked fact is about (人人社区示范点 in
    石景山打造了几个人人社区示范点), without its place, its question words and the words that phrase the kind
    of answer (古时候叫什么名字, 多少钱)."""
    place_forms = {f for p in places for f in forms(p)} | set(places)
    question = without_places(normalise(question), places)  # 永红装了几部电梯 cuts 永|红装 with the name in
    phrasing = kind_phrasing(question, kinds)
    counted = any(k.name == "数量" for k in kinds)
    words = pos_words(question)
    framing = {w for w, f in words if frames_question(w, f)} | deictic_words(words)
    # 怎么评价: a word that names a kind of answer (评价 of 获得什么评价) is what is asked when 怎么 makes it a verb
    how_done = {w for (prev, _), (w, _) in zip(words, words[1:]) if prev in _HOW_WORDS and len(w) >= 2}
    whether = a_not_a(question)
    made = set().union(*(m for _, m in whether))
    out = {}
    for t, w in snap.bm25.query_terms(question, use_synonyms=False).items():
        if t in made:
            continue
        if (names_nothing(t, snap, phrasing, counted) and t not in how_done) or only_counts(t, question) \
                or without_erhua(t) in STOPWORDS \
                or colloquial_filler(t, question, words, snap) \
                or QUESTION_WORDS.search(t) \
                or t in framing or frames_question(t, "") or _points_or_modal(t) \
                or any(t in f or f in t for f in place_forms):
            continue
        out[t] = w * snap.bm25.idf(t)
    for verb, _ in whether:  # 改不改: whether 改 — the verb, as the documents would write it
        if snap.knows(verb) and verb not in out and not any(verb in t for t in out) \
                and not any(verb in f for f in place_forms):
            out[verb] = snap.bm25.idf(verb)
    # an everyday expression of the glossary (挖了又挖, 下不了楼) cut into single characters names nothing, yet it says
    # what is asked about: the documents' term for it (多次开挖, 悬空老人) is a subject word, and so it is for a word
    # the documents never use that the cutter glued around the expression (能|白住 cut as 能白住). An expression that
    # is a subject word the documents know (遛弯 ~ 步道) counts its terms as synonyms (_focus), not as more words.
    for term, found in glossary_heard(question):
        glued = [t for t in out if any(w in t and w != t for w in found) and not known(t, snap)]
        if not glued and any(w in t or t in w or (t in tokenize(w) and t != w)
                             for w in found for t in out if known(t, snap)):
            continue  # a known subject word says it already (遛弯 ~ 步道); 腿脚 of 腿脚不好 is no word the documents use
        for t in glued:
            del out[t]
        for t in tokenize(term):
            if t not in out and len(t) >= 2 and t not in STOPWORDS and snap.knows(t) \
                    and not any(t in f or f in t for f in place_forms):
                out[t] = snap.bm25.idf(t)
    return out


# a speaker's turn in a transcript (曹世辉:谢谢主持人…), and a sentence that points back to the one before it
# (这个问题我们有请…副区长曹世辉先生来回答: the question is the reporter's, just before)
_SPEAKER_TURN = re.compile(r"^[\u4e00-\u9fff]{2,4}[:：]")
_REFERS_BACK = re.compile(r"^[^。！？!?]{0,20}?(这个问题|这一问题|此问题|对此|上述问题)")
_LABEL = re.compile(r"^[\u4e00-\u9fff]{2,5}$")


def context_of(sentence_norm: str, before: str, previous_passage) -> str:
    """What a sentence leaves to the text before it (`before`: its passage up to it; `previous_passage()`: the
    passage before that one): the question it answers or hands on (这个问题我们有请…来回答, the reporter's question
    just before), or the role a transcript's label line gives the speaker whose turn it opens (主持人 / 叶昶:…).
    "" when it stands alone."""
    turn, refers = _SPEAKER_TURN.match(sentence_norm), _REFERS_BACK.search(sentence_norm)
    if not (turn or refers):
        return ""  # most sentences: the text before them is not read (normalising it is the slow part)
    lines = [_norm(x).strip() for x in before.splitlines() if x.strip()]
    label = lines[-1] if lines and _LABEL.match(lines[-1]) else ""
    said = [x for x in lines if not _LABEL.match(x)]
    context = []
    if turn and label:
        context.append(label)
    if refers:
        earlier = said[-1] if said else "".join(x for x in _norm(previous_passage()).splitlines()
                                                   if x.strip() and not _LABEL.match(x.strip()))
        context.append(earlier[-200:])
    return " ".join(context)


def _previous_passage(chunk, snap: Snapshot) -> str:
    """The text of the passage before this one in its document ("" for the first)."""
    doc, _, n = chunk.chunk_id.rpartition("#")
    row = snap.chunk_row(f"{doc}#{int(n) - 1}") if n.isdigit() and int(n) > 0 else None
    return snap.chunks[row].text if row is not None else ""


def _points_or_modal(term: str) -> bool:
    """A demonstrative with one character (那能, 这就: it points and frames) or a modal with a one-character verb
    (能用): one token to the index's tokenizer, and nothing asked about."""
    return len(term) == 2 and (term[0] in "这那" or modal_with_verb(term))


def without_places(question_norm: str, places: tuple[str, ...] | list[str]) -> str:
    """The question with the asked places' names (and a street's short name, 永红 of 永红街道) blanked out: the
    word cutter would otherwise glue a name's last character to the next word (永红装 → 永|红装, 红装 a word the
    documents never use) and the place would be read as a subject."""
    names = {f for p in places for f in (*forms(p), local_short(p)) if len(f) >= 2}
    for name in sorted(names, key=len, reverse=True):
        # 永红片区 asked as 永红街道: the suffix said after the short name is part of the name, not a subject word
        question_norm = re.sub(re.escape(name) + _ANY_LOCAL_SUFFIX, " ", question_norm)
    return question_norm


_ANY_LOCAL_SUFFIX = "(?:" + "|".join(LOCAL_SUFFIXES) + ")?"


def said_as(question_norm: str, words) -> dict[str, tuple[str, ...]]:
    """The documents' terms for the glossary expressions heard in the question, by each subject word inside
    them: 护理 and 保险 of 护理的那个保险 (heard as 护理保险) are said 长护险 in the documents. Only where the
    expression is heard, and only an expression that shares no word with the term: 搬迁补偿 (→ 搬迁) and 物业公司
    (→ 物业管理机构) name the term and add what it does not say (补偿, 公司)."""
    out: dict[str, set[str]] = {}
    for term, found in glossary_heard(question_norm):
        term_words = set(tokenize_plain(term))
        for t in words:
            if len(t) >= 2 and t != term \
                    and any(t in w and not term_words.intersection(tokenize_plain(w)) for w in found):
                out.setdefault(t, set()).add(term)
    return {t: tuple(terms) for t, terms in out.items()}


def _focus(weights: dict[str, float], sentence_norm: str, head_norm: str,
           said: dict[str, tuple[str, ...]] | None = None) -> float:
    """Share of the subject words (or a synonym of each, or the documents' term for the expression it is part
    of: `said`) in the sentence or its section heading."""
    total = sum(weights.values())
    if not total:
        return 1.0
    where = sentence_norm + " " + head_norm
    said = said or {}
    return sum(w for t, w in weights.items() if t in where or any(x in where for x in synonyms_of(t))
               or any(x in where for x in everyday_to_written(t))  # 爬山 said, 登山 written; 沾光 → 受益 → 惠及
               or any(x in where for x in said.get(t, ()))
               or ((stem := colloquial_stem(t)) and stem in where) or _contracted(t).search(where)) / total


NEVER = re.compile(r"(?!)")


@lru_cache(maxsize=8192)
def _contracted(word: str) -> re.Pattern:
    """A compound said short that the documents write in full: 总面积 in 总建筑面积, 助餐点 in 助餐服务点 — the
    word's characters in order with one or two others inserted at one place (within a clause). Words of two
    characters are left out: 改造 would then match 改建造."""
    if len(word) < 3 or not all("\u4e00" <= c <= "\u9fff" for c in word):
        return NEVER
    return re.compile("|".join(re.escape(word[:i]) + r"[^，。；、,;\s]{1,2}" + re.escape(word[i:])
                               for i in range(1, len(word))))


def _add_closest(reading: Reading, snap: Snapshot, query_vector, filters, extra) -> None:
    """Passages holding the sentences closest in meaning join the hits (a colloquial question whose words
    the documents never use still reaches 悬空老人下楼难)."""
    have = {h.chunk.chunk_id for h in reading.hits}
    added = 0
    for j, sim in snap.closest_sentences(query_vector, extra * 3):
        chunk_id = snap.sentences[j]["chunk_id"]
        row = snap.chunk_row(chunk_id)
        if chunk_id in have or row is None:
            continue
        chunk = snap.chunks[row]
        doc = snap.documents[chunk.doc_id]
        if filters is not None and not filters.allows(doc):
            continue
        have.add(chunk_id)
        reading.hits.append(Hit(len(reading.hits) + 1, 0.0, chunk, doc, 0.0, sim, 0.0, frozenset(snap.tokens[row])))
        added += 1
        if added >= extra:
            break


def has_number(text_norm: str) -> bool:
    return bool(_HAS_NUMBER.search(text_norm))


def place_predicate(places: list[str], snap: Snapshot):
    """Chunk → does it (its text, headings, title or its document's region) name every asked place?"""
    wanted = [forms(p) for p in places]

    def about(chunk) -> bool:
        where = _norm(chunk.search_text()) + " " + normalise(snap.documents[chunk.doc_id].meta.region)
        return all(any(f in where for f in names) for names in wanted)
    return about
