"""Follow-up questions → standalone questions before retrieval.

Offline: carry the previous question's entities ("那钟楼区呢？" after a question
about 石景山 → the same question about 钟楼区; "它什么时候启用的？" → the previous
subject put in place of 它). With an LLM: the condense prompt in prompts/condense.md.
"""
from __future__ import annotations

import re

from rag.answering.prompts import render
from rag.evidence.asked_type import counted_noun
from rag.text.gazetteer import county_by_short_form
from rag.text.text_match import STOPWORDS, jieba_instance, normalise

_PRONOUN = re.compile(r"^(那么|那麼|那个|那個|那(?![些此里裡儿兒边邊])|这个|這個|它们|它們|它|他们|他們|该|該|其|此)")
_PLURAL = re.compile(r"^那?(这些|這些|那些)")  # these / those (那这些: then, these)
_WHAT_ABOUT = re.compile(r"^(?:那么|那麼|那|还有|還有|再问|再問)?\s*(.{1,20}?)\s*(?:呢|怎么样|怎麼樣|如何)\s*[？?]?$")
_DEMONSTRATIVE = re.compile(r"^(那个|那個|这个|這個|那|这|這|该|該)")
_IT = re.compile(r"它们|它們|它")  # always a pronoun, wherever it stands (以它为核心的那个公园叫啥)
_THEY = re.compile(r"他们|他們")  # so is 他们 after other words (调研完了他们又在哪些地方搞了试点): who the previous turn named
_POINTING = re.compile(r"^那\s*[个個条條座家所处處项項位种種片块塊栋棟部台]")
_INSIDE_IT = re.compile(r"[那这這][里裡][面头頭]")  # 那里面, 这里头: inside the thing just named
_THEN = {"那", "那么", "那麼"}  # said alone before the asking, these mean "then"
_THERE = re.compile(r"那里|那裡|那儿|那兒|那边|那邊|这里|這裡|这儿|這兒|这边|這邊|當地|当地")
MAX_TURN_CHARS = 120  # a longer message (a pasted text, junk) is not a question to carry into later turns
_INSIDE = {"a", "b", "m", "q", "f"}  # adjectives/numerals inside a noun run: 首钢/滑雪/大/跳台
_NOUNISH = {"n", "ns", "nr", "nt", "nz", "nrt", "vn", "j", "eng", "l", "an"}


def turns(history: list | None) -> list[tuple[str, str]]:
    """History as (question, answer) pairs. Items may be previous questions (strings) or dicts with
    "question"/"q" and "answer"; very long or wordless messages are dropped so they cannot poison later turns."""
    out = []
    for h in _as_pairs(history):
        q, a = (h.get("question") or h.get("q") or "", h.get("answer") or "") if isinstance(h, dict) else (h, "")
        q = (q or "").strip()
        if q and len(q) <= MAX_TURN_CHARS and any("\u4e00" <= c <= "\u9fff" for c in q):
            out.append((q, str(a or "")))
    return out


def _as_pairs(history: list | None) -> list:
    """History items as they are, except chat messages ({"role", "content"}), which become question/answer dicts
    as chat_turns makes them."""
    out: list = []
    for h in history or []:
        if isinstance(h, dict) and "role" in h and "question" not in h and "q" not in h:
            _add_message(out, h)
        else:
            out.append(h)
    return out


def chat_turns(messages) -> list[dict]:
    """Chat messages ({"role": "user"|"assistant", "content"}: what the API receives and a caller holding a chat
    passes) as {"question", "answer"} turns: each user message a question, the assistant message after it its
    answer (a follow-up's 那里 may point at the answer's place). System messages are never history."""
    out: list = []
    for m in messages:
        _add_message(out, m)
    return out


def _add_message(turns_so_far: list, message: dict) -> None:
    text = message.get("content")
    text = text.strip() if isinstance(text, str) else ""
    if message.get("role") == "user" and text:
        turns_so_far.append({"question": text, "answer": ""})
    elif message.get("role") == "assistant" and turns_so_far and isinstance(turns_so_far[-1], dict) \
            and not turns_so_far[-1].get("answer"):
        turns_so_far[-1]["answer"] = text


def needs_rewrite(question: str, history: list) -> bool:
    q = question.strip()
    # A short question carries the conversation (面积多大, 单笔最多投多少). One with a subject of its own
    # (装电梯能不能提取公积金) is rewritten too, for its place and topic, but the reader then takes what is
    # asked from its own words (rag/evidence/reader.py: read(asked=…)), not from the previous question.
    # 这些/那些 opening a question (这些棚户区改造一共惠及了多少户) point back as 这个 does
    return bool(turns(history)) and (len(q) <= 12 or bool(_PRONOUN.match(q) or _PLURAL.match(q) or _IT.search(q)
                                                          or _THEY.search(q)) or q.rstrip("？?").endswith("呢")
                                     or bool(_THERE.search(q)) or bool(_ELIDED_HEAD.match(q)))


# 区级的跟没定级的加起来多少处: a 的 phrase with nothing after it to describe — its noun is the previous turn's
_ELIDED_HEAD = re.compile(r"^[^，。？?的]{1,8}的(?=跟|和|与|及|还|有|是|加起来|一共|总共|都|多少|几)")


def _place_span(text: str) -> tuple[int, int] | None:
    """The first run of place names in (Simplified) text: 常州钟楼区 as one span."""
    from rag.text.gazetteer import local_places, places_in

    names = sorted(set(places_in(text)) | set(local_places(text)), key=len, reverse=True)
    spans = sorted((m.start(), m.end()) for n in names for m in re.finditer(re.escape(n), text))
    if not spans:
        return None
    s, e = spans[0]
    for a, b in spans[1:]:
        if a <= e:
            e = max(e, b)
        elif a == e:
            e = b
        else:
            break
    return s, e


def _answer_place(answer: str) -> str:
    """The place an offline answer leads with (石景山区：…) or names first."""
    head = answer.split("：", 1)[0] if "：" in answer[:12] else answer[:40]
    span = _place_span(normalise(head))
    return normalise(head)[span[0]:span[1]] if span else ""


_SITE = re.compile(r"(绿道|步道|公园|园区|园|街区|大街|街|路|河|湖|山|口|村|小镇|广场|基地|小区|社区|花园|花苑|新村|山庄|厂)$")


def _site_after(prev: str, span: tuple[int, int]) -> str:
    """The name of a site (西山绿道, 首钢园, 模式口) that directly follows the place in the previous question, or ""."""
    after = prev[span[1]:].lstrip("的")
    runs = _noun_runs(after)
    return runs[0] if runs and after.startswith(runs[0]) and _SITE.search(runs[0]) else ""


_CLASSIFIER = re.compile(r"^[条个座家所处项部台栋片块](?=..)")
_ASKING_WORD = re.compile(r"多少|几|什么|啥|哪")


def _subject(question: str, thing: bool = False, plural: bool = False) -> str:
    """The first run of noun-like words of a question: its topic. A place that only qualifies the next noun
    (石景山的青年人才创新创业基地建在哪, 石景山区青年…基地) is not the topic: 它 then stands for that noun, and the
    place is carried separately. Nor is a place that acts on the next noun when the pronoun is 它 (`thing`): 它 is a
    thing, not a district (石景山建了条西山绿道 → 它跟哪个区连起来了 asks about 西山绿道)."""
    norm = normalise(question)
    if norm != question and len(norm) == len(question):
        # jieba's dictionary is Simplified: cut in Traditional, 創新創業基地 falls apart and 它 would mean 青年人才.
        # Read the Simplified form, give the words back as the asker wrote them.
        found = _subject(norm, thing, plural)
        at = norm.find(found) if found else -1
        return question[at:at + len(found)] if at >= 0 else found
    runs = [r for r in _noun_runs(question) if not _ASKING_WORD.search(r)]  # 哪些地方 asks, it is no topic
    if plural and len(runs) >= 2 and (both := re.search(re.escape(runs[0]) + r"(和|与|跟|同|及|、)[^，。？?\s]{0,4}?" + re.escape(runs[1]),
                                                         question)):
        return both.group(0)  # 他们 after 石景山和首开集团…: both of them
    if len(runs) >= 2 and (span := _place_span(normalise(runs[0]))) and span == (0, len(runs[0])):
        start = question.find(runs[0]) + len(runs[0])
        end = question.find(runs[1], start)
        if end >= 0 and _modifies(between := question[start:end]):
            return between.lstrip("的") + runs[1]
        if thing and end >= 0 and not _place_span(normalise(runs[1])) and not _ASKING_WORD.search(between):
            # (石景山区有多少人口: the noun after 多少 is what was asked about the place, which stays the topic)
            return _CLASSIFIER.sub("", runs[1])  # 建了条西山绿道: the classifier counts, it is no part of the name
    return next(iter(runs), "")


_MODIFYING = ("uj", "t", "a", "b", "m", "q", "f", "n")  # 的, 青年 (tagged t), adjectives, numbers, nouns


_SCOPE = re.compile(r"全[国省市区县]")


def _is_scope(topic: str) -> bool:
    return bool(_SCOPE.fullmatch(normalise(topic)))


def _only_place(topic: str) -> bool:
    """Is the topic a place or a scope (全国) and nothing else?"""
    return _is_scope(topic) or (bool(topic) and _place_span(normalise(topic)) == (0, len(topic)))


def _modifies(text: str) -> bool:
    """Is the text between a place and the next noun only a modifier of that noun (的, 青年), not a verb?"""
    import jieba.posseg as pseg

    jieba_instance()
    return all(flag.startswith(_MODIFYING) for _w, flag in pseg.cut(text)) if text else True


def _nounish(word: str, flag: str) -> bool:
    # a dictionary term without a part of speech (首钢园 is tagged x) is a name
    return flag in _NOUNISH or flag[:2] in _NOUNISH or (flag == "x" and len(word) >= 2 and word.isalnum())


def _noun_runs(text: str) -> list[str]:
    """The runs of noun-like words, in order; an adjective or numeral inside a run belongs to it (首钢/滑雪/大/跳台),
    and so does a site word the cutter tags as a place word (模式口历史文化|街区, 街区 tagged s)."""
    import jieba.posseg as pseg

    jieba_instance()
    runs, run = [], []
    for word, flag in [*pseg.cut(text), ("。", "x")]:
        if _nounish(word, flag) or (run and (flag in _INSIDE or (flag == "s" and _SITE.fullmatch(word)))):
            run.append((word, flag))
        elif run:
            runs.append(_noun_run(run))
            run = []
    return [r for r in runs if r]


def _named_by_head(rest: str, prev: str) -> tuple[str, int]:
    """那园里进了多少家企业 after 首钢园…: a demonstrative before the head noun of a name the previous question
    used (园 of 首钢园, 小区 of 金谷花园小区) means that name. (name, length of the head in `rest`), or ("", 0)."""
    runs = _noun_runs(prev)
    for n in (2, 1):
        head = rest[:n]
        if len(head) == n and "\u4e00" <= head[0] <= "\u9fff":
            named = [r for r in runs if r.endswith(head) and len(r) > n]
            if named:
                return max(named, key=len), n
    return "", 0


def _starts_with_name(text: str) -> bool:
    """Does the text open with a name (798艺术区去年…)? A pronoun 那 is followed by a verb (那有, 那是), never a name."""
    import jieba.posseg as pseg

    jieba_instance()
    run = []
    for word, flag in pseg.cut(text):
        if not (_nounish(word, flag) or flag in _INSIDE):
            break
        run.append((word, flag))
    return len(_noun_run(run)) >= 2


def _stands_alone(rest: str) -> bool:
    """Does a demonstrative before `rest` stand for something (这些|一共惠及多少人, 这些|都是啥) rather than point at
    the noun after it (这些|小区在哪)? A function word, a one-character word or a verb follows a pronoun."""
    import jieba.posseg as pseg

    jieba_instance()
    word, flag = next(iter(pseg.cut(normalise(rest))), ("", ""))
    return not word or word in STOPWORDS or len(word) == 1 or flag.startswith(("v", "d", "p", "c", "r", "m", "u"))


def _noun_run(words: list[tuple[str, str]]) -> str:
    """A run of (word, POS) as text, ending on a noun: 永红街道|旧 (of 旧改) is 永红街道. A one-character classifier
    right after a noun ends a name (模式|口, cut as noun and classifier), not a count."""
    while words and words[-1][1] in _INSIDE and not (words[-1][1] == "q" and len(words[-1][0]) == 1
                                                      and len(words) > 1 and words[-2][1].startswith("n")):
        words = words[:-1]
    return "".join(w for w, _ in words)


def rewrite_offline(question: str, history: list) -> str:
    if not needs_rewrite(question, history):
        return question
    pairs = turns(history)
    rewritten = _rewrite_after(question, *pairs[-1])
    if len(pairs) > 1 and not _place_span(normalise(rewritten)):
        # the previous turn was itself a follow-up (构建的是几级格局？ after a question about 石景山): the place it
        # meant is still the conversation's. Only the place is carried over: the earlier turns' wording, glued on
        # again and again, would bury what this turn asks.
        earlier = rewrite_offline(pairs[-1][0], [{"question": q, "answer": a} for q, a in pairs[:-1]])
        said = normalise(earlier)
        if span := _place_span(said):
            rewritten = (earlier if len(earlier) == len(said) else said)[span[0]:span[1]] + rewritten
    return rewritten


# time words that close a topic run (模式口古时候叫什么): when it was so, not what it is
_WHEN_SAID = re.compile(r"(古时候|古時候|古代|以前|过去|過去|原来|原來|从前|從前|当年|當年|早先|现在|現在|如今|当时|當時)+$")


def _rewrite_after(question: str, prev_q: str, prev_a: str) -> str:
    """The follow-up as a standalone question, given the turn before it."""
    prev = prev_q.rstrip("？?")
    q = question.strip()
    prev_norm = normalise(prev)
    old = _place_span(prev_norm) if len(prev_norm) == len(prev) else None
    m = _WHAT_ABOUT.match(q)
    if m:
        new = _THERE.sub("", m.group(1)).strip() or m.group(1).strip()  # 武进那边呢: 武进
        if old and not _place_span(normalise(new)) and (county := county_by_short_form(normalise(new))):
            new = county  # after a question about a place, a bare 武进 (天宁, 海淀) names the county, not a word
        if _place_span(normalise(new)) and old:
            # the same question about another place (match on Simplified, replace in the original)
            return prev[:old[0]] + new + prev[old[1]:] + "？"
        return f"{prev}，{new}呢？"
    # 那 as "then" (那永红街道…), not 那个/那条 pointing at the noun after it (那个公园在哪)
    bare = q[1:].lstrip() if q.startswith("那") and not _POINTING.match(q) else ""
    if bare and (own := _place_span(normalise(bare))) and own[0] == 0:
        q = bare  # 那永红街道总共建了几台: 那 is "then", the follow-up names its own place and subject
    own_norm = normalise(q)
    if len(own_norm) == len(q) and (own := _place_span(own_norm)) and (there := _THERE.search(q, own[1])) \
            and there.start() - own[1] <= 4:
        # 永红街道那边装好了几台, 常州永红那边…: 那边 is where the place just named lies (with a short name after it
        # the cutter does not know as a place), no pointer at the previous question's place
        q = q[:there.start()] + q[there.end():]
        if bare:
            bare = q
    if q.startswith("那") and _PRONOUN.match(q[1:]) and not _THERE.match(q):
        q = q[1:]  # 那他们最后探索出几个机制: 那 is "then", the pronoun after it points
    place = prev[old[0]:old[1]] if old else _answer_place(prev_a)
    if (plural := _PLURAL.match(q)) and _stands_alone(rest := q[plural.end():]):
        # 这些 standing alone (那这些一共惠及多少人) are the things the previous question counted (多少个老旧小区) or
        # its subject; before a noun (这些小区在哪) it only points at that noun
        if thing := counted_noun(normalise(prev)) or _subject(prev):
            return (place if place and place not in thing and not _place_span(normalise(q)) else "") + thing + rest
    if plural:
        bare = ""  # 那些电梯: 那 belongs to 那些, it is no "then"
    if (inside := _INSIDE_IT.search(q)) and place:
        # 那里面 = inside what was just named (石景山那个安全韧性城市规划是咋回事 → 那里面老小区的项目有几个: the plan),
        # else inside the place; its 里面 stays (replacing 那里 left a bare 面: 石景山面老小区…)
        thing = _subject(prev, True)
        named = place + (_site_after(prev, old) if old else "") if not thing or _only_place(thing) \
            else thing if place in thing else place + thing
        return q[:inside.start()] + named + q[inside.start() + 1:]
    if _THERE.search(q) and place:
        # 那里 = the place of the previous question or answer, or the site named right after it there
        # (石景山西山绿道修了多长 → 那边爬山的人多不多: the trail, not the whole district)
        return _THERE.sub(place + (_site_after(prev, old) if old else ""), q, count=1)
    if (there := _THERE.match(q)) and (topic := _WHEN_SAID.sub("", _subject(prev))):
        # no place named before: 那里 is what the previous question was about (模式口以前叫什么名字 → 模式口); glued on
        # whole, that question's 以前叫…名字 would be asked again
        end = there.end()
        return topic + (q[end - 1:] if q[end:end + 1] in ("面", "头", "頭") else q[end:])  # 那里面 → 模式口里面
    named, head = _named_by_head(q[dem.end():], prev) if (dem := _DEMONSTRATIVE.match(q)) else ("", 0)
    if not named and bare and _starts_with_name(bare):
        q = bare  # 那798艺术区去年游客多少: 那 before a name it does not stand for is "then", not a pronoun
    # 那有多少人受益 after 全国开工改造了多少个老旧小区: 那 is "then", not the bare scope 全国; after a place (石景山每年拿出
    # 多少钱…) a follow-up without a subject of its own (那是哪年开始搞的) asks about what was asked there, while one with
    # its own (那改完以后物业是咋管的 after 永红街道改了多少栋房子) keeps only the place
    then = not named and (lead := _PRONOUN.match(q)) and lead.group(0) in _THEN \
        and _only_place(topic := _subject(prev)) \
        and (_is_scope(topic) or len(_subject(_PRONOUN.sub("", q, count=1))) < 2)
    if not then and (named or ((pronoun := _PRONOUN.match(q))
                               and (named := _subject(prev, pronoun.group(0).startswith("它"),
                                                      pronoun.group(0)[-1] in "们們")))):
        if place and place not in named and not _place_span(normalise(q)):
            named = place + named
        rest = q[dem.end() + head:] if head else _PRONOUN.sub("", q, count=1)
        if (there := _THERE.search(rest)) and there.start() <= 4:
            rest = rest[:there.start()] + rest[there.end():]  # 那现在那边…: 那边 points at what 那 already stood for
        return named + rest
    if (it := _IT.search(q)) and (named := _subject(prev, True)):
        return q[:it.start()] + named + q[it.end():]  # 以它为核心的那个公园叫啥 after 首钢园…: 以首钢园为核心…
    if (they := _THEY.search(q)) and (named := _subject(prev, plural=True)):
        return q[:they.start()] + named + q[they.end():]  # 调研完了他们… after 社区处调研了…: 调研完了社区处…
    if old and _place_span(normalise(q)):
        prev = prev[:old[0]] + prev[old[1]:]  # the follow-up names its own place: the previous one is not asked
    return f"{prev}，{q}"


def condense_prompt(question: str, history: list) -> str:
    lines = "\n".join(f"用户：{q}" + (f"\n助手：{a[:200]}" if a else "") for q, a in turns(history)[-4:])
    return render("condense", history=lines, question=question)
