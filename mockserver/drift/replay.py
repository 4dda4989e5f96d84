"""Replaying a cassette against a fresh in-process mock and comparing each answer.

The mock runs on a virtual clock that starts at the cassette's first request and moves by the recorded
gaps, so calls progress as they did in production. Ids the provider minted (call SIDs, QueueIDs, ids in
JSON-RPC results) are mapped to the ids the mock minted at the same place in the same answer, and later
requests use the mock's. Callback URLs that pointed at the recorder's relay point at a local receiver
that answers each callback with the reply the user's app gave when it was recorded (so controller
loops replay too); the callbacks the mock sent are then compared with the recorded ones, in order, per
target URL.
"""

from __future__ import annotations

import dataclasses
import json
import re
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import parse_qs, quote, unquote, urlencode

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mockserver.core.values import frozen
from mockserver.drift.accounts import Accounts
from mockserver.drift.cassette import Exchange, Header, Message
from mockserver.drift.shape import Difference, compare_shapes, id_pairs, media_type, parse_body
from mockserver.server import MockServer, free_port
from mockserver.settings import Settings

SETTLE_SECONDS = 3600.0  # clock moved after the last request, so every call ends and calls back
MAX_GAP = 3600.0  # a longer pause in the recording is replayed as this much
SKIPPED_HEADERS = frozenset(("host", "content-length", "transfer-encoding", "connection", "accept-encoding"))
_RELAY = re.compile(r"https?://[^\s\"'<>&]+?/_relay\?to=")
_RELAY_ENCODED = re.compile(r"https?%3A%2F%2F[^\s\"'<>&]+?%2F_relay%3Fto%3D", re.IGNORECASE)


@frozen
class Result:
    """One recorded request (or one callback target's n-th callback) and what differed."""

    index: int
    kind: str
    method: str
    path: str
    recorded_status: int
    mock_status: int
    differences: tuple[Difference, ...]
    recorded: Message | None = None
    mock: Message | None = None

    @property
    def drifted(self) -> bool:
        return bool(self.differences)


@dataclass
class IdMap:
    mapping: dict[str, str] = field(default_factory=dict)

    def learn(self, recorded: object, mock: object) -> None:
        for theirs, ours in id_pairs(recorded, mock):
            self.mapping.setdefault(theirs, ours)

    def apply(self, text: str) -> str:
        for theirs in sorted(self.mapping, key=len, reverse=True):
            text = re.sub(rf"(?<![A-Za-z0-9]){re.escape(theirs)}(?![A-Za-z0-9])", self.mapping[theirs], text)
        return text


class _Receiver:
    """Stands in for the user's callback endpoints: records what the mock sends and answers with the
    reply recorded for that target, in order."""

    def __init__(self, recorded: list[Exchange]) -> None:
        self.port = free_port()
        self.received: dict[str, list[Message]] = defaultdict(list)
        self.replies: dict[str, list[Message]] = defaultdict(list)
        for exchange in recorded:
            self.replies[exchange.target].append(exchange.response)
        self._lock = threading.Lock()
        app = Starlette(routes=[Route("/cb", self._handle, methods=["GET", "POST", "PUT", "DELETE"])])
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="drift-receiver", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/cb?to="

    async def _handle(self, request: Request) -> Response:
        target = request.query_params.get("to", "")
        body = await request.body()
        fields = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "to"])
        message = Message(
            headers=tuple(request.headers.items()),
            body=body,
            method=request.method,
            path=target,
            query=fields,
        )
        with self._lock:
            seen = self.received[target]
            seen.append(message)
            replies = self.replies.get(target, [])
            reply = replies[len(seen) - 1] if len(seen) <= len(replies) else None
        if reply is None:
            return Response(b"", 200)
        headers = {k: v for k, v in reply.headers if k.lower() not in SKIPPED_HEADERS | {"content-encoding"}}
        return Response(reply.body, reply.status or 200, headers=headers)

    def __enter__(self) -> _Receiver:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("drift receiver did not start")
            time.sleep(0.005)
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)


def _time(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _relay_to_receiver(text: str, receiver: str) -> str:
    text = _RELAY.sub(receiver, text)
    return _RELAY_ENCODED.sub(quote(receiver, safe=""), text)


def compare(recorded: Message, mock: Message) -> list[Difference]:
    diffs: list[Difference] = []
    if recorded.status != mock.status:
        diffs.append(Difference("status", "HTTP", str(recorded.status), str(mock.status)))
    theirs, ours = media_type(recorded.content_type), media_type(mock.content_type)
    if theirs != ours and (theirs or recorded.body):
        diffs.append(Difference("content-type", "Content-Type", theirs or "(none)", ours or "(none)"))
    if recorded.truncated:
        return diffs
    diffs.extend(
        compare_shapes(
            parse_body(recorded.body, recorded.content_type), parse_body(mock.body, mock.content_type)
        )
    )
    return diffs


def replay(header: Header, exchanges: list[Exchange], provider: str | None = None) -> list[Result]:
    name = provider or header.provider
    requests = [e for e in exchanges if e.kind == "request"]
    callbacks = [e for e in exchanges if e.kind == "callback"]
    start = next((t for t in (_time(e.at) for e in requests) if t is not None), None)
    settings = Settings(clock="virtual", port=0, seed=0)
    if start is not None:
        settings = dataclasses.replace(settings, start=start)
    results: list[Result] = []
    with (
        MockServer(settings) as mock,
        _Receiver(callbacks) as receiver,
        httpx.Client(base_url=mock.base_url, timeout=60.0) as client,
    ):
        accounts = Accounts(name, client)
        ids = IdMap()
        clock = start
        for index, exchange in enumerate(requests, 1):
            at = _time(exchange.at)
            if clock is not None and at is not None and at > clock:
                gap = min((at - clock).total_seconds(), MAX_GAP)
                client.post("/_mock/clock/advance", json={"seconds": gap})
                clock = clock + timedelta(seconds=gap)
            answer = _send(client, exchange.request, accounts, ids, receiver.url)
            accounts.observe(exchange.request.path, answer)
            mock_message = Message(
                headers=tuple(answer.headers.multi_items()), body=answer.content, status=answer.status_code
            )
            recorded_body = parse_body(exchange.response.body, exchange.response.content_type)
            ids.learn(recorded_body, parse_body(answer.content, answer.headers.get("content-type", "")))
            results.append(
                Result(
                    index,
                    "request",
                    exchange.request.method,
                    _label(exchange.request),
                    exchange.response.status,
                    answer.status_code,
                    tuple(compare(exchange.response, mock_message)),
                    exchange.response,
                    mock_message,
                )
            )
        client.post("/_mock/clock/advance", json={"seconds": SETTLE_SECONDS})
        results.extend(_compare_callbacks(callbacks, receiver, start=len(results) + 1))
    return results


def _send(
    client: httpx.Client, request: Message, accounts: Accounts, ids: IdMap, receiver: str
) -> httpx.Response:
    headers = {k: v for k, v in request.headers if k.lower() not in SKIPPED_HEADERS}
    headers, query, body = accounts.authorize(headers, request.query, request.body)
    path = ids.apply(request.path)
    query = ids.apply(query)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        content = body
    else:
        content = _relay_to_receiver(ids.apply(text), receiver).encode("utf-8")
    query = _relay_to_receiver(query, receiver)
    url = path + (f"?{query}" if query else "")
    return client.request(request.method, url, headers=headers, content=content or None)


def _compare_callbacks(recorded: list[Exchange], receiver: _Receiver, *, start: int) -> list[Result]:
    by_target: dict[str, list[Exchange]] = defaultdict(list)
    for exchange in recorded:
        by_target[exchange.target].append(exchange)
    results: list[Result] = []
    index = start
    for target in sorted(set(by_target) | set(receiver.received)):
        theirs = by_target.get(target, [])
        ours = receiver.received.get(target, [])
        for n in range(max(len(theirs), len(ours))):
            a = theirs[n].request if n < len(theirs) else None
            b = ours[n] if n < len(ours) else None
            label = f"{unquote(target)} #{n + 1}"
            if a is None or b is None:
                what = "extra-callback" if a is None else "missing-callback"
                diff = Difference(what, "callback", "sent" if a else "(none)", "sent" if b else "(none)")
                method = a.method if a is not None else (b.method if b is not None else "")
                results.append(Result(index, "callback", method, label, 0, 0, (diff,), a, b))
            else:
                diffs = _callback_diffs(a, b)
                results.append(Result(index, "callback", a.method, label, 0, 0, tuple(diffs), a, b))
            index += 1
    return results


def _callback_diffs(recorded: Message, mock: Message) -> list[Difference]:
    diffs: list[Difference] = []
    if recorded.method != mock.method:
        diffs.append(Difference("method", "HTTP", recorded.method, mock.method))
    theirs, ours = media_type(recorded.content_type), media_type(mock.content_type)
    if theirs != ours:
        diffs.append(Difference("content-type", "Content-Type", theirs or "(none)", ours or "(none)"))
    diffs.extend(_query_or_body_shape(recorded, mock))
    return diffs


def _query_or_body_shape(recorded: Message, mock: Message) -> list[Difference]:
    if recorded.method == "GET":  # GET callbacks carry their fields in the query of the target URL
        a = {k: v[0] for k, v in parse_qs(recorded.query, keep_blank_values=True).items()}
        b = {k: v[0] for k, v in parse_qs(mock.query, keep_blank_values=True).items()}
        return compare_shapes(a, b)
    return compare_shapes(
        parse_body(recorded.body, recorded.content_type), parse_body(mock.body, mock.content_type)
    )


def _label(request: Message) -> str:
    """The path and query, and for JSON-RPC the method called."""
    label = request.path + (f"?{request.query}" if request.query else "")
    try:
        document = json.loads(request.body) if request.body else None
    except (ValueError, RecursionError):
        return label
    if isinstance(document, dict) and "jsonrpc" in document and isinstance(document.get("method"), str):
        return f"{label} {document['method']}"
    return label
