"""The live dashboard at /_mock/ui (issue #3): a page of calls kept current by server-sent events.

See docs/dashboard.md. The page and its assets are plain files in ``static/`` (no build step).
"""

from __future__ import annotations

from starlette.routing import BaseRoute

from mockserver.control.dashboard.hub import end_streams
from mockserver.control.dashboard.routes import routes

__all__ = ["dashboard_routes", "end_streams"]


def dashboard_routes() -> list[BaseRoute]:
    """Routes mounted under /_mock: ``/ui`` (the page), ``/ui/stream`` (its events), ``/ui/calls/{id}``
    (one call's details) and ``/ui/static/...``."""
    return routes()
