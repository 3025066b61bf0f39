"""Residents' saved chat in real headless Chromium against a real Gradio server wired as
tests/support/chat_history_server.py shows (the wiring rag/ui/app.py is to take over): ask, 👎 with a
reason and a note, reload — the conversation is still there and still takes feedback —, export it as
Markdown with its sources, 新对话 starts a new one that also survives a reload."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from helpers import ROOT
from rag.conversations.store import ConversationStore

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "tests" / "artifacts"
pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM),
                                reason="Debian chromium not installed (run `make test` as root to install it)")
ANSWERED = "石景山老楼加梯竣工总量是多少部？"
REFUSED = "上海静安区加装电梯每户补贴多少？"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def chat_server(tmp_path_factory, seed_index):
    work = tmp_path_factory.mktemp("chat_history")
    db = f"sqlite:///{work / 'c.sqlite3'}"
    port = _free_port()
    log = open(work / "server.log", "w")
    proc = subprocess.Popen([sys.executable, str(ROOT / "tests" / "support" / "chat_history_server.py"), "--index",
                             str(seed_index), "--db", db, "--port", str(port)], cwd=ROOT, stdout=log,
                            stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 180
    while True:
        if proc.poll() is not None or time.time() > deadline:
            proc.kill()
            raise RuntimeError("chat server did not start: " + (work / "server.log").read_text())
        try:
            urllib.request.urlopen(url, timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    yield {"url": url, "db": db}
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture()
def page(chat_server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        ctx = b.new_context(viewport={"width": 1300, "height": 1000}, locale="zh-CN", accept_downloads=True)
        pg = ctx.new_page()
        pg.goto(chat_server["url"], wait_until="load")
        pg.wait_for_selector("#question textarea", timeout=60000)
        yield pg
        b.close()


def _chat_shows(pg, text: str, present: bool = True) -> None:
    pg.wait_for_function("([t, want]) => { const c = document.querySelector('#chatbot'); "
                         "return !!c && c.innerText.includes(t) === want; }", arg=[text, present], timeout=90000)


def _ask(pg, question: str, expect: str) -> None:
    pg.fill("#question textarea", question)
    pg.click("#send")
    _chat_shows(pg, expect)


def _status(pg, text: str) -> None:
    pg.wait_for_function("t => document.querySelector('#feedback-status').innerText.includes(t)", arg=text,
                         timeout=30000)


def test_ask_dislike_with_reason_reload_export_and_new_chat(page, chat_server):
    _ask(page, ANSWERED, "173")
    _ask(page, REFUSED, "资料中没有")
    page.fill("#feedback-note textarea", "我想知道静安区的补贴")
    page.locator("#chatbot button[aria-label='Feedback']").nth(1).click()  # the 👎 reason menu of answer 2
    page.locator("#chatbot .extra-feedback-option:visible", has_text="没有回答问题").click()
    _status(page, "已记录您的 👎（没有回答问题）")
    store = ConversationStore(chat_server["db"])
    [fb] = store.feedback()
    assert (fb["question"], fb["rating"], fb["reason"], fb["text"]) == (REFUSED, "down", "没有回答问题", "我想知道静安区的补贴")

    page.reload(wait_until="load")  # the same browser: the session id is in its local storage
    _chat_shows(page, REFUSED)
    chat = page.inner_text("#chatbot")
    assert ANSWERED in chat and "173" in chat and "资料中没有" in chat
    # Gradio labels the thumbs in the page's language (zh-CN: 赞 / 踩)
    page.locator("#chatbot button[aria-label='赞'], #chatbot button[aria-label='Like']").first.click()  # restored: still takes feedback
    _status(page, "已记录您的 👍")
    assert sorted((f["question"], f["rating"]) for f in store.feedback()) == [(REFUSED, "down"), (ANSWERED, "up")]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "chat_history_reloaded.png"), full_page=True)

    page.click("#export")
    page.wait_for_selector("#export-file a", timeout=30000)
    with page.expect_download() as dl:
        page.locator("#export-file a").first.click()
    md = Path(dl.value.path()).read_text(encoding="utf-8")
    assert f"## 1. {ANSWERED}" in md and f"## 2. {REFUSED}" in md and "**来源**" in md and "173" in md

    page.click("#new-chat")
    _chat_shows(page, ANSWERED, present=False)
    _ask(page, "老旧小区改造都改些什么？", "老旧小区")
    page.reload(wait_until="load")
    _chat_shows(page, "老旧小区改造都改些什么")
    assert ANSWERED not in page.inner_text("#chatbot")  # the new conversation, not the old one
    sessions = {e["session_id"] for e in store.exchanges()}
    assert len(sessions) == 2
    store.close()
