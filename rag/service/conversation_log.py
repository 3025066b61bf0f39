"""Recording an answered question in the conversation log, from any path it was asked on (the UI chat,
REST chat completions, the Gradio /ask endpoint). Best effort: whatever fails here is logged and
counted, and the resident still gets the answer."""
from __future__ import annotations

import logging
import secrets

from rag.conversations.record import exchange_from_answer

log = logging.getLogger(__name__)


def record_answer(c, answer, session_id: str, filters=None) -> str | None:
    """The stored exchange's id (for feedback), or None: recording off, empty question, or a failed write."""
    store = c.store
    if store is None or answer is None or not (answer.question or "").strip():
        return None
    try:
        version = c.searcher.snapshot().version
    except Exception:  # noqa: BLE001 — the index went away after answering: record without its version
        version = ""
    try:
        record = exchange_from_answer(answer, session_id, filters=filters, index_version=version or "")
    except Exception:  # noqa: BLE001 — an answer the log cannot hold still goes out
        log.exception("conversation log: could not build the record; the answer was still given")
        return None
    return store.record(record)  # never raises


def api_session_id() -> str:
    """A REST or gradio_client request is its own session (the API has no browser to keep one); the prefix
    tells staff reading the log that it came through the API."""
    return "api-" + secrets.token_hex(16)
