"""The real server process on 127.0.0.1 for the service tests.

It trusts X-Forwarded-For from 127.0.0.1 (as behind a reverse proxy), so each test can speak as
its own client address and the per-client rate limit (5 per minute here) stays per test."""
from __future__ import annotations

import httpx
import pytest

from support.app_server import AppServer
from support.service_client import RATE, STAFF_KEY, client_ip




@pytest.fixture(scope="session")
def service(tmp_path_factory, seed_index):
    server = AppServer(tmp_path_factory.mktemp("service"), seed_index, env={
        "RQA_SERVICE__STAFF_API_KEY": STAFF_KEY, "RQA_SERVICE__FORWARDED_ALLOW_IPS": "127.0.0.1",
        "RQA_SERVICE__RATE_LIMIT": f"{RATE}/minute", "RQA_UI__MAX_UPLOAD_MB": "0.5",
        "RQA_SERVICE__MAX_BODY_KB": "64"}).start()
    yield server
    server.stop()


@pytest.fixture()
def api(service):
    with httpx.Client(base_url=service.url.rstrip("/"), timeout=120,
                      headers={"X-Forwarded-For": client_ip()}) as c:
        yield c


