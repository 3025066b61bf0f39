"""Staff authorisation for REST routes, and the staff login page.

`require_staff` is the FastAPI dependency every staff route takes: a staff API key
(`Authorization: Bearer <key>`) or a logged-in staff session cookie. Loopback gets no exemption:
behind a reverse proxy every visitor arrives from loopback.
"""
from __future__ import annotations

import html

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from rag.service.components import Components
from rag.service.errors import ApiError
from rag.service.rate_limit import RateLimited, client_of

bearer = HTTPBearer(auto_error=False, description="Staff API key", bearerFormat="opaque")


def components(request: Request) -> Components:
    return request.app.state.components


def require_staff(request: Request, creds: HTTPAuthorizationCredentials | None = Depends(bearer)) -> str:
    """The staff user (or "api-key") making the request; 401 with a Chinese message otherwise."""
    c = components(request)
    if creds is not None and c.credentials.check_api_key(creds.credentials):
        return "api-key"
    user = c.sessions.user_from_cookies(request.cookies)
    if user:
        return user
    raise ApiError(401, "需要员工凭据：请在 Authorization: Bearer 中提供员工 API key。",
                   {"WWW-Authenticate": "Bearer"})


router = APIRouter(include_in_schema=False)

_PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>员工登录 · 城市更新政策问答</title>
<meta name="viewport" content="width=device-width,initial-scale=1">
<style>body{{font-family:"Noto Sans CJK SC",sans-serif;max-width:360px;margin:80px auto;padding:0 16px}}
label{{display:block;margin:12px 0 4px}}input{{width:100%;padding:8px;box-sizing:border-box}}
button{{margin-top:16px;padding:8px 20px}}.err{{color:#b42318}}</style></head><body>
<h2>员工登录</h2>{message}
<form method="post" action="login"><label for="username">用户名</label>
<input id="username" name="username" value="staff" autocomplete="username">
<label for="password">密码或员工 API key</label>
<input id="password" name="password" type="password" autocomplete="current-password" autofocus>
<button type="submit" id="login">登录</button></form>
<p><a href="../">返回问答</a></p></body></html>"""


@router.get("/staff/login", response_class=HTMLResponse)
def login_page() -> HTMLResponse:
    return HTMLResponse(_PAGE.format(message=""))


@router.post("/staff/login")
def login(request: Request, username: str = Form("staff", max_length=100),
          password: str = Form("", max_length=1000)):
    c = components(request)
    try:
        c.login_limiter.hit(client_of(request))
    except RateLimited as exc:
        return HTMLResponse(_PAGE.format(message=f'<p class="err">{html.escape(str(exc))}</p>'), status_code=429,
                            headers={"Retry-After": str(exc.retry_after)})
    user = c.credentials.check_password(username.strip(), password)
    if not user:
        return HTMLResponse(_PAGE.format(message='<p class="err">用户名或密码不对。</p>'), status_code=401)
    response = RedirectResponse("../", status_code=303)
    response.set_cookie(value=c.sessions.issue(user), **c.sessions.cookie_kwargs())
    return response


@router.get("/staff/logout")
def logout(request: Request):
    response = RedirectResponse("../", status_code=303)
    kw = components(request).sessions.cookie_kwargs()
    response.delete_cookie(kw["key"], path=kw["path"], secure=kw["secure"], httponly=True, samesite="strict")
    return response
