"""Server-side authorisation of Gradio events: every event registered in a staff area runs only
for a logged-in staff session, whatever path the request takes (the page, gradio_client, or a raw
POST /gradio_api/queue/join with an fn_index read from /config). Hiding a component is not access
control; this check runs inside the handler, on the server.
"""
from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable

import gradio as gr
from gradio.context import LocalContext

from rag.service.sessions import StaffSessions, staff_user

DENIED = "需要员工登录：请先点页面右上角的“员工登录”。"


def _check(sessions: StaffSessions) -> None:
    if staff_user(LocalContext.request.get(None), sessions) is None:  # no request at all also fails
        raise gr.Error(DENIED, title="未登录")


def guarded(fn: Callable, sessions: StaffSessions) -> Callable:
    """`fn` behind the staff check (generator functions stay generators, so Gradio still streams them)."""
    if inspect.isgeneratorfunction(fn):
        @functools.wraps(fn)
        def gen(*args, **kwargs):
            _check(sessions)
            yield from fn(*args, **kwargs)
        return gen
    if inspect.iscoroutinefunction(fn):
        @functools.wraps(fn)
        async def coro(*args, **kwargs):
            _check(sessions)
            return await fn(*args, **kwargs)
        return coro

    @functools.wraps(fn)
    def plain(*args, **kwargs):
        _check(sessions)
        return fn(*args, **kwargs)
    return plain


def guard_events(demo: gr.Blocks, fn_ids: Iterable[int], sessions: StaffSessions) -> list[int]:
    """Wrap the handlers of these event ids; returns the ids guarded (events without a Python fn,
    i.e. front-end only, have nothing to protect)."""
    done = []
    for fid in fn_ids:
        block_fn = demo.fns[fid]
        if block_fn.fn is not None:
            block_fn.fn = guarded(block_fn.fn, sessions)
            done.append(fid)
    return done


class StaffArea:
    """`with StaffArea(demo) as area:` around the components of a staff tab; `area.fn_ids` are the events
    registered inside it, to pass to guard_events once the Blocks is built."""

    def __init__(self, demo: gr.Blocks):
        self.demo = demo
        self.fn_ids: list[int] = []

    def __enter__(self):
        self._before = set(self.demo.fns)
        return self

    def __exit__(self, *exc):
        self.fn_ids = [f for f in self.demo.fns if f not in self._before]
        return False
