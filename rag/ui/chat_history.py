"""The residents' side of the conversation log, as plain functions the chat wires in:
an anonymous browser session id, restoring a session's exchanges as Gradio chat messages after a
reload, 👍/👎 (with a reason) from the Chatbot's like event, and Markdown export with the sources.

Message layout the chat keeps: exchange k is messages 2k (user) and 2k+1 (assistant), and
`exchange_ids[k]` is its id in the store (None when it was not recorded, e.g. an error)."""
from __future__ import annotations

import html
import re
import secrets
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from rag.conversations.models import FEEDBACK_REASONS
from rag.conversations.store import ConversationStore, FeedbackError

from .render import answer_html

_SESSION_ID = re.compile(r"^[0-9a-f]{32}$")
# Chatbot(feedback_options=FEEDBACK_OPTIONS): "Like"/"Dislike" are the thumbs, the rest a 👎 reason menu.
FEEDBACK_OPTIONS = ("Like", "Dislike", *FEEDBACK_REASONS)
# Refusal checks whose reason is written for residents (资料中没有提到：门票); the chat shows it under the answer.
EXPLAINED_REFUSALS = frozenset({"entity", "absent", "off_topic", "type"})


def new_session_id() -> str:
    return secrets.token_hex(16)


def session_id_or_new(value) -> str:
    """The browser's stored id if it is one we made, else a fresh one (the browser is not trusted)."""
    return value if isinstance(value, str) and _SESSION_ID.match(value) else new_session_id()


def reason_to_show(answer: str, refused: bool, kind: str, reason: str) -> str:
    """The refusal reason worth a line under the answer: one written for residents (资料中没有提到：门票) that
    the answer does not already say (the reader's refusals name what is missing themselves)."""
    if not (refused and kind in EXPLAINED_REFUSALS and reason):
        return ""
    missing = [w for w in reason.split("：", 1)[-1].split("、") if w]
    return "" if missing and all(w in answer for w in missing) else reason


def assistant_html(exchange: dict) -> str:
    """The assistant bubble as the chat shows it after answering (escaped, markers linked)."""
    text = answer_html(exchange["answer"])
    reason = reason_to_show(exchange["answer"], exchange["refused"], exchange.get("refusal_kind") or "",
                            exchange.get("refusal_reason") or "")
    return text + (f"<br><small>{html.escape(reason)}</small>" if reason else "")


def restore(store: ConversationStore | None, session_id: str) -> tuple[list[dict], list[str], list[str | None]]:
    """(chat messages, turns asked — the follow-up rewriter's history, {"question", "answer"} —, exchange ids)
    of a session.
    A store that cannot be read gives an empty chat: the resident can still ask."""
    if store is None:
        return [], [], []
    try:
        exchanges = store.session(session_id)
    except Exception:  # noqa: BLE001 — a broken log never stops the chat
        return [], [], []
    messages: list[dict] = []
    for e in exchanges:
        messages += [{"role": "user", "content": html.escape(e["question"])},
                     {"role": "assistant", "content": assistant_html(e)}]
    return messages, [{"question": e["question"], "answer": e["answer"] or ""} for e in exchanges], \
        [e["id"] for e in exchanges]


def exchange_id_at(message_index, exchange_ids: list[str | None]) -> str | None:
    """The exchange a liked message belongs to (LikeData.index is the message's position)."""
    if isinstance(message_index, (list, tuple)):
        message_index = message_index[0]
    try:
        k = int(message_index) // 2
    except (TypeError, ValueError):
        return None
    return exchange_ids[k] if 0 <= k < len(exchange_ids) else None


def rating_of(liked) -> tuple[str | None, str]:
    """LikeData.liked → (rating, reason): True/"Like" 👍, False/"Dislike" 👎, a reason string 👎 with that
    reason, None/"" takes the vote back."""
    if liked is True or liked == "Like":
        return "up", ""
    if liked is False or liked == "Dislike":
        return "down", ""
    if isinstance(liked, str) and liked in FEEDBACK_REASONS:
        return "down", liked
    return None, ""


def record_feedback(store: ConversationStore | None, exchange_ids: list[str | None], message_index, liked,
                    text: str = "") -> str:
    """Store a vote from the like event (text: the optional 👎 explanation); the Chinese line to show."""
    if store is None:
        return "反馈功能未开启。"
    exchange_id = exchange_id_at(message_index, exchange_ids)
    if exchange_id is None:
        return "这条回答没有保存，无法记录反馈。"
    rating, reason = rating_of(liked)
    if rating == "up":
        text = ""
    try:
        ok = store.set_feedback(exchange_id, rating, reason, text)
    except FeedbackError as exc:
        return str(exc)
    if not ok:
        return "反馈暂时没有保存成功，请稍后再试。"
    if rating is None:
        return "已撤回反馈。"
    return "谢谢！已记录您的 👍。" if rating == "up" else "谢谢！已记录您的 👎" + (f"（{reason}）" if reason else "") + "。"


def markdown_export(exchanges: list[dict], passage: Callable[[str, int, int], str | None] | None = None,
                    timezone: str = "Asia/Shanghai") -> str:
    """A conversation as Markdown: each question, its answer with 【n】 markers, and the sources
    (title, document, span; with the quoted passage when `passage(doc_id, start, end)` can give it)."""
    now = datetime.now(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M")
    lines = ["# 城市更新政策问答 · 对话记录", "", f"导出时间：{now}（共 {len(exchanges)} 问）", ""]
    for i, e in enumerate(exchanges, 1):
        lines += [f"## {i}. {_one_line(e['question'])}", ""]
        lines += [e["answer"] or "（没有回答）", ""]
        if reason := reason_to_show(e["answer"] or "", e["refused"], e.get("refusal_kind") or "",
                                    e.get("refusal_reason") or ""):
            lines += [f"*{reason}*", ""]
        if e["citations"]:
            lines.append("**来源**")
            lines.append("")
            for c in e["citations"]:
                lines.append(f"- 【{c['n']}】{c.get('title') or c['doc_id']}（{c['doc_id']}，第 {c['start']}–{c['end']} 字）")
                text = passage(c["doc_id"], c["start"], c["end"]) if passage else None
                if text:
                    lines.append("  > " + _one_line(text))
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def write_markdown(markdown: str, folder: Path | None = None) -> Path:
    """A file for gr.DownloadButton (a fresh temp folder per export, so two residents never share one)."""
    folder = Path(folder or tempfile.mkdtemp(prefix="chat-export-"))
    path = folder / f"对话记录-{datetime.now().strftime('%Y%m%d-%H%M%S')}.md"
    path.write_text(markdown, encoding="utf-8")
    return path


def _one_line(text: str) -> str:
    return " ".join(text.split())
