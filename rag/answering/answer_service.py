"""Question → cited, verified answer (or an honest refusal). The one service the CLI and UI call.

    rewrite follow-up → retrieve → assess evidence → generate (offline or LLM, with
    fallback) → verify citations → Answer

`stream()` yields events so the UI can show progress and tokens as they come:
{"type": "status", "text"}, {"type": "delta", "text"}, {"type": "reset"} (discard
streamed text, e.g. after an LLM failure mid-answer), {"type": "final", "answer": Answer}.
"""
from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

from rag.answering.answer_types import Answer, Citation
from rag.answering.citation_check import check_answer
from rag.answering.llm_client import LLMUnavailable
from rag.answering.offline_answerer import OfflineAnswerer, close_sentence
from rag.answering.prompts import load_prompt
from rag.answering.query_rewriter import condense_prompt, needs_rewrite, rewrite_offline, turns
from rag.evidence.reader import Reading, follow_up_reading, place_predicate, read
from rag.evidence.refusal import assess
from rag.evidence.spelling import apply_fixes, typo_fixes
from rag.retrieval.searcher import Filters, Searcher
from rag.settings import Settings
from rag.text.heard_by_meaning import install as install_meaning
from rag.text.script import match_script

BACKENDS = ("offline", "openai")


class AnswerService:
    def __init__(self, settings: Settings, index_dir: Path | None = None, searcher: Searcher | None = None):
        self.settings = settings
        self.searcher = searcher or Searcher(settings, index_dir)
        self.offline = OfflineAnswerer(settings.answer.max_chars, settings.answer.max_sentences)
        if (embedder := getattr(self.searcher, "embedder", None)) is not None:
            install_meaning(embedder)  # the glossary's expressions are heard by meaning with the index's model

    def _llm(self):
        from rag.answering.llm_answerer import LLMAnswerer

        return LLMAnswerer(self.settings)

    def _read(self, question: str, k: int | None, mode: str | None, filters: Filters | None,
              asked: str | None = None) -> Reading:
        """Retrieve and read; when the question names a place and no retrieved sentence about that place
        answers it, retrieve again among passages about that place before giving up on it."""
        result = self.searcher.search(question, k=k, mode=mode, filters=filters)
        snap = self.searcher.snapshot()
        embedder = self.searcher.embedder if snap.has_sentence_vectors else None
        hits = result.hits
        places, _kinds, own = follow_up_reading(question, asked, snap)
        if any(not t.isdigit() for t in own):  # a year alone (那2024年呢) is no topic of its own
            # a follow-up with a subject of its own (那西山绿道吸引了多少游客 after 2024年首钢园…) is also retrieved by
            # its own words at the conversation's place: retrieved with the previous question glued on, the previous
            # topic's passage ranks first and its sentences ride on that rank
            best = {h.chunk.chunk_id: h for h in hits}
            for h in self.searcher.search(" ".join([*places, asked]), k=k, mode=mode, filters=filters).hits:
                if h.chunk.chunk_id not in best or h.score > best[h.chunk.chunk_id].score:
                    best[h.chunk.chunk_id] = h
            hits = sorted(best.values(), key=lambda h: -h.score)
        reading = read(question, hits, snap, result.query_vector, embedder, filters, asked=asked)
        if reading.places and not reading.answered_on_place():
            about = place_predicate(reading.places, snap)
            # lexical leg only: the query is already embedded, and the place restriction does the narrowing
            more = self.searcher.search(question, k=k, mode="bm25", filters=filters, predicate=about).hits
            have = {h.chunk.chunk_id for h in result.hits}
            extra = [h for h in more if h.chunk.chunk_id not in have]
            if extra:
                reading = read(question, result.hits + extra, snap, result.query_vector, embedder, filters,
                               asked=asked)
        return reading

    def _filter_note(self, question: str, k: int | None, mode: str | None, filters: Filters | None) -> str:
        """When an active filter hid the answer, say so (the resident may not remember setting it)."""
        if filters is None or not filters.active():
            return ""
        snap = self.searcher.snapshot()
        reading = self._read(question, k, mode, None)
        ev = assess(question, reading.hits, snap, self.settings.answer.refuse_below, reading=reading)
        composed = self.offline.compose(reading)
        if ev.refuse or not composed.pieces or composed.other_place:
            return ""
        return f"（当前的筛选条件{describe_filters(filters)}排除了可能有答案的资料，取消筛选后可再试。）"

    def ask(self, question: str, **kwargs) -> Answer:
        final = None
        for event in self.stream(question, **kwargs):
            if event["type"] == "final":
                final = event["answer"]
        return final

    def stream(self, question: str, history: list[str] | None = None, k: int | None = None, mode: str | None = None,
               backend: str | None = None, filters: Filters | None = None) -> Iterator[dict]:
        question = (question or "").strip()
        backend = backend or self.settings.answer.backend
        if backend not in BACKENDS:
            raise ValueError(f"unknown answer backend {backend!r} (choose from {', '.join(BACKENDS)})")
        history = [q for q, a in turns(history)] if not any(isinstance(h, dict) for h in history or []) \
            else [{"question": q, "answer": a} for q, a in turns(history)]
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        notice = ""
        if not question:
            yield {"type": "final", "answer": Answer(question, "请输入问题。", True, [], backend, {"total": 0.0},
                                                     refusal_reason="empty question")}
            return

        # 1. Follow-ups become standalone questions.
        standalone = question
        if needs_rewrite(question, history):
            yield {"type": "status", "text": "理解追问…"}
            standalone = rewrite_offline(question, history)
            if backend == "openai":
                try:
                    standalone = self._llm().condense(condense_prompt(question, history)) or standalone
                except LLMUnavailable as exc:
                    notice = f"{exc}；已改用离线改写。"
        # Homophone typos (首刚园) read as the knowledge base's word (首钢园), and the resident is told so.
        snap = self.searcher.snapshot()
        own = question
        if fixes := typo_fixes(standalone, snap):
            standalone, own = apply_fixes(standalone, fixes), apply_fixes(question, fixes)
            said = "；".join(f"“{f.typed}”按“{f.meant}”理解" for f in fixes)
            notice = "；".join(x for x in (notice, match_script(said, question)) if x)
        t1 = time.perf_counter()
        timings["rewrite"] = (t1 - t0) * 1000

        # 2. Retrieve and weigh the evidence.
        yield {"type": "status", "text": "检索资料…"}
        # a rewritten follow-up is retrieved with the previous turn, but its own words say what it asks
        reading = self._read(standalone, k, mode, filters, asked=own if standalone != own else None)
        hits = reading.hits  # the retrieved passages plus those holding the sentences closest in meaning
        evidence = assess(standalone, hits, snap, self.settings.answer.refuse_below, reading=reading,
                          certain_only=backend == "openai")
        t2 = time.perf_counter()
        timings["retrieve"] = (t2 - t1) * 1000

        composed = None
        if evidence.refuse and reading.scoped and evidence.kind in ("absent", "type", "weak") and backend == "offline":
            # not answerable for the asked place: if the documents give it for another place, say so and show it
            composed = self.offline.compose(reading)
            if composed.other_place:
                evidence.refuse = False
        if evidence.refuse:
            text = refusal_message(evidence, question, self._filter_note(standalone, k, mode, filters))
            related = [h for h in hits[:3] if h.coverage > 0] if evidence.coverage > 0 else []
            timings.update(generate=0.0, total=(time.perf_counter() - t0) * 1000)
            yield {"type": "final", "answer": Answer(question, text, True, [], backend,
                                                     _round(timings), standalone, related, notice,
                                                     match_script(evidence.reason, question),
                                                     coverage=evidence.coverage, refusal_kind=evidence.kind)}
            return

        # 3. Generate, streaming; the LLM falls back to the offline answerer on any failure.
        yield {"type": "status", "text": "生成回答…"}
        used_backend = backend
        raw = ""
        if backend == "openai":
            try:
                for delta in self._llm().stream(question if standalone == question else standalone, hits):
                    raw += delta
                    yield {"type": "delta", "text": delta}
            except LLMUnavailable as exc:
                notice = f"{exc}；已改用离线回答。"
                used_backend, raw = "offline", ""
                yield {"type": "reset"}
                yield {"type": "status", "text": notice}
        framing: list[str] = []
        if used_backend == "offline":
            composed = composed or self.offline.compose(reading)
            framing = [match_script(f, question) for f in composed.framing]
            for text, i in composed.pieces:
                piece = match_script(text if i is None else f"{close_sentence(text)}【{i + 1}】", question)
                raw += piece
                yield {"type": "delta", "text": piece}
        t3 = time.perf_counter()
        timings["generate"] = (t3 - t2) * 1000

        # 4. Verify every sentence against what it cites.
        checked = check_answer(raw, [h.chunk.text for h in hits], framing)
        timings["total"] = (time.perf_counter() - t0) * 1000
        if checked.is_refusal or not checked.used:
            reason = "model found no answer in the passages" if checked.is_refusal else "no sentence survived verification"
            said = f"资料中没有找到{composed.missing}。" if composed is not None and composed.missing else load_prompt("refusal")
            text = match_script(said + self._filter_note(standalone, k, mode, filters), question)
            yield {"type": "final", "answer": Answer(
                question, text, True, [], used_backend, _round(timings),
                standalone, hits[:3], notice, reason, checked.dropped, evidence.coverage, "verify")}
            return
        citations = [Citation(n, hits[i], checked.quotes.get(i, [])) for n, i in enumerate(checked.used, 1)]
        # The asked fact only for another place: a refusal for the asked place that still shows what the
        # documents do say, cited ("资料中没有石景山的这个数字；钟楼区的情况是：…【1】").
        other_place = used_backend == "offline" and composed is not None and composed.other_place
        text = checked.text
        if other_place:
            text += match_script(self._filter_note(standalone, k, mode, filters), question)
        yield {"type": "final", "answer": Answer(question, text, other_place, citations, used_backend,
                                                 _round(timings), standalone, [], notice,
                                                 match_script(composed.framing[0], question) if other_place else "",
                                                 checked.dropped, evidence.coverage,
                                                 "other_place" if other_place else
                                                 "unsettled" if composed is not None and composed.unsettled else "")}


def refusal_message(evidence, question: str, filter_note: str = "") -> str:
    """One short message in the asker's script that says in plain words what is missing."""
    if evidence.off_topic:
        text = load_prompt("out_of_domain")
    elif evidence.kind in ("entity", "absent", "off_topic"):
        words = plain_words(evidence.missing_entities or evidence.absent_terms or
                            evidence.reason.split("：", 1)[-1].split("、"))
        text = f"资料中没有找到关于{'、'.join(words)}的内容。" if words else load_prompt("refusal")
    elif evidence.kind == "type" and evidence.asked_kind:
        text = f"资料中没有找到这个问题问的{evidence.asked_kind}。"  # 资料中没有找到这个问题问的金额
    else:
        text = load_prompt("refusal")
    return match_script(text + filter_note, question)


def describe_filters(filters: Filters) -> str:
    parts = []
    if filters.regions:
        parts.append("地区 " + "、".join(filters.regions))
    if filters.doc_ids:
        parts.append("文档 " + "、".join(filters.doc_ids))
    if filters.date_from or filters.date_to:
        parts.append(f"日期 {filters.date_from or '…'} 至 {filters.date_to or '…'}")
    return "（" + "；".join(parts) + "）"


def plain_words(words: list[str]) -> list[str]:
    """Words a resident can read: Chinese words and figures, never markup or stray tokens (img, src, onerror)."""
    return [w for w in words if any("\u4e00" <= c <= "\u9fff" for c in w)][:3]


def _round(t: dict) -> dict:
    return {k: round(v, 1) for k, v in t.items()}
