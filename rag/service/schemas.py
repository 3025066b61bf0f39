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


class PassageOut(BaseModel):
    """A passage of the knowledge base with where it comes from (shared by citations and search hits)."""
    doc_id: str
    title: str
    text: str = Field(description="The passage.")
    start: int = Field(description="Passage start, in characters of the cleaned document.")
    end: int
    chunk_id: str
    heading_path: list[str]
    publisher: str
    date: str
    region: str
    source_url: str
    file: str = Field(description="File name of the document in the knowledge base.")


class CitationOut(PassageOut):
    n: int = Field(description="The 【n】 marker in the answer.")
    quotes: list[Quote] = Field(description="Spans inside `text` that support the answer.")


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


class SearchHit(PassageOut):
    rank: int
    score: float


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


class ConversationLogHealth(BaseModel):
    ok: bool = Field(description="The database answers.")
    backend: str = Field(description="sqlite or postgresql (no address or path: /readyz is public).")
    write_failures: int = Field(description="Failed writes since start (each answer was still given).")
    last_error: str


class Ready(BaseModel):
    status: Literal["ready"] = "ready"
    index_version: str
    documents: int
    chunks: int
    conversations: ConversationLogHealth | None = Field(None, description="The conversation log (null when "
                                                        "recording is switched off).")


# ---- conversation log and insights (staff) ----

# Years from 1000: a local midnight in year 1 has no UTC time before it. The calendar (2026-02-30) is checked
# by the route, with a 422 naming the parameter.
ISO_DAY = r"^[1-9]\d{3}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"


class ConversationCitation(BaseModel):
    n: int = Field(description="The 【n】 marker in the answer.")
    doc_id: str
    chunk_id: str = ""
    title: str = ""
    file: str = Field("", description="File name of the cited document (never the server's path).")
    start: int = Field(description="Passage start, in characters of the cleaned document.")
    end: int
    quotes: list[list[int]] = Field(default_factory=list, description="[start, end] spans inside the passage.")


class FeedbackOut(BaseModel):
    rating: Literal["up", "down"]
    reason: str = Field(description="答案错误 / 没有回答问题 / 引用不对 / 其他, or empty.")
    text: str = Field(description="The resident's optional note (personal data masked).")
    created_at: str = Field(description="UTC, ISO 8601.")


class ExchangeOut(BaseModel):
    id: str
    created_at: str = Field(description="UTC, ISO 8601.")
    session_id: str = Field(description="Anonymous browser session (one per 新对话).")
    question: str
    standalone_question: str = Field(description="The follow-up rewrite (empty when the question stood alone).")
    answer: str
    citations: list[ConversationCitation]
    refused: bool
    refusal_kind: str
    refusal_reason: str
    backend: str
    total_ms: float | None
    timings_ms: dict[str, float]
    filters: dict[str, str | list[str]]
    notice: str
    index_version: str = Field(description="The index version that answered.")
    feedback: FeedbackOut | None


class ExchangeList(BaseModel):
    data: list[ExchangeOut] = Field(description="Oldest first.")
    limit: int
    offset: int


class FeedbackRow(BaseModel):
    exchange_id: str
    created_at: str = Field(description="When the vote was given (UTC).")
    rating: Literal["up", "down"]
    reason: str
    text: str
    session_id: str
    question: str
    answer: str
    refused: bool
    asked_at: str = Field(description="When the question was asked (UTC).")


class FeedbackList(BaseModel):
    data: list[FeedbackRow] = Field(description="Oldest first.")


class UsageFigures(BaseModel):
    questions: int
    refused: int
    refusal_rate: float | None = Field(description="None when there were no questions.")
    feedback: int
    up: int
    down: int
    up_rate: float | None
    down_rate: float | None
    answer_p50_ms: float | None
    answer_p95_ms: float | None


class UsageTotals(UsageFigures):
    sessions: int
    write_failures: int = Field(description="Conversation-log writes that failed since the server started.")


class DayFigures(UsageFigures):
    day: str = Field(description="Local day (the report's time zone).")


class TopQuestion(BaseModel):
    question: str
    count: int
    refused: int
    variants: list[str] = Field(description="Other wordings merged into this one (embedding similarity).")


class GapQuestion(BaseModel):
    exchange_id: str
    question: str
    refused: bool
    refusal_reason: str
    rating: str
    reason: str
    text: str


class Gap(BaseModel):
    id: int
    label: str = Field(description="Its most central question and top terms.")
    central_question: str
    terms: list[str]
    size: int
    refused: int
    disliked: int
    reasons: dict[str, int] = Field(description="👎 reasons and how often each was given.")
    examples: list[str]
    questions: list[GapQuestion]


class InsightsReport(BaseModel):
    since: str | None
    until: str | None
    timezone: str
    totals: UsageTotals
    per_day: list[DayFigures]
    top_questions: list[TopQuestion]
    gaps: list[Gap] = Field(description="Knowledge gaps: refused and 👎 questions grouped by topic, largest first.")
