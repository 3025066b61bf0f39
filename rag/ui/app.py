"""The Gradio app: a thin UI over AnswerService, KnowledgeBase and the eval runner.

Tabs: 问答 (chat for residents and staff), 知识库 (staff: upload / list / delete / re-index),
评测 (evaluators). API endpoints (gradio_client): /ask, /search.
"""
from __future__ import annotations

import html
from pathlib import Path

import gradio as gr

from rag.answering.answer_service import AnswerService
from rag.knowledge_base import KnowledgeBase
from rag.retrieval.searcher import Filters, Searcher
from rag.settings import Settings

from .render import CSS, answer_html, sources_html

EXAMPLES = [
    "我家老小区能装电梯吗？",
    "老旧小区改造都改些什么？",
    "老旧小区改造完了物业怎么管？",
    "在石景山第一次创业有补贴吗？",
]
STATUS_PREFIX = "⏳ "


# Refusal checks whose reason is written for residents (资料中没有提到：门票); others are diagnostics.
EXPLAINED_REFUSALS = {"entity", "absent", "off_topic", "type"}


def _settings_for(base: Settings, backend: str, llm_url: str, llm_model: str) -> Settings:
    """Per-session settings: a copy, so one user's choices never change another's."""
    s = base.model_copy(deep=True)
    s.answer.backend = backend
    if llm_url:
        s.llm.base_url = llm_url
    if llm_model:
        s.llm.model = llm_model
    return s


def build_app(settings: Settings, index_dir: Path | None = None) -> gr.Blocks:
    searcher = Searcher(settings, index_dir)
    kb = KnowledgeBase(settings, searcher)
    default_service = AnswerService(settings, searcher=searcher)

    def _documents() -> list[dict]:
        try:
            return kb.documents()
        except Exception:  # no index yet: empty choices, the chat says how to build one
            return []

    def doc_choices():
        return [(f"{d['title']} ({d['doc_id']})", d["doc_id"]) for d in _documents()]

    def region_choices():
        return sorted({d["region"] for d in _documents() if d["region"]})

    def respond(message, chat, asked, backend, llm_url, llm_model, top_k, mode, regions, doc_ids, date_from, date_to):
        message = (message or "").strip()
        chat = list(chat or [])
        if not message:
            yield chat, gr.skip(), asked, ""
            return
        service = default_service if backend == settings.answer.backend == "offline" else \
            AnswerService(_settings_for(settings, backend, llm_url, llm_model), searcher=searcher)
        filters = Filters(regions=list(regions or []), doc_ids=list(doc_ids or []), date_from=date_from or "",
                          date_to=date_to or "")
        chat += [{"role": "user", "content": html.escape(message)}, {"role": "assistant", "content": STATUS_PREFIX + "思考中…"}]
        yield chat, "", asked, ""
        streamed = ""
        final = None
        try:
            for event in service.stream(message, history=asked, k=int(top_k), mode=mode, filters=filters):
                kind = event["type"]
                if kind == "status" and not streamed:
                    chat[-1] = {"role": "assistant", "content": STATUS_PREFIX + html.escape(event["text"])}
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
                yield chat, gr.skip(), asked, ""
        except Exception as exc:  # keep the session alive and say what happened
            chat[-1] = {"role": "assistant", "content": f"出错了：{html.escape(str(exc))}"}
            yield chat, "", asked, ""
            return
        text = answer_html(final.answer)
        if final.refused and final.refusal_kind in EXPLAINED_REFUSALS:  # say what the documents lack
            text += f"<br><small>{html.escape(final.refusal_reason)}</small>"
        if final.refused and final.related:
            text += "<br><small>下面是可能相关的段落，供参考。</small>"
        chat[-1] = {"role": "assistant", "content": text}
        yield chat, sources_html(final), asked + [message], ""

    def reset():
        return [], "", [], ""

    def ask_api(question: str) -> dict:
        """Answer one question with citations (offline defaults)."""
        return default_service.ask(question).to_dict()

    def search_api(query: str, k: int = 5) -> dict:
        """Retrieve passages for a query."""
        return searcher.search(query, k=int(k)).to_dict()

    def kb_table():
        try:
            docs = kb.documents()
        except Exception as exc:
            return [[f"（索引不可用：{exc}）", "", "", "", "", 0]]
        return [[d["doc_id"], d["title"], d["publisher"], d["date"], d["region"], d["chunks"]] for d in docs]

    def kb_refresh():
        choices = doc_choices()
        return kb_table(), gr.update(choices=choices), gr.update(choices=choices), gr.update(choices=region_choices())

    def kb_upload(files):
        if not files:
            return "请选择文件。", *kb_refresh()
        messages = []
        for f in files if isinstance(files, list) else [files]:
            path = Path(getattr(f, "name", f))
            original = getattr(f, "orig_name", None) or path.name
            try:
                result = kb.add(path, original)
                messages.append(("✅ " if result.ok else "❌ ") + result.message)
            except Exception as exc:
                messages.append(f"❌ {original}：索引失败（{exc}），知识库未改变")
        return "\n\n".join(messages), *kb_refresh()

    def kb_delete(doc_id):
        if not doc_id:
            return "请选择要删除的文档。", *kb_refresh()
        return kb.delete(doc_id).message, *kb_refresh()

    def kb_reindex():
        return kb.reindex().message.replace("\n", "\n\n"), *kb_refresh()

    with gr.Blocks(title="城市更新政策问答") as demo:
        gr.Markdown("## 城市更新政策问答\n根据已收录的政策与新闻资料回答，每句话都注明出处；资料里没有的，会直接告诉您“资料中没有找到”。")
        asked = gr.State([])
        with gr.Tab("问答"):
            with gr.Row():
                with gr.Column(scale=3):
                    chatbot = gr.Chatbot(label="对话", height=460, elem_id="chatbot", sanitize_html=True,
                                         feedback_options=None)
                    with gr.Row():
                        box = gr.Textbox(placeholder="请输入问题，例如：我家老小区能装电梯吗？", show_label=False,
                                         scale=5, elem_id="question")
                        send = gr.Button("发送", variant="primary", scale=1, elem_id="send")
                        new = gr.Button("新对话", scale=1, elem_id="new-chat")
                    with gr.Row():
                        example_buttons = [gr.Button(q, size="sm", elem_classes=["example"]) for q in EXAMPLES]
                    sources = gr.HTML(elem_id="sources")
                with gr.Column(scale=1):
                    with gr.Accordion("筛选", open=False):
                        regions = gr.Dropdown(choices=region_choices(), multiselect=True, label="地区")
                        doc_filter = gr.Dropdown(choices=doc_choices(), multiselect=True, label="文档")
                        date_from = gr.Textbox(label="起始日期（如 2023-01）")
                        date_to = gr.Textbox(label="截止日期（如 2023-12-31）")
                    with gr.Accordion("设置（仅本次会话）", open=False):
                        backend = gr.Radio(["offline", "openai"], value=settings.answer.backend, label="回答后端",
                                           info="offline：内置离线回答；openai：OpenAI 兼容服务（vLLM/Ollama/DeepSeek…）")
                        llm_url = gr.Textbox(value=settings.llm.base_url, label="LLM 地址")
                        llm_model = gr.Textbox(value=settings.llm.model, label="模型")
                        top_k = gr.Slider(1, 10, value=settings.retrieval.top_k, step=1, label="检索段落数 top-k")
                        mode = gr.Radio(["hybrid", "dense", "bm25"], value=settings.retrieval.mode, label="检索方式")
            inputs = [box, chatbot, asked, backend, llm_url, llm_model, top_k, mode, regions, doc_filter, date_from, date_to]
            outputs = [chatbot, sources, asked, box]
            send.click(respond, inputs, outputs, api_visibility="private")
            box.submit(respond, inputs, outputs, api_visibility="private")
            new.click(reset, None, outputs, api_visibility="private")
            for b, q in zip(example_buttons, EXAMPLES):
                b.click(lambda q=q: q, None, box, api_visibility="private").then(
                    respond, inputs, outputs, api_visibility="private")

        with gr.Tab("知识库"):
            gr.Markdown(f"上传 {' '.join(['.txt', '.md', '.html', '.pdf', '.docx'])} 文件（单个不超过 "
                        f"{settings.ui.max_upload_mb:g} MB）。上传后立即索引，问答页无需重启即可检索到。")
            upload = gr.File(label="上传文件", file_count="multiple", elem_id="kb-upload")
            upload_btn = gr.Button("上传并索引", variant="primary", elem_id="kb-upload-btn")
            kb_status = gr.Markdown(elem_id="kb-status")
            table = gr.Dataframe(headers=["doc_id", "标题", "发布方", "日期", "地区", "段落数"], value=kb_table,
                                 interactive=False, elem_id="kb-table")
            with gr.Row():
                victim = gr.Dropdown(choices=doc_choices(), label="选择文档", elem_id="kb-victim")
                delete_btn = gr.Button("删除文档", variant="stop")
                reindex_btn = gr.Button("重新索引")
            kb_outputs = [kb_status, table, victim, doc_filter, regions]
            upload_btn.click(kb_upload, upload, kb_outputs, api_visibility="private")
            delete_btn.click(kb_delete, victim, kb_outputs, api_visibility="private")
            reindex_btn.click(kb_reindex, None, kb_outputs, api_visibility="private")

        with gr.Tab("评测"):
            from .eval_tab import build_eval_tab

            build_eval_tab(settings, index_dir)

        gr.api(ask_api, api_name="ask")
        gr.api(search_api, api_name="search")
    return demo


def launch(settings: Settings, index_dir: Path | None = None, host: str | None = None, port: int | None = None,
           block: bool = True):
    demo = build_app(settings, index_dir)
    demo.queue(default_concurrency_limit=4)
    return demo.launch(server_name=host or settings.ui.host, server_port=port or settings.ui.port, css=CSS,
                       footer_links=["api"], prevent_thread_lock=not block, show_error=True)
