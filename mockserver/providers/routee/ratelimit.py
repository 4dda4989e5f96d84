"""Routee's limit of 1 ``POST /voice/conversation`` per second per application [routee.md §9],
counted on the mock's clock (so a test advances the clock, or switches the limit off per application)."""

from __future__ import annotations

from datetime import datetime, timedelta

from mockserver.providers.routee.errors import RouteeError
from mockserver.providers.routee.models import Application, RouteeState

WINDOW = timedelta(seconds=1)


def take_turn(state: RouteeState, app: Application, now: datetime) -> None:
    """Count one placed conversation; 429 if the application placed one less than a second ago."""
    if not app.rate_limit:
        return
    last = state.last_placed.get(app.id)
    if last is not None and now - last < WINDOW:
        raise RouteeError(429, "Too many requests: at most 1 conversation per second per application")
    state.last_placed[app.id] = now
