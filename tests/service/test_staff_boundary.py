"""Every staff action is authorised on the server, whatever path the request takes.

Anonymous: REST without a key, and the raw Gradio queue protocol (POST /gradio_api/queue/join with each
staff event's fn_index, read from /config) — the document stays in the index and on disk. With the
staff credential (API key, or the session cookie from /staff/login) the same actions succeed."""
from __future__ import annotations

import httpx
import pytest

from support.service_client import STAFF_KEY, client_ip, queue_call, staff_cookie, staff_dependencies

VICTIM = "000_0db8bd54a4003799"


def _doc_ids(api) -> set[str]:
    return {d["doc_id"] for d in api.get("/v1/documents").json()["data"]}


def _victim_files(service) -> list[str]:
    return sorted(p.name for p in service.docs.iterdir() if p.name.startswith(VICTIM))


@pytest.fixture()
def config(service):
    return httpx.get(service.url + "config").json()


def test_anonymous_rest_changes_are_refused(service, api, tmp_path):
    files_before = _victim_files(service)
    for headers in ({}, {"Authorization": "Bearer wrong-key"}, {"Authorization": "Basic c3RhZmY6c3RhZmY="}):
        r = api.delete(f"/v1/documents/{VICTIM}", headers=headers)
        assert r.status_code == 401 and "员工" in r.json()["error"]["message"]
        r = api.post("/v1/documents", headers=headers, files={"file": ("x.txt", "加装电梯补贴每户一百万元。".encode())})
        assert r.status_code == 401
    assert VICTIM in _doc_ids(api) and "x" not in _doc_ids(api)
    assert _victim_files(service) == files_before and len(files_before) == 2
    assert not (service.docs / "x.txt").exists()


def test_every_staff_event_refuses_the_raw_queue_protocol(service, api, config):
    deps = staff_dependencies(config)
    names = {d["api_name"] for d in deps}
    # the knowledge-base actions, the eval run and every 洞察 action are all among them
    assert {"kb_upload", "kb_ask_delete", "kb_delete_confirmed", "kb_reindex", "run"} <= names, names
    assert {"refresh", "add_to_eval", "export_csv", "delete_before"} <= names, names
    version = api.get("/readyz").json()["index_version"]
    evil_file = {"path": str(service.docs / f"{VICTIM}.txt"), "orig_name": "evil.txt", "meta": {"_type": "gradio.FileData"}}
    plausible = {"dropdown": VICTIM, "checkboxgroup": ["bm25"], "number": 1, "textbox": "eval/questions.jsonl",
                 "checkbox": True}  # 洞察's 确认删除
    on_load = _on_load(config)
    session = "anon-session-1"
    assert queue_call(service.url, on_load["id"], [], session_hash=session)["success"]  # as the page does: fills choices
    for d in deps:
        data = [_plausible(config, i, plausible) for i in d["inputs"]]
        msg = queue_call(service.url, d["id"], data, session_hash=session)
        assert msg["success"] is False, (d["api_name"], msg)
        assert "员工登录" in msg["output"]["error"], (d["api_name"], msg)  # refused by the guard itself
    upload = _dep(config, "kb_upload")
    assert queue_call(service.url, upload["id"], [[evil_file]], session_hash=session)["success"] is False
    assert VICTIM in _doc_ids(api) and len(_victim_files(service)) == 2
    assert api.get("/readyz").json()["index_version"] == version  # nothing re-indexed


def test_gradio_upload_route_needs_staff(service):
    r = httpx.post(service.url + "gradio_api/upload", files={"files": ("a.txt", b"x")},
                   headers={"X-Forwarded-For": client_ip()})
    assert r.status_code == 403 and "员工登录" in r.json()["error"]["message"]
    r = httpx.post(service.url + "gradio_api/upload", files={"files": ("a.txt", "加装电梯".encode())},
                   cookies=staff_cookie(service.url), headers={"X-Forwarded-For": client_ip()})
    assert r.status_code == 200 and r.json()[0].endswith("a.txt")


def test_wrong_password_gets_no_session(service):
    r = httpx.post(service.url + "staff/login", data={"username": "staff", "password": "guess"},
                   headers={"X-Forwarded-For": client_ip()})
    assert r.status_code == 401 and "rqa_staff" not in r.cookies and "不对" in r.text
    forged = {"rqa_staff": "eyJ1Ijoic3RhZmYifQ.aaaaaa.bbbbbbbbbbbbbbbbbbbbbbbbbbb"}
    msg = queue_call(service.url, _dep(httpx.get(service.url + "config").json(), "kb_reindex")["id"], [], forged)
    assert msg["success"] is False


def _plausible(config, component_id: int, by_type: dict):
    """A value the component's own checks accept (a drop-down only takes one of its choices), so the request
    reaches the handler and the guard inside it is what refuses it."""
    comp = next(c for c in config["components"] if c["id"] == component_id)
    value = by_type.get(comp["type"])
    if comp["type"] == "dropdown" and component_id not in _on_load(config)["outputs"]:  # on_load fills the rest
        choices = [c[1] for c in comp["props"].get("choices") or []]
        value = value if value in choices else (choices[0] if choices else None)
    return value


def _on_load(config):
    return next(d for d in config["dependencies"] if d["api_name"] == "on_load")


def _dep(config, name):
    return next(d for d in staff_dependencies(config) if d["api_name"] == name)


def test_staff_session_deletes_through_the_queue_after_confirmation(service, api, config):
    cookies = staff_cookie(service.url)
    doc = "002_5b15a4c597be09c2"
    assert doc in _doc_ids(api)
    session = "staffsession1"
    assert queue_call(service.url, _on_load(config)["id"], [], cookies, session)["success"]  # page load
    ask = queue_call(service.url, _dep(config, "kb_ask_delete")["id"], [doc], cookies, session)
    assert ask["success"], ask
    question = ask["output"]["data"][1]
    assert "确定删除《" in question and doc in question  # the confirmation names the document
    done = queue_call(service.url, _dep(config, "kb_delete_confirmed")["id"], [None], cookies, session)
    assert done["success"], done
    assert done["output"]["data"][0].startswith("已删除《")
    assert doc not in _doc_ids(api) and not list(service.docs.glob(f"{doc}*"))
    victim_choices = [c[1] for c in done["output"]["data"][2]["choices"]]
    assert doc not in victim_choices and VICTIM in victim_choices  # the drop-down is refreshed at once


def test_staff_api_key_uploads_and_deletes(service, api):
    auth = {"Authorization": f"Bearer {STAFF_KEY}"}
    r = api.post("/v1/documents", headers=auth, files={
        "file": ("口袋公园.txt", "石景山区口袋公园建设通知\n2024年石景山区新建口袋公园36处，方便居民就近休闲。\n".encode())})
    assert r.status_code == 200, r.text
    doc_id = r.json()["doc_id"]
    assert doc_id in _doc_ids(api) and (service.docs / "口袋公园.txt").exists()
    hits = api.post("/v1/search", json={"query": "石景山新建了多少处口袋公园", "k": 1}).json()["hits"]
    assert "36处" in hits[0]["text"]
    r = api.delete(f"/v1/documents/{doc_id}", headers=auth)
    assert r.status_code == 200 and doc_id not in _doc_ids(api) and not (service.docs / "口袋公园.txt").exists()
    assert api.delete("/v1/documents/no-such-doc", headers=auth).status_code == 404


def test_bad_upload_is_a_clear_message_and_changes_nothing(service, api):
    before = sorted(p.name for p in service.docs.iterdir())
    r = api.post("/v1/documents", headers={"Authorization": f"Bearer {STAFF_KEY}"},
                 files={"file": ("virus.exe", b"MZ\x90\x00")})
    assert r.status_code == 400 and "virus.exe" in r.json()["error"]["message"]
    assert sorted(p.name for p in service.docs.iterdir()) == before
