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
from rag.answering.offline_answerer import OfflineAnswerer
from rag.answering.prompts import load_prompt
from rag.answering.query_rewriter import condense_prompt, needs_rewrite, rewrite_offline
from rag.evidence.refusal import assess
from rag.retrieval.searcher import Filters, Searcher
from rag.settings import Settings
from rag.text.script import match_script

BACKENDS = ("offline", "openai")


class AnswerService:
    def __init__(self, settings: Settings, index_dir: Path | None = None, searcher: Searcher | None = None):
        self.settings = settings
        self.searcher = searcher or Searcher(settings, index_dir)
        self.offline = OfflineAnswerer(settings.answer.max_chars, settings.answer.max_sentences)

    def _llm(self):
        from rag.answering.llm_answerer import LLMAnswerer

        return LLMAnswerer(self.settings)

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
        history = [h for h in (history or []) if h and h.strip()]
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
        t1 = time.perf_counter()
        timings["rewrite"] = (t1 - t0) * 1000

        # 2. Retrieve and weigh the evidence.
        yield {"type": "status", "text": "检索资料…"}
        result = self.searcher.search(standalone, k=k, mode=mode, filters=filters)
        hits = result.hits
        snap = self.searcher.snapshot()
        evidence = assess(standalone, hits, snap, self.settings.answer.refuse_below)
        t2 = time.perf_counter()
        timings["retrieve"] = (t2 - t1) * 1000

        if evidence.refuse:
            text = load_prompt("out_of_domain") if evidence.off_topic else load_prompt("refusal")
            related = [h for h in hits[:3] if h.coverage > 0] if evidence.coverage > 0 else []
            timings.update(generate=0.0, total=(time.perf_counter() - t0) * 1000)
            yield {"type": "final", "answer": Answer(question, match_script(text, question), True, [], backend,
                                                     _round(timings), standalone, related, notice, evidence.reason,
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
        if used_backend == "offline":
            for sentence in self.offline.stream(question if standalone == question else standalone, hits, snap):
                sentence = match_script(sentence, question)
                raw += sentence
                yield {"type": "delta", "text": sentence}
        t3 = time.perf_counter()
        timings["generate"] = (t3 - t2) * 1000

        # 4. Verify every sentence against what it cites.
        checked = check_answer(raw, [h.chunk.text for h in hits])
        timings["total"] = (time.perf_counter() - t0) * 1000
        if checked.is_refusal or not checked.text:
            reason = "model found no answer in the passages" if checked.is_refusal else "no sentence survived verification"
            yield {"type": "final", "answer": Answer(
                question, match_script(load_prompt("refusal"), question), True, [], used_backend, _round(timings),
                standalone, hits[:3], notice, reason, checked.dropped, evidence.coverage, "verify")}
            return
        citations = [Citation(n, hits[i], checked.quotes.get(i, [])) for n, i in enumerate(checked.used, 1)]
        yield {"type": "final", "answer": Answer(question, checked.text, False, citations, used_backend,
                                                 _round(timings), standalone, [], notice, "", checked.dropped,
                                                 evidence.coverage)}


def _round(t: dict) -> dict:
    return {k: round(v, 1) for k, v in t.items()}
