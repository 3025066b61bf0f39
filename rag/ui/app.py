"""The Gradio app: a thin UI over the service's shared components (rag/service/components.py).

Tabs: 问答 (residents' chat, public), 知识库, 评测 and 洞察 (staff). Staff areas are shown only to a
logged-in staff session, and every event registered in them is authorised on the server
(rag/ui/staff_guard.py), so the raw queue protocol cannot run them anonymously either.
The chat keeps an anonymous session id in the browser (gr.BrowserState), records every exchange in
the conversation log, restores it after a reload, and takes 👍/👎 (with a reason) through the
Chatbot's like event (rag/ui/chat_history.py); a failed write never stops the answer.
Per-session answer settings are staff-only and limited to the backends the server configured;
nothing a visitor sends becomes a URL. Public API endpoints (gradio_client): /ask, /search.
"""
from __future__ import annotations

import html
from pathlib import Path

import gradio as gr

from rag.retrieval.searcher import Filters
from rag.service.components import Components
from rag.service.conversation_log import api_session_id, record_answer
from rag.service.rate_limit import RateLimited, client_of
from rag.service.sessions import staff_user

from . import chat_history as ch
from .render import answer_html, sources_html, status_html, words_for_emoji
from .staff_guard import DENIED, StaffArea, guard_events

EXAMPLES = [
    "我家老小区能装电梯吗？",
    "老旧小区改造都改些什么？",
    "老旧小区改造完了物业怎么管？",
    "在石景山第一次创业有补贴吗？",
]
SUFFIXES = [".txt", ".md", ".html", ".pdf", ".docx"]



def ingest_summary(report) -> str:
    """An IngestReport in Chinese for staff."""
    parts = [f"新增 {len(report.added)} 篇", f"更新 {len(report.updated)} 篇", f"未变 {len(report.unchanged)} 篇",
             f"移除 {len(report.removed)} 篇", f"共 {report.chunks} 个段落", f"用时 {report.seconds:.1f} 秒"]
    lines = ["重新索引完成：" + "，".join(parts) + "。"]
    lines += [f"未能读取 {name}：{reason}" for name, reason in report.failed]
    return "\n\n".join(lines)


def _ingest_progress(progress: gr.Progress):
    """An ingest progress callback that moves the tab's progress bar (files read, chunks embedded, rate, ETA)."""
    def report(p) -> None:
        done, total = (p.files_done, p.files_total) if p.stage == "读取" else (p.chunks_done, p.chunks_total)
        progress(done / total if total else None, desc=p.line())
    return report


def build_app(c: Components, index_dir: Path | None = None) -> gr.Blocks:
    settings, searcher, kb = c.settings, c.searcher, c.kb
    max_q = settings.service.max_question_chars

    def _documents() -> list[dict]:
        try:
            return kb.documents()
        except Exception:  # no index yet: empty choices, the chat says how to build one
            return []

    def doc_choices(docs=None):
        return [(f"{d['title']}（{d['doc_id']}）", d["doc_id"]) for d in (docs if docs is not None else _documents())]

    def region_choices(docs=None):
        return sorted({d["region"] for d in (docs if docs is not None else _documents()) if d["region"]})

    def limit_problem(message: str, request) -> str:
        """A Chinese reason to turn the request away (too long, too many), or ''."""
        if len(message) > max_q:
            return f"问题太长（{len(message)} 字），请控制在 {max_q} 字以内。"
        try:
            c.chat_limiter.hit(client_of(request))
        except RateLimited as exc:
            return str(exc)
        return ""

    def respond(message, chat, asked, ids, session_id, backend, top_k, mode, regions, doc_ids, date_from, date_to,
                request: gr.Request):
        """Outputs: chat, sources, asked, box, exchange ids, session id. Exchange k is chat messages 2k and
        2k+1 and ids[k] its id in the log (None when not recorded), so a like finds its exchange."""
        message = (message or "").strip()
        chat, ids = list(chat or []), list(ids or [])
        session_id = ch.session_id_or_new(session_id)  # also when the page's restore has not finished yet
        if not message:
            yield chat, gr.skip(), asked, "", ids, session_id
            return
        problem = limit_problem(message, request)
        if problem:
            chat += [{"role": "user", "content": html.escape(message[:200])},
                     {"role": "assistant", "content": html.escape(problem)}]
            yield chat, gr.skip(), asked, message, ids + [None], session_id
            return
        # Answer settings are staff-only, and only among the backends this server configured.
        if staff_user(request, c.sessions) and backend in c.session_backends():
            k, mode = int(top_k), (mode if mode in ("hybrid", "dense", "bm25") else None)
        else:
            backend, k, mode = settings.answer.backend, settings.retrieval.top_k, None
        filters = Filters(regions=list(regions or []), doc_ids=list(doc_ids or []), date_from=date_from or "",
                          date_to=date_to or "")
        chat += [{"role": "user", "content": html.escape(message)}, {"role": "assistant", "content": status_html("思考中…")}]
        yield chat, "", asked, "", ids, session_id  # the box is cleared once, here: later updates leave it
        # alone, so a question the resident starts typing while this answer streams is not wiped
        streamed = ""
        final = None
        try:
            for event in c.answers.stream(message, history=asked, k=k, mode=mode, filters=filters, backend=backend):
                kind = event["type"]
                if kind == "status" and not streamed:
                    chat[-1] = {"role": "assistant", "content": status_html(event["text"])}
                elif kind == "delta":
                    streamed += event["text"]
                    chat[-1] = {"role": "assistant", "content": answer_html(streamed)}
                elif kind == "reset":
                    streamed = ""
                elif kind == "final":
                    final = event["answer"]
                    continue
                else:
                    continue
                yield chat, gr.skip(), asked, gr.skip(), ids, session_id
        except Exception as exc:  # keep the session alive and say what happened
            chat[-1] = {"role": "assistant", "content": f"出错了：{html.escape(str(exc))}"}
            yield chat, "", asked, gr.skip(), ids + [None], session_id
            return
        exchange_id = record_answer(c, final, session_id, filters)  # None when the log failed: answer anyway
        text = answer_html(final.answer)
        if reason := ch.reason_to_show(final.answer, final.refused, final.refusal_kind, final.refusal_reason):
            text += f"<br><small>{html.escape(reason)}</small>"  # say what the documents lack
        if final.refused and final.related:
            text += "<br><small>下面是可能相关的段落，供参考。</small>"
        chat[-1] = {"role": "assistant", "content": text}
        turn = {"question": message, "answer": final.answer}  # follow-ups may refer to the answer (那里)
        yield chat, sources_html(final), asked + [turn], gr.skip(), ids + [exchange_id], session_id

    def reset():
        """新对话: a new session id, so the next reload restores the new conversation."""
        return [], "", [], "", [], ch.new_session_id(), "", gr.update(value=None, visible=False)

    def restore_chat(session_id):
        """Page load: a returning browser gets its conversation back. A new visitor gets nothing here: the
        first question makes the session id (respond), so this load can never replace a chat already begun."""
        if session_id != ch.session_id_or_new(session_id):  # no id yet, or not one we made
            return gr.skip(), gr.skip(), gr.skip(), gr.skip()
        messages, asked_before, ids = ch.restore(c.store, session_id)
        return session_id, messages, asked_before, ids

    def on_like(ids, note, data: gr.LikeData):
        return words_for_emoji(ch.record_feedback(c.store, ids, data.index, data.liked, note))

    def passage(doc_id: str, start: int, end: int) -> str | None:
        doc = searcher.snapshot().documents.get(doc_id)
        return doc.text[start:end] if doc else None

    def export_chat(session_id):
        if c.store is None:
            raise gr.Error("对话记录未开启，无法导出。")
        exchanges = c.store.session(ch.session_id_or_new(session_id))
        if not exchanges:
            raise gr.Error("这次对话还没有可导出的问答。")
        path = ch.write_markdown(ch.markdown_export(exchanges, passage, settings.conversations.timezone))
        return gr.update(value=str(path), visible=True)

    def ask_api(question: str, request: gr.Request) -> dict:
        """Answer one question with citations (the server's default backend)."""
        question = (question or "").strip()
        problem = limit_problem(question, request)
        if problem:
            raise gr.Error(problem)
        answer = c.answers.ask(question)
        record_answer(c, answer, api_session_id())
        return answer.to_dict()

    def search_api(query: str, k: int = 5, request: gr.Request = None) -> dict:
        """Retrieve passages for a query."""
        problem = limit_problem((query or "").strip(), request)
        if problem:
            raise gr.Error(problem)
        return searcher.search(query, k=max(1, min(int(k), 20))).to_dict()

    # ---- knowledge base (staff) ----
    def kb_table(docs=None):
        if docs is None:
            try:
                docs = kb.documents()
            except Exception as exc:
                return [[f"（索引不可用：{exc}）", "", "", "", "", 0, ""]]
        return [[d["doc_id"], d["title"], d["publisher"], d["date"], d["region"], d["chunks"],
                 f"含 {d['instructions']} 处指令式文字（不作答案）" if d.get("instructions") else ""] for d in docs]

    def kb_refresh():
        """Table and every document drop-down, read fresh from the live index."""
        docs = _documents()
        choices = doc_choices(docs)
        return (kb_table(docs), gr.update(choices=choices, value=None), gr.update(choices=choices),
                gr.update(choices=region_choices(docs)))

    def kb_upload(files, progress=gr.Progress()):
        if not files:
            return "请先选择要上传的文件。", *kb_refresh()
        messages = []
        for f in files if isinstance(files, list) else [files]:
            path = Path(getattr(f, "name", f))
            original = getattr(f, "orig_name", None) or path.name
            try:
                result = kb.add(path, original, progress=_ingest_progress(progress))
                messages.append(("成功：" if result.ok else "失败：") + result.message)
            except Exception as exc:
                messages.append(f"失败：{original} 索引出错（{exc}），知识库未改变。")
            finally:
                path.unlink(missing_ok=True)  # Gradio's upload copy: docs/ holds the kept one
        return "\n\n".join(messages), *kb_refresh()

    def kb_ask_delete(doc_id):
        docs = {d["doc_id"]: d for d in _documents()}
        if not doc_id or doc_id not in docs:
            return gr.update(visible=False), "", "", "请先在“选择要删除的文档”中选一篇文档。"
        d = docs[doc_id]
        question = (f"确定删除《{d['title']}》（{doc_id}，文件 {d['file']}，{d['chunks']} 个段落）吗？"
                    "它会从索引中移除，知识库文件夹中的文件也会删除。")
        return gr.update(visible=True), question, doc_id, ""

    def kb_delete_confirmed(doc_id):
        hide = gr.update(visible=False)
        if not doc_id:
            return "没有待删除的文档。", *kb_refresh(), hide, ""
        titles = {d["doc_id"]: d["title"] for d in _documents()}
        result = kb.delete(doc_id)
        message = f"已删除《{titles.get(doc_id, doc_id)}》（{doc_id}）。" if result.ok else result.message
        return message, *kb_refresh(), hide, ""

    def kb_cancel_delete():
        return gr.update(visible=False), "", "", "已取消删除。"

    def kb_reindex(progress=gr.Progress()):
        try:
            message = ingest_summary(kb.reindex(progress=_ingest_progress(progress)).report)
        except Exception as exc:
            message = f"重新索引失败（{exc}），原索引未改变。"
        return message, *kb_refresh()

    def on_load(request: gr.Request):
        user = staff_user(request, c.sessions)
        login = (f"已登录员工：{html.escape(user)} · [退出登录](staff/logout)" if user else "[员工登录](staff/login)")
        staff = gr.update(visible=bool(user))
        return (login, staff, staff, staff, staff, *kb_refresh())

    def authorise(request: gr.Request) -> None:
        """The 洞察 tab's own check in every handler (guard_events checks the same session before it)."""
        if staff_user(request, c.sessions) is None:
            raise gr.Error(DENIED, title="未登录")

    with gr.Blocks(title="城市更新政策问答") as demo:
        with gr.Row():
            gr.Markdown("## 城市更新政策问答\n根据已收录的政策与新闻资料回答，每句话都注明出处；资料里没有的，会直接告诉您“资料中没有找到”。")
            login_md = gr.Markdown("[员工登录](staff/login)", elem_id="staff-login")
        asked = gr.State([])
        session = gr.BrowserState(None, storage_key="rqa-session")  # anonymous id, in this browser only
        ids = gr.State([])
        with gr.Tab("问答"):
            with gr.Row():
                with gr.Column(scale=3):
                    chatbot = gr.Chatbot(label="对话", height=460, elem_id="chatbot", sanitize_html=True,
                                         feedback_options=ch.FEEDBACK_OPTIONS, buttons=["copy", "copy_all"])
                    with gr.Row():
                        box = gr.Textbox(placeholder="请输入问题，例如：我家老小区能装电梯吗？", show_label=False,
                                         scale=5, elem_id="question", max_length=max_q)
                        send = gr.Button("发送", variant="primary", scale=1, elem_id="send")
                        new = gr.Button("新对话", scale=1, elem_id="new-chat")
                    with gr.Row():
                        example_buttons = [gr.Button(q, size="sm", elem_classes=["example"]) for q in EXAMPLES]
                    with gr.Row():
                        note = gr.Textbox(label="差评补充说明（可选：先写在这里，再点回答下的踩或选原因）", scale=4,
                                          elem_id="feedback-note", max_length=2000)
                        export_btn = gr.Button("导出对话（Markdown）", scale=1, elem_id="export")
                    feedback_status = gr.Markdown(elem_id="feedback-status")
                    export_file = gr.File(label="对话记录", interactive=False, elem_id="export-file", visible=False)
                    sources = gr.HTML(elem_id="sources")
                with gr.Column(scale=1):
                    with gr.Accordion("筛选", open=False):
                        regions = gr.Dropdown(choices=[], multiselect=True, label="地区", elem_id="filter-regions")
                        doc_filter = gr.Dropdown(choices=[], multiselect=True, label="文档", elem_id="filter-docs")
                        date_from = gr.Textbox(label="起始日期（如 2023-01）")
                        date_to = gr.Textbox(label="截止日期（如 2023-12-31）")
                    with gr.Accordion("回答设置（员工，仅本次会话）", open=False, visible=False,
                                      elem_id="answer-settings") as settings_box:
                        backends = c.session_backends()
                        backend = gr.Radio(backends, value=settings.answer.backend, label="回答后端",
                                           info="offline：内置离线回答；openai：服务器配置的 LLM（地址与密钥只在服务器配置）")
                        top_k = gr.Slider(1, 10, value=settings.retrieval.top_k, step=1, label="检索段落数 top-k")
                        mode = gr.Radio(["hybrid", "dense", "bm25"], value=settings.retrieval.mode, label="检索方式")
            inputs = [box, chatbot, asked, ids, session, backend, top_k, mode, regions, doc_filter, date_from, date_to]
            outputs = [chatbot, sources, asked, box, ids, session]
            send.click(respond, inputs, outputs, api_visibility="private")
            box.submit(respond, inputs, outputs, api_visibility="private")
            new.click(reset, None, outputs + [feedback_status, export_file], api_visibility="private")
            # One vote at a time: choosing a 踩 reason can send two like events at once, and two first votes on
            # one answer written together collide on the log's one-vote-per-answer rule (a write lasts ms).
            chatbot.like(on_like, [ids, note], feedback_status, api_visibility="private", concurrency_limit=1)
            export_btn.click(export_chat, session, export_file, api_visibility="private")
            for b, q in zip(example_buttons, EXAMPLES):
                b.click(lambda q=q: q, None, box, api_visibility="private").then(
                    respond, inputs, outputs, api_visibility="private")

        with gr.Tab("知识库", visible=False, elem_id="kb-tab") as kb_tab, StaffArea(demo) as kb_area:
            gr.Markdown(f"上传 {' '.join(SUFFIXES)} 文件（单个不超过 {settings.ui.max_upload_mb:g} MB）。"
                        "上传后立即索引，问答页无需重启即可检索到。")
            upload = gr.File(label="选择文件", file_count="multiple", file_types=SUFFIXES, elem_id="kb-upload")
            upload_btn = gr.Button("上传并索引", variant="primary", elem_id="kb-upload-btn")
            kb_status = gr.Markdown(elem_id="kb-status")
            table = gr.Dataframe(headers=["doc_id", "标题", "发布方", "日期", "地区", "段落数", "提示"], value=[],
                                 interactive=False, elem_id="kb-table")
            with gr.Row():
                victim = gr.Dropdown(choices=[], value=None, label="选择要删除的文档", elem_id="kb-victim")
                delete_btn = gr.Button("删除文档…", variant="stop", elem_id="kb-delete")
                reindex_btn = gr.Button("重新索引", elem_id="kb-reindex")
            pending = gr.State("")
            with gr.Group(visible=False, elem_id="kb-confirm") as confirm_box:
                confirm_text = gr.Markdown(elem_id="kb-confirm-text")
                with gr.Row():
                    confirm_btn = gr.Button("确认删除", variant="stop", elem_id="kb-confirm-delete")
                    cancel_btn = gr.Button("取消", elem_id="kb-cancel-delete")
            kb_outputs = [kb_status, table, victim, doc_filter, regions]
            upload_btn.click(kb_upload, upload, kb_outputs, api_visibility="private").then(
                lambda: None, None, upload, api_visibility="private")
            delete_btn.click(kb_ask_delete, victim, [confirm_box, confirm_text, pending, kb_status],
                             api_visibility="private")
            confirm_btn.click(kb_delete_confirmed, pending, kb_outputs + [confirm_box, pending],
                              api_visibility="private")
            cancel_btn.click(kb_cancel_delete, None, [confirm_box, confirm_text, pending, kb_status],
                             api_visibility="private")
            reindex_btn.click(kb_reindex, None, kb_outputs, api_visibility="private")

        with gr.Tab("评测", visible=False, elem_id="eval-tab") as eval_tab, StaffArea(demo) as eval_area:
            from .eval_tab import build_eval_tab

            build_eval_tab(settings, index_dir)

        with gr.Tab("洞察", visible=False, elem_id="insights-tab") as insights_tab, StaffArea(demo) as insights_area:
            from .insights_tab import build_insights_tab

            build_insights_tab(c.insights, authorise)

        # Answer settings are read inside respond() (staff only); guard the staff tabs' events here.
        staff_fn_ids = kb_area.fn_ids + eval_area.fn_ids + insights_area.fn_ids
        guard_events(demo, staff_fn_ids, c.sessions)
        demo.load(on_load, None, [login_md, kb_tab, eval_tab, insights_tab, settings_box, table, victim, doc_filter,
                                  regions], api_visibility="private")
        demo.load(restore_chat, session, [session, chatbot, asked, ids], api_visibility="private")

        gr.api(ask_api, api_name="ask")
        gr.api(search_api, api_name="search")
    demo.staff_fn_ids = staff_fn_ids  # for tests and later staff tabs
    return demo
