"""Clients for the service tests: distinct client addresses, the raw Gradio queue protocol, staff login."""
from __future__ import annotations

import itertools
import json
import uuid

import httpx

STAFF_KEY = "test-staff-key-0123456789"
RATE = 5  # requests per minute per client on the service tests' server
_clients = itertools.count(1)


def client_ip() -> str:
    """A fresh client address (reaches the server as X-Forwarded-For through the trusted loopback)."""
    n = next(_clients)
    return f"10.9.{n // 250}.{n % 250 + 1}"


def queue_call(base: str, fn_index: int, data: list, cookies: dict | None = None, session_hash: str | None = None
               ) -> dict:
    """Run one Gradio event through the raw queue protocol, as a browser (or an attacker) does; returns the
    process_completed message."""
    session_hash = session_hash or uuid.uuid4().hex[:11]
    with httpx.Client(base_url=base.rstrip("/"), cookies=cookies or {}, timeout=180,
                      headers={"X-Forwarded-For": client_ip()}) as c:
        r = c.post("/gradio_api/queue/join", json={"data": data, "fn_index": fn_index, "session_hash": session_hash,
                                                   "event_data": None, "trigger_id": None})
        r.raise_for_status()
        with c.stream("GET", f"/gradio_api/queue/data?session_hash={session_hash}") as s:
            for line in s.iter_lines():
                if line.startswith("data:"):
                    msg = json.loads(line[5:])
                    if msg.get("msg") == "process_completed":
                        return msg
    raise AssertionError("the queue never completed the event")


def staff_cookie(base: str, password: str = STAFF_KEY) -> dict:
    r = httpx.post(base.rstrip("/") + "/staff/login", data={"username": "staff", "password": password},
                   headers={"X-Forwarded-For": client_ip()})
    assert r.status_code == 303, r.text
    return {"rqa_staff": r.cookies["rqa_staff"]}


STAFF_TABS = ("知识库", "评测", "洞察")


def staff_dependencies(config: dict) -> list[dict]:
    """Every event of the served page that belongs to a staff tab, worked out from /config alone (the
    layout tree and each event's trigger), as an attacker reading the page would."""
    tabs = {c["id"] for c in config["components"] if c["type"] == "tabitem" and c["props"].get("label") in STAFF_TABS}
    inside: set[int] = set()

    def walk(node, under: bool):
        under = under or node["id"] in tabs
        if under:
            inside.add(node["id"])
        for child in node.get("children", []) or []:
            walk(child, under)

    walk(config["layout"], False)
    deps = {d["id"]: d for d in config["dependencies"]}

    def is_staff(d) -> bool:
        if d.get("trigger_after") is not None:
            return is_staff(deps[d["trigger_after"]])
        return any(t[0] in inside for t in d["targets"] if t[0] is not None)

    return [d for d in config["dependencies"] if d.get("backend_fn") and is_staff(d)]
