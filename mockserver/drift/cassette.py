"""A cassette: JSON Lines, one header line then one line per recorded exchange or relayed callback.

Bodies are kept as text when they decode as UTF-8 and as base64 otherwise, cut at ``BODY_LIMIT`` bytes
(``truncated`` says so). Secrets never reach the file: the recorder redacts before it writes.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator, Mapping
from dataclasses import field
from pathlib import Path
from typing import Any, TextIO

from mockserver.core.values import frozen

FORMAT = "mockserver-cassette/1"
BODY_LIMIT = 1024 * 1024  # bytes of one body kept in the cassette


class CassetteError(Exception):
    """The file is not a cassette this version can read (the message names the line)."""


@frozen
class Message:
    """One side of an exchange: a request (method, path, query) or a response (status)."""

    headers: tuple[tuple[str, str], ...]
    body: bytes = b""
    truncated: bool = False
    method: str = ""
    path: str = ""
    query: str = ""
    status: int = 0

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        return next((v for k, v in self.headers if k.lower() == lowered), None)

    @property
    def content_type(self) -> str:
        return self.header("content-type") or ""


@frozen
class Exchange:
    """A request the client sent and the answer the provider gave (``kind="request"``), or a
    callback the provider sent that was relayed to the user's URL (``kind="callback"``)."""

    kind: str
    at: str  # ISO 8601 UTC, wall-clock time of the request
    request: Message
    response: Message
    target: str = ""  # for callbacks: the user's URL the relay forwarded to
    redacted: tuple[str, ...] = ()  # the names whose values were replaced in this exchange


@frozen
class Header:
    provider: str
    upstream: str
    recorded_at: str
    redacted: tuple[str, ...] = ()  # the redaction policy: which headers and fields are replaced
    masked_numbers: bool = False
    extra: Mapping[str, Any] = field(default_factory=dict)


def _body_json(body: bytes) -> dict[str, Any]:
    try:
        return {"body": body.decode("utf-8")}
    except UnicodeDecodeError:
        return {"body_base64": base64.b64encode(body).decode("ascii")}


def _message_json(message: Message) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if message.method:
        data |= {"method": message.method, "path": message.path, "query": message.query}
    else:
        data["status"] = message.status
    data["headers"] = [list(h) for h in message.headers]
    data |= _body_json(message.body)
    if message.truncated:
        data["truncated"] = True
    return data


def exchange_line(exchange: Exchange) -> str:
    data: dict[str, Any] = {"kind": exchange.kind, "at": exchange.at}
    if exchange.target:
        data["target"] = exchange.target
    if exchange.redacted:
        data["redacted"] = list(exchange.redacted)
    data["request"] = _message_json(exchange.request)
    data["response"] = _message_json(exchange.response)
    return json.dumps(data, ensure_ascii=False) + "\n"


def header_line(header: Header) -> str:
    data = {
        "format": FORMAT,
        "provider": header.provider,
        "upstream": header.upstream,
        "recorded_at": header.recorded_at,
        "redacted": list(header.redacted),
        "masked_numbers": header.masked_numbers,
        **header.extra,
    }
    return json.dumps(data, ensure_ascii=False) + "\n"


def _message(data: Any, where: str) -> Message:
    if not isinstance(data, dict):
        raise CassetteError(f"{where}: expected an object")
    headers = data.get("headers", [])
    if not isinstance(headers, list) or not all(
        isinstance(h, list) and len(h) == 2 and all(isinstance(x, str) for x in h) for h in headers
    ):
        raise CassetteError(f"{where}: headers must be [name, value] pairs")
    if "body_base64" in data:
        body = base64.b64decode(str(data["body_base64"]))
    else:
        body = str(data.get("body", "")).encode("utf-8")
    status = data.get("status", 0)
    if not isinstance(status, int):
        raise CassetteError(f"{where}: status must be an integer")
    return Message(
        headers=tuple((k, v) for k, v in headers),
        body=body,
        truncated=bool(data.get("truncated", False)),
        method=str(data.get("method", "")),
        path=str(data.get("path", "")),
        query=str(data.get("query", "")),
        status=status,
    )


def parse(lines: Iterator[str], name: str = "cassette") -> tuple[Header, list[Exchange]]:
    header: Header | None = None
    exchanges: list[Exchange] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{name}:{number}"
        try:
            data = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as exc:
            raise CassetteError(f"{where}: not JSON ({exc})") from None
        if not isinstance(data, dict):
            raise CassetteError(f"{where}: expected an object")
        if header is None:
            if data.get("format") != FORMAT:
                raise CassetteError(f"{where}: not a cassette (expected format {FORMAT!r})")
            header = Header(
                provider=str(data.get("provider", "")),
                upstream=str(data.get("upstream", "")),
                recorded_at=str(data.get("recorded_at", "")),
                redacted=tuple(str(r) for r in data.get("redacted", [])),
                masked_numbers=bool(data.get("masked_numbers", False)),
            )
            continue
        kind = data.get("kind")
        if kind not in ("request", "callback"):
            raise CassetteError(f"{where}: kind must be request or callback")
        exchanges.append(
            Exchange(
                kind=kind,
                at=str(data.get("at", "")),
                request=_message(data.get("request"), f"{where} request"),
                response=_message(data.get("response"), f"{where} response"),
                target=str(data.get("target", "")),
                redacted=tuple(str(r) for r in data.get("redacted", [])),
            )
        )
    if header is None:
        raise CassetteError(f"{name}: empty file, no cassette header")
    return header, exchanges


def read(path: Path) -> tuple[Header, list[Exchange]]:
    try:
        with path.open(encoding="utf-8") as handle:
            return parse(iter(handle), str(path))
    except OSError as exc:
        raise CassetteError(f"{path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise CassetteError(f"{path}: not UTF-8 text") from None


class Writer:
    """Appends lines and flushes each one, so a recorder that is killed keeps what it saw."""

    def __init__(self, handle: TextIO) -> None:
        self._handle = handle

    def write(self, line: str) -> None:
        self._handle.write(line)
        self._handle.flush()
