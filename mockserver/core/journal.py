"""The request journal: every inbound provider request, and every flow error, in arrival order."""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

BODY_KEPT = 10_000  # bytes of a request body kept in the journal


@dataclass(slots=True, unsafe_hash=True)
class JournalEntry:
    """One journal line. Requests keep their raw bytes (as the ASGI scope has them) and are decoded only
    when read: recording must stay cheap, it runs on every request.

    Never changed once recorded (listeners and readers share it). It is not ``frozen``: a frozen
    dataclass sets each of its 12 fields through ``object.__setattr__``, which made building one
    ~1.6 µs instead of ~0.6 µs, on every request (issue 14); equality and hashing are as if it were."""

    seq: int
    kind: str  # "request" | "flow_error"
    at: datetime
    provider: str | None
    method: str | None = None
    path: str | None = None
    raw_query: bytes = b""
    status: int | None = None
    call_id: str | None = None
    detail: str | None = None
    raw_headers: tuple[tuple[bytes, bytes], ...] = ()
    raw_body: bytes = b""

    @property
    def headers(self) -> dict[str, str]:
        return {k.decode("latin-1"): v.decode("latin-1") for k, v in self.raw_headers}

    @property
    def body(self) -> str | None:
        return self.raw_body[:BODY_KEPT].decode("utf-8", errors="replace") if self.raw_body else None

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "kind": self.kind,
            "at": self.at.isoformat().replace("+00:00", "Z"),
            "provider": self.provider,
            "method": self.method,
            "path": self.path,
            "query": self.raw_query.decode("latin-1"),
            "status": self.status,
            "call_id": self.call_id,
            "detail": self.detail,
            "headers": self.headers,
            "body": self.body,
        }


class Journal:
    """A bounded log; the oldest entries fall off once ``size`` is reached (``dropped`` counts them)."""

    def __init__(self, size: int = 10_000) -> None:
        self._entries: deque[JournalEntry] = deque(maxlen=size)
        self._seq = itertools.count(1)
        self.dropped = 0
        self.listeners: list[Callable[[JournalEntry], None]] = []

    def record(self, kind: str, at: datetime, provider: str | None, **fields: Any) -> JournalEntry:
        return self._add(JournalEntry(seq=next(self._seq), kind=kind, at=at, provider=provider, **fields))

    def record_request(
        self,
        at: datetime,
        provider: str,
        method: str,
        path: str,
        raw_query: bytes,
        status: int,
        raw_headers: tuple[tuple[bytes, bytes], ...],
        raw_body: bytes,
    ) -> JournalEntry:
        """``record("request", ...)`` without keyword arguments: it runs on every provider request."""
        entry = JournalEntry(
            next(self._seq), "request", at, provider, method, path, raw_query, status, None, None,
            raw_headers, raw_body,
        )  # fmt: skip
        return self._add(entry)

    def _add(self, entry: JournalEntry) -> JournalEntry:
        if len(self._entries) == self._entries.maxlen:
            self.dropped += 1
        self._entries.append(entry)
        for listener in self.listeners:
            listener(entry)
        return entry

    def __iter__(self) -> Iterator[JournalEntry]:
        return iter(list(self._entries))

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        self._entries.clear()
        self._seq = itertools.count(1)
        self.dropped = 0

    def load(self, entries: list[JournalEntry], dropped: int) -> None:
        """Put back entries from a snapshot (without telling listeners); numbering goes on after them."""
        self.clear()
        self._entries.extend(entries)
        self.dropped = dropped + max(len(entries) - len(self._entries), 0)
        self._seq = itertools.count(entries[-1].seq + 1 if entries else 1)
