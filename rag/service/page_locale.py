"""Gradio's own strings (upload area, queue, error titles) follow the browser's navigator.language, and
Gradio's `head` option is injected only after its i18n has started. The UI is Chinese-only, so this
ASGI middleware puts a tiny script at the top of the page's <head>, before Gradio's bundle runs, that
reports zh-CN: Gradio then uses its own zh-CN translations for every visitor.
"""
from __future__ import annotations

FORCE_ZH = (b'<script>(()=>{try{for(const[k,v]of[["language","zh-CN"],["languages",["zh-CN","zh"]]])'
            b'Object.defineProperty(Navigator.prototype,k,{get:()=>v,configurable:true})}catch(e){}})();</script>')


class ChinesePageMiddleware:
    def __init__(self, app, page_paths: tuple[str, ...] = ("/",)):
        self.app = app
        self.page_paths = page_paths

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope.get("method") != "GET" or scope.get("path") not in self.page_paths:
            return await self.app(scope, receive, send)
        held: dict = {}
        chunks: list[bytes] = []

        async def rewriting_send(message):
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers", []))
                if not headers.get(b"content-type", b"").startswith(b"text/html") or b"content-encoding" in headers:
                    held["pass"] = True
                    return await send(message)
                held["start"] = message
                return None
            if held.get("pass"):
                return await send(message)
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return None
            body = b"".join(chunks).replace(b"<head>", b"<head>" + FORCE_ZH, 1)
            start = held["start"]
            start["headers"] = [(k, v) for k, v in start.get("headers", []) if k != b"content-length"] + [
                (b"content-length", str(len(body)).encode())]
            await send(start)
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, rewriting_send)
