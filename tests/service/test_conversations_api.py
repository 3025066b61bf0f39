"""Staff REST routes over the conversation log, on the real server process: questions asked through the
real chat API are recorded and come back from GET /v1/conversations, /v1/insights (a refused question in
a knowledge gap) and /readyz; without the staff key every route is 401; a bad date is a 422 naming the
parameter; a failed write (the real SQLite table taken away) still answers and is counted."""
from __future__ import annotations

import sqlite3

import httpx
import pytest

from support.service_client import STAFF_KEY, client_ip, staff_cookie

AUTH = {"Authorization": f"Bearer {STAFF_KEY}"}
ANSWERED = "石景山老楼加梯竣工总量是多少部？"
REFUSED = "深圳南山区城中村改造每户拆迁补偿多少钱？"
ROUTES = ("/v1/conversations", "/v1/feedback", "/v1/insights")


def _chat(api, question: str) -> dict:
    r = api.post("/v1/chat/completions", json={"model": "renewal-qa", "messages": [{"role": "user", "content": question}]})
    assert r.status_code == 200, r.text
    return r.json()


def _all_exchanges(api) -> list[dict]:
    r = api.get("/v1/conversations", params={"limit": 1000}, headers=AUTH)
    assert r.status_code == 200, r.text
    return r.json()["data"]


def _client(service, **kw) -> httpx.Client:
    return httpx.Client(base_url=service.url.rstrip("/"), timeout=120, headers={"X-Forwarded-For": client_ip()}, **kw)


@pytest.fixture(scope="module")
def asked(service):
    """One answered and one refused question through the real chat API."""
    with _client(service) as api:
        return {ANSWERED: _chat(api, ANSWERED), REFUSED: _chat(api, REFUSED)}


@pytest.mark.parametrize("route", ROUTES)
def test_without_a_staff_credential_every_route_is_401(service, api, route):
    for headers in ({}, {"Authorization": "Bearer wrong-key"}):
        r = api.get(route, headers=headers)
        assert r.status_code == 401 and "员工" in r.json()["error"]["message"], r.text
    with _client(service, cookies={"rqa_staff": "eyJ1Ijoic3RhZmYifQ.aaaaaa.bbbbbbbbbbbbbbbbbbbbbbbbbbb"}) as forged:
        assert forged.get(route).status_code == 401
    assert api.get(route, params={"since": "2026-02-30"}).status_code == 401  # no hint before the credential


def test_questions_asked_through_the_api_are_listed(api, asked):
    rows = {r["question"]: r for r in _all_exchanges(api)}
    answered, refused = rows[ANSWERED], rows[REFUSED]
    reply = asked[ANSWERED]
    assert answered["answer"] == reply["choices"][0]["message"]["content"] and "173" in answered["answer"]
    assert not answered["refused"] and answered["index_version"] == api.get("/readyz").json()["index_version"]
    assert [(c["n"], c["doc_id"]) for c in answered["citations"]] == [(c["n"], c["doc_id"]) for c in reply["citations"]]
    for c in answered["citations"]:
        assert c["file"].endswith(".txt") and "source" not in c and "/" not in c["file"]  # never the server's path
    assert answered["total_ms"] > 0 and answered["session_id"].startswith("api-")
    assert refused["refused"] and refused["answer"] == asked[REFUSED]["choices"][0]["message"]["content"]
    assert refused["feedback"] is None


def test_paging(api, asked):
    everything = _all_exchanges(api)
    assert len(everything) >= 2
    page = api.get("/v1/conversations", params={"limit": 1, "offset": 1}, headers=AUTH).json()
    assert (page["limit"], page["offset"]) == (1, 1) and [r["id"] for r in page["data"]] == [everything[1]["id"]]


def test_insights_put_the_refused_question_in_a_gap(service, api, asked):
    with _client(service, cookies=staff_cookie(service.url)) as browser:  # a logged-in staff session may read it too
        assert browser.get("/v1/insights").status_code == 200
    r = api.get("/v1/insights", headers=AUTH)
    assert r.status_code == 200, r.text
    report = r.json()
    t = report["totals"]
    assert t["questions"] >= 2 and t["refused"] >= 1 and 0 < t["refusal_rate"] < 1
    assert t["answer_p50_ms"] > 0 and report["timezone"] == "Asia/Shanghai"
    gap_questions = {q["question"] for g in report["gaps"] for q in g["questions"]}
    assert REFUSED in gap_questions and ANSWERED not in gap_questions
    assert any(q["question"] == ANSWERED for q in report["top_questions"])


def test_feedback_route_lists_votes(api, asked):
    r = api.get("/v1/feedback", headers=AUTH)
    assert r.status_code == 200 and isinstance(r.json()["data"], list)  # votes come from the chat (tests/ui)


@pytest.mark.parametrize("params, names", [
    ({"since": "2026-02-30"}, "since"), ({"until": "昨天"}, "until"), ({"since": "2026/01/01"}, "since"),
    ({"until": "0001-01-01"}, "until")])
def test_a_bad_date_is_a_422_naming_the_parameter(api, params, names):
    for route in ROUTES:
        r = api.get(route, params=params, headers=AUTH)
        assert r.status_code == 422, (route, r.text)
        message = r.json()["error"]["message"]
        assert names in message and "年-月-日" in message, message


def test_date_bounds_select_days(api, asked):
    assert api.get("/v1/conversations", params={"until": "2000-01-01"}, headers=AUTH).json()["data"] == []
    assert len(api.get("/v1/conversations", params={"since": "2000-01-01", "limit": 1000},
                       headers=AUTH).json()["data"]) == len(_all_exchanges(api))
    assert api.get("/v1/insights", params={"until": "2000-01-01"}, headers=AUTH).json()["totals"]["questions"] == 0
    backwards = {"since": "2100-01-01", "until": "2000-01-01"}  # an empty range: no rows, not an error
    assert api.get("/v1/feedback", params=backwards, headers=AUTH).json()["data"] == []


def test_readyz_reports_the_log_and_a_failed_write_still_answers(service, api, asked):
    before = api.get("/readyz").json()["conversations"]
    assert before["ok"] and before["backend"] == "sqlite"
    assert str(service.work) not in api.get("/readyz").text  # public: no server path
    db = sqlite3.connect(service.conversations_db)
    db.execute("ALTER TABLE exchanges RENAME TO exchanges_away")  # the log's table is gone: every write fails
    db.commit()
    try:
        reply = _chat(api, ANSWERED)
        assert "173" in reply["choices"][0]["message"]["content"]  # the resident still gets the answer
        after = api.get("/readyz")
        assert after.status_code == 200
        log = after.json()["conversations"]
        assert log["write_failures"] == before["write_failures"] + 1 and log["last_error"].startswith("record")
    finally:
        db.execute("ALTER TABLE exchanges_away RENAME TO exchanges")
        db.commit()
        db.close()
