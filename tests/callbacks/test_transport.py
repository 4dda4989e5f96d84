"""The outbound transports against real servers on loopback: a uvicorn receiver and raw asyncio servers
that answer exactly the bytes a test gives them (for what a well-behaved server never sends)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockserver.callbacks.dispatcher import Dispatcher
from mockserver.callbacks.model import OutboundRequest, Reply
from mockserver.callbacks.transport import (
    MAX_BODY,
    HttpxTransport,
    LazyClient,
    StreamTransport,
    TransportError,
    _Target,
    with_params,
)
from mockserver.core.clock import DEFAULT_VIRTUAL_START, Scheduler, VirtualClock
from mockserver.core.ids import IdFactory
from mockserver.server import free_port
from mockserver.testing.receiver import CallbackReceiver
from mockserver.testing.receiver import Reply as ReceiverReply

T = TypeVar("T")
OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"


@dataclass(frozen=True)
class Answer:
    data: bytes = OK
    close: bool = False  # close the connection once written
    hang: bool = False  # never answer (a slow server)


@dataclass
class RawServer:
    """Answers each request with the next :class:`Answer` (the last repeats); counts connections."""

    answers: list[Answer]
    host: str = "127.0.0.1"
    connections: int = 0
    requests: list[bytes] = field(default_factory=list)
    port: int = 0

    def url(self, path: str = "/") -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}{path}"

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(
                    (
                        int(line[15:])
                        for line in head.split(b"\r\n")
                        if line.lower().startswith(b"content-length:")
                    ),
                    0,
                )
                self.requests.append(head + await reader.readexactly(length))
                answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
                if answer.hang:
                    await asyncio.Event().wait()  # wall-clock ok: plays a server that never answers
                writer.write(answer.data)
                await writer.drain()
                if answer.close:
                    return
        except (asyncio.IncompleteReadError, ConnectionError):
            return
        finally:
            writer.close()


@asynccontextmanager
async def raw_server(*answers: Answer, host: str = "127.0.0.1") -> AsyncIterator[RawServer]:
    raw = RawServer(list(answers) or [Answer()], host)
    server = await asyncio.start_server(raw.handle, host, 0)
    raw.port = server.sockets[0].getsockname()[1]
    async with server:
        yield raw
        server.close()


@asynccontextmanager
async def stream() -> AsyncIterator[StreamTransport]:
    transport = StreamTransport(max_idle=4)
    try:
        yield transport
    finally:
        await transport.aclose()


def run(body: Callable[[], Coroutine[Any, Any, T]]) -> T:
    return asyncio.run(body())


async def get(transport: StreamTransport, url: str, within: float = 5.0) -> Reply:
    return await transport.send("GET", url, (), {}, b"", within)


def served(*answers: Answer, requests: int = 1, timeout: float = 5.0) -> tuple[list[Reply | str], RawServer]:
    """Send ``requests`` GETs one after another; each one's Reply or error text, and the server."""

    async def body() -> tuple[list[Reply | str], RawServer]:
        results: list[Reply | str] = []
        async with raw_server(*answers) as raw, stream() as transport:
            for _ in range(requests):
                try:
                    results.append(await get(transport, raw.url("/x"), timeout))
                except TransportError as exc:
                    results.append(str(exc))
        return results, raw

    return run(body)


# -- a real receiver ------------------------------------------------------------------------------
def test_query_params_headers_and_body_arrive_exactly_at_a_real_receiver(receiver: CallbackReceiver) -> None:
    receiver.reply("/hook", ReceiverReply(status=201, body="<Response/>"))

    async def body() -> Reply:
        async with stream() as transport:
            params = (("CallSid", "c 1"), ("To", "+4420/é&x"))
            headers = {"X-Signature": "abc=", "User-Agent": "mockserver/test"}
            return await transport.send("POST", receiver.url("/hook?k=v"), params, headers, b"a=1&b=2", 5)

    reply = run(body)
    got = receiver.requests("/hook")[0]
    assert (reply.status, reply.text) == (201, "<Response/>")
    assert reply.headers["content-type"].startswith("text/plain")
    assert got.query == {"k": "v", "CallSid": "c 1", "To": "+4420/é&x"}
    assert got.headers["x-signature"] == "abc="
    assert got.headers["user-agent"] == "mockserver/test"
    assert got.headers["host"] == f"127.0.0.1:{receiver.port}"
    assert got.body == b"a=1&b=2"


def test_the_dispatcher_records_a_delivery_through_the_stream_transport(receiver: CallbackReceiver) -> None:
    async def body() -> list[Any]:
        scheduler = Scheduler(VirtualClock(DEFAULT_VIRTUAL_START))
        async with httpx.AsyncClient() as client:
            dispatcher = Dispatcher(scheduler, client, IdFactory(1))
            try:
                for n in range(10):
                    dispatcher.submit(OutboundRequest("test", "POST", receiver.url(f"/h{n}"), body=b"x"))
                await dispatcher.settle()
            finally:
                await dispatcher.aclose()
        return [a.status for d in dispatcher for a in d.attempts]

    assert run(body) == [200] * 10
    assert len(receiver.requests()) == 10


# -- how a response ends --------------------------------------------------------------------------
def test_a_content_length_body_is_read_and_the_connection_kept() -> None:
    answer = Answer(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: 1\r\nX-A: 2\r\n\r\nhello")
    (first, second), raw = served(answer, requests=2)
    assert isinstance(first, Reply)
    assert (first.status, first.body, first.headers["x-a"]) == (200, b"hello", "1, 2")
    assert second == first
    assert raw.connections == 1


def test_a_chunked_body_with_extensions_and_trailers_is_read_and_the_connection_kept() -> None:
    chunked = b"5;name=v\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n"
    answer = Answer(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked)
    (first, second), raw = served(answer, requests=2)
    assert isinstance(first, Reply)
    assert first.body == b"hello world"
    assert second == first
    assert raw.connections == 1


def test_a_body_without_length_is_read_until_close_and_the_next_request_connects_again() -> None:
    (first, second), raw = served(Answer(b"HTTP/1.1 200 OK\r\n\r\nuntil close", close=True), requests=2)
    assert isinstance(first, Reply)
    assert first.body == b"until close"
    assert second == first
    assert raw.connections == 2


def test_connection_close_is_honoured() -> None:
    answer = Answer(b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n", close=True)
    (first, second), raw = served(answer, requests=2)
    assert [getattr(r, "status", r) for r in (first, second)] == [204, 204]
    assert raw.connections == 2


def test_an_http_1_0_answer_without_keep_alive_is_not_reused() -> None:
    (first, second), raw = served(Answer(b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok"), requests=2)
    assert [getattr(r, "body", r) for r in (first, second)] == [b"ok", b"ok"]
    assert raw.connections == 2


def test_100_continue_is_skipped() -> None:
    (reply,), _ = served(Answer(b"HTTP/1.1 100 Continue\r\n\r\n" + OK))
    assert isinstance(reply, Reply)
    assert (reply.status, reply.body) == (200, b"ok")


def test_sequential_requests_reuse_one_kept_alive_connection() -> None:
    replies, raw = served(Answer(), requests=8)
    assert all(isinstance(r, Reply) and r.status == 200 for r in replies)
    assert raw.connections == 1


def test_a_connection_the_server_closed_while_idle_is_replaced() -> None:
    replies, raw = served(Answer(close=True), requests=3)  # no "Connection: close": a keep-alive timeout
    assert [getattr(r, "body", r) for r in replies] == [b"ok"] * 3
    assert raw.connections == 3


def test_a_large_response_is_truncated_and_its_connection_dropped() -> None:
    size = MAX_BODY + 500_000
    big = Answer(f"HTTP/1.1 200 OK\r\nContent-Length: {size}\r\n\r\n".encode() + b"x" * size)
    (first, second), raw = served(big, Answer(), requests=2)
    assert isinstance(first, Reply)
    assert (first.status, len(first.body)) == (200, MAX_BODY)
    assert isinstance(second, Reply)
    assert second.body == b"ok"
    assert raw.connections == 2


def test_a_large_chunked_response_is_truncated_too() -> None:
    chunk = b"x" * 300_000
    body = (b"%x\r\n" % len(chunk) + chunk + b"\r\n") * 5 + b"0\r\n\r\n"
    (reply,), _ = served(Answer(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + body))
    assert isinstance(reply, Reply)
    assert reply.body == b"x" * MAX_BODY


# -- what goes wrong --------------------------------------------------------------------------------
def test_a_malformed_status_line_is_an_error_and_the_connection_is_dropped() -> None:
    (first, second), raw = served(
        Answer(b"HTTP/1.1 2OO OK\r\nContent-Length: 0\r\n\r\n"), Answer(), requests=2
    )
    assert isinstance(first, str)
    assert first.startswith("RemoteProtocolError: illegal status line")
    assert isinstance(second, Reply)
    assert raw.connections == 2


def test_a_server_closing_mid_body_is_an_error() -> None:
    (reply,), _ = served(Answer(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", close=True))
    assert isinstance(reply, str)
    assert reply.startswith("RemoteProtocolError: peer closed connection mid-response")


def test_a_server_closing_without_answering_is_an_error() -> None:
    (reply,), _ = served(Answer(b"", close=True))
    assert reply == "RemoteProtocolError: Server disconnected without sending a response."


def test_a_slow_server_times_out_and_its_connection_is_not_reused() -> None:
    (first, second), raw = served(Answer(hang=True), Answer(), requests=2, timeout=0.2)
    assert first == "timeout"
    assert isinstance(second, Reply)
    assert raw.connections == 2


def test_a_dead_port_is_a_connect_error() -> None:
    async def body() -> str:
        async with stream() as transport:
            with pytest.raises(TransportError) as caught:
                await get(transport, f"http://127.0.0.1:{free_port()}/gone")
        return str(caught.value)

    assert run(body).startswith("ConnectError: ")


def test_a_header_with_a_line_break_is_refused_before_anything_is_sent() -> None:
    async def body() -> tuple[str, int]:
        async with raw_server() as raw, stream() as transport:
            with pytest.raises(TransportError) as caught:
                await transport.send("GET", raw.url(), (), {"X-Evil": "a\r\nInjected: 1"}, b"", 5)
        return str(caught.value), raw.connections

    assert run(body) == ("LocalProtocolError: Illegal header: 'X-Evil'", 0)


@pytest.mark.parametrize("url", ["https://example.com/", "http:///nohost", "http://h:99999/"])
def test_a_url_the_stream_transport_cannot_send_is_an_error(url: str) -> None:
    async def body() -> str:
        async with stream() as transport:
            with pytest.raises(TransportError) as caught:
                await get(transport, url)
        return caught.value.kind

    assert run(body) == "InvalidURL"


# -- the request on the wire ------------------------------------------------------------------------
def test_the_request_is_written_by_hand_exactly() -> None:
    async def body() -> list[bytes]:
        async with raw_server() as raw, stream() as transport:
            params = (("a", "x y"), ("e", "é/&"))
            await transport.send("POST", raw.url("/p q/ctl?k=1"), params, {"X-Custom": "v"}, b"a=1", 5)
            await transport.send("POST", raw.url("/empty"), (), {}, b"", 5)
        return raw.requests

    first, second = run(body)
    lines = first.decode().split("\r\n")
    assert lines[0] == "POST /p%20q/ctl?k=1&a=x+y&e=%C3%A9%2F%26 HTTP/1.1"
    assert lines[1].startswith("Host: 127.0.0.1:")
    assert lines[2:] == ["User-Agent: mockserver", "Content-Length: 3", "X-Custom: v", "", "a=1"]
    assert second.decode().split("\r\n")[0] == "POST /empty HTTP/1.1"
    assert b"Content-Length: 0\r\n" in second


def test_an_ipv6_literal_host_is_bracketed_in_the_host_header() -> None:
    async def body() -> tuple[Reply, bytes, int]:
        async with raw_server(host="::1") as raw, stream() as transport:
            reply = await get(transport, raw.url("/v6"))
        return reply, raw.requests[0], raw.port

    reply, request, port = run(body)
    assert reply.status == 200
    assert f"Host: [::1]:{port}\r\n".encode() in request


def test_params_are_appended_to_the_query_the_url_already_has() -> None:
    assert with_params("http://h/p?a=1#frag", (("b", "2"),)) == "http://h/p?a=1&b=2"
    assert with_params("http://h/p", (("b", "x y"),)) == "http://h/p?b=x+y"
    assert with_params("http://h/p?", (("b", "2"),)) == "http://h/p?b=2"
    assert with_params("http://h/p#f", ()) == "http://h/p#f"


def test_the_default_port_is_left_out_of_the_host_header_and_userinfo_becomes_basic_auth() -> None:
    target = _Target("http://user:pw@[::1]/a", ())
    assert (target.address, target.host_header, target.target) == (("::1", 80), "[::1]", "/a")
    assert target.authorization == "Basic dXNlcjpwdw=="


# -- httpx, for https and injected clients -----------------------------------------------------------
def test_the_httpx_transport_maps_errors_to_what_attempts_record() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/slow":
            raise httpx.ReadTimeout("slow", request=request)
        if request.url.path == "/dead":
            raise httpx.ConnectError("All connection attempts failed", request=request)
        return httpx.Response(200, text=str(request.url))

    async def body() -> list[Reply | str]:
        results: list[Reply | str] = []
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            transport = HttpxTransport(client)
            for path in ("/slow", "/dead", "/ok?a=1"):
                try:
                    results.append(await transport.send("GET", f"https://h{path}", (("b", "2"),), {}, b"", 1))
                except TransportError as exc:
                    results.append(str(exc))
        return results

    slow, dead, ok = run(body)
    assert slow == "timeout"
    assert dead == "ConnectError: All connection attempts failed"
    assert isinstance(ok, Reply)
    assert ok.text == "https://h/ok?a=1&b=2"


def test_the_lazy_client_is_built_by_its_first_request_and_follows_no_redirect() -> None:
    moved = b"HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nContent-Length: 0\r\n\r\n"

    async def body() -> tuple[bool, bool, Reply, int]:
        unused = LazyClient()
        await unused.aclose()  # closing a client never used builds nothing
        client = LazyClient()
        built_before = client.built
        async with raw_server(Answer(moved)) as raw:
            reply = await HttpxTransport(client).send("GET", raw.url("/x"), (), {}, b"", 5)
            await client.aclose()
        return unused.built, built_before, reply, len(raw.requests)

    unused_built, built_before, reply, requests = run(body)
    assert (unused_built, built_before) == (False, False)
    assert (reply.status, reply.headers["location"], requests) == (302, "/elsewhere", 1)


# -- whatever a server sends -------------------------------------------------------------------------
PIECES = [
    b"HTTP/1.1 200 OK\r\n",
    b"HTTP/1.1 100 Continue\r\n\r\n",
    b"HTTP/1.0 302 Found\r\n",
    b"Content-Length: 3\r\n",
    b"Content-Length: -1\r\n",
    b"Transfer-Encoding: chunked\r\n",
    b"Connection: close\r\n",
    b"\r\n",
    b"\n",
    b"5\r\nhello\r\n",
    b"0\r\n\r\n",
    b"ffffffffffffffffff\r\n",
    b"abc",
]
raw_bytes = st.lists(st.one_of(st.sampled_from(PIECES), st.binary(max_size=40)), max_size=12).map(b"".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=raw_bytes)
def test_arbitrary_bytes_from_a_server_end_in_a_reply_or_a_transport_error(data: bytes) -> None:
    (first, second), _ = served(Answer(data, close=True), requests=2)
    for result in (first, second):
        assert isinstance(result, Reply | str)
        assert result != "timeout"  # the server closed: nothing may wait for more


def test_a_request_ending_after_aclose_closes_its_connection_instead_of_pooling_it() -> None:
    """An app's lifespan closes the transport while deliveries may still be in flight."""

    async def body() -> tuple[Reply, int, int]:
        async with raw_server() as raw:
            transport = StreamTransport()
            await transport.aclose()
            reply = await get(transport, raw.url())
            await get(transport, raw.url())
            return reply, sum(len(idle) for idle in transport._idle.values()), raw.connections

    reply, pooled, connections = run(body)
    assert reply.status == 200
    assert (pooled, connections) == (0, 2)
