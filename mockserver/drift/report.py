"""Drift reports: a readable table (with ``--explain``, both sides and the docs page) or JSON."""

from __future__ import annotations

import contextlib
import json
from collections import Counter
from typing import Any

from mockserver.drift.cassette import Message
from mockserver.drift.replay import Result
from mockserver.drift.upstreams import UPSTREAMS

EXPLAIN_LIMIT = 1500  # characters of each side shown by --explain


def summary(results: list[Result]) -> str:
    drifted = [r for r in results if r.drifted]
    kinds = Counter(d.what for r in drifted for d in r.differences)
    counted = ", ".join(f"{what} {n}" for what, n in sorted(kinds.items()))
    total = sum(kinds.values())
    if not drifted:
        return f"no drift: {len(results)} exchange(s) compared"
    return f"drift: {len(drifted)} of {len(results)} exchange(s) differ, {total} difference(s) ({counted})"


def table(results: list[Result], provider: str, *, explain: bool = False) -> str:
    lines = [f"{'#':>3}  {'exchange':<58} {'status':<11} differences"]
    for r in results:
        status = f"{r.recorded_status} {'=' if r.recorded_status == r.mock_status else '≠'} {r.mock_status}"
        label = f"{r.method} {r.path}" if r.kind == "request" else f"callback {r.method} {r.path}"
        lines.append(
            f"{r.index:>3}  {_cut_left(label, 58):<58} {status if r.kind == 'request' else '':<11} "
            f"{len(r.differences) or 'ok'}"
        )
        for diff in r.differences:
            lines.append(f"       {diff.line()}")
        if explain and r.drifted:
            lines.extend(_explain(r, provider))
    lines.append(summary(results))
    return "\n".join(lines)


def _explain(result: Result, provider: str) -> list[str]:
    docs = UPSTREAMS[provider].docs if provider in UPSTREAMS else ""
    return [
        "       ── recorded (production) ──",
        *_indent(_show(result.recorded)),
        "       ── mock ──",
        *_indent(_show(result.mock)),
        f"       docs: {docs} ; the mock's marks: docs/providers/{provider}.md (documented / mock's choice)",
    ]


def _show(message: Message | None) -> str:
    if message is None:
        return "(nothing)"
    head = f"HTTP {message.status} " if message.status else f"{message.method} "
    head += message.content_type
    try:
        body = message.body.decode("utf-8")
    except UnicodeDecodeError:
        body = f"({len(message.body)} bytes of binary)"
    if message.query:
        body = f"?{message.query}\n{body}"
    with contextlib.suppress(ValueError):
        body = json.dumps(json.loads(body), indent=2, ensure_ascii=False)
    return head + "\n" + _cut(body, EXPLAIN_LIMIT)


def _indent(text: str) -> list[str]:
    return [f"         {line}" for line in text.splitlines()]


def _cut_left(text: str, limit: int) -> str:
    """Long paths keep their end, where the resource is (``…/calls/cal…``)."""
    if len(text) <= limit:
        return text
    method, _, rest = text.partition(" ")
    return f"{method} …{rest[-(limit - len(method) - 2) :]}"


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def as_json(results: list[Result], provider: str) -> str:
    data: dict[str, Any] = {
        "provider": provider,
        "drift": any(r.drifted for r in results),
        "summary": summary(results),
        "exchanges": [
            {
                "index": r.index,
                "kind": r.kind,
                "method": r.method,
                "path": r.path,
                "recorded_status": r.recorded_status,
                "mock_status": r.mock_status,
                "differences": [
                    {"what": d.what, "path": d.path, "recorded": d.recorded, "mock": d.mock}
                    for d in r.differences
                ],
            }
            for r in results
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False)
