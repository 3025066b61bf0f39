"""A real app server (python app.py serve) on a free loopback port, over a temp copy of docs/.

Nothing about staff is configured, so the server generates a staff credential on its first start
and prints it once; the tests read it from the log as an operator would from the console."""
from __future__ import annotations

import os
import re

import pytest

from support.app_server import AppServer


@pytest.fixture(scope="session")
def app_server(tmp_path_factory, seed_index):
    server = AppServer(tmp_path_factory.mktemp("ui"), seed_index).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def staff_password(app_server) -> str:
    m = re.search(r"用户名 staff  密码 (\S+)", app_server.log.read_text(encoding="utf-8"))
    assert m, "the first start did not print a staff login"
    return m.group(1)


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by PyPI playwright (never `playwright install`)."""
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian chromium not installed (run `make test` as root to install it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        yield b
        b.close()
