"""HTML for the chat UI. Every piece of document text goes through html.escape: a document
that contains markup or <script> is shown as text, never run."""
from __future__ import annotations

import html
import re

from rag.answering.answer_types import Answer, Citation
from rag.retrieval.searcher import Hit

_MARKER = re.compile(r"【(\d{1,2})】")
CONTEXT_CHARS = 300


def answer_html(text: str) -> str:
    """Escaped answer text whose 【n】 markers link to the source cards below it."""
    return _MARKER.sub(lambda m: f'<a class="cite" href="#src-{m.group(1)}">【{m.group(1)}】</a>', html.escape(text))


def words_for_emoji(text: str) -> str:
    """Status lines in words: Chromium without an emoji font shows 👍/👎 as empty boxes."""
    return re.sub(r"\s*👍", "好评", re.sub(r"\s*👎", "差评", text))


def status_html(text: str) -> str:
    """A progress line (no emoji: Chromium without an emoji font shows them as empty boxes)."""
    return f'<span class="rqa-status">{html.escape(text)}</span>'


def _highlight(text: str, spans: list[tuple[int, int]]) -> str:
    out, pos = [], 0
    for s, e in sorted(spans):
        if s < pos or e <= s:
            continue
        out += [html.escape(text[pos:s]), "<mark>", html.escape(text[s:e]), "</mark>"]
        pos = e
    out.append(html.escape(text[pos:]))
    return "".join(out)


def _meta_line(hit: Hit) -> str:
    m = hit.doc.meta
    parts = [m.publisher or "来源不详", m.date or "日期不详", m.region or "地区不详"]
    line = " · ".join(html.escape(p) for p in parts)
    if m.source_url.startswith(("http://", "https://")):
        line += f' · <a href="{html.escape(m.source_url, quote=True)}" target="_blank" rel="noopener noreferrer">原文链接</a>'
    return line


def _context(hit: Hit, spans: list[tuple[int, int]]) -> str:
    """The passage inside its surrounding document text (passage emphasised, quote highlighted)."""
    doc, c = hit.doc.text, hit.chunk
    a, b = max(0, c.start - CONTEXT_CHARS), min(len(doc), c.end + CONTEXT_CHARS)
    return (html.escape(doc[a:c.start]) + '<span class="passage">' + _highlight(c.text, spans) + "</span>"
            + html.escape(doc[c.end:b])).replace("\n", "<br>")


def card(n: int | str, hit: Hit, spans: list[tuple[int, int]], anchor: str) -> str:
    c = hit.chunk
    heading = " › ".join(html.escape(h) for h in c.heading_path)
    return (
        f'<div class="source-card" id="{anchor}">'
        f'<div class="card-head"><span class="card-n">【{html.escape(str(n))}】</span> '
        f'<span class="card-title">{html.escape(c.title)}</span></div>'
        f'<div class="card-meta">{_meta_line(hit)}</div>'
        + (f'<div class="card-heading">{heading}</div>' if heading else "")
        + f'<div class="card-text">{_highlight(c.text, spans).replace(chr(10), "<br>")}</div>'
        f'<details class="card-context"><summary>展开上下文</summary><div>{_context(hit, spans)}</div></details>'
        "</div>"
    )


def sources_html(answer: Answer | None) -> str:
    if answer is None:
        return ""
    blocks = []
    if answer.notice:
        blocks.append(f'<div class="notice"><b>注意：</b>{html.escape(answer.notice)}</div>')
    if answer.citations:
        blocks.append('<div class="sources-title">引用来源</div>')
        blocks += [card(c.n, c.hit, c.quotes, f"src-{c.n}") for c in answer.citations]
    elif answer.related:
        blocks.append('<div class="sources-title">可能相关（未能确认包含答案）</div>')
        blocks += [card(f"相关{i}", h, [], f"rel-{i}") for i, h in enumerate(answer.related, 1)]
    return "\n".join(blocks)


def citation_dicts(citations: list[Citation]) -> list[dict]:
    return [c.to_dict() for c in citations]


CSS = """
.source-card{border:1px solid #d0d7de;border-radius:8px;padding:10px 12px;margin:8px 0;background:#fafbfc}
.card-head{font-weight:600}.card-n{color:#0969da}.card-meta{color:#57606a;font-size:.9em;margin:2px 0 6px}
.card-heading{color:#57606a;font-size:.85em;margin-bottom:4px}.card-text{line-height:1.7}
.source-card mark{background:#fff3b0;padding:0 1px}.passage{background:#eef6ff}
.notice{background:#fff8c5;border:1px solid #d4a72c;border-radius:6px;padding:6px 10px;margin:6px 0}
.sources-title{font-weight:600;margin-top:8px}a.cite{text-decoration:none;color:#0969da}
.rqa-status{color:#57606a}.rqa-status::before{content:"";display:inline-block;width:.6em;height:.6em;margin-right:.4em;
border-radius:50%;background:#0969da;animation:rqa-pulse 1s ease-in-out infinite alternate}
@keyframes rqa-pulse{from{opacity:.25}to{opacity:1}}
#staff-login{text-align:right;max-width:16em}
"""
