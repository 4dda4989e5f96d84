"""Recordings: ``media/recording.get`` and ``media/recording.search`` (seed "Media Recording",
"Media.Recording.SearchFilters", "Media.Recording.ListResult"). CALLR's object pages name the objects,
not the methods: both names are the mock's choice, following the ``media/library.*`` ones."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from mockserver.providers.callr import params
from mockserver.providers.callr.errors import not_found
from mockserver.providers.callr.models import Recording
from mockserver.providers.callr.params import Arg, Kind
from mockserver.providers.callr.recordings import recording_json
from mockserver.providers.callr.rpc import Invocation, Method, method

if TYPE_CHECKING:
    from mockserver.providers.callr.provider import Callr


def matcher(filters: dict[str, Any]) -> Callable[[Recording], bool]:
    """Every filter given holds (``read`` is always false: the mock has no way to mark one read)."""
    bounds = {
        name: params.datetime_value(filters[name], f"filters.{name}")
        for name in ("date_from", "date_to", "read_at_from", "read_at_to")
        if name in filters
    }

    def matches(rec: Recording) -> bool:
        at = rec.started.replace(microsecond=0)
        exact = {"callid": rec.callid, "cli_number": rec.cli_number, "hash": rec.hash, "status": rec.status}
        exact |= {"type": rec.type, "read": False}
        if any(name in filters and filters[name] != value for name, value in exact.items()):
            return False
        if "read_at_from" in bounds or "read_at_to" in bounds:
            return False  # never read
        if at < bounds.get("date_from", at) or at > bounds.get("date_to", at):
            return False
        return rec.duration >= (filters.get("duration_min") or 0)

    return matches


def methods(api: Callr) -> list[Method]:
    state = api.state

    @method("media/recording.get", Arg("hash", Kind.STRING))
    def get(inv: Invocation, args: list[Any]) -> dict[str, Any]:
        rec = state.media_recordings.get(args[0])
        if rec is None or rec.login != inv.caller.account.login:
            raise not_found("hash", args[0])
        return recording_json(rec)

    @method(
        "media/recording.search",
        Arg("filters", Kind.OBJECT, nullable=True),
        Arg("options", Kind.OBJECT, nullable=True, optional=True),
    )
    def search(inv: Invocation, args: list[Any]) -> dict[str, Any]:
        """Media.Recording.ListResult ``{items, total_items}``, oldest first, one Search.Options page."""
        filters = params.options(args[0], params.RECORDING_SEARCH_FILTERS, "filters")
        paging = params.options(args[1], params.SEARCH_OPTIONS)
        login, matches = inv.caller.account.login, matcher(filters)
        found = [r for r in state.media_recordings.values() if r.login == login and matches(r)]
        offset, quantity = paging.get("offset") or 0, paging.get("quantity") or 50
        return {
            "items": [recording_json(r) for r in found[offset : offset + quantity]],
            "total_items": len(found),
        }

    return [get, search]
