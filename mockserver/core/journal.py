"""The request journal: every inbound provider request, and every flow error, in arrival order."""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class JournalEntry:
    seq: int
    kind: str  # "request" | "flow_error"
    at: datetime
    provider: str | None
    method: str | None = None
    path: str | None = None
    query: str = ""
    status: int | None = None
    call_id: str | None = None
    detail: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["at"] = self.at.isoformat().replace("+00:00", "Z")
        return data


class Journal:
    """A bounded log; the oldest entries fall off once ``size`` is reached (``dropped`` counts them)."""

    def __init__(self, size: int = 10_000) -> None:
        self._entries: deque[JournalEntry] = deque(maxlen=size)
        self._seq = itertools.count(1)
        self.dropped = 0

    def record(self, kind: str, at: datetime, provider: str | None, **fields: Any) -> JournalEntry:
        entry = JournalEntry(seq=next(self._seq), kind=kind, at=at, provider=provider, **fields)
        if len(self._entries) == self._entries.maxlen:
            self.dropped += 1
        self._entries.append(entry)
        return entry

    def __iter__(self) -> Iterator[JournalEntry]:
        return iter(list(self._entries))

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        self._entries.clear()
        self._seq = itertools.count(1)
        self.dropped = 0
