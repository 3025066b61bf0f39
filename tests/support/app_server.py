"""Start the real server (`python app.py serve`) as its own process on a free 127.0.0.1 port,
over a temp copy of docs/ and of an index, with the settings given as RQA_* environment variables."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AppServer:
    def __init__(self, work: Path, seed_index: Path, env: dict[str, str] | None = None):
        self.work = work
        self.docs, self.index = work / "docs", work / "index"
        shutil.copytree(ROOT / "docs", self.docs)
        shutil.copytree(seed_index, self.index)  # same shipped docs: the start-up ingest finds nothing to do
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = work / "server.log"
        self.gradio_tmp = work / "gradio-tmp-root"
        self.gradio_tmp.mkdir()
        self.conversations_db = work / "index.conversations.sqlite3"  # the default: beside the index folder
        self.eval_items = work / "questions_traffic.jsonl"  # 洞察's "add to eval set" writes here, not to eval/
        self.env = dict(os.environ, RQA_PATHS__DOCS_DIR=str(self.docs), RQA_PATHS__INDEX_DIR=str(self.index),
                        RQA_CONVERSATIONS__EVAL_ITEMS_FILE=str(self.eval_items), GRADIO_ANALYTICS_ENABLED="False", HF_HUB_OFFLINE="1", GRADIO_TEMP_DIR=str(self.gradio_tmp),
                        **(env or {}))
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 240) -> "AppServer":
        out = open(self.log, "w")
        self.proc = subprocess.Popen([sys.executable, str(ROOT / "app.py"), "serve", "--port", str(self.port)],
                                     cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("server exited:\n" + self.log.read_text())
            try:
                urllib.request.urlopen(self.url + "readyz", timeout=2)
                return self
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise RuntimeError("server did not start:\n" + self.log.read_text())

    def stop(self) -> None:
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.proc = None

    def __getitem__(self, key):  # the older tests read the server as a dict
        return {"url": self.url, "docs": self.docs, "index": self.index, "log": self.log}[key]
