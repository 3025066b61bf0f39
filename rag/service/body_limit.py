"""ASGI middleware: refuse oversized request bodies before reading them, and keep Gradio's upload
route (the only way files reach the server through the UI) for logged-in staff.

Pure ASGI rather than BaseHTTPMiddleware, so streamed answers (SSE) pass through untouched.
"""
from __future__ import annotations

import json

from rag.service.sessions import COOKIE, StaffSessions

UPLOAD_PATHS = ("/v1/documents", "/gradio_api/upload")


def _json_response(status: int, message: str, kind: str):
    body = json.dumps({"error": {"message": message, "type": kind, "code": status}}, ensure_ascii=False).encode()
    start = {"type": "http.response.start", "status": status,
             "headers": [(b"content-type", b"application/json; charset=utf-8"),
                         (b"content-length", str(len(body)).encode()), (b"connection", b"close")]}
    return start, {"type": "http.response.body", "body": body}


def _cookie(scope, name: str) -> str | None:
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            for part in value.decode("latin-1").split(";"):
                k, _, v = part.strip().partition("=")
                if k == name:
                    return v
    return None


class BodyLimitMiddleware:
    def __init__(self, app, max_body: int, max_upload: int, sessions: StaffSessions):
        self.app = app
        self.max_body = max_body
        self.max_upload = max_upload
        self.sessions = sessions

    async def _send_error(self, send, status, message, kind):
        start, body = _json_response(status, message, kind)
        await send(start)
        await send(body)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope.get("path", "")
        upload = path.endswith(UPLOAD_PATHS) and scope.get("method") == "POST"
        if path.endswith("/gradio_api/upload") and not self.sessions.user_from_cookie(_cookie(scope, COOKIE)):
            return await self._send_error(send, 403, "上传文件需要员工登录。", "permission_denied")
        limit = self.max_upload if upload else self.max_body
        what = f"上传文件过大：上限 {limit / 1e6:.1f} MB。" if upload else f"请求过大：上限 {limit // 1024} KB。"
        for key, value in scope.get("headers", []):
            if key == b"content-length" and value.isdigit() and int(value) > limit:
                return await self._send_error(send, 413, what, "request_too_large")

        seen = 0
        state = {"started": False, "refused": False}

        async def limited_receive():
            nonlocal seen
            if state["refused"]:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:  # chunked body without (or lying about) Content-Length: answer now, and
                    state["refused"] = True  # tell the app the client has gone so it stops reading
                    if not state["started"]:
                        state["started"] = True
                        await self._send_error(send, 413, what, "request_too_large")
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message):
            if state["refused"]:
                return  # the 413 has been sent; whatever the app says after it is dropped
            if message["type"] == "http.response.start":
                state["started"] = True
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            if not state["refused"]:
                raise
