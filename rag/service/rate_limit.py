"""Per-client rate limits (the `limits` library: moving window, memory or shared storage)."""
from __future__ import annotations

import math
import time

from limits import parse, storage
from limits.strategies import MovingWindowRateLimiter


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        self.retry_after = retry_after
        super().__init__(f"请求太频繁，请 {retry_after} 秒后再试。")


class RateLimiter:
    def __init__(self, rate: str, storage_uri: str = "memory://", scope: str = "chat"):
        self.item = parse(rate)
        self.scope = scope
        self._limiter = MovingWindowRateLimiter(storage.storage_from_string(storage_uri))

    def hit(self, client: str) -> None:
        """Count one request from `client`; raise RateLimited (with the seconds to wait) when over."""
        if self._limiter.hit(self.item, self.scope, client or "unknown"):
            return
        reset = self._limiter.get_window_stats(self.item, self.scope, client or "unknown").reset_time
        raise RateLimited(max(1, math.ceil(reset - time.time())))


def client_of(request) -> str:
    """The client's address as uvicorn saw it (X-Forwarded-For only from proxies in forwarded_allow_ips)."""
    client = getattr(request, "client", None)
    host = getattr(client, "host", None) if client is not None else None
    return str(host or "unknown")
