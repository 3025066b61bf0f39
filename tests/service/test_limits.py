"""Limits that protect the service: rate (429 + Retry-After + Chinese), sizes (413 before reading)."""
from __future__ import annotations

import httpx

from support.service_client import RATE, STAFF_KEY, client_ip


def test_rate_limit_on_chat_and_search(service, api):
    codes = [api.post("/v1/search", json={"query": "加装电梯"}).status_code for _ in range(RATE)]
    assert codes == [200] * RATE
    r = api.post("/v1/chat/completions", json={"model": "renewal-qa", "messages": [{"role": "user", "content": "加装电梯"}]})
    assert r.status_code == 429
    assert "请求太频繁" in r.json()["error"]["message"] and int(r.headers["Retry-After"]) >= 1
    # another client is not affected
    other = httpx.post(service.url + "v1/search", json={"query": "加装电梯"}, headers={"X-Forwarded-For": client_ip()})
    assert other.status_code == 200


def test_oversized_body_is_refused_before_reading(api):
    r = api.post("/v1/search", content=b"x" * (65 * 1024), headers={"content-type": "application/json"})
    assert r.status_code == 413 and "请求过大" in r.json()["error"]["message"]


def test_oversized_chunked_body_without_length(api):
    def body():
        for _ in range(100):
            yield b" " * 4096

    r = api.post("/v1/search", content=body(), headers={"content-type": "application/json"})
    assert "content-length" not in r.request.headers
    assert r.status_code == 413 and "请求过大" in r.json()["error"]["message"]


def test_oversized_upload(service, api):
    r = api.post("/v1/documents", headers={"Authorization": f"Bearer {STAFF_KEY}"},
                 files={"file": ("big.txt", "加装电梯。".encode() * 60000)})
    assert r.status_code == 413 and "上传文件过大" in r.json()["error"]["message"]
    assert not (service.docs / "big.txt").exists()


def test_question_too_long(api):
    r = api.post("/v1/chat/completions", json={"model": "renewal-qa",
                                               "messages": [{"role": "user", "content": "加装电梯" * 600}]})
    assert r.status_code == 413 and "2000 字以内" in r.json()["error"]["message"]


def test_health_and_readiness(api):
    assert api.get("/healthz").json() == {"status": "ok"}
    ready = api.get("/readyz").json()
    assert ready["status"] == "ready" and ready["documents"] >= 5 and ready["chunks"] > 100


def test_filter_that_does_not_parse_is_a_422_naming_the_field(api):
    r = api.post("/v1/search", json={"query": "加装电梯", "filters": {"date_from": "去年"}})
    assert r.status_code == 422 and "起始日期" in r.json()["error"]["message"]
    r = api.post("/v1/search", json={"query": "加装电梯", "filters": {"date_from": "8392-70-15"}})
    assert r.status_code == 422 and "无法识别" in r.json()["error"]["message"]
