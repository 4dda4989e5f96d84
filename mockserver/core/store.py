"""In-memory store of calls: the current value of each, by neutral id and by provider id."""

from __future__ import annotations

from collections.abc import Iterator

from mockserver.core.calls import Call


class CallStore:
    def __init__(self) -> None:
        self._calls: dict[str, Call] = {}
        self._by_provider_id: dict[tuple[str, str], str] = {}

    def put(self, call: Call) -> None:
        self._calls[call.id] = call
        self._by_provider_id[(call.provider, call.provider_call_id)] = call.id

    def get(self, call_id: str) -> Call | None:
        return self._calls.get(call_id)

    def by_provider_id(self, provider: str, provider_call_id: str) -> Call | None:
        call_id = self._by_provider_id.get((provider, provider_call_id))
        return None if call_id is None else self._calls[call_id]

    def __iter__(self) -> Iterator[Call]:
        return iter(list(self._calls.values()))

    def __len__(self) -> int:
        return len(self._calls)

    def clear(self) -> None:
        self._calls.clear()
        self._by_provider_id.clear()
