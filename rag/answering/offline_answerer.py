"""The embedded default answerer: extractive, offline, no model download.

It composes from the reader's ranked sentences (rag/evidence/reader.py) by the kind of question:
a figure leads with the sentence that holds it and names its place; a list gathers items across
passages; a yes/no question the documents do not settle says so, then what they do say; a place
the documents hold no figure for is said plainly before another place's figure is given as such
("资料中没有石景山的这个数字；钟楼区的情况是：…【1】"). Quotes are whole clauses of a passage, each
followed by its marker 【n】; the only other text is that framing, never a fact.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from rag.answering.citation_check import match_form
from rag.evidence.asked_type import LEVEL_KINDS, counts, generic_count
from rag.evidence.kb_vocabulary import verb_with_result
from rag.evidence.places import mentions
from rag.evidence.reader import Reading, Sentence, read
from rag.evidence.sentence_ranker import names_difficulty, states_problem
from rag.retrieval.searcher import Hit
from rag.retrieval.snapshot import Snapshot
from rag.text.gazetteer import forms, short_form
from rag.text.sentence_split import split_sentences
from rag.text.text_match import STOPWORDS, normalise, said_for, synonyms_of, tokenize
from rag.text.thesaurus import everyday_to_written

_CLAUSE = re.compile(r"[^，,：:；;。！？!?]+[，,：:；;。！？!?]*[”」』）)]*")
FIGURE_CHARS = 70  # a figure answer quotes the clauses around the figure, not the whole sentence
RELATIVE = 0.75  # a further sentence must score this share of the best one
FOCUS_MIN = 0.1  # least share of the question's subject words a sentence with the asked figure must name
OTHER_PLACE_FOCUS = 0.6  # another place's figure that names this much of the subject outranks a vague local one
MIN_CUT = 20  # a further sentence cut shorter than this to fit what length is left says nothing (钟楼区坚持规划先行。)
SETTLED = 0.6  # a yes/no question is settled by a sentence holding this share of its words


@dataclass
class Composed:
    pieces: list[tuple[str, int | None]] = field(default_factory=list)  # (text, hit index or None for framing)
    other_place: bool = False  # the asked fact is given only for another place
    unsettled: bool = False  # a yes/no question the documents do not settle (what they do say follows)
    missing: str = ""  # when nothing answers: what the documents lack, in plain words (充电桩的数量)

    @property
    def framing(self) -> list[str]:
        return [t for t, i in self.pieces if i is None]


class OfflineAnswerer:
    name = "offline"

    def __init__(self, max_chars: int = 200, max_sentences: int = 3):
        self.max_chars, self.max_sentences = max_chars, max_sentences

    def compose(self, reading: Reading) -> Composed:
        out = Composed()
        if not reading.sentences:
            return out
        figure = reading.form == "figure"
        # a figure answers only next to what it counts: 2035年 in a planning sentence is no count of 示范点. When
        # the documents use none of the subject's words (空气变好了没, 雾霾少了多少), focus is 0 for every sentence and
        # says nothing: the evidence check has already judged the question answerable, the asked kind decides
        fits = (lambda s: s.holds and (s.focus >= FOCUS_MIN or not reading.subject_known)) if figure \
            else (lambda s: True)
        on = [s for s in reading.answering() if fits(s)]
        if reading.orgs and reading.form in ("figure", "list"):
            # 首开集团在石景山改了多少个小区: the figure must be the organisation's, said where its passage names it (the
            # sentence is in it), not the district's own total (106个)
            on = [s for s in on if all(mentions(reading.hits[s.hit], o) for o in reading.orgs)]
            if not on:
                out.missing = f"{'、'.join(reading.orgs)}的这个{'数字' if figure else '内容'}"
                return out
        levels = [k.name for k in reading.kinds if k.name in LEVEL_KINDS]
        if levels and not any(s.holds for s in on):
            # 试点选了哪几栋楼: no sentence about the asked place names a building (…危旧楼房改建试点工作…麻峪村), whatever
            # the evidence check made of the words the best one shares with the question
            out.missing = f"这个问题问的{levels[0]}"
            return out
        noun = reading.counted if figure else ""
        if noun:
            # 钟楼区有几个小区评上了…: a sentence counting 小区 answers, one with another count (1900栋) does not;
            # when only another place's sentence counts them, the documents give the count for that place
            counting = [s for s in on if _counts(noun, normalise(s.text))]
            best = on[0].score if on else 0.0
            elsewhere = [s for s in reading.elsewhere() if fits(s) and s.score >= best]
            if counting or any(_counts(noun, normalise(s.text)) for s in elsewhere):
                on = counting
            elif generic_count(normalise(reading.asked or reading.question)) \
                    and not any(_counts(noun, normalise(s.text), any_part=True) for s in reading.sentences):
                # 多少个充电桩: no sentence read counts 充电桩, and 个 says nothing of what 电梯33台 counts
                out.missing = f"{noun}的数量"
                return out
        if figure and on and reading.scoped:
            # the asked figure stated for another place, beside what is counted, while every sentence about the
            # asked place barely names it: the documents give this figure only for the other place
            off_focus = max((s.focus for s in reading.elsewhere() if s.holds and s.score >= 0.3), default=0.0)
            if off_focus >= OTHER_PLACE_FOCUS and max(s.focus for s in on) < off_focus / 2:
                on = []
        if figure and not on and not reading.scoped:
            return out  # no sentence carries the asked kind of answer
        if reading.scoped and not on:
            off = [s for s in reading.elsewhere() if fits(s) and s.score >= 0.3]
            if not off:
                return out
            off.sort(key=lambda s: not s.on_place)  # a part of the asked place (永红片区 of 钟楼区) before elsewhere
            asked = reading.scope_label()
            when = {"时间", "年份", "日期", "时长"} & {k.name for k in reading.kinds}
            # 啥时候动: no 数字; 谁来管, 在哪: a name or a place is no 数字 either
            worded = any(k.group in ("name", "org", "place") for k in reading.kinds)
            what = "这个时间" if figure and when else "这个数字" if figure and not worded else "这方面的内容"
            out.pieces.append((f"资料中没有{asked}的{what}；", None))
            lead = off[0]
            text = _clauses(lead.text, reading, self.max_chars - 30)
            out.pieces.append((f"{_place_label(lead) or '全国'}的情况是：{text}", lead.hit))
            out.other_place = True
            return out
        chosen = self._select(on, reading)
        if reading.form == "how" and (problem := next((s for s in chosen if names_difficulty(s.text)), None)):
            # a how-question is met where the documents name its difficulty (直面达成共识难、资金筹措难等问题): that
            # sentence leads, with the ways that follow it, even where a sentence from further on in its paragraph
            # scored a little higher. Not any 问题 (小问题3小时内解决 names no difficulty)
            chosen = [problem] + [s for s in chosen if s is not problem]
        if reading.form == "how" and chosen and states_problem(chosen[0].text):
            # how a problem is met: a paragraph that names the problem goes on with the ways it is met (…直面达成共识难
            # …问题。…发挥街道社区基层组织作用,将党建引领、居民协商作为基本工作法…), sentences that need not repeat the
            # question's words; they follow it in document order, before sentences from elsewhere
            after = _paragraph_after(reading, chosen[0])
            chosen = chosen[:1] + after + [s for s in chosen[1:] if not any(_overlap(s.text, a.text) > 0.6 for a in after)]
        if reading.form == "yesno" and chosen and chosen[0].lexical < SETTLED \
                and not states_claim(chosen[0].text, reading.question, reading.places):
            out.pieces.append(("资料没有直接回答这个问题，相关的内容是：", None))
            out.unsettled = True
        if reading.form == "list" and chosen:
            # a list reads in document order, and the rest share what length is left in that order (their scores are
            # near-ties); the best sentence takes its length first, so it is never the one cut to a fragment or left out
            chosen = chosen[:1] + sorted(chosen[1:], key=lambda s: (s.hit, s.start))
        budget = self.max_chars
        # who or which body: a name is no figure among figures, and the clause naming it may lie far from the one
        # the kind matched (谁在管着运营: …在区委区政府的指导下,…形成了“政府主导,国企运作,专业化团队运营”的特色模式)
        named = any(k.group in ("name", "org") for k in reading.kinds)
        quoted = []
        for n, s in enumerate(chosen):
            # a figure is one clause or a few around it; explanations may take a whole sentence
            text = _clauses(s.text, reading, min(budget, FIGURE_CHARS if figure and not named else 150))
            # the place a sentence speaks about leads a figure; not an answer that is itself a place, where the label
            # would read as the answer (基隆：严长寿，出生于上海市)
            if n == 0 and (figure or reading.scoped) and not any(k.group == "place" for k in reading.kinds):
                label = _place_label(s)
                if label and short_form(label) not in text[:12]:
                    text = f"{label}：{text}"
            if n and (len(text) > budget or _stub(text, s.text, reading)):
                continue
            quoted.append((s, text))
            budget -= len(text)
        if reading.form == "list":
            quoted.sort(key=lambda q: (q[0].hit, q[0].start))
        for s, text in quoted:
            out.pieces.append((text, s.hit))
            if note := relative_year_note(text, reading.hits[s.hit].doc.meta.date):
                out.pieces.append((note, None))
        return out

    def _select(self, pool: list[Sentence], reading: Reading) -> list[Sentence]:
        if not pool:
            return []
        best = pool[0].score
        limit = {"figure": 2, "list": 4, "yesno": 2, "how": 3, "why": 3}.get(reading.form, self.max_sentences)
        chosen: list[Sentence] = []
        for s in pool:
            if len(chosen) >= min(limit, max(self.max_sentences, 2 if reading.form != "list" else 4)):
                break
            if s.score < RELATIVE * best:
                break
            if any(_overlap(s.text, c.text) > 0.6 for c in chosen):
                continue
            chosen.append(s)
        return chosen

    def stream(self, question: str, hits: list[Hit], snap: Snapshot, reading: Reading | None = None) -> Iterator[str]:
        """Yield the answer piece by piece, each quote with its marker 【n】 (n = hit position + 1)."""
        reading = reading or read(question, hits, snap)
        for text, i in self.compose(reading).pieces:
            yield text if i is None else f"{close_sentence(text)}【{i + 1}】"


_RELATIVE_YEAR = {"去年": -1, "今年": 0, "明年": 1, "前年": -2}


def relative_year_note(text: str, doc_date: str) -> str:
    """去年 / 今年 in a quote mean the year of the document's date: say which year explicitly."""
    if not re.match(r"(19|20)\d{2}", doc_date or ""):
        return ""
    year = int(doc_date[:4])
    found = [w for w in _RELATIVE_YEAR if w in normalise(text)]
    if not found:
        return ""
    return "（" + "，".join(f"文中“{w}”指{year + _RELATIVE_YEAR[w]}年" for w in found) + "，按文档日期推算）"


_CLAIM = re.compile(r"(?:是不是|是否|有没有|有無|能不能|会不会|可不可以|要不要|算不算|还是不是|已经|已)(.+?)(?:了|过|吗|呢|没有|没)?[？?]*$"
                    r"|^(.+?)了没有?[？?]*$")  # 电梯装好了没: the claim is all before 了没


def states_claim(sentence: str, question: str, places: list[str] | tuple[str, ...] = ()) -> bool:
    """Does the sentence state the claim a yes/no question asks about (是不是提前完成了 → 提前完成…)?
    Three in four content words of the claim (or their synonyms) must be in the sentence. The asked place is not
    one of them: the reader has already chosen sentences about it, which need not repeat its name."""
    m = _CLAIM.search(normalise(question))
    if not m:
        return False
    named = {f for p in places for f in forms(p)} | set(places)
    words = [w for w in tokenize(m.group(1) or m.group(2)) if len(w) >= 2 and w not in STOPWORDS
             and not any(w in f or f in w for f in named)]
    text = normalise(sentence)
    held = sum(w in text or any(x in text for x in synonyms_of(w)) or _finished(w, text) for w in words)
    return bool(words) and held >= 0.75 * len(words)  # one colloquial verb of four (拿过 for 入选) may differ


_FINISHED = re.compile(r"完成|完工|竣工|建成|完毕|全部完工|收官")


def _finished(word: str, text_norm: str) -> bool:
    """A verb with its result (干完, 弄好, 修完) says the work is finished, which the documents write their own way
    (提前完成…任务, 竣工): the verb is the asker's, the finishing is the claim."""
    return verb_with_result(word) and bool(_FINISHED.search(text_norm))


PARAGRAPH_FOLLOWERS = 2  # sentences of the problem's paragraph quoted after it


def _paragraph_after(reading: Reading, lead: Sentence) -> list[Sentence]:
    """The sentences after `lead` in its paragraph (up to the next line break), cited to the passage holding them:
    its own, or the retrieved passage that follows it when the paragraph runs on past its passage's end."""
    hit, at = lead.hit, lead.end
    text = reading.hits[hit].chunk.text
    if not text[at:].strip():
        doc, _, n = reading.hits[hit].chunk.chunk_id.rpartition("#")
        following = f"{doc}#{int(n) + 1}" if n.isdigit() else ""
        hit = next((i for i, h in enumerate(reading.hits) if h.chunk.chunk_id == following), None)
        if hit is None:
            return []
        text = reading.hits[hit].chunk.text
        overlap = text.find(lead.text)  # passages overlap: go on after the lead where the next one repeats it
        at = overlap + len(lead.text) if overlap >= 0 else 0
        if not text[:at].strip() and text[:1].isspace():
            return []  # the next passage starts a new paragraph
    end = text.find("\n", at)
    end = len(text) if end < 0 else end
    return [replace(lead, hit=hit, start=at + s, end=at + e, text=text[at + s:at + e])
            for s, e in split_sentences(text[at:end])][:PARAGRAPH_FOLLOWERS]


def _place_label(s: Sentence) -> str:
    return s.place


_CLOSERS = "”」』）)"


def close_sentence(text: str) -> str:
    """Whole sentences only: a clause list's ；or a trailing ，becomes 。. A quotation closed mid-sentence
    (承诺老百姓“…1星期内上门回访”,以最快速度…) ends no sentence: without its 。 the answer's next quote would run
    into it and the citation check would read the two as one sentence citing two passages."""
    text = text.rstrip().rstrip("，,、；;：:")
    return text if text.rstrip(_CLOSERS)[-1:] in "。！？!?" else text + "。"


def _overlap(a: str, b: str) -> float:
    a, b = match_form(a), match_form(b)
    if not a or not b:
        return 0.0
    grams = {a[i:i + 2] for i in range(len(a) - 1)}
    return sum(1 for g in grams if g in b) / max(len(grams), 1)


def _counts(noun: str, text_norm: str, any_part: bool = False) -> bool:
    """A count of the asked noun or of the documents' word for it: 多少家公司 is answered by 入园企业达到489家."""
    return any(counts(w, text_norm, any_part=any_part)
               for w in (noun, *sorted(synonyms_of(noun) | everyday_to_written(noun))))


def _clauses(sentence: str, reading: Reading, limit: int) -> str:
    """A long sentence cut to whole clauses around those that carry the question's words or the asked
    figure, never cutting before the figure."""
    sentence = sentence.strip()
    if len(sentence) <= limit:
        return sentence
    clauses = _CLAUSE.findall(sentence)
    # a follow-up's own words say which clause answers (这是从哪年开始算的: 自2021年以来, not the previous
    # turn's 改了多少栋); the rewrite's carried words would pull towards the clause already given
    q = match_form(reading.asked or reading.question)
    grams = {q[i:i + 2] for i in range(len(q) - 1)}
    # the documents' terms for the everyday expressions heard in the question (物业稀烂 → 红黑榜) are what it asks
    # about, though they share no characters with it: the clause that names one is kept
    termed = [t for t in said_for(normalise(reading.asked or reading.question)) if len(t) >= 2]
    # a count of the asked noun is the figure (多少景 → 15景), not any number in the sentence (2021年9月开街)
    plains = [normalise(c) for c in clauses]
    noun = reading.counted
    if noun and not any(_counts(noun, p) for p in plains):
        noun = ""

    def shared(c: str) -> int:
        c_norm = match_form(c)
        return sum(1 for j in range(len(c_norm) - 1) if c_norm[j:j + 2] in grams)

    shares = [shared(c) for c in clauses]
    held = [any(k.held_by(p) for k in reading.kinds) for p in plains]
    superlative = bool(_SUPERLATIVE.search(q))

    def weight(i: int) -> float:
        # a clause with the asked figure outweighs any count of shared words, so the cut starts from it: 金谷花园改造完
        # 评上了个啥 shares five pairs with 金谷花园改造融入… and none with 获评2023年全国绿色低碳系列典型案例; a count of the
        # asked noun first, then other figures of the asked kind (多少楼…多少人沾光: 1900栋居民楼, then 受惠群众超20万)
        return shares[i] + 3 * sum(t in plains[i] for t in termed) \
            + (1000 if noun and _counts(noun, plains[i]) else 0) + (500 if held[i] else 0)

    def asked_figure(i: int) -> float:
        """Among clauses that each carry a figure of the asked kind, the one asked for: a figure's subject is said in
        the clause before it (20%投向种子轮企业,单笔不超过100万元), and 最多能投多少 asks the ceiling (最高不超过200万元).
        Fractions: they only order the clauses the cut may start from where the shared words leave them level."""
        if not held[i]:
            return 0.0
        return (0.1 * min(shares[i - 1], 4) if i else 0.0) \
            + (0.5 if superlative and _SUPERLATIVE_SAID.search(plains[i]) else 0.0)

    weights = [weight(i) for i in range(len(clauses))]
    anchor = max(range(len(clauses)), key=lambda i: weights[i] + asked_figure(i))
    lo = hi = anchor
    total = len(clauses[anchor])

    def reach(step: int, start: int) -> float:
        """The heaviest clause that growing this way could still take in (a figure two clauses on counts)."""
        best, used, k = 0.0, total, start
        while 0 <= k < len(clauses) and used + len(clauses[k]) <= limit:
            used += len(clauses[k])
            best = max(best, weights[k])
            k += step
        return best

    while True:  # grow towards the heavier side while it fits
        options = [((reach(-1, lo - 1), weights[lo - 1]), lo - 1) if lo > 0 else None,
                   ((reach(1, hi + 1), weights[hi + 1]), hi + 1) if hi + 1 < len(clauses) else None]
        options = [o for o in options if o and total + len(clauses[o[1]]) <= limit]
        if not options:
            break
        _, k = max(options, key=lambda o: (o[0], -o[1]))
        total += len(clauses[k])
        lo, hi = min(lo, k), max(hi, k)
    while lo > 0 and _open_quotes("".join(clauses[:lo])):
        lo -= 1  # never start inside a quotation
    return "".join(clauses[lo:hi + 1])


_SUPERLATIVE = re.compile(r"最多|最高|最大|顶多|上限|封顶|至多")
_SUPERLATIVE_SAID = re.compile(r"最多|最高|最大|上限|封顶|不超过|至多")


def _stub(text: str, sentence: str, reading: Reading) -> bool:
    """Is a further sentence's quoted part only its opening (随着老旧小区改造的逐步推进。, 李先侠表示。): cut short to
    fit the length left, without the asked kind of answer?"""
    if len(text) >= MIN_CUT or len(text) >= len(sentence.strip()):
        return False
    return not any(k.held_by(normalise(text)) for k in reading.kinds)


def _open_quotes(text: str) -> bool:
    return text.count("“") > text.count("”") or text.count("「") > text.count("」")
