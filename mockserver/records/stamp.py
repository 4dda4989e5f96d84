"""How a record writes a moment: ISO 8601 in UTC with a ``Z`` (the control API's format too)."""

from __future__ import annotations

from datetime import datetime


def iso(at: datetime | None) -> str | None:
    """ISO 8601 in UTC with a ``Z``, e.g. ``2026-01-01T09:00:07Z``."""
    if at is None:
        return None
    return at.isoformat().replace("+00:00", "Z")
