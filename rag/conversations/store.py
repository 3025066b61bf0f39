"""ConversationStore: record exchanges and feedback, list and export them, forget old ones.

Writing is best effort by design: a failed write is logged and counted (`write_failures`, shown by
/readyz through `health()`) and never reaches the resident, whose answer matters more than the log.
Reading and deleting (staff actions) raise, so staff see what went wrong.
"""
from __future__ import annotations

import logging
import secrets
import threading
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, delete, event, select
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import selectinload, sessionmaker

from . import migrate
from .models import FEEDBACK_REASONS, RATINGS, Exchange, Feedback
from .record import ExchangeRecord
from .redact import redact
from .times import iso_utc, to_utc_naive, utc_now

log = logging.getLogger(__name__)

MAX_FEEDBACK_CHARS = 2000
RETENTION_EVERY = timedelta(days=1)


class FeedbackError(ValueError):
    """Bad feedback input; the message (Chinese) names the field and is shown to the user."""


def default_sqlite_url(index_dir: Path) -> str:
    """A file beside the index folder (not inside it: rebuilding or deleting the index keeps the log)."""
    index_dir = Path(index_dir).resolve()
    return f"sqlite:///{index_dir.parent / (index_dir.name + '.conversations.sqlite3')}"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")  # readers (the 洞察 tab) never block the chat's writes
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.close()


class ConversationStore:
    def __init__(self, url: str, *, retention_days: int = 0, redact_personal: bool = True,
                 timezone: str = "Asia/Shanghai", run_migrations: bool = True):
        self.url = make_url(url)
        self.retention_days = retention_days
        self.redact_personal = redact_personal
        self.timezone = timezone
        self.write_failures = 0
        self.last_error = ""
        self._lock = threading.Lock()
        self._last_retention: datetime | None = None
        if self.url.get_backend_name() == "sqlite" and self.url.database:
            Path(self.url.database).parent.mkdir(parents=True, exist_ok=True)
        self.engine: Engine = create_engine(self.url, pool_pre_ping=True)
        if self.url.get_backend_name() == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        if run_migrations:
            migrate.upgrade(self.engine)
        if retention_days:
            self.apply_retention()

    @property
    def database(self) -> str:
        """The URL with any password masked: safe for logs and /readyz."""
        return self.url.render_as_string(hide_password=True)

    def close(self) -> None:
        self.engine.dispose()

    # -- writing (never raises) ------------------------------------------------------------------
    def _failed(self, what: str, exc: Exception) -> None:
        with self._lock:
            self.write_failures += 1
            self.last_error = f"{what}: {type(exc).__name__}"
        log.exception("conversation log: %s failed (%s); the answer was still given", what, self.database)

    def record(self, rec: ExchangeRecord) -> str | None:
        """Store one exchange; its id (for feedback), or None when the write failed."""
        try:
            clean = self._clean if self.redact_personal else (lambda t: t)
            row = Exchange(
                id=secrets.token_hex(16), created_at=utc_now(), session_id=rec.session_id[:64],
                question=clean(rec.question), standalone_question=clean(rec.standalone_question), answer=rec.answer,
                citations=list(rec.citations), refused=bool(rec.refused), refusal_kind=rec.refusal_kind[:32],
                refusal_reason=rec.refusal_reason, backend=rec.backend[:32],
                total_ms=rec.timings_ms.get("total"), timings_ms=dict(rec.timings_ms), filters=dict(rec.filters),
                notice=rec.notice, index_version=rec.index_version[:64])
            with self._sessions.begin() as s:
                s.add(row)
        except Exception as exc:  # noqa: BLE001 — whatever the database did, the answer goes out
            self._failed("record", exc)
            return None
        try:
            self._maybe_apply_retention()
        except Exception as exc:  # noqa: BLE001 — the exchange is stored; forgetting old ones waits for next time
            self._failed("retention", exc)
        return row.id

    def set_feedback(self, exchange_id: str, rating: str | None, reason: str = "", text: str = "") -> bool:
        """👍/👎 on an exchange (a second vote replaces the first; rating None takes it back).
        Bad input raises FeedbackError; a failed write returns False (logged, counted)."""
        reason, text = (reason or "").strip(), (text or "").strip()
        if rating is not None and rating not in RATINGS:
            raise FeedbackError(f"反馈（rating）只能是 👍 或 👎，收到：{rating!r}")
        if reason and reason not in FEEDBACK_REASONS:
            raise FeedbackError(f"反馈原因（reason）只能是 {' / '.join(FEEDBACK_REASONS)}，收到：{reason!r}")
        if rating == "up" and reason:
            raise FeedbackError("👍 不需要填写原因（reason）")
        if len(text) > MAX_FEEDBACK_CHARS:
            raise FeedbackError(f"反馈说明（text）最多 {MAX_FEEDBACK_CHARS} 字，现在 {len(text)} 字")
        if self.redact_personal:
            text = self._clean(text)
        try:
            with self._sessions.begin() as s:
                exchange = s.get(Exchange, exchange_id, options=[selectinload(Exchange.feedback)])
                if exchange is None:
                    raise FeedbackError(f"找不到这条对话记录（exchange_id {exchange_id!r}），可能已按保留期限删除")
                if rating is None:
                    exchange.feedback = None
                elif exchange.feedback is None:
                    exchange.feedback = Feedback(created_at=utc_now(), rating=rating, reason=reason, text=text)
                else:
                    fb = exchange.feedback
                    fb.created_at, fb.rating, fb.reason, fb.text = utc_now(), rating, reason, text
            return True
        except FeedbackError:
            raise
        except Exception as exc:  # noqa: BLE001
            self._failed("feedback", exc)
            return False

    @staticmethod
    def _clean(text: str) -> str:
        return redact(text or "")

    # -- reading (staff) ---------------------------------------------------------------------------
    def _bounds(self, query, column, since, until):
        if since is not None:
            query = query.where(column >= to_utc_naive(since, self.timezone))
        if until is not None:
            query = query.where(column < to_utc_naive(until, self.timezone))
        return query

    def exchanges(self, since: date | datetime | str | None = None, until: date | datetime | str | None = None,
                  session_id: str | None = None, limit: int | None = None, offset: int = 0) -> list[dict]:
        """Exchanges oldest first, each with its feedback (or None). `since` and `until` (exclusive) are
        local dates or UTC datetimes."""
        q = select(Exchange).options(selectinload(Exchange.feedback)).order_by(Exchange.created_at, Exchange.id)
        q = self._bounds(q, Exchange.created_at, since, until)
        if session_id is not None:
            q = q.where(Exchange.session_id == session_id)
        if offset:
            q = q.offset(offset)
        if limit is not None:
            q = q.limit(limit)
        with self._sessions() as s:
            return [_exchange_dict(e) for e in s.scalars(q)]

    def exchange(self, exchange_id: str) -> dict | None:
        with self._sessions() as s:
            e = s.get(Exchange, exchange_id, options=[selectinload(Exchange.feedback)])
            return _exchange_dict(e) if e else None

    def session(self, session_id: str) -> list[dict]:
        """One browser session's conversation, oldest first (the chat restores it after a reload)."""
        return self.exchanges(session_id=session_id)

    def feedback(self, since: date | datetime | str | None = None,
                 until: date | datetime | str | None = None) -> list[dict]:
        """Feedback rows oldest first, with the question and answer they judge."""
        q = select(Feedback, Exchange).join(Exchange, Feedback.exchange_id == Exchange.id).order_by(Feedback.created_at)
        q = self._bounds(q, Feedback.created_at, since, until)
        with self._sessions() as s:
            return [{"exchange_id": e.id, "created_at": iso_utc(f.created_at), "rating": f.rating, "reason": f.reason,
                     "text": f.text, "session_id": e.session_id, "question": e.question, "answer": e.answer,
                     "refused": e.refused, "asked_at": iso_utc(e.created_at)} for f, e in s.execute(q)]

    # -- forgetting --------------------------------------------------------------------------------
    def delete_before(self, when: date | datetime | str) -> int:
        """Delete every exchange (and its feedback) made before `when` (a local date or a UTC datetime);
        returns how many exchanges went."""
        cutoff = to_utc_naive(when, self.timezone)
        with self._sessions.begin() as s:
            old = select(Exchange.id).where(Exchange.created_at < cutoff)
            s.execute(delete(Feedback).where(Feedback.exchange_id.in_(old)))  # no reliance on ON DELETE support
            return s.execute(delete(Exchange).where(Exchange.created_at < cutoff)).rowcount or 0

    def apply_retention(self, now: datetime | None = None) -> int:
        if not self.retention_days:
            return 0
        now = now or utc_now()
        self._last_retention = now
        return self.delete_before(now - timedelta(days=self.retention_days))

    def _maybe_apply_retention(self) -> None:
        if self.retention_days and (self._last_retention is None or utc_now() - self._last_retention > RETENTION_EVERY):
            self.apply_retention()

    # -- health ----------------------------------------------------------------------------------------
    def health(self) -> dict:
        """For /readyz: can the database be reached, and how many writes failed since start."""
        ok, error = True, self.last_error
        try:
            with self.engine.connect() as conn:
                conn.exec_driver_sql("SELECT 1")
        except Exception as exc:  # noqa: BLE001
            ok, error = False, f"connect: {type(exc).__name__}"
        return {"ok": ok, "database": self.database, "write_failures": self.write_failures, "last_error": error}


def _exchange_dict(e: Exchange) -> dict:
    fb = e.feedback
    return {"id": e.id, "created_at": iso_utc(e.created_at), "session_id": e.session_id, "question": e.question,
            "standalone_question": e.standalone_question, "answer": e.answer, "citations": e.citations,
            "refused": e.refused, "refusal_kind": e.refusal_kind, "refusal_reason": e.refusal_reason,
            "backend": e.backend, "total_ms": e.total_ms, "timings_ms": e.timings_ms, "filters": e.filters,
            "notice": e.notice, "index_version": e.index_version,
            "feedback": None if fb is None else {"rating": fb.rating, "reason": fb.reason, "text": fb.text,
                                                 "created_at": iso_utc(fb.created_at)}}


def store_from_settings(settings, index_dir: Path | None = None) -> ConversationStore | None:
    """The configured store (migrated to the newest schema), or None when recording is switched off.
    A database that cannot be opened raises here, at start-up, where it is loud."""
    cfg = settings.conversations
    if not cfg.enabled:
        return None
    url = cfg.url or default_sqlite_url(index_dir or settings.paths.index_dir)
    return ConversationStore(url, retention_days=cfg.retention_days, redact_personal=cfg.redact_personal,
                             timezone=cfg.timezone)
