"""Nothing a visitor sends becomes a URL the server calls, and the LLM key goes only to the configured server.

The configured LLM is tests/support/openai_stub_server.py — a FAKE model over real HTTP (no Chinese instruct
model installs here), which answers only requests carrying its key (`test-key`; 401 otherwise). A plain
listener on 127.0.0.1 plays the address a visitor would like the server to call: it must receive nothing.
"""
from __future__ import annotations

import socket
import threading

import httpx
import pytest

from support.llm_stub import running_stub

from support.app_server import AppServer
from support.service_client import client_ip, queue_call


class Listener:
    """A TCP listener on 127.0.0.1 that records every connection and whatever arrives on it."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.received: list[bytes] = []
        self._stop = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            conn.settimeout(1)
            try:
                self.received.append(conn.recv(65536) or b"(connected)")
            except OSError:
                self.received.append(b"(connected)")
            conn.close()

    def close(self):
        self._stop = True
        self.thread.join(timeout=5)
        self.sock.close()


@pytest.fixture(scope="module")
def llm_stub():
    with running_stub("/v1") as url:
        yield url


@pytest.fixture(scope="module")
def llm_service(tmp_path_factory, seed_index, llm_stub):
    server = AppServer(tmp_path_factory.mktemp("llm_service"), seed_index, env={
        "RQA_ANSWER__BACKEND": "openai", "RQA_LLM__BASE_URL": llm_stub, "RQA_LLM__MODEL": "extractive",
        "RQA_LLM__API_KEY": "test-key", "RQA_SERVICE__STAFF_API_KEY": "k-llm-staff",
        "RQA_SERVICE__FORWARDED_ALLOW_IPS": "127.0.0.1"}).start()
    yield server
    server.stop()


@pytest.fixture()
def listener():
    lst = Listener()
    yield lst
    lst.close()


def test_visitor_urls_are_never_contacted_and_the_key_reaches_only_the_configured_server(llm_service, listener):
    trap = f"http://127.0.0.1:{listener.port}/v1"
    question = "石景山老楼加梯竣工总量是多少部？"
    headers = {"X-Forwarded-For": client_ip(), "X-LLM-Base-URL": trap, "Origin": trap, "Referer": trap}
    # REST: every place a URL could ride along in an OpenAI-style request
    body = {"model": "renewal-qa", "base_url": trap, "api_base": trap, "llm": {"base_url": trap},
            "messages": [{"role": "user", "content": question}, ], "user": trap, "stream": False}
    r = httpx.post(llm_service.url + "v1/chat/completions", json=body, headers=headers, timeout=120)
    assert r.status_code == 200, r.text
    data = r.json()
    # answered by the configured LLM (the stub answers only requests carrying the server's key): no fallback notice
    assert "173部" in data["choices"][0]["message"]["content"] and data["notice"] == "" and not data["refused"]
    r = httpx.post(llm_service.url + "v1/chat/completions", json={**body, "model": trap}, headers=headers, timeout=60)
    assert r.status_code == 404  # a model name that is a URL is just an unknown model

    # Gradio: the chat event with the trap URL in every input the page sends
    config = httpx.get(llm_service.url + "config").json()
    respond = next(d for d in config["dependencies"] if d["api_name"] == "respond")
    comps = {c["id"]: c for c in config["components"]}
    def is_date(i):
        return "日期" in (comps[i]["props"].get("label") or "")

    data = [question if n == 0 else (trap if comps[i]["type"] == "textbox" else comps[i]["props"].get("value"))
            for n, i in enumerate(respond["inputs"])]
    msg = queue_call(llm_service.url, respond["id"], data)
    assert msg["success"], msg
    # a URL in a date filter is not a date: the resident is told which field, and nothing is called
    assert "起始日期" in str(msg["output"]["data"][0]) and "无法识别" in str(msg["output"]["data"][0])
    data = [question if n == 0 else ("" if is_date(i) else trap) if comps[i]["type"] == "textbox"
            else comps[i]["props"].get("value") for n, i in enumerate(respond["inputs"])]
    msg = queue_call(llm_service.url, respond["id"], data)
    assert msg["success"], msg
    chat = msg["output"]["data"][0]
    assert "173部" in str(chat)
    assert not any(isinstance(v, str) and v.startswith("http") for v in msg["output"]["data"])
    # the page offers no field for an LLM address or model at all
    labels = [c["props"].get("label") or "" for c in config["components"]]
    assert not any("LLM 地址" in x or x == "模型" for x in labels)
    # and with the trap in the choice inputs too (rejected by Gradio's own validation, or ignored)
    data = [question if n == 0 else trap for n, _ in enumerate(respond["inputs"])]
    queue_call(llm_service.url, respond["id"], data)
    assert listener.received == []


def test_gradio_upload_copies_are_removed_when_the_server_stops(llm_service):
    """Runs last in this module: it stops the module's server."""
    cookie = httpx.post(llm_service.url + "staff/login", data={"password": "k-llm-staff"},
                        headers={"X-Forwarded-For": client_ip()}).cookies["rqa_staff"]
    r = httpx.post(llm_service.url + "gradio_api/upload", files={"files": ("草稿.txt", "加装电梯".encode())},
                   cookies={"rqa_staff": cookie}, headers={"X-Forwarded-For": client_ip()})
    assert r.status_code == 200
    copy = r.json()[0]
    owned = [p for p in llm_service.gradio_tmp.iterdir() if p.name.startswith("rqa-gradio-")]
    assert len(owned) == 1 and copy.startswith(str(owned[0]))  # Gradio wrote into the app's own folder
    llm_service.stop()
    assert not owned[0].exists()
