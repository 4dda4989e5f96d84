"""The live dashboard at /_mock/ui (issue #3): routes are added by dashboard_routes()."""

from __future__ import annotations

from starlette.routing import BaseRoute


def dashboard_routes() -> list[BaseRoute]:
    """Routes mounted under /_mock (paths such as ``/ui``, ``/ui/stream``)."""
    return []
