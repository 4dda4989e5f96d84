"""In-memory store of calls: the current value of each, by neutral id and by provider id.

With a retention cap (``max_finished``), the oldest finished calls are evicted once more than that many
have finished, so a long-lived server stays flat; ``evicted`` counts them and ``evicted_listeners`` hear
of each (so what hangs off a call can go with it). A call ``keep`` says is still needed (a recording not
yet made) is set aside, and waits for its turn again from the next time it is put: set aside rather than
sent to the back of the queue, so that thousands of calls still needed are not asked again at every
eviction (that made 100,000 calls finishing together quadratic).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator

from mockserver.core.calls import Call


class CallStore:
    def __init__(self, max_finished: int = 0, keep: Callable[[str], bool] | None = None) -> None:
        self._max_finished = max_finished  # 0: keep every call
        self.keep = keep
        self.evicted = 0
        self.evicted_listeners: list[Callable[[Call], None]] = []
        self._calls: dict[str, Call] = {}
        self._by_ref: dict[str, str] = {}  # provider id alone → the first call that has it
        # (provider, provider id) → the latest call that has it, only where that is not the call
        # ``_by_ref`` has (two providers, or two calls of one, with one id): nearly always empty. A
        # full index beside ``_by_ref`` was ~100 bytes more a call (bench_engine_dillo, issue 14).
        self._clashes: dict[tuple[str, str], str] = {}
        self._by_provider: dict[str, dict[str, None]] = {}  # provider → its call ids, in order
        # In the order they finished (or were put back), only while there is a cap: without one nothing
        # is evicted, and an index of every call was ~40 bytes more a call (bench_engine_dillo, issue 14).
        # An OrderedDict: taking a plain dict's first key walks the slots already taken ahead of it.
        self._finished: OrderedDict[str, None] = OrderedDict()
        self._kept: dict[str, None] = {}  # finished, but ``keep`` said they were still needed

    @property
    def max_finished(self) -> int:
        return self._max_finished

    @max_finished.setter
    def max_finished(self, value: int) -> None:
        """A cap set where there was none starts from the finished calls so far, oldest placed first
        (their finish order was not kept); like any cap, it evicts when the next call finishes."""
        if value and not self._max_finished:
            self._finished = OrderedDict((c.id, None) for c in self._calls.values() if c.state.terminal)
        elif not value:
            self._finished.clear()
            self._kept.clear()
        self._max_finished = value

    def put(self, call: Call) -> None:
        old = self._calls.get(call.id)
        if old is None:
            self._by_provider.setdefault(call.provider, {})[call.id] = None
        if old is None or old.provider_call_id != call.provider_call_id:
            first = self._by_ref.setdefault(call.provider_call_id, call.id)
            key = (call.provider, call.provider_call_id)
            if first != call.id:
                self._clashes[key] = call.id
            elif self._clashes:
                self._clashes.pop(key, None)  # this call is the one _by_ref has again
        self._calls[call.id] = call
        if self._max_finished and call.state.terminal and call.id not in self._finished:
            if call.id in self._kept:
                if self.keep is not None and self.keep(call.id):
                    return  # put again, still needed: stays aside
                del self._kept[call.id]
            self._finished[call.id] = None
            if len(self._finished) + len(self._kept) > self._max_finished:
                self._evict()

    def _evict(self) -> None:
        while self._finished and len(self._finished) + len(self._kept) > self._max_finished:
            call_id, _ = self._finished.popitem(last=False)
            if self.keep is not None and self.keep(call_id):
                self._kept[call_id] = None  # still needed: aside until it is put again
                continue
            self._remove(self._calls[call_id])

    def _remove(self, call: Call) -> None:
        del self._calls[call.id]
        key = (call.provider, call.provider_call_id)
        if self._clashes.get(key) == call.id:
            del self._clashes[key]
        if self._by_ref.get(call.provider_call_id) == call.id:
            del self._by_ref[call.provider_call_id]
        self._by_provider[call.provider].pop(call.id, None)
        self.evicted += 1
        for listener in self.evicted_listeners:
            listener(call)

    def get(self, call_id: str) -> Call | None:
        return self._calls.get(call_id)

    def by_provider_id(self, provider: str, provider_call_id: str) -> Call | None:
        call_id = self._clashes.get((provider, provider_call_id)) if self._clashes else None
        if call_id is None:
            call_id = self._by_ref.get(provider_call_id)
            if call_id is None:
                return None
            call = self._calls.get(call_id)
            return call if call is not None and call.provider == provider else None
        return self._calls.get(call_id)

    def by_ref(self, ref: str) -> Call | None:
        """A call by its neutral id, or else by its provider's id (whichever provider)."""
        call = self._calls.get(ref)
        if call is None and (call_id := self._by_ref.get(ref)) is not None:
            call = self._calls[call_id]
        return call

    def of_provider(self, provider: str) -> list[Call]:
        return [self._calls[i] for i in self._by_provider.get(provider, ())]

    def __iter__(self) -> Iterator[Call]:
        return iter(list(self._calls.values()))

    def __len__(self) -> int:
        return len(self._calls)

    def clear(self) -> None:
        self._calls.clear()
        self._clashes.clear()
        self._by_ref.clear()
        self._by_provider.clear()
        self._finished.clear()
        self._kept.clear()
        self.evicted = 0
