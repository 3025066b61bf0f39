"""The 洞察 tab in a real Gradio server process and real headless Chromium: a question the real
pipeline refused shows up in a gap card, charts render, "add to eval set" writes the item, the CSV
export downloads with the rows, and a request without the staff check's approval gets nothing.
The staff check is a stand-in header (tests/support/insights_tab_server.py) until issue 9 is wired."""
from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from helpers import ROOT
from support.app_server import free_port
from rag.conversations.record import ExchangeRecord, exchange_from_answer
from rag.conversations.store import ConversationStore

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "tests" / "artifacts"
KEY = "test-staff-key-5f2c"
pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM),
                                reason="Debian chromium not installed (run `make test` as root to install it)")
REFUSED = ["首钢园的门票多少钱一张？", "去首钢园玩需要买门票吗", "装电梯能不能提取公积金？", "加装电梯的费用可以用住房公积金支付吗"]


@pytest.fixture(scope="module")
def tab_server(tmp_path_factory, seed_settings, searcher):
    from rag.answering.answer_service import AnswerService

    work = tmp_path_factory.mktemp("insights_tab")
    db = f"sqlite:///{work / 'c.sqlite3'}"
    store = ConversationStore(db)
    service = AnswerService(seed_settings, searcher=searcher)
    for q in REFUSED + ["老旧小区改造都改些什么？"]:
        store.record(exchange_from_answer(service.ask(q), "a" * 32))
    store.record(ExchangeRecord("b" * 32, '<img src=x onerror="window.__pwned=1">能装电梯吗', refused=True))
    store.close()
    port = free_port()
    log = open(work / "server.log", "w")
    proc = subprocess.Popen([sys.executable, str(ROOT / "tests" / "support" / "insights_tab_server.py"), "--db", db,
                             "--port", str(port), "--eval-file", str(work / "traffic.jsonl"), "--staff-key", KEY],
                            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 180
    while True:
        if proc.poll() is not None or time.time() > deadline:
            proc.kill()
            raise RuntimeError("insights tab server did not start: " + (work / "server.log").read_text())
        try:
            urllib.request.urlopen(url, timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    yield {"url": url, "eval_file": work / "traffic.jsonl"}
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield b
        b.close()


def _open(browser, url, headers):
    ctx = browser.new_context(viewport={"width": 1300, "height": 1000}, locale="zh-CN", extra_http_headers=headers,
                              accept_downloads=True)
    page = ctx.new_page()
    page.goto(url, wait_until="load")
    page.wait_for_selector("#insights-refresh", timeout=60000)
    page.fill("#insights-since textarea, #insights-since input", "")
    return ctx, page


def test_staff_see_gaps_charts_add_an_eval_item_and_export_csv(browser, tab_server):
    ctx, page = _open(browser, tab_server["url"], {"X-Staff-Key": KEY})
    page.click("#insights-refresh")
    page.wait_for_selector("#insights-gaps .gap-card", timeout=120000)
    cards = page.locator("#insights-gaps .gap-card").all_inner_texts()
    ticket_card = next(c for c in cards if "首钢园的门票多少钱一张？" in c)
    assert "去首钢园玩需要买门票吗" in ticket_card and "公积金" not in ticket_card
    fund_card = next(c for c in cards if "装电梯能不能提取公积金？" in c)
    assert "加装电梯的费用可以用住房公积金支付吗" in fund_card
    # a question with markup is shown as text, never run
    assert any("<img src=x" in c for c in cards) and not page.evaluate("window.__pwned === 1")
    assert "拒答率" in page.inner_text("#insights-summary")
    for n in range(1, 5):  # the four charts, as images the browser could decode
        page.wait_for_function("n => [...document.querySelectorAll(`#insights-chart-${n} img`)]"
                               ".some(i => i.complete && i.naturalWidth > 300)", arg=n, timeout=60000)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "insights_tab.png"), full_page=True)

    page.click("#insights-add")  # the first gap question is picked; kind unanswerable by default
    page.wait_for_function("document.querySelector('#insights-add-status').innerText.includes('已加入评测集')",
                           timeout=60000)
    [item] = [json.loads(x) for x in tab_server["eval_file"].read_text(encoding="utf-8").splitlines()]
    assert item["kind"] == "unanswerable" and item["question"] in REFUSED + ['<img src=x onerror="window.__pwned=1">能装电梯吗']

    page.click("text=导出与删除")
    page.click("#insights-export")
    page.wait_for_selector("#insights-files a", timeout=60000)
    links = page.locator("#insights-files a")
    texts = {}
    for i in range(links.count()):
        with page.expect_download() as dl:
            links.nth(i).click()
        texts[dl.value.suggested_filename] = Path(dl.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(texts["conversations.csv"])))
    assert len(rows) == len(REFUSED) + 2 and {r["question"] for r in rows} >= set(REFUSED)
    assert "feedback.csv" in texts
    ctx.close()


def test_without_the_staff_check_nothing_is_shown(browser, tab_server):
    ctx, page = _open(browser, tab_server["url"], {})
    page.click("#insights-refresh")
    page.wait_for_selector("text=需要工作人员登录", timeout=60000)
    assert page.locator("#insights-gaps .gap-card").count() == 0
    assert "首钢园" not in page.inner_text("body")
    page.click("text=导出与删除")
    page.click("#insights-export")
    page.wait_for_timeout(1500)
    assert page.locator("#insights-files a").count() == 0
    ctx.close()
