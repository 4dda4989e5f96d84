"""One ordered log of everything that happened: requests, state changes, digits, recordings and
callback attempts, each stamped with the mock clock — the artefact a CI job uploads when a test fails.

The timeline listens to the journal, the call backend and the dispatcher; it is bounded (the oldest
entries fall off, ``dropped`` counts them).
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from mockserver.callbacks.model import Attempt, Delivery
from mockserver.core.backend import CallUpdate, UpdateKind
from mockserver.core.calls import Recording, Transition
from mockserver.core.journal import JournalEntry
from mockserver.records.stamp import iso

_STATE = UpdateKind.STATE  # read on every transition: a module global is ~7 times cheaper than the enum's

#: A row kept as a tuple: its renderer first, then what it renders (see :meth:`Timeline.entries`).
Row = tuple[Any, ...]


class Timeline:
    def __init__(self, now: Callable[[], datetime], size: int = 100_000) -> None:
        self._now = now
        # Requests and transitions are kept as small tuples and rendered when read: recording one runs on
        # every provider request and every call's every move, so it must cost next to nothing (and must
        # not keep the journal's headers and bodies alive past the journal's own bound).
        # A tuple row holds no seq: rows are numbered one by one as they come, so a row's seq is the
        # last one given less the rows after it (an int and a slot less a row, ~36 bytes; 100,000 rows
        # are kept). A dict row, and every row put back from a snapshot, carries its own.
        self._entries: deque[dict[str, Any] | Row] = deque(maxlen=size)
        self._last = 0  # the seq of the newest row
        self.dropped = 0

    def _add(self, at: datetime, kind: str, **fields: Any) -> None:
        if len(self._entries) == self._entries.maxlen:
            self.dropped += 1
        self._last += 1
        self._entries.append({"seq": self._last, "at": iso(at), "kind": kind, **fields})

    # -- listeners -------------------------------------------------------------------------------
    def on_journal(self, entry: JournalEntry) -> None:
        if entry.kind == "request":
            if len(self._entries) == self._entries.maxlen:
                self.dropped += 1
            self._last += 1
            self._entries.append(
                (
                    _request_row,
                    entry.at,
                    entry.provider,
                    entry.method,
                    entry.path,
                    entry.status,
                )
            )
        else:
            self._add(
                entry.at, entry.kind, provider=entry.provider, call_id=entry.call_id, detail=entry.detail
            )

    def on_call(self, update: CallUpdate) -> None:
        call = update.call
        if update.kind is _STATE and update.transition is not None:
            if len(self._entries) == self._entries.maxlen:
                self.dropped += 1
            self._last += 1
            # the call's strings, not the call: a row must not keep a call version (or an evicted call)
            row: Row = (_transition_row, call.provider, call.id, call.provider_call_id, update.transition)
            self._entries.append(row)
            return
        if update.kind is UpdateKind.DIGITS:
            common = {
                "provider": call.provider,
                "call_id": call.id,
                "provider_call_id": call.provider_call_id,
            }
            self._add(self._now(), "digits", **common, digits=update.digits)
        elif update.kind is UpdateKind.RECORDING and call.recording is not None:
            if len(self._entries) == self._entries.maxlen:
                self.dropped += 1
            self._last += 1
            row = (
                _recording_row,
                call.provider,
                call.id,
                call.provider_call_id,
                call.recording,
            )
            self._entries.append(row)

    def on_attempt(self, delivery: Delivery, attempt: Attempt) -> None:
        request = delivery.request
        outcome = {"status": attempt.status} if attempt.status is not None else {"error": attempt.error}
        self._add(
            attempt.at,
            "callback",
            provider=request.provider,
            call_id=request.call_id,
            delivery_id=delivery.id,
            kind_of_request=request.kind,
            method=request.method,
            url=request.url,
            attempt=len(delivery.attempts),
            **outcome,
        )

    # -- reading ---------------------------------------------------------------------------------
    def entries(self, call_id: str | None = None) -> list[dict[str, Any]]:
        kept = list(self._entries)
        first = self._last - len(kept) + 1  # the seq of the oldest row kept, were it a tuple
        rows = (e[0](first + i, *e[1:]) if isinstance(e, tuple) else e for i, e in enumerate(kept))
        return [row for row in rows if call_id is None or row.get("call_id") == call_id]

    def json_lines(self, call_id: str | None = None) -> Iterator[str]:
        for entry in self.entries(call_id):
            yield json.dumps(entry, separators=(",", ":")) + "\n"

    def clear(self) -> None:
        self._entries.clear()
        self._last = 0
        self.dropped = 0

    def load(self, entries: list[dict[str, Any]], dropped: int) -> None:
        """Put back entries from a snapshot; numbering goes on after them."""
        self.clear()
        self._entries.extend(entries)
        self.dropped = dropped + max(len(entries) - len(self._entries), 0)
        self._last = max((int(e["seq"]) for e in entries), default=0)


def _call_row(
    seq: int, at: datetime, kind: str, provider: str, call_id: str, provider_call_id: str
) -> dict[str, Any]:
    return {
        "seq": seq,
        "at": iso(at),
        "kind": kind,
        "provider": provider,
        "call_id": call_id,
        "provider_call_id": provider_call_id,
    }


def _transition_row(
    seq: int, provider: str, call_id: str, provider_call_id: str, t: Transition
) -> dict[str, Any]:
    row = _call_row(seq, t.at, "transition", provider, call_id, provider_call_id)
    row["state"] = t.state.value
    row["cause"] = t.cause
    return row


def _recording_row(
    seq: int, provider: str, call_id: str, provider_call_id: str, recording: Recording
) -> dict[str, Any]:
    row = _call_row(seq, recording.created_at, "recording", provider, call_id, provider_call_id)
    row["seconds"] = recording.seconds
    return row


def _request_row(
    seq: int, at: datetime, provider: str | None, method: str | None, path: str | None, status: int | None
) -> dict[str, Any]:
    return {
        "seq": seq,
        "at": iso(at),
        "kind": "request",
        "provider": provider,
        "method": method,
        "path": path,
        "status": status,
    }
