"""Broadcast calls (``calls.broadcast_1``): once answered, the messages play ``loop`` times, then the
mock hangs up (callr.md §5.4). Each message takes :data:`CLIP_SECONDS` of mock time."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mockserver.core.calls import Call, Party
from mockserver.providers.callr.models import CallInfo
from mockserver.providers.callr.realtime import CLIP_SECONDS

if TYPE_CHECKING:
    from mockserver.providers.callr.provider import Callr


class Broadcasts:
    def __init__(self, api: Callr) -> None:
        self.api = api

    def on_answered(self, call: Call, info: CallInfo) -> None:
        if not info.messages:
            return
        backend = self.api.ctx.backend
        seconds = len(info.messages) * max(info.loop, 1) * CLIP_SECONDS

        async def played() -> None:
            if backend.get(call.id).live:
                backend.hangup(call.id, Party.CALLER, "broadcast played")

        backend.schedule(call.id, seconds, played)
