"""Load benchmark: N concurrent clients for T seconds against the real server, through its public API,
with a document uploaded midway with the staff key. Loopback only, bounded in time.

    python eval/bench_load.py --clients 10 --seconds 60
    python eval/bench_load.py --clients 20 --seconds 60

It starts `python app.py serve` on a free 127.0.0.1 port over temp copies of docs/ and of index/ (the
start-up ingest builds the index when there is none), with a staff API key in RQA_SERVICE__STAFF_API_KEY and
each client sending its own X-Forwarded-For through the trusted loopback (so the per-client rate limit
applies per simulated client, as behind a reverse proxy). Each client loops over resident questions on
POST /v1/chat/completions (non-streaming); at T/2 a new document is uploaded with POST /v1/documents.

Prints: requests, errors (any non-200, or an answer without its expected text), latency p50/p95/max, the
answers checked after the upload (an old fact and the uploaded one), and the server's RSS at start and end.
"""
from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = [  # (question, text the answer must contain; "" for a refusal)
    ("石景山老楼加梯竣工总量是多少部？", "173部"),
    ("石景山老樓加梯竣工總量是多少部？", "173部"),
    ("我家老小区能装电梯吗？", "电梯"),
    ("上海静安区加装电梯每户补贴多少？", ""),
]
NEW_DOC = ("口袋公园通知.txt", "石景山区口袋公园建设通知\n2024年石景山区新建口袋公园36处，方便居民就近休闲。\n")
NEW_QUESTION = ("石景山新建了多少处口袋公园？", "36处")
KEY = "bench-load-staff-key"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def ask(client: httpx.Client, question: str) -> tuple[int, str, bool]:
    r = client.post("/v1/chat/completions", json={"model": "renewal-qa", "messages": [{"role": "user", "content": question}]})
    if r.status_code != 200:
        return r.status_code, r.text[:200], False
    body = r.json()
    return 200, body["choices"][0]["message"]["content"], body["refused"]


def correct(answer: str, refused: bool, expect: str) -> bool:
    return refused if not expect else (not refused and expect in answer)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clients", type=int, default=10)
    ap.add_argument("--seconds", type=float, default=60)
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="rqa-bench-load-"))
    shutil.copytree(ROOT / "docs", work / "docs")
    if (ROOT / "index" / "CURRENT").exists():
        shutil.copytree(ROOT / "index", work / "index", ignore=shutil.ignore_patterns(".service"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, RQA_PATHS__DOCS_DIR=str(work / "docs"), RQA_PATHS__INDEX_DIR=str(work / "index"),
               RQA_SERVICE__STAFF_API_KEY=KEY, RQA_SERVICE__FORWARDED_ALLOW_IPS="127.0.0.1",
               RQA_SERVICE__RATE_LIMIT="600/minute", HF_HUB_OFFLINE="1", GRADIO_ANALYTICS_ENABLED="False")
    log = open(work / "server.log", "w")
    proc = subprocess.Popen([sys.executable, str(ROOT / "app.py"), "serve", "--port", str(port)], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 900
        while True:
            try:
                if httpx.get(base + "/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.time() > deadline:
                print((work / "server.log").read_text())
                return 1
            time.sleep(1)
        with httpx.Client(base_url=base, timeout=120) as warm:
            ask(warm, QUESTIONS[0][0])
        rss_start = rss_mb(proc.pid)
        latencies: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        stop_at = time.time() + args.seconds
        upload_done = threading.Event()

        def client_loop(n: int):
            headers = {"X-Forwarded-For": f"10.1.{n // 250}.{n % 250 + 1}"}
            with httpx.Client(base_url=base, timeout=120, headers=headers) as c:
                i = n
                while time.time() < stop_at:
                    q, expect = QUESTIONS[i % len(QUESTIONS)]
                    if upload_done.is_set() and i % 5 == 0:
                        q, expect = NEW_QUESTION
                    i += 1
                    t0 = time.perf_counter()
                    try:
                        code, answer, refused = ask(c, q)
                    except httpx.HTTPError as exc:
                        code, answer, refused = 0, repr(exc), False
                    dt = (time.perf_counter() - t0) * 1000
                    with lock:
                        latencies.append(dt)
                        if code != 200:
                            errors.append(f"HTTP {code}: {answer}")
                        elif not correct(answer, refused, expect):
                            errors.append(f"wrong answer to {q}: {answer[:80]}")

        threads = [threading.Thread(target=client_loop, args=(n,)) for n in range(args.clients)]
        for t in threads:
            t.start()
        time.sleep(args.seconds / 2)
        t0 = time.perf_counter()
        r = httpx.post(base + "/v1/documents", headers={"Authorization": f"Bearer {KEY}"},
                       files={"file": (NEW_DOC[0], NEW_DOC[1].encode())}, timeout=300)
        upload_s = time.perf_counter() - t0
        upload_done.set()
        for t in threads:
            t.join()
        rss_end = rss_mb(proc.pid)
        with httpx.Client(base_url=base, timeout=120, headers={"X-Forwarded-For": "10.2.0.1"}) as c:
            after = {q: correct(*ask(c, q)[1:], expect) for q, expect in [QUESTIONS[0], NEW_QUESTION]}
        lat = sorted(latencies)
        q = statistics.quantiles(lat, n=100) if len(lat) > 1 else lat * 99
        print(f"clients {args.clients}, {args.seconds:g} s, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
        print(f"requests {len(lat)} ({len(lat) / args.seconds:.1f}/s), errors {len(errors)}")
        print(f"latency ms: p50 {q[49]:.0f}, p95 {q[94]:.0f}, max {lat[-1]:.0f}")
        print(f"upload midway: HTTP {r.status_code} in {upload_s:.1f} s ({r.json().get('message', '')})")
        print("answers after the upload: " + ", ".join(f"{k} {'correct' if v else 'WRONG'}" for k, v in after.items()))
        print(f"server RSS: start {rss_start:.0f} MB, end {rss_end:.0f} MB ({(rss_end / rss_start - 1) * 100:+.1f}%)")
        for e in errors[:5]:
            print("  error:", e)
        return 0 if not errors and all(after.values()) and r.status_code == 200 else 1
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
