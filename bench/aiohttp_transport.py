"""aiohttp's client as a callback :class:`~mockserver.callbacks.transport.Transport`, for comparison only.

    .venv/bin/python bench/aiohttp_transport.py serve [mockserver serve flags]
    .venv/bin/python bench/aiohttp_transport.py cpu [--deliveries 5000] [--rounds 3]

``serve`` runs ``mockserver serve`` with every plain-http delivery sent by aiohttp (C HTTP parser, its own
keep-alive pool) instead of the project's StreamTransport; ``bench_webhooks.py --targets mock-aiohttp``
uses it. ``cpu`` sends N webhooks, 64 at a time, to bench_webhooks' receiver (its own process) with each
transport in turn and prints the sender's CPU per delivery and its rate, per round.
aiohttp is not a project dependency: ``.venv/bin/pip install aiohttp==3.14.5`` first.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from mockserver.callbacks import dispatcher
from mockserver.callbacks.model import Reply
from mockserver.callbacks.transport import MAX_BODY, StreamTransport, TransportError, with_params


class AiohttpTransport:
    def __init__(self, max_idle: int = 64, user_agent: str = "mockserver") -> None:
        self.per_host = max_idle
        self._session: aiohttp.ClientSession | None = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None:  # made on the event loop that uses it
            connector = aiohttp.TCPConnector(limit=0, limit_per_host=self.per_host, ttl_dns_cache=300)
            self._session = aiohttp.ClientSession(
                connector=connector, auto_decompress=False, skip_auto_headers=("User-Agent",)
            )
        return self._session

    async def send(
        self,
        method: str,
        url: str,
        params: Sequence[tuple[str, str]],
        headers: Mapping[str, str],
        body: bytes,
        timeout: float,  # noqa: ASYNC109
    ) -> Reply:
        try:
            async with self._client().request(
                method,
                with_params(url, params),
                headers=dict(headers),
                data=body or None,
                allow_redirects=False,
                timeout=aiohttp.ClientTimeout(total=timeout),
            ) as response:
                data = await response.content.read(MAX_BODY)
                return Reply(response.status, {k.lower(): v for k, v in response.headers.items()}, data)
        except TimeoutError:
            raise TransportError("timeout") from None
        except aiohttp.ClientConnectorError as exc:
            raise TransportError("ConnectError", str(exc)) from None
        except (aiohttp.ClientError, OSError, ValueError) as exc:
            raise TransportError(type(exc).__name__, str(exc)) from None

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()


async def _cpu_round(transport: Any, url: str, deliveries: int) -> tuple[float, float]:
    places = asyncio.Semaphore(64)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}

    async def one(n: int) -> None:
        async with places:
            await transport.send("POST", url, (), headers, f"call_sid={n}&status=busy".encode(), 10.0)

    await asyncio.gather(*(one(n) for n in range(500)))  # warm: connections open, code paths hot
    cpu, wall = time.process_time(), time.perf_counter()
    await asyncio.gather(*(one(n) for n in range(deliveries)))
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    await transport.aclose()
    return cpu, wall


def cpu(argv: list[str]) -> None:
    from bench_webhooks import receiver_process  # a sibling script

    parser = argparse.ArgumentParser(prog="aiohttp_transport.py cpu")
    parser.add_argument("--deliveries", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    makers: dict[str, Callable[[], Any]] = {
        "stream": lambda: StreamTransport(64),
        "aiohttp": AiohttpTransport,
    }
    with receiver_process() as receiver:
        for number in range(1, args.rounds + 1):
            for name, make in makers.items():
                used, wall = asyncio.run(_cpu_round(make(), f"{receiver}/cb", args.deliveries))
                per = used / args.deliveries * 1e6
                print(f"round {number} {name:<8} cpu {per:5.0f} us/delivery  {args.deliveries / wall:6.0f}/s")


if __name__ == "__main__":
    if sys.argv[1:2] == ["cpu"]:
        cpu(sys.argv[2:])
    else:
        dispatcher.StreamTransport = AiohttpTransport  # type: ignore[misc,assignment]
        from mockserver.cli import main

        sys.argv = ["mockserver", *sys.argv[1:]]
        main()
