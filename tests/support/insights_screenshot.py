"""The README's 洞察 screenshot (assets/ui-insights.png), taken from the real app: a fresh server over the
shipped documents, a few realistic resident questions asked through the real chat API (some of them the
documents cannot answer), then a staff login in headless Chromium, 洞察 → 刷新, screenshot.

    .venv/bin/python tests/support/insights_screenshot.py --out assets/ui-insights.png
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import httpx  # noqa: E402

from support.app_server import AppServer  # noqa: E402

KEY = "screenshot-staff-key-" + os.urandom(8).hex()
QUESTIONS = [  # as residents type them: colloquial, some Traditional, some the documents do not cover
    "我家老小区能装电梯吗？", "石景山老楼加梯竣工总量是多少部？", "老旧小区改造都改些什么？", "老舊小區改造都改些什麼？",
    "老旧小区改造完了物业怎么管？", "首钢园的门票多少钱一张？", "去首钢园玩需要买门票吗", "装电梯能不能提取公积金？",
    "加装电梯的费用可以用住房公积金支付吗", "上海静安区加装电梯每户补贴多少？", "老旧小区改造都改些什么？",
]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, default=ROOT / "assets" / "ui-insights.png")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    from rag.ingest.indexer import ingest
    from rag.settings import Settings

    with tempfile.TemporaryDirectory(prefix="insights-shot-") as tmp:
        seed = Path(tmp) / "seed"
        settings = Settings()
        settings.paths.index_dir = seed
        ingest([ROOT / "docs"], settings, seed)
        (Path(tmp) / "work").mkdir()
        server = AppServer(Path(tmp) / "work", seed, env={"RQA_SERVICE__STAFF_API_KEY": KEY}).start()
        try:
            for q in QUESTIONS:
                r = httpx.post(server.url + "v1/chat/completions", timeout=120,
                               json={"model": "renewal-qa", "messages": [{"role": "user", "content": q}]})
                r.raise_for_status()
            with sync_playwright() as p:
                b = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
                pg = b.new_context(viewport={"width": 1300, "height": 1000}, locale="zh-CN").new_page()
                pg.goto(server.url + "staff/login")
                pg.fill("#password", KEY)
                pg.click("#login")
                pg.wait_for_selector("#question textarea", timeout=60000)
                pg.get_by_role("tab", name="洞察").click()
                pg.click("#insights-refresh")
                pg.wait_for_selector("#insights-gaps .gap-card", timeout=120000)
                pg.wait_for_selector("#insights-chart-4 img", timeout=60000)
                pg.wait_for_timeout(1000)
                args.out.parent.mkdir(parents=True, exist_ok=True)
                pg.screenshot(path=str(args.out), full_page=True)
                b.close()
        finally:
            server.stop()
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
