"""Real headless Chromium (Debian's /usr/bin/chromium, driven by PyPI playwright) against the real server.

Screenshots go to tests/artifacts/ (git-ignored). Skipped, loudly, only where chromium is not installed
(`make test` installs it with apt when it runs as root).
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"

CHROMIUM = "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM),
                                reason="Debian chromium not installed (run `make test` as root to install it)")

RECORD_CHAT = """() => {
  window.__seen = [];
  const target = document.querySelector('#chatbot');
  new MutationObserver(() => window.__seen.push(target.innerText)).observe(target, {subtree: true, childList: true, characterData: true});
}"""


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield b
        b.close()


@pytest.fixture()
def page(browser, app_server):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    ctx = browser.new_context(viewport={"width": 1300, "height": 1000}, locale="zh-CN")
    pg = ctx.new_page()
    pg.goto(app_server["url"], wait_until="load")
    pg.wait_for_selector("#question textarea", timeout=60000)
    yield pg
    ctx.close()


def _ask(pg, question):
    pg.fill("#question textarea", question)
    pg.click("#send")


def _last_answer(pg) -> str:
    return pg.locator("#chatbot .message.bot, #chatbot [data-testid='bot']").last.inner_text()


def test_question_streams_answer_with_highlighted_source_card(page):
    page.evaluate(RECORD_CHAT)
    _ask(page, "石景山老楼加梯竣工总量是多少部？")
    page.wait_for_selector("#sources .source-card mark", timeout=60000)
    assert "173部" in page.inner_text("#chatbot")
    seen = page.evaluate("window.__seen")
    assert any("⏳" in s for s in seen), "no progress state was shown before the answer"
    mark = page.inner_text("#sources .source-card mark")
    assert "173部" in mark
    card = page.inner_text("#sources .source-card")
    assert "北京市人民政府新聞辦公室" in card and "北京市石景山区" in card
    page.click("#sources .card-context summary")
    assert page.locator("#sources .card-context").first.evaluate("d => d.open")
    assert page.locator("#chatbot a.cite").count() >= 1
    page.screenshot(path=str(ARTIFACTS / "chat_answer.png"), full_page=True)


def test_traditional_question_and_refusal_and_new_chat(page):
    _ask(page, "石景山老樓加梯竣工總量是多少部？")
    page.wait_for_selector("#sources .source-card", timeout=60000)
    assert "總量達到173部" in page.inner_text("#chatbot")
    _ask(page, "上海静安区加装电梯每户补贴多少？")
    page.wait_for_function("document.querySelector('#chatbot').innerText.includes('资料中没有找到')", timeout=60000)
    assert "静安区" in page.inner_text("#chatbot")  # the refusal says what the documents lack (上海 they do mention)
    page.screenshot(path=str(ARTIFACTS / "chat_refusal.png"), full_page=True)
    page.click("#new-chat")
    page.wait_for_function("!document.querySelector('#chatbot').innerText.includes('173部')", timeout=30000)


def test_example_question_is_one_click(page):
    page.get_by_role("button", name="我家老小区能装电梯吗？").click()
    page.wait_for_function("document.querySelector('#chatbot').innerText.includes('电梯')", timeout=60000)
    page.wait_for_selector("#sources .source-card", timeout=60000)


def _upload(page, path: Path):
    page.get_by_role("tab", name="知识库").click()
    page.set_input_files("#kb-upload input[type=file]", str(path))
    page.wait_for_timeout(500)
    page.click("#kb-upload-btn")


def test_upload_in_kb_tab_then_find_it_by_a_question(page, tmp_path):
    doc = tmp_path / "口袋公园通知.txt"
    doc.write_text("石景山区口袋公园建设通知\n2024年石景山区新建口袋公园36处，方便居民就近休闲。\n", encoding="utf-8")
    _upload(page, doc)
    page.wait_for_function("document.querySelector('#kb-status').innerText.includes('已添加')", timeout=120000)
    assert "口袋公园通知" in page.inner_text("#kb-table")
    page.screenshot(path=str(ARTIFACTS / "kb_uploaded.png"), full_page=True)
    page.get_by_role("tab", name="问答").click()
    _ask(page, "石景山新建了多少处口袋公园？")
    page.wait_for_function("document.querySelector('#chatbot').innerText.includes('36处')", timeout=60000)


def test_wrong_file_type_is_rejected_and_nothing_changes(page, tmp_path, app_server):
    before = sorted(p.name for p in app_server["docs"].iterdir())
    bad = tmp_path / "virus.exe"
    bad.write_bytes(b"MZ\x90\x00")
    _upload(page, bad)
    page.wait_for_function("document.querySelector('#kb-status').innerText.includes('不支持')", timeout=60000)
    assert sorted(p.name for p in app_server["docs"].iterdir()) == before


def test_html_in_a_document_is_shown_as_text_never_run(page, tmp_path):
    doc = tmp_path / "inject.md"
    doc.write_text("加装电梯补贴说明\n本区加装电梯补贴标准为每部25万元<script>window.__pwned=1</script>"
                   "<img src=x onerror=\"window.__pwned=2\">。\n", encoding="utf-8")
    _upload(page, doc)
    page.wait_for_function("document.querySelector('#kb-status').innerText.includes('已添加')", timeout=120000)
    page.get_by_role("tab", name="问答").click()
    _ask(page, "加装电梯补贴标准每部多少万元？")
    page.wait_for_selector("#sources .source-card", timeout=60000)
    page.wait_for_timeout(500)
    assert page.evaluate("window.__pwned") is None
    assert "<script>window.__pwned=1</script>" in page.inner_text("#sources")
    assert page.locator("#sources script, #sources img, #chatbot img").count() == 0
    page.screenshot(path=str(ARTIFACTS / "injection_as_text.png"), full_page=True)
