"""A real Gradio server holding only the 洞察 tab, for the browser test (the full app mounts it once
the service's staff login exists). Its staff check is a STAND-IN: the request must carry the header
X-Staff-Key with the key given here; the real check (issue 9's staff session) replaces it when wired.

    python tests/support/insights_tab_server.py --db URL --port P --eval-file F --staff-key K
"""
from __future__ import annotations

import argparse
import hmac
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import gradio as gr  # noqa: E402

from rag.conversations.store import ConversationStore  # noqa: E402
from rag.insights.report import Insights  # noqa: E402
from rag.settings import Settings  # noqa: E402
from rag.ui.insights_tab import build_insights_tab  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--eval-file", type=Path, required=True)
    ap.add_argument("--staff-key", required=True)
    args = ap.parse_args()

    def authorise(request: gr.Request) -> None:
        given = request.headers.get("x-staff-key", "") if request else ""
        if not hmac.compare_digest(given.encode(), args.staff_key.encode()):
            raise gr.Error("需要工作人员登录")

    settings = Settings()
    insights = Insights.from_settings(settings, store=ConversationStore(args.db))
    with gr.Blocks(title="洞察") as demo:
        with gr.Tab("洞察"):
            build_insights_tab(insights, authorise, eval_items_file=args.eval_file)
    demo.queue().launch(server_name="127.0.0.1", server_port=args.port, prevent_thread_lock=False)


if __name__ == "__main__":
    main()
