"""A small OpenAI-compatible chat server for tests, run as its own process on 127.0.0.1.

FAKE, and said so: no Chinese instruct model ships inside a PyPI package that installs
here (llama.cpp's server would need a GGUF model we cannot download), so the tests talk to
this process instead. It speaks the real protocol — POST /v1/chat/completions with and
without SSE streaming, GET /v1/models, Bearer auth, JSON error bodies with 401/404/429/500 —
and its "model" is deterministic, chosen by the request's model name:

  extractive     quotes the passage sentence sharing most characters with the question, with its marker
  hallucinate    writes a sentence with a number that no passage has, plus a marker to a passage that does not exist
  refuse         answers 资料中没有找到相关内容。
  flaky          HTTP 500 for the first 2 requests (per process), then behaves like `extractive`
  slow           sleeps 5 s before answering (for timeouts)
  cut            streams two chunks, then drops the connection
Condense prompts (they contain 【最新问题】) are answered with the text posted to /control.
"""
from __future__ import annotations

import json
import re
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

API_KEY = "test-key"
STATE = {"flaky": 0, "condense": "", "requests": []}


def _bigrams(s: str) -> set[str]:
    s = re.sub(r"[\W_]+", "", s)
    return {s[i:i + 2] for i in range(len(s) - 1)}


def extractive(prompt: str) -> str:
    question = prompt.split("【问题】")[-1].split("\n\n")[0].strip() if "【问题】" in prompt else prompt
    passages = re.findall(r'^<资料 编号="(\d+)">\n[^\n]*\n(.*?)\n</资料>$', prompt, re.S | re.M)
    q = _bigrams(question)
    best, answer = -1, "资料中没有找到相关内容。"
    for n, text in passages:
        for sentence in re.findall(r"[^。！？\n]+[。！？]", text):
            score = len(q & _bigrams(sentence))
            if score > best:
                best, answer = score, f"{sentence}【{n}】"
    return answer


def reply_for(model: str, prompt: str) -> str:
    if "【最新问题】" in prompt:
        return STATE["condense"] or prompt.split("【最新问题】")[-1].split("【")[0].strip()
    if model == "hallucinate":
        return "石景山老楼加梯竣工总量达到999部【9】。" + extractive(prompt)
    if model == "refuse":
        return "资料中没有找到相关内容。"
    return extractive(prompt)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _json(self, code: int, obj: dict) -> None:
        body = json.dumps(obj, ensure_ascii=False).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _error(self, code: int, message: str, kind: str) -> None:
        self._json(code, {"error": {"message": message, "type": kind, "code": code}})

    def do_GET(self):
        if self.path.rstrip("/") == "/v1/models":
            return self._json(200, {"object": "list", "data": [{"id": m, "object": "model"} for m in
                                                               ["extractive", "hallucinate", "refuse", "flaky", "slow", "cut"]]})
        if self.path == "/health":
            return self._json(200, {"ok": True})
        self._error(404, "not found", "not_found")

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        if self.path == "/control":
            STATE.update(body)
            return self._json(200, {"ok": True})
        if self.path.rstrip("/") != "/v1/chat/completions":
            return self._error(404, "not found", "not_found")
        if self.headers.get("Authorization") != f"Bearer {API_KEY}":
            return self._error(401, "Incorrect API key provided", "invalid_request_error")
        model = body.get("model", "")
        STATE["requests"].append(model)
        if model not in {"extractive", "hallucinate", "refuse", "flaky", "slow", "cut"}:
            return self._error(404, f"The model `{model}` does not exist", "invalid_request_error")
        if model == "flaky" and STATE["flaky"] < 2:
            STATE["flaky"] += 1
            return self._error(500, "internal error, try again", "server_error")
        if model == "slow":
            time.sleep(5)
        prompt = "\n".join(m.get("content", "") for m in body.get("messages", []))
        text = reply_for(model, prompt)
        created = int(time.time())
        if not body.get("stream"):
            return self._json(200, {"id": "cmpl-1", "object": "chat.completion", "created": created, "model": model,
                                    "choices": [{"index": 0, "finish_reason": "stop",
                                                 "message": {"role": "assistant", "content": text}}],
                                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}})
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self.end_headers()
        pieces = [text[i:i + 4] for i in range(0, len(text), 4)]
        for i, piece in enumerate(pieces):
            if model == "cut" and i == 2:
                self.wfile.flush()
                self.connection.shutdown(2)
                return
            chunk = {"id": "cmpl-1", "object": "chat.completion.chunk", "created": created, "model": model,
                     "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]}
            self.wfile.write(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode())
            self.wfile.flush()
            time.sleep(0.01)
        done = {"id": "cmpl-1", "object": "chat.completion.chunk", "created": created, "model": model,
                "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
        self.wfile.write(f"data: {json.dumps(done)}\n\ndata: [DONE]\n\n".encode())
        self.wfile.flush()
        self.close_connection = True


def main() -> None:
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    print(f"PORT {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
