"""Counting the requests in flight, for the auto-advancing clock: time jumps only when none is.

Requests that wait on purpose are not counted — a long-poll of ``/_mock/callbacks?wait=…`` and the
dashboard's event stream — since they wait *for* time to move.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from mockserver.core.clock import Activity


class ActivityMiddleware:
    def __init__(self, app: ASGIApp, activity: Activity) -> None:
        self.app = app
        self.activity = activity

    def idle(self, scope: Scope) -> bool:
        return scope["type"] != "http" or waits_on_purpose(scope)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.idle(scope):
            await self.app(scope, receive, send)
            return
        self.activity.enter()
        try:
            await self.app(scope, receive, send)
        finally:
            self.activity.leave()


def waits_on_purpose(scope: Scope) -> bool:
    path: str = scope["path"]
    if path.endswith("/_mock/ui/stream"):
        return True
    return path.endswith("/_mock/callbacks") and b"wait=" in scope.get("query_string", b"")
