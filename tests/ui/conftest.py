"""A real app server (python app.py serve) on a free loopback port, over a temp copy of docs/."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def app_server(tmp_path_factory, seed_index):
    work = tmp_path_factory.mktemp("ui")
    docs, index = work / "docs", work / "index"
    shutil.copytree(ROOT / "docs", docs)
    shutil.copytree(seed_index, index)  # same shipped docs: the server's start-up ingest finds nothing to do
    port = _free_port()
    env = dict(os.environ, RQA_PATHS__DOCS_DIR=str(docs), RQA_PATHS__INDEX_DIR=str(index),
               GRADIO_ANALYTICS_ENABLED="False", HF_HUB_OFFLINE="1")
    log = open(work / "server.log", "w")
    proc = subprocess.Popen([sys.executable, str(ROOT / "app.py"), "serve", "--port", str(port)], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 180
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError((work / "server.log").read_text())
        try:
            urllib.request.urlopen(url, timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        raise RuntimeError("server did not start: " + (work / "server.log").read_text())
    yield {"url": url, "docs": docs, "index": index, "log": work / "server.log"}
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
