"""Verification with near misses (``POST /_mock/verify``): did the server receive — or send — what a
test expects, how many times, and if not, which requests came closest and what differed.

WireMock's near-miss report is the model: every candidate is scored by how many of the pattern's
criteria it fails, and the closest few are shown with each failed criterion's expected and actual value.
A pattern names any of: ``provider``, ``method``, ``path`` (requests) or ``url`` (callbacks) as a glob,
``query``, ``headers`` and ``body`` fields (JSON — dotted paths for nested keys —, form fields or XML
element names; string values may be globs), ``call_id`` (callbacks), and ``count`` (a number, or
``{"at_least": n}`` / ``{"at_most": n}``; default at least one).
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from mockserver.callbacks.model import Delivery
from mockserver.control.schemas import iso
from mockserver.core.journal import JournalEntry
from mockserver.core.values import frozen

NEAR_MISSES = 3
KEYS = {"type", "provider", "method", "path", "url", "query", "headers", "body", "call_id", "count"}


class PatternError(ValueError):
    """The pattern itself is wrong (the message says which key)."""


@frozen
class Candidate:
    """What a pattern is matched against: one journaled request or one callback delivery."""

    provider: str
    method: str
    location: str  # a request's path, a callback's URL
    query: Mapping[str, str]
    headers: Mapping[str, str]  # lower-case names
    fields: Mapping[str, Any]  # the body's fields
    call_id: str | None
    summary: Mapping[str, Any]


@frozen
class Count:
    exactly: int | None = None
    at_least: int | None = None
    at_most: int | None = None

    def holds(self, n: int) -> bool:
        if self.exactly is not None:
            return n == self.exactly
        return (self.at_least is None or n >= self.at_least) and (self.at_most is None or n <= self.at_most)

    def __str__(self) -> str:
        if self.exactly is not None:
            return f"exactly {self.exactly}"
        parts = [f"at least {self.at_least}"] if self.at_least is not None else []
        parts += [f"at most {self.at_most}"] if self.at_most is not None else []
        return " and ".join(parts)


def parse_count(raw: Any) -> Count:
    if raw is None:
        return Count(at_least=1)
    if isinstance(raw, int) and not isinstance(raw, bool) and raw >= 0:
        return Count(exactly=raw)
    if isinstance(raw, dict) and raw and set(raw) <= {"at_least", "at_most"}:
        values = {k: v for k, v in raw.items()}
        if all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in values.values()):
            return Count(at_least=values.get("at_least"), at_most=values.get("at_most"))
    raise PatternError('count must be a number >= 0, or {"at_least": n} and/or {"at_most": n}')


def _mapping(pattern: Mapping[str, Any], key: str) -> dict[str, Any]:
    value = pattern.get(key, {})
    if not isinstance(value, dict):
        raise PatternError(f"{key} must be an object")
    return value


def check_pattern(pattern: Mapping[str, Any]) -> str:
    unknown = sorted(set(pattern) - KEYS)
    if unknown:
        raise PatternError(f"unknown key {unknown[0]!r} (allowed: {', '.join(sorted(KEYS))})")
    kind = pattern.get("type", "request")
    if kind not in ("request", "callback"):
        raise PatternError("type must be request or callback")
    for key in ("provider", "method", "path", "url", "call_id"):
        if key in pattern and not isinstance(pattern[key], str):
            raise PatternError(f"{key} must be a string")
    for key in ("query", "headers", "body"):
        _mapping(pattern, key)
    if kind == "request" and "url" in pattern:
        raise PatternError("url is for callbacks; requests match on path")
    if kind == "callback" and "path" in pattern:
        raise PatternError("path is for requests; callbacks match on url")
    return str(kind)


# -- what is matched -----------------------------------------------------------------------------
def body_fields(raw: bytes, content_type: str) -> dict[str, Any]:
    """A body's fields: a JSON object, form fields, or an XML document's leaf elements by local name."""
    if not raw:
        return {}
    kind = content_type.split(";")[0].strip().lower()
    text = raw.decode("utf-8", errors="replace")
    stripped = text.lstrip()
    if "json" in kind or stripped[:1] in "{[":
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            return {}
        return data if isinstance(data, dict) else {"": data}
    if "xml" in kind or stripped.startswith("<"):
        try:
            root = SafeET.fromstring(raw)
        except (SafeET.ParseError, DefusedXmlException):
            return {}
        return {_local(e.tag): (e.text or "") for e in root.iter() if len(e) == 0}
    return dict(parse_qsl(text, keep_blank_values=True))


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def from_request(entry: JournalEntry) -> Candidate:
    headers = {k.lower(): v for k, v in entry.headers.items()}
    raw_query = entry.raw_query.decode("latin-1")
    return Candidate(
        provider=entry.provider or "",
        method=entry.method or "",
        location=entry.path or "",
        query=dict(parse_qsl(raw_query, keep_blank_values=True)),
        headers=headers,
        fields=body_fields(entry.raw_body, headers.get("content-type", "")),
        call_id=entry.call_id,
        summary={
            "seq": entry.seq,
            "at": iso(entry.at),
            "provider": entry.provider,
            "method": entry.method,
            "path": entry.path,
            "query": raw_query,
            "status": entry.status,
        },
    )


def from_delivery(delivery: Delivery, provider_call_id: str | None) -> Candidate:
    r = delivery.request
    headers = {k.lower(): v for k, v in r.headers}
    fields = body_fields(r.body, headers.get("content-type", "")) | dict(r.params)
    return Candidate(
        provider=r.provider,
        method=r.method,
        location=r.url,
        query=dict(r.params),
        headers=headers,
        fields=fields,
        call_id=r.call_id,
        summary={
            "id": delivery.id,
            "provider": r.provider,
            "method": r.method,
            "url": r.url,
            "call_id": r.call_id,
            "provider_call_id": provider_call_id,
            "attempts": len(delivery.attempts),
        },
    )


# -- matching ------------------------------------------------------------------------------------
def _like(expected: Any, actual: Any) -> bool:
    if isinstance(expected, str):
        return actual is not None and fnmatch.fnmatchcase(str(actual), expected)
    return bool(expected == actual)


def _field(fields: Mapping[str, Any], dotted: str) -> Any:
    if dotted in fields:
        return fields[dotted]
    value: Any = fields
    for part in dotted.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def differences(
    pattern: Mapping[str, Any], c: Candidate, call_ids: Iterable[str | None] = ()
) -> list[dict[str, Any]]:
    """Each criterion of ``pattern`` that ``c`` fails, with what was expected and what it had."""
    out: list[dict[str, Any]] = []

    def check(name: str, expected: Any, actual: Any, ok: bool) -> None:
        if not ok:
            out.append({"field": name, "expected": expected, "actual": actual})

    if "provider" in pattern:
        check("provider", pattern["provider"], c.provider, pattern["provider"] == c.provider)
    if "method" in pattern:
        check("method", pattern["method"], c.method, pattern["method"].upper() == c.method.upper())
    for key in ("path", "url"):
        if key in pattern:
            check(key, pattern[key], c.location, fnmatch.fnmatchcase(c.location, pattern[key]))
    if "call_id" in pattern:
        check("call_id", pattern["call_id"], c.call_id, pattern["call_id"] in set(call_ids) | {c.call_id})
    for name, expected in _mapping(pattern, "query").items():
        actual = c.query.get(name)
        check(f"query.{name}", expected, actual, _like(expected, actual))
    for name, expected in _mapping(pattern, "headers").items():
        actual = c.headers.get(name.lower())
        check(f"headers.{name}", expected, actual, _like(expected, actual))
    for name, expected in _mapping(pattern, "body").items():
        actual = _field(c.fields, name)
        check(f"body.{name}", expected, actual, _like(expected, actual))
    return out


def verify(
    pattern: Mapping[str, Any], candidates: list[tuple[Candidate, tuple[str | None, ...]]]
) -> dict[str, Any]:
    """The answer of ``POST /_mock/verify`` for these candidates (newest last)."""
    check_pattern(pattern)
    count = parse_count(pattern.get("count"))
    scored = [(differences(pattern, c, ids), c) for c, ids in candidates]
    matches = [c for diffs, c in scored if not diffs]
    ok = count.holds(len(matches))
    answer: dict[str, Any] = {
        "ok": ok,
        "expected": str(count),
        "matched": len(matches),
        "matches": [dict(c.summary) for c in matches[-20:]],
    }
    if not ok:
        misses = [(diffs, i, c) for i, (diffs, c) in enumerate(scored) if diffs]
        misses.sort(key=lambda t: (len(t[0]), -t[1]))  # fewest differences first, then the newest
        answer["near_misses"] = [
            {"candidate": dict(c.summary), "differences": diffs} for diffs, _, c in misses[:NEAR_MISSES]
        ]
    return answer
