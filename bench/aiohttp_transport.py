"""aiohttp's client as a callback :class:`~mockserver.callbacks.transport.Transport`, for comparison only.

    .venv/bin/python bench/aiohttp_transport.py serve [mockserver serve flags]

runs ``mockserver serve`` with every plain-http delivery sent by aiohttp (C HTTP parser, its own
keep-alive pool) instead of the project's StreamTransport; ``bench_webhooks.py --targets mock-aiohttp``
uses it. aiohttp is not a project dependency: ``.venv/bin/pip install aiohttp==3.14.5`` first.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from mockserver.callbacks import dispatcher
from mockserver.callbacks.model import Reply
from mockserver.callbacks.transport import MAX_BODY, TransportError, with_params


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


if __name__ == "__main__":
    dispatcher.StreamTransport = AiohttpTransport  # type: ignore[misc,assignment]
    from mockserver.cli import main

    sys.argv = ["mockserver", *sys.argv[1:]]
    main()
