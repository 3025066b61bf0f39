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


@pytest.fixture()
def page(browser, app_server):
    """A resident's page: no login."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    ctx = browser.new_context(viewport={"width": 1300, "height": 1000}, locale="zh-CN")
    pg = ctx.new_page()
    pg.goto(app_server["url"], wait_until="load")
    pg.wait_for_selector("#question textarea", timeout=60000)
    yield pg
    ctx.close()


@pytest.fixture()
def staff_page(browser, app_server, staff_password):
    """A staff member's page, logged in through /staff/login with the credential the first start printed.
    The browser's locale is English on purpose: Gradio's own strings must still be Chinese."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    ctx = browser.new_context(viewport={"width": 1300, "height": 1100}, locale="en-US")
    pg = ctx.new_page()
    pg.goto(app_server["url"] + "staff/login", wait_until="load")
    pg.fill("#password", staff_password)
    pg.click("#login")
    pg.wait_for_selector("#question textarea", timeout=60000)
    pg.wait_for_function("document.querySelector('#staff-login').innerText.includes('已登录员工')", timeout=60000)
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
    assert any("检索资料" in s or "思考中" in s for s in seen), "no progress state was shown before the answer"
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
    page.wait_for_function(f"document.querySelector('#kb-upload').innerText.includes('{path.stem}')", timeout=30000)
    page.click("#kb-upload-btn")


def test_upload_in_kb_tab_then_find_it_by_a_question(staff_page, tmp_path):
    page = staff_page
    doc = tmp_path / "口袋公园通知.txt"
    doc.write_text("石景山区口袋公园建设通知\n2024年石景山区新建口袋公园36处，方便居民就近休闲。\n", encoding="utf-8")
    _upload(page, doc)
    page.wait_for_function("document.querySelector('#kb-status').innerText.includes('已添加')", timeout=120000)
    assert "口袋公园通知" in page.inner_text("#kb-table")
    page.screenshot(path=str(ARTIFACTS / "kb_uploaded.png"), full_page=True)
    page.get_by_role("tab", name="问答").click()
    _ask(page, "石景山新建了多少处口袋公园？")
    page.wait_for_function("document.querySelector('#chatbot').innerText.includes('36处')", timeout=60000)


def test_unreadable_file_is_rejected_and_nothing_changes(staff_page, tmp_path, app_server):
    """(A wrong file type never leaves the browser: the upload area accepts only the supported suffixes; the
    server's own check is tested over REST in tests/service.)"""
    page = staff_page
    before = sorted(p.name for p in app_server["docs"].iterdir())
    bad = tmp_path / "空白.txt"
    bad.write_text("   \n\n  ", encoding="utf-8")
    _upload(page, bad)
    page.wait_for_function("document.querySelector('#kb-status').innerText.includes('失败：')", timeout=60000)
    assert "空白.txt" in page.inner_text("#kb-status")
    assert sorted(p.name for p in app_server["docs"].iterdir()) == before


def test_html_in_a_document_is_shown_as_text_never_run(staff_page, tmp_path):
    page = staff_page
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


def test_resident_sees_no_staff_areas(page, app_server):
    for tab in ("知识库", "评测", "洞察"):
        assert page.get_by_role("tab", name=tab).count() == 0, tab
    assert page.locator("#answer-settings").count() == 0 or not page.locator("#answer-settings").is_visible()
    assert "员工登录" in page.inner_text("#staff-login")
    assert "LLM 地址" not in page.content()


def _choices(page, elem_id: str) -> str:
    page.click(f"#{elem_id} input")
    page.wait_for_timeout(300)
    text = page.locator("ul[role=listbox]").last.inner_text()
    page.keyboard.press("Escape")
    return text


def test_kb_tab_is_chinese_refreshes_drop_downs_and_confirms_deletion(staff_page, app_server, tmp_path):
    page = staff_page
    page.get_by_role("tab", name="知识库").click()
    upload_area = page.inner_text("#kb-upload")
    assert "将文件拖放到此处" in upload_area and "Drop File Here" not in upload_area and "Click to Upload" not in upload_area
    doc = tmp_path / "垃圾分类通知.txt"
    doc.write_text("石景山区垃圾分类通知\n2024年石景山区新增垃圾分类驿站12座。\n", encoding="utf-8")
    _upload(page, doc)
    page.wait_for_function("document.querySelector('#kb-status').innerText.includes('成功：已添加')", timeout=120000)
    status = page.inner_text("#kb-status")
    assert not any(ch in status for ch in "✅❌⏳⚠")  # words, not emoji that render as empty boxes here
    # the delete drop-down and the chat's document filter know the new document at once (no 重新索引)
    assert "石景山区垃圾分类通知" in _choices(page, "kb-victim")
    page.get_by_role("tab", name="问答").click()
    page.click("text=筛选")
    assert "石景山区垃圾分类通知" in _choices(page, "filter-docs")
    page.get_by_role("tab", name="知识库").click()
    # delete asks first, naming the document; cancel keeps it
    assert page.locator("#kb-victim input").input_value() == ""  # nothing pre-selected
    page.click("#kb-victim input")
    page.get_by_role("option", name="石景山区垃圾分类通知", exact=False).click()
    page.click("#kb-delete")
    page.wait_for_selector("#kb-confirm-text", state="visible", timeout=30000)
    assert "确定删除《石景山区垃圾分类通知》" in page.inner_text("#kb-confirm-text")
    page.screenshot(path=str(ARTIFACTS / "kb_confirm_delete.png"), full_page=True)
    page.click("#kb-cancel-delete")
    page.wait_for_function("document.querySelector('#kb-status').innerText.includes('已取消')", timeout=30000)
    assert (app_server["docs"] / "垃圾分类通知.txt").exists()
    page.click("#kb-victim input")
    page.get_by_role("option", name="石景山区垃圾分类通知", exact=False).click()
    page.click("#kb-delete")
    page.wait_for_selector("#kb-confirm-delete", state="visible", timeout=30000)
    page.click("#kb-confirm-delete")
    page.wait_for_function("document.querySelector('#kb-status').innerText.includes('已删除《石景山区垃圾分类通知》')",
                           timeout=120000)
    assert not (app_server["docs"] / "垃圾分类通知.txt").exists()
    assert "石景山区垃圾分类通知" not in _choices(page, "kb-victim")
    assert "石景山区垃圾分类通知" not in page.inner_text("#kb-table")


def test_drop_downs_are_filled_on_page_load(staff_page):
    staff_page.get_by_role("tab", name="知识库").click()
    assert "李先侠" in _choices(staff_page, "kb-victim")  # a shipped document, listed without any action
