"""Fault injection rules: what goes wrong, for which requests, how often.

Two targets. ``inbound`` rules match requests to a provider's API (by provider, method, path glob and,
for JSON-RPC, the RPC method) and make them fail in the provider's own error format, slow, rate-limited
or dropped. ``callbacks`` rules match the server's own deliveries (by URL glob) and delay, shuffle or
duplicate them, so integrators can test the idempotency and ordering of their webhook handlers.

Chance (``probability``, latency ranges, shuffle delays) comes from a generator seeded with the server's
seed, so a seeded run fails the same requests every time.
"""

from __future__ import annotations

import fnmatch
import itertools
import random
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from mockserver.core.values import frozen

METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})
MAX_LATENCY = 120.0
INBOUND_FIELDS = {
    "provider",
    "method",
    "path",
    "rpc_method",
    "status",
    "error",
    "latency",
    "drop",
    "retry_after",
    "times",
    "probability",
}
CALLBACK_FIELDS = {"provider", "url", "delay", "reorder", "duplicate", "times", "probability"}


class FaultError(ValueError):
    """A rule is not valid; the message names the field."""


@frozen
class FaultRule:
    id: str
    target: str = "inbound"  # "inbound" | "callbacks"
    provider: str | None = None
    # inbound
    method: str | None = None
    path: str | None = None  # glob, e.g. "/v2/accounts/*/calls"
    rpc_method: str | None = None
    status: int | None = None
    error: str | None = None
    latency: tuple[float, float] | None = None  # wall-clock seconds, fixed (lo == hi) or a range
    drop: bool = False
    retry_after: float | None = None  # answer 429 with Retry-After
    # callbacks
    url: str | None = None  # glob
    delay: float | None = None  # mock-clock seconds before the first attempt
    reorder: float | None = None  # each delivery waits a random 0..N mock-clock seconds
    duplicate: bool = False  # deliver each matching callback twice
    # both
    times: int | None = None  # only the first N matching requests
    probability: float | None = None

    def to_json(self, hits: int) -> dict[str, Any]:
        data = {k: v for k, v in asdict(self).items() if v not in (None, False)}
        if self.latency is not None:
            data["latency"] = list(self.latency)
        data["hits"] = hits
        return data


def _number(body: Mapping[str, Any], name: str, low: float, high: float) -> float | None:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise FaultError(f"{name} must be a number from {low:g} to {high:g}")
    return float(value)


def _text(body: Mapping[str, Any], name: str) -> str | None:
    value = body.get(name)
    if value is not None and (not isinstance(value, str) or not value):
        raise FaultError(f"{name} must be a non-empty string")
    return value


def _flag(body: Mapping[str, Any], name: str) -> bool:
    value = body.get(name, False)
    if not isinstance(value, bool):
        raise FaultError(f"{name} must be true or false")
    return value


def parse_rule(body: Mapping[str, Any], rule_id: str, providers: Iterable[str]) -> FaultRule:
    """A rule from its JSON/YAML form. Raises :class:`FaultError` naming what is wrong."""
    target = body.get("target", "inbound")
    if target not in ("inbound", "callbacks"):
        raise FaultError("target must be inbound or callbacks")
    allowed = (INBOUND_FIELDS if target == "inbound" else CALLBACK_FIELDS) | {"target", "id"}
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise FaultError(f"unknown field {unknown[0]!r} for a {target} fault")
    provider = _text(body, "provider")
    if provider is not None and provider not in set(providers):
        raise FaultError(f"unknown provider {provider!r}")
    times = _number(body, "times", 1, 1_000_000_000)
    common = {
        "id": rule_id,
        "target": target,
        "provider": provider,
        "times": None if times is None else int(times),
        "probability": _number(body, "probability", 0, 1),
    }
    if target == "callbacks":
        rule = FaultRule(
            **common,
            url=_text(body, "url"),
            delay=_number(body, "delay", 0, 86_400),
            reorder=_number(body, "reorder", 0, 86_400),
            duplicate=_flag(body, "duplicate"),
        )
        if rule.delay is None and rule.reorder is None and not rule.duplicate:
            raise FaultError("a callbacks fault needs delay, reorder or duplicate")
        return rule
    method = _text(body, "method")
    if method is not None and method.upper() not in METHODS:
        raise FaultError(f"method must be one of {', '.join(sorted(METHODS))}")
    status = _number(body, "status", 400, 599)
    rule = FaultRule(
        **common,
        method=None if method is None else method.upper(),
        path=_text(body, "path"),
        rpc_method=_text(body, "rpc_method"),
        status=None if status is None else int(status),
        error=_text(body, "error"),
        latency=_latency(body.get("latency")),
        drop=_flag(body, "drop"),
        retry_after=_number(body, "retry_after", 0, 86_400),
    )
    if rule.status is None and rule.latency is None and not rule.drop and rule.retry_after is None:
        raise FaultError("an inbound fault needs status, latency, drop or retry_after")
    return rule


def _latency(value: Any) -> tuple[float, float] | None:
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        low = high = float(value)
    elif (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
    ):
        low, high = float(value[0]), float(value[1])
    else:
        raise FaultError("latency must be seconds or [low, high]")
    if not 0 <= low <= high <= MAX_LATENCY:
        raise FaultError(f"latency must be within 0..{MAX_LATENCY:g} seconds, low <= high")
    return (low, high)


@dataclass
class FaultBook:
    """The rules in force, with their hit counts. Rules loaded at start come back after a reset."""

    seed: int | None = None
    providers: tuple[str, ...] = ()
    startup: tuple[FaultRule, ...] = ()
    _rules: list[FaultRule] = field(default_factory=list)
    _hits: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.reset()

    def add(self, body: Mapping[str, Any]) -> FaultRule:
        rule = parse_rule(body, f"fault-{next(self._ids)}", self.providers)
        self._rules.append(rule)
        self._hits[rule.id] = 0
        return rule

    def remove(self, rule_id: str) -> bool:
        before = len(self._rules)
        self._rules = [r for r in self._rules if r.id != rule_id]
        return len(self._rules) < before

    def clear(self) -> None:
        self._rules.clear()
        self._hits.clear()

    def reset(self) -> None:
        """Back to the start-up rules, with no hits, and the same ids and chances as a fresh start."""
        self.clear()
        self._ids = itertools.count(1)
        self.random = random.Random(None if self.seed is None else f"{self.seed}:faults")
        for rule in self.startup:
            self._rules.append(rule)
            self._hits[rule.id] = 0

    def load(self, bodies: Iterable[Mapping[str, Any]]) -> None:
        """Start-up rules (from --faults FILE): kept across resets."""
        self.startup = tuple(replace(self.add(body), id=f"startup-{n}") for n, body in enumerate(bodies, 1))
        self.reset()

    def next_number(self) -> int:
        """The number the next rule added at run time gets (``fault-N``), for snapshots."""
        number = next(self._ids)
        self._ids = itertools.count(number)
        return number

    def restore(self, rules: Iterable[tuple[FaultRule, int]], next_number: int) -> None:
        """Put back the rules of a snapshot, with their hit counts, in place of those in force."""
        self.clear()
        for rule, hits in rules:
            self._rules.append(rule)
            self._hits[rule.id] = hits
        self._ids = itertools.count(next_number)

    def listing(self) -> list[dict[str, Any]]:
        return [rule.to_json(self._hits.get(rule.id, 0)) for rule in self._rules]

    def __bool__(self) -> bool:
        return bool(self._rules)

    def _fire(self, rule: FaultRule) -> bool:
        hits = self._hits.get(rule.id, 0)
        if rule.times is not None and hits >= rule.times:
            return False
        if rule.probability is not None and self.random.random() >= rule.probability:
            return False
        self._hits[rule.id] = hits + 1
        return True

    def inbound(self, provider: str, method: str, path: str, rpc_method: str | None) -> FaultRule | None:
        """The first inbound rule that matches this request and fires (counting the hit)."""
        for rule in self._rules:
            if (
                rule.target == "inbound"
                and rule.provider in (None, provider)
                and rule.method in (None, method)
                and (rule.path is None or fnmatch.fnmatchcase(path, rule.path))
                and (rule.rpc_method is None or rule.rpc_method == rpc_method)
                and self._fire(rule)
            ):
                return rule
        return None

    def outbound(self, provider: str, url: str) -> list[FaultRule]:
        """Every callbacks rule that matches this delivery and fires."""
        return [
            rule
            for rule in self._rules
            if rule.target == "callbacks"
            and rule.provider in (None, provider)
            and (rule.url is None or fnmatch.fnmatchcase(url, rule.url))
            and self._fire(rule)
        ]

    def latency(self, rule: FaultRule) -> float:
        if rule.latency is None:
            return 0.0
        low, high = rule.latency
        return low if low == high else self.random.uniform(low, high)

    def shuffle_delay(self, rule: FaultRule) -> float:
        return self.random.uniform(0, rule.reorder or 0.0)
