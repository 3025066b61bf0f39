"""Tables of the conversation log. A change here needs a new migration in migrations/versions/
(tests compare the models with the migrated schema on SQLite and PostgreSQL)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

RATINGS = ("up", "down")
FEEDBACK_REASONS = ("答案错误", "没有回答问题", "引用不对", "其他")


class Base(DeclarativeBase):
    pass


class Exchange(Base):
    """One question and its answer. Times are naive UTC (the same on SQLite and PostgreSQL)."""

    __tablename__ = "exchanges"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # random hex: the UI's handle for feedback
    created_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    session_id: Mapped[str] = mapped_column(String(64), index=True)  # anonymous, made in the browser
    question: Mapped[str] = mapped_column(Text)
    standalone_question: Mapped[str] = mapped_column(Text, default="")  # the follow-up rewrite
    answer: Mapped[str] = mapped_column(Text, default="")
    citations: Mapped[list] = mapped_column(JSON, default=list)  # [{n, doc_id, chunk_id, title, start, end, quotes}]
    refused: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    refusal_kind: Mapped[str] = mapped_column(String(32), default="")
    refusal_reason: Mapped[str] = mapped_column(Text, default="")
    backend: Mapped[str] = mapped_column(String(32), default="")
    total_ms: Mapped[float | None] = mapped_column(Float, nullable=True)
    timings_ms: Mapped[dict] = mapped_column(JSON, default=dict)
    filters: Mapped[dict] = mapped_column(JSON, default=dict)
    notice: Mapped[str] = mapped_column(Text, default="")
    index_version: Mapped[str] = mapped_column(String(64), default="")  # which knowledge base answered

    feedback: Mapped[Feedback | None] = relationship(back_populates="exchange", cascade="all, delete-orphan",
                                                     passive_deletes=True, uselist=False)


class Feedback(Base):
    """The latest 👍/👎 on one exchange (a changed vote replaces it)."""

    __tablename__ = "feedback"
    __table_args__ = (UniqueConstraint("exchange_id", name="uq_feedback_exchange"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    exchange_id: Mapped[str] = mapped_column(ForeignKey("exchanges.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    rating: Mapped[str] = mapped_column(String(8))  # "up" | "down"
    reason: Mapped[str] = mapped_column(String(32), default="")  # one of FEEDBACK_REASONS, or "" for 👍
    text: Mapped[str] = mapped_column(Text, default="")

    exchange: Mapped[Exchange] = relationship(back_populates="feedback")
