"""A real Gradio chat wired to the conversation log exactly as rag/ui/app.py should wire it
(BrowserState session id, restore on load, record each answer, 👍/👎 with a reason from the
Chatbot's like event, 新对话, Markdown export). Used by tests/ui/test_chat_history_browser.py;
the coordinator copies this wiring into rag/ui/app.py's chat (which the service engineer owns).

    python tests/support/chat_history_server.py --index DIR --db URL --port P
"""
from __future__ import annotations

import argparse
import dataclasses
import html
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import gradio as gr  # noqa: E402

from rag.answering.answer_service import AnswerService  # noqa: E402
from rag.conversations.record import exchange_from_answer  # noqa: E402
from rag.conversations.store import ConversationStore  # noqa: E402
from rag.retrieval.searcher import Searcher  # noqa: E402
from rag.settings import Settings  # noqa: E402
from rag.ui import chat_history as ch  # noqa: E402


def build(settings: Settings, index_dir: Path, store: ConversationStore) -> gr.Blocks:
    searcher = Searcher(settings, index_dir)
    service = AnswerService(settings, searcher=searcher)

    def passage(doc_id, start, end):
        doc = searcher.snapshot().documents.get(doc_id)
        return doc.text[start:end] if doc else None

    def load(session_id):
        session_id = ch.session_id_or_new(session_id)
        messages, asked, ids = ch.restore(store, session_id)
        return session_id, messages, asked, ids

    def respond(message, chat, asked, ids, session_id):
        message = (message or "").strip()
        session_id = ch.session_id_or_new(session_id)  # a question sent before the page's load event finished
        if not message:
            return chat, asked, ids, "", session_id
        answer = service.ask(message, history=asked)
        record = exchange_from_answer(answer, session_id, index_version=searcher.snapshot().version)
        exchange_id = store.record(record)  # None when the log failed: the answer is shown all the same
        chat = list(chat or []) + [{"role": "user", "content": html.escape(message)},
                                   {"role": "assistant", "content": ch.assistant_html(dataclasses.asdict(record))}]
        return chat, asked + [message], ids + [exchange_id], "", session_id

    def on_like(ids, note, data: gr.LikeData):
        return ch.record_feedback(store, ids, data.index, data.liked, note)

    def new_chat():
        return ch.new_session_id(), [], [], []

    def export(session_id):
        return str(ch.write_markdown(ch.markdown_export(store.session(session_id), passage)))

    with gr.Blocks(title="chat history") as demo:
        session = gr.BrowserState(None, storage_key="rqa-session")
        asked, ids = gr.State([]), gr.State([])
        chatbot = gr.Chatbot(elem_id="chatbot", feedback_options=ch.FEEDBACK_OPTIONS, buttons=["copy", "copy_all"])
        with gr.Row():
            box = gr.Textbox(elem_id="question", show_label=False)
            send = gr.Button("发送", elem_id="send")
            new = gr.Button("新对话", elem_id="new-chat")
        note = gr.Textbox(label="👎 补充说明（可选，先填再点 👎 或原因）", elem_id="feedback-note")
        status = gr.Markdown(elem_id="feedback-status")
        export_btn = gr.Button("导出对话（Markdown）", elem_id="export")
        export_file = gr.File(elem_id="export-file", interactive=False)

        demo.load(load, session, [session, chatbot, asked, ids])
        send.click(respond, [box, chatbot, asked, ids, session], [chatbot, asked, ids, box, session])
        box.submit(respond, [box, chatbot, asked, ids, session], [chatbot, asked, ids, box, session])
        chatbot.like(on_like, [ids, note], status)
        new.click(new_chat, None, [session, chatbot, asked, ids])
        export_btn.click(export, session, export_file)
    return demo


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--index", type=Path, required=True)
    ap.add_argument("--db", required=True)
    ap.add_argument("--port", type=int, required=True)
    args = ap.parse_args()
    settings = Settings()
    settings.paths.index_dir = args.index
    build(settings, args.index, ConversationStore(args.db)).queue().launch(
        server_name="127.0.0.1", server_port=args.port)


if __name__ == "__main__":
    main()
