"""renewal-qa command line: ingest, search, ask, eval, serve (the default: chat UI at /, REST API at /v1).

    python app.py [--host H --port P]  # build/refresh the index from docs/, serve UI + REST API on 127.0.0.1:7860
    python app.py ingest [--index DIR] PATH...
    python app.py search "问题" [--index DIR] [--k 5] [--json] [--questions FILE.jsonl]
"""
from __future__ import annotations

import os
import warnings

# setuptools<81 is pinned for milvus-lite 2.5.1 (it imports pkg_resources); jieba imports it too, and it warns.
warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

from rag.cli import main  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(main())
