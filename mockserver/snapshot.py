"""The whole state of a server as JSON, and back: ``POST /_mock/snapshot``, ``POST /_mock/restore`` and
``--state-file``.

Restoring is a reset followed by loading everything; a live call resumes its scenario (its steps still to
come and its ring timeout are scheduled again), but not its call-control loop (an XML flow, a dialplan, a
prompt it was waiting on), and a delivery that was waiting for a retry is kept as a record only. The
snapshot is read and checked in full before anything is reset, and a provider that cannot load its part
puts the state back as it was, so a bad snapshot changes nothing.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mockserver.callbacks.model import Attempt, Delivery, OutboundRequest
from mockserver.core.backend import Pending
from mockserver.core.calls import Call
from mockserver.core.clock import VirtualClock
from mockserver.core.faults import FaultError, FaultRule, parse_rule
from mockserver.core.journal import JournalEntry
from mockserver.core.serialize import (
    MAX_RECORDING,
    Fields,
    RandomState,
    SnapshotError,
    bytes_to_data,
    call_from_data,
    call_to_data,
    journal_entry_from_data,
    journal_entry_to_data,
    loads_strict,
    press_from_data,
    press_to_data,
    random_from_data,
    random_to_data,
    time_to_data,
)
from mockserver.records.sink import Sink, parse_reply
from mockserver.scenario.model import Scenario, ScenarioError

if TYPE_CHECKING:
    from mockserver.state import AppState

VERSION = 1
#: The source of a scenario added through ``PUT /_mock/scenarios/{name}`` (see control/handlers/scenarios.py).
RUNTIME_SOURCE = "PUT /_mock/scenarios/"

__all__ = [
    "VERSION",
    "SnapshotError",
    "check",
    "dumps",
    "load",
    "read_file",
    "remove_stale_temporaries",
    "restore",
    "take",
    "write_file",
]


# -- taking ----------------------------------------------------------------------------------------
def take(state: AppState) -> dict[str, Any]:
    """Everything a reset would forget, plus what makes a run go on the same way (generators)."""
    clock, backend, book = state.clock, state.backend, state.scenarios
    timeline = state.timeline
    return {
        "version": VERSION,
        "clock": {"mode": clock.mode.value, "now": time_to_data(clock.now()), "speed": clock.speed},
        "calls": [_call_to_data(call, backend.pending(call.id)) for call in backend.store],
        "callbacks": [_delivery_to_data(d) for d in state.dispatcher],
        "journal": {
            "entries": [journal_entry_to_data(e) for e in state.journal],
            "dropped": state.journal.dropped,
        },
        "timeline": {
            "entries": [] if timeline is None else timeline.entries(),
            "dropped": 0 if timeline is None else timeline.dropped,
        },
        "scenarios": {
            "added": [{"name": s.name, "text": s.text} for s in book if s.source.startswith(RUNTIME_SOURCE)],
            "forced": book.forced,
        },
        "faults": {"rules": state.faults.listing(), "next_number": state.faults.next_number()},
        "sinks": {name: _sink_to_data(sink) for name, sink in state.sinks.items()},
        "random": {
            "ids": random_to_data(state.ids.getstate()),
            "faults": random_to_data(state.faults.random.getstate()),
            "mix": random_to_data(book.random_state()),
            "faker": random_to_data(state.faker.random.getstate()),
        },
        "providers": {name: provider.snapshot() for name, provider in state.providers.items()},
    }


def _call_to_data(call: Call, pending: Pending) -> dict[str, Any]:
    data = call_to_data(call)
    data["pending"] = {
        "presses": [press_to_data(p) for p in pending.presses],
        "recording_seconds": pending.recording_seconds,
        "recording_due": None
        if pending.recording_due is None
        else {"at": time_to_data(pending.recording_due[0]), "seconds": pending.recording_due[1]},
    }
    return data


def _delivery_to_data(delivery: Delivery) -> dict[str, Any]:
    r = delivery.request
    return {
        "id": delivery.id,
        "seq": delivery.seq,
        "created_at": time_to_data(delivery.created_at),
        "fault": delivery.fault,
        "request": {
            "provider": r.provider,
            "method": r.method,
            "url": r.url,
            "call_id": r.call_id,
            "kind": r.kind,
            "headers": [list(h) for h in r.headers],
            "params": [list(p) for p in r.params],
            "body": bytes_to_data(r.body),
        },
        "attempts": [
            {
                "at": time_to_data(a.at),
                "status": a.status,
                "error": a.error,
                "elapsed_ms": a.elapsed_ms,
                "response_body": a.response_body,
            }
            for a in delivery.attempts
        ],
    }


def _sink_to_data(sink: Sink) -> dict[str, Any]:
    reply = sink.reply
    return {
        "reply": {"status": reply.status, "body": reply.body, "content_type": reply.content_type},
        "requests": list(sink.requests),  # a copy: the snapshot may be encoded off the event loop
    }


# -- reading ---------------------------------------------------------------------------------------
@dataclass
class _Loaded:
    """A snapshot read and checked, ready to load."""

    now: datetime | None
    calls: list[tuple[Call, Pending]]
    deliveries: list[Delivery]
    journal: tuple[list[JournalEntry], int]
    timeline: tuple[list[dict[str, Any]], int]
    scenarios: list[Scenario]
    forced: str | None
    faults: tuple[list[tuple[FaultRule, int]], int] | None
    sinks: list[tuple[str, Sink]]
    random: dict[str, RandomState]
    providers: dict[str, dict[str, Any]] = field(default_factory=dict)


def check(state: AppState, data: Any, known: frozenset[str] | None = None) -> _Loaded:
    """Read and check a snapshot without changing anything (may run off the event loop: give the
    names of the loaded scenarios as ``known`` then). Raises SnapshotError."""
    try:
        return _read(state, data, known)
    except RecursionError:
        raise SnapshotError("the snapshot is nested too deeply") from None


def _read(state: AppState, data: Any, known: frozenset[str] | None = None) -> _Loaded:
    f = Fields(data)
    version = f.raw("version")
    if version != VERSION:
        raise SnapshotError(f"version: this server reads snapshots of version {VERSION}, not {version!r}")
    names = known if known is not None else frozenset(s.name for s in state.scenarios)
    scenarios, forced = _read_scenarios(names, f.child("scenarios", {}))
    return _Loaded(
        now=f.child("clock", {}).optional_time("now"),
        calls=[_read_call(where, item) for where, item in f.items("calls", [])],
        deliveries=[_read_delivery(d) for d in f.objects("callbacks", [])],
        journal=_read_log(f.child("journal", {}), journal_entry_from_data),
        timeline=_read_log(f.child("timeline", {}), _timeline_entry),
        scenarios=scenarios,
        forced=forced,
        faults=_read_faults(state, f.child("faults")) if "faults" in f.data else None,
        sinks=[_read_sink(name, value) for name, value in f.child("sinks", {}).data.items()],
        random={
            key: random_from_data(value, f"random.{key}") for key, value in f.child("random", {}).data.items()
        },
        providers={
            name: Fields(value, f"providers.{name}").data
            for name, value in f.child("providers", {}).data.items()
        },
    )


def _read_call(where: str, data: Any) -> tuple[Call, Pending]:
    call = call_from_data(data, where)
    p = Fields(data, where).child("pending", {})
    due = None
    if p.raw("recording_due", None) is not None:
        d = p.child("recording_due")
        due = (d.time("at"), d.integer("seconds", high=MAX_RECORDING))
    presses = tuple(press_from_data(item, w) for w, item in p.items("presses", []))
    seconds = None
    if p.raw("recording_seconds", None) is not None:
        seconds = p.integer("recording_seconds", high=MAX_RECORDING)
    return call, Pending(presses, seconds, due)


def _read_delivery(f: Fields) -> Delivery:
    r = f.child("request")
    request = OutboundRequest(
        provider=r.text("provider"),
        method=r.text("method"),
        url=r.text("url"),
        call_id=r.optional_text("call_id"),
        kind=r.text("kind", "event"),
        headers=r.pairs("headers", []),
        params=r.pairs("params", []),
        body=r.binary("body", ""),
    )
    attempts = [
        Attempt(
            at=a.time("at"),
            status=None if a.raw("status", None) is None else a.integer("status"),
            error=a.optional_text("error"),
            elapsed_ms=a.number("elapsed_ms", 0.0),
            response_body=a.optional_text("response_body"),
        )
        for a in f.objects("attempts", [])
    ]
    # A retry that was pending is not made again: the record says so by having none scheduled.
    return Delivery(
        id=f.text("id"),
        seq=f.integer("seq"),
        request=request,
        created_at=f.time("created_at"),
        attempts=attempts,
        next_attempt_at=None,
        fault=f.optional_text("fault"),
    )


def _read_log(f: Fields, entry: Callable[[Any, str], Any]) -> tuple[list[Any], int]:
    entries = [entry(item, where) for where, item in f.items("entries", [])]
    return entries, f.integer("dropped", 0)


def _timeline_entry(data: Any, where: str) -> dict[str, Any]:
    f = Fields(data, where)
    f.integer("seq")
    f.time("at")
    f.text("kind")
    return f.data


def _read_scenarios(names: frozenset[str], f: Fields) -> tuple[list[Scenario], str | None]:
    from mockserver.scenario.loader import parse_scenarios  # YAML: not imported at start

    added = []
    for s in f.objects("added", []):
        name = s.text("name")
        try:
            parsed = parse_scenarios(s.text("text"), source=f"{RUNTIME_SOURCE}{name}")
        except ScenarioError as exc:
            raise SnapshotError(f"{s.where}: {exc}") from None
        if len(parsed) != 1 or parsed[0].name != name:
            raise SnapshotError(f"{s.where}: the text must hold exactly one scenario, named {name!r}")
        added.append(parsed[0])
    known = names | {s.name for s in added}
    for scenario in added:
        unknown = [name for name, _ in scenario.mix if name not in known]
        if unknown:
            raise SnapshotError(f"scenarios.added: {scenario.name!r} mixes unknown scenario {unknown[0]!r}")
    forced = f.optional_text("forced")
    if forced is not None and forced not in known:
        raise SnapshotError(f"scenarios.forced: no scenario {forced!r}")
    return added, forced


def _read_faults(state: AppState, f: Fields) -> tuple[list[tuple[FaultRule, int]], int]:
    rules = []
    for r in f.objects("rules", []):
        body = {k: v for k, v in r.data.items() if k not in ("id", "hits")}
        try:
            rules.append((parse_rule(body, r.text("id"), state.faults.providers), r.integer("hits", 0)))
        except FaultError as exc:
            raise SnapshotError(f"{r.where}: {exc}") from None
    return rules, f.integer("next_number", 1)


def _read_sink(name: str, data: Any) -> tuple[str, Sink]:
    f = Fields(data, f"sinks.{name}")
    try:
        reply = parse_reply(f.child("reply", {}).data)
    except ValueError as exc:
        raise SnapshotError(f"{f.path('reply')}: {exc}") from None
    requests = [Fields(item, where).data for where, item in f.items("requests", [])]
    return name, Sink(reply, requests)


# -- loading ---------------------------------------------------------------------------------------
def restore(state: AppState, data: Any) -> None:
    """Reset, then load ``data`` (raises :class:`SnapshotError`, leaving the state as it was)."""
    load(state, check(state, data))


def load(state: AppState, loaded: _Loaded) -> None:
    """Reset, then load a checked snapshot (if that fails, the state is put back as it was)."""
    backup = _read(state, take(state))
    try:
        _load(state, loaded)
    except Exception:
        _load(state, backup)
        raise


def _load(state: AppState, loaded: _Loaded) -> None:
    state.reset()
    clock, book = state.clock, state.scenarios
    if isinstance(clock, VirtualClock) and loaded.now is not None:
        clock.restore(loaded.now)
    for scenario in loaded.scenarios:
        book.add(scenario)
    book.forced = loaded.forced
    _load_random(state, loaded.random)
    since = loaded.now or clock.now()
    for call, pending in loaded.calls:
        known = call.scenario in book and not book.get(call.scenario).mix
        state.backend.restore(call, pending, book.get(call.scenario).plan if known else None, since)
    state.dispatcher.load(loaded.deliveries)
    state.journal.load(*loaded.journal)
    if state.timeline is not None:
        state.timeline.load(*loaded.timeline)
    if loaded.faults is not None:
        state.faults.restore(*loaded.faults)
    for name, sink in loaded.sinks:
        target = state.sinks.get(name)
        target.reply, target.requests = sink.reply, sink.requests
    for name, provider in state.providers.items():
        if name in loaded.providers:
            try:
                provider.restore(loaded.providers[name])
            except Exception as exc:  # a provider's own check of its part: whatever it raises
                raise SnapshotError(f"providers.{name}: {type(exc).__name__}: {exc}") from None


def _load_random(state: AppState, states: dict[str, RandomState]) -> None:
    setters: dict[str, Callable[[RandomState], None]] = {
        "ids": state.ids.setstate,
        "faults": state.faults.random.setstate,
        "mix": state.scenarios.set_random_state,
        "faker": state.faker.random.setstate,
    }
    for key, value in states.items():
        if key in setters:
            setters[key](value)


# -- the state file --------------------------------------------------------------------------------
def read_file(path: Path) -> Any:
    """The snapshot in ``path`` (``None`` if there is no such file). Raises SnapshotError."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise SnapshotError(f"cannot read it: {exc}") from None
    try:
        data = loads_strict(text)
    except ValueError as exc:
        raise SnapshotError(f"not valid JSON: {exc}") from None
    except RecursionError:
        raise SnapshotError("not a snapshot: it is nested too deeply") from None
    if not isinstance(data, dict):
        # ``null`` is not "no state yet": refusing it keeps the file from being overwritten on shutdown
        raise SnapshotError(f"not a snapshot: it holds {type(data).__name__}, not a JSON object")
    return data


def stale_temporaries(path: Path) -> list[Path]:
    """Temporary files a killed ``write_file`` left next to ``path``."""
    return sorted(path.parent.glob(f".{glob.escape(path.name)}.*.tmp"))


def remove_stale_temporaries(path: Path) -> list[Path]:
    """Remove them (at start, before anything writes): what was removed."""
    removed = []
    for temporary in stale_temporaries(path):
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
            removed.append(temporary)
    return removed


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def write_file(path: Path, text: str) -> None:
    """Write atomically: a temporary file in the same folder, flushed to disk, then renamed over."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)  # the rename itself survives a crash
    finally:
        os.close(folder)
