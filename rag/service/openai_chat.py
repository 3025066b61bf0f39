"""POST /v1/chat/completions: the OpenAI chat-completions protocol over AnswerService.

The last user message is the question; earlier user messages are the conversation the
follow-up rewriter reads (assistant and system messages are not instructions to this service).
Extra fields `citations`, `refused`, `refusal_reason`, `notice`, `standalone_question` carry what OpenAI's shape lacks.

Streaming sends only verified text: the citation check runs on the whole answer (AnswerService
does not expose its passages before the end), so sentences go out once the answer is final,
one SSE chunk per sentence; progress before that goes out as SSE comments, which clients ignore.
A client therefore never shows a sentence that the final answer drops.
"""
from __future__ import annotations

import json
import secrets
import time
from collections.abc import Iterator

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from rag.answering.answer_types import Answer
from rag.answering.citation_check import ANSWER_SENTENCE
from rag.answering.query_rewriter import chat_turns
from rag.service.auth import components
from rag.service.conversation_log import api_session_id, record_answer
from rag.service.errors import ApiError
from rag.service.rate_limit import client_of
from rag.service.rest import check_question, hit_fields
from rag.service.schemas import (MODEL_ID, AssistantMessage, ChatCompletion, ChatRequest, Choice, CitationOut,
                                 Usage, error_responses)
from rag.text.tokens import count_tokens

router = APIRouter()
SSE_EVENT = {"type": "object", "required": ["data"], "properties": {
    "data": {"type": "string", "description": "JSON of a chat.completion.chunk, or [DONE]"},
    "event": {"type": "string"}, "id": {"type": "string"}, "retry": {"type": "integer"}}}
MAX_HISTORY = 10


def conversation(body: ChatRequest) -> tuple[str, list[dict]]:
    """The question (last user message; '' if none: answered with 请输入问题) and the earlier turns as
    {"question", "answer"}: the answer a follow-up refers to (那里, 那…呢) is the assistant message after its
    question. System messages are never instructions and never history."""
    turns = chat_turns({"role": m.role, "content": m.text()} for m in body.messages)
    if not turns:
        return "", []
    return turns[-1]["question"], turns[:-1][-MAX_HISTORY:]


def citations_of(answer: Answer) -> list[CitationOut]:
    return [CitationOut(**{k: v for k, v in hit_fields(c.to_dict()).items() if k in CitationOut.model_fields})
            for c in answer.citations]


def extras(answer: Answer) -> dict:
    return {"citations": [c.model_dump() for c in citations_of(answer)], "refused": answer.refused,
            "refusal_reason": answer.refusal_reason if answer.refused else "", "notice": answer.notice,
            "standalone_question": answer.standalone_question or answer.question}


def _usage(c, question: str, history: list[dict], answer: str) -> Usage:
    enc = c.settings.chunking.encoding
    prompt = count_tokens("\n".join([t for h in history for t in (h["question"], h["answer"])] + [question]), enc)
    completion = count_tokens(answer, enc)
    return Usage(prompt_tokens=prompt, completion_tokens=completion, total_tokens=prompt + completion)


def _chunk(cid: str, created: int, delta: dict, finish: str | None = None, **extra) -> str:
    obj = {"id": cid, "object": "chat.completion.chunk", "created": created, "model": MODEL_ID,
           "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra}
    return f"data: {json.dumps(obj, ensure_ascii=False)}\n\n"


def stream_events(c, question: str, history: list[dict]) -> Iterator[str]:
    cid, created = "chatcmpl-" + secrets.token_hex(12), int(time.time())
    yield _chunk(cid, created, {"role": "assistant", "content": ""})
    final = None
    for event in c.answers.stream(question, history=history):
        if event["type"] == "status":
            yield f": {event['text']}\n\n"
        elif event["type"] == "final":
            final = event["answer"]
    record_answer(c, final, api_session_id())
    for m in ANSWER_SENTENCE.finditer(final.answer):
        if m.group(0):
            yield _chunk(cid, created, {"content": m.group(0)})
    yield _chunk(cid, created, {}, "stop", **extras(final))
    yield "data: [DONE]\n\n"


@router.post("/v1/chat/completions", response_model=ChatCompletion, tags=["chat"],
             responses={**error_responses(400, 404, 413, 422, 429),
                        200: {"content": {"text/event-stream": {"schema": SSE_EVENT}},
                              "description": "JSON (stream false) or server-sent events (stream true): each `data` "
                              "a chat.completion.chunk, the last chunk with the extra fields, then `[DONE]`"}})
def chat_completions(body: ChatRequest, request: Request):
    c = components(request)
    if body.model != MODEL_ID:
        raise ApiError(404, f"没有模型 {body.model!r}：本服务只提供 {MODEL_ID}。")
    question, history = conversation(body)
    question = check_question(c, question, "messages 中最后一条用户消息", allow_empty=True)
    c.chat_limiter.hit(client_of(request))
    if body.stream:
        return StreamingResponse(stream_events(c, question, history), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
    answer = c.answers.ask(question, history=history)
    record_answer(c, answer, api_session_id())
    return ChatCompletion(id="chatcmpl-" + secrets.token_hex(12), created=int(time.time()),
                          choices=[Choice(message=AssistantMessage(content=answer.answer))],
                          usage=_usage(c, question, history, answer.answer), **extras(answer))
