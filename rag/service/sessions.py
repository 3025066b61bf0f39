"""Staff sessions: a signed, expiring cookie (itsdangerous, the signer Starlette's sessions use).

The same check serves every path a request can take: REST routes (`require_staff` in auth.py),
Gradio event handlers (`is_staff_request`, given the handler's `gr.Request`, also for the raw
queue protocol) and the upload guard. The cookie is HttpOnly and SameSite=Strict, so another
site cannot make a logged-in browser send it.
"""
from __future__ import annotations

from collections.abc import Mapping

from itsdangerous import BadSignature, URLSafeTimedSerializer

from rag.service.credentials import StaffCredentials

COOKIE = "rqa_staff"


class StaffSessions:
    def __init__(self, secret: str, credentials: StaffCredentials, lifetime_s: float, secure: bool):
        self._signer = URLSafeTimedSerializer(secret, salt="renewal-qa staff session")
        self.credentials = credentials
        self.lifetime_s = int(lifetime_s)
        self.secure = secure

    def issue(self, user: str) -> str:
        return self._signer.dumps({"u": user})

    def user_from_cookie(self, value: str | None) -> str | None:
        """The staff user a cookie value belongs to, or None (missing, forged, expired, user removed)."""
        if not value:
            return None
        try:
            data = self._signer.loads(value, max_age=self.lifetime_s)
        except BadSignature:  # also SignatureExpired
            return None
        user = data.get("u") if isinstance(data, dict) else None
        return user if user and self.credentials.user_exists(user) else None

    def user_from_cookies(self, cookies: Mapping[str, str] | None) -> str | None:
        return self.user_from_cookie((cookies or {}).get(COOKIE))

    def cookie_kwargs(self) -> dict:
        return {"key": COOKIE, "max_age": self.lifetime_s, "httponly": True, "samesite": "strict",
                "secure": self.secure, "path": "/"}


def request_cookies(request) -> dict[str, str]:
    """Cookies of a gr.Request (queue events carry a copy of the join request) or a Starlette request."""
    if request is None:
        return {}
    try:
        cookies = request.cookies
    except AttributeError:
        return {}
    return {k: v for k, v in dict(cookies or {}).items()}


def staff_user(request, sessions: StaffSessions) -> str | None:
    """The logged-in staff user behind a gr.Request, or None. Use inside every staff handler."""
    return sessions.user_from_cookies(request_cookies(request))


def is_staff_request(request, sessions: StaffSessions) -> bool:
    return staff_user(request, sessions) is not None
