"""Pydantic models of the REST API (they are the served OpenAPI schema)."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

MODEL_ID = "renewal-qa"


class ErrorDetail(BaseModel):
    message: str = Field(description="What went wrong, in Chinese, naming the field or file.")
    type: str
    code: int


class ErrorBody(BaseModel):
    error: ErrorDetail


def error_responses(*codes: int) -> dict:
    return {c: {"model": ErrorBody} for c in codes}


class Quote(BaseModel):
    start: int
    end: int
    text: str


class CitationOut(BaseModel):
    n: int = Field(description="The 【n】 marker in the answer.")
    doc_id: str
    title: str
    text: str = Field(description="The cited passage.")
    start: int = Field(description="Passage start, in characters of the cleaned document.")
    end: int
    quotes: list[Quote] = Field(description="Spans inside `text` that support the answer.")
    chunk_id: str
    heading_path: list[str]
    publisher: str
    date: str
    region: str
    source_url: str
    file: str = Field(description="File name of the document in the knowledge base.")


class TextPart(BaseModel):
    model_config = ConfigDict(extra="ignore")
    type: Literal["text"] = "text"
    text: str


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="ignore")
    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[TextPart] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return "".join(p.text for p in self.content)
        return self.content or ""


class ChatRequest(BaseModel):
    """OpenAI chat-completions request. Sampling options (temperature, max_tokens ...) are accepted and
    ignored: the answer is extractive or produced by the server's configured model."""

    model_config = ConfigDict(extra="ignore")
    model: str = Field(MODEL_ID, max_length=200, description="Must be `renewal-qa`.")
    messages: list[ChatMessage] = Field(min_length=1, max_length=100, description="The conversation; the last "
                                        "user message is the question, earlier user messages its context.")
    stream: bool = Field(False, description="Server-sent events, as OpenAI's API.")


class AssistantMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str


class Choice(BaseModel):
    index: int = 0
    message: AssistantMessage
    finish_reason: Literal["stop"] = "stop"


class Usage(BaseModel):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str = MODEL_ID
    choices: list[Choice]
    usage: Usage
    citations: list[CitationOut] = Field(description="Sources of the 【n】 markers in the answer.")
    refused: bool = Field(description="True when the documents do not answer the question.")
    refusal_reason: str = Field(description="Why it was refused (empty when answered).")
    notice: str = Field("", description="E.g. the LLM server was unreachable and the offline answerer stood in.")
    standalone_question: str = Field(description="The question as answered: a follow-up rewritten with the "
                                     "earlier user messages.")


class ModelCard(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str = "renewal-qa"


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]


ISO_DATE = r"^(\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?)?$"


class SearchFilters(BaseModel):
    model_config = ConfigDict(extra="forbid")
    regions: list[str] = Field(default_factory=list, max_length=50)
    doc_ids: list[str] = Field(default_factory=list, max_length=200)
    # The schema states the ISO forms; Filters.check then rejects what no pattern can say (2023-02-30, a start
    # after the end) with a 422 whose Chinese message names the field.
    date_from: str = Field("", max_length=10, pattern=ISO_DATE, description="起始日期: YYYY, YYYY-MM or YYYY-MM-DD")
    date_to: str = Field("", max_length=10, pattern=ISO_DATE, description="截止日期: YYYY, YYYY-MM or YYYY-MM-DD")


class SearchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    query: str = Field(description="Question or keywords, Simplified or Traditional (empty: no hits).")
    k: int = Field(5, ge=1, le=20, description="Passages returned.")
    mode: Literal["hybrid", "bm25", "dense"] = "hybrid"
    filters: SearchFilters = Field(default_factory=SearchFilters)


class SearchHit(BaseModel):
    rank: int
    score: float
    doc_id: str
    title: str
    text: str
    start: int
    end: int
    chunk_id: str
    heading_path: list[str]
    publisher: str
    date: str
    region: str
    source_url: str
    file: str


class SearchResponse(BaseModel):
    query: str
    mode: str
    hits: list[SearchHit]
    timings_ms: dict[str, float]


class DocumentOut(BaseModel):
    doc_id: str
    title: str
    publisher: str
    date: str
    region: str
    chunks: int
    file: str


class DocumentList(BaseModel):
    data: list[DocumentOut]


class DocumentChange(BaseModel):
    ok: bool
    message: str
    doc_id: str = ""


class Health(BaseModel):
    status: Literal["ok"] = "ok"


class Ready(BaseModel):
    status: Literal["ready"] = "ready"
    index_version: str
    documents: int
    chunks: int
