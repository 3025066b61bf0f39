"""One server, two audiences: the REST API under /v1 and the Gradio UI mounted at "/".

    create_app(settings, index_dir) -> FastAPI     (tests and ASGI servers)
    serve(settings, index_dir, host, port)         (app.py serve / make run: uvicorn)
"""
from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from rag.service import errors, temp_files
from rag.service.auth import router as auth_router
from rag.service.body_limit import BodyLimitMiddleware
from rag.service.components import Components
from rag.service.conversations_api import router as conversations_router
from rag.service.openai_chat import router as chat_router
from rag.service.page_locale import ChinesePageMiddleware
from rag.service.rest import router as rest_router
from rag.settings import Settings

MULTIPART_SLACK = 64 * 1024  # form boundaries and headers around an uploaded file

def create_app(settings: Settings, index_dir: Path | None = None, gradio_temp: Path | None = None) -> FastAPI:
    import gradio as gr

    from rag.ui.app import build_app
    from rag.ui.render import CSS

    c = Components.build(settings, index_dir)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        temp_files.remove(gradio_temp)  # Gradio's upload copies go with the process
        if c.store is not None:
            c.store.close()

    app = FastAPI(title="renewal-qa 城市更新政策问答 API", version="1.0", lifespan=lifespan,
                  description="OpenAI-compatible chat with citations, passage search and document management; "
                  "the conversation log, residents' feedback and the knowledge-gap report for staff "
                  "(document changes and the conversation routes need a staff API key: "
                  "`Authorization: Bearer <key>`).",
                  openapi_url="/v1/openapi.json", docs_url="/v1/docs", redoc_url=None)
    app.state.components = c
    errors.install(app)
    app.include_router(chat_router)
    app.include_router(rest_router)
    app.include_router(conversations_router)
    app.include_router(auth_router)
    svc = settings.service
    max_upload = int(settings.ui.max_upload_mb * 1e6)
    app.add_middleware(BodyLimitMiddleware, max_body=svc.max_body_kb * 1024, max_upload=max_upload + MULTIPART_SLACK,
                       sessions=c.sessions)
    _state_limits_in_schema(app, svc.max_question_chars)
    demo = build_app(c, index_dir)
    demo.queue(default_concurrency_limit=svc.queue_concurrency, max_size=svc.queue_max_size)
    app.add_middleware(ChinesePageMiddleware)
    return gr.mount_gradio_app(app, demo, path="/", css=CSS, footer_links=["api"],
                               max_file_size=max_upload, show_error=True, ssr_mode=False)


def serve(settings: Settings, index_dir: Path | None, host: str, port: int) -> None:
    import uvicorn

    gradio_temp = temp_files.own_gradio_temp_dir()
    try:
        app = create_app(settings, index_dir, gradio_temp)
        c: Components = app.state.components
        _announce_login(c, host, port)
        uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=bool(settings.service.forwarded_allow_ips),
                    forwarded_allow_ips=settings.service.forwarded_allow_ips or None, timeout_graceful_shutdown=10)
    finally:
        temp_files.remove(gradio_temp)


def _announce_login(c: Components, host: str, port: int) -> None:
    creds = c.credentials
    if creds.generated_login:  # printed once, as Jupyter does with its token; only the hash is kept
        print("=" * 72, flush=True)
        print("首次启动：已生成员工凭据（只显示这一次，只保存其哈希）", flush=True)
        print(f"  员工登录 http://{host}:{port}/staff/login  用户名 staff  密码 {creds.generated_login}", flush=True)
        print(f"  同一字符串也是 REST 员工 API key（Authorization: Bearer {creds.generated_login}）", flush=True)
        print(f"  哈希保存在 {creds.generated_file}；删除该文件并重启即生成新的凭据", flush=True)
        print("=" * 72, flush=True)
    elif creds.generated_file is not None:
        print(f"员工登录：使用首次启动时显示的密码（哈希在 {creds.generated_file}；删除它并重启可重新生成）", flush=True)


def _state_limits_in_schema(app: FastAPI, max_chars: int) -> None:
    """The question-length limit is a setting, so it is written into the served OpenAPI schema here
    (clients and schemathesis see the limit the server enforces)."""
    generate = app.openapi

    def openapi() -> dict:
        schema = generate()
        models = schema["components"]["schemas"]
        for model, prop in (("ChatMessage", "content"), ("TextPart", "text"), ("SearchRequest", "query")):
            node = models[model]["properties"][prop]
            for option in node.get("anyOf", [node]):
                if option.get("type") == "string":
                    option["maxLength"] = max_chars
        return schema

    app.openapi = openapi
