"""Where the server may send callbacks and fetch controllers from: ``--callback-allow``.

By default anywhere (a test's receiver can be on any host). A shared or exposed server can be held to a
list of host names and networks, e.g. ``--callback-allow 127.0.0.0/8,::1,receiver.internal``: a URL whose
host is not listed, or whose name resolves to an address outside the listed networks, is not contacted —
the attempt is recorded with the error ``TargetNotAllowed`` — so the server cannot be made to fetch (and
show the reply of) an internal address.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Iterable, Mapping, Sequence
from urllib.parse import urlsplit

from mockserver.callbacks.model import Reply
from mockserver.callbacks.transport import Transport, TransportError
from mockserver.core.values import frozen

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class PolicyError(ValueError):
    """A ``--callback-allow`` entry that is neither a host name nor an address or network."""


@frozen
class TargetPolicy:
    hosts: frozenset[str] = frozenset()
    networks: tuple[Network, ...] = ()

    @classmethod
    def parse(cls, entries: Iterable[str]) -> TargetPolicy:
        hosts: set[str] = set()
        networks: list[Network] = []
        for raw in entries:
            entry = raw.strip().lower()
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
            except ValueError:
                if "/" in entry or not all(part.isalnum() or "-" in part for part in entry.split(".")):
                    raise PolicyError(f"not a host name, address or network: {raw!r}") from None
                hosts.add(entry)
        return cls(frozenset(hosts), tuple(networks))

    @property
    def open(self) -> bool:
        return not self.hosts and not self.networks

    async def refusal(self, url: str) -> str | None:
        """Why ``url`` may not be contacted (``None``: it may)."""
        if self.open:
            return None
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if host in self.hosts:
            return None
        try:
            addresses = [ipaddress.ip_address(host)]
        except ValueError:
            addresses = await _resolve(host, parts.port or (443 if parts.scheme == "https" else 80))
        if addresses and all(any(a in n for n in self.networks) for a in addresses):
            return None
        return f"{host or url!r} is not in --callback-allow"


async def _resolve(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError:
        return []
    return [ipaddress.ip_address(info[4][0]) for info in infos]


class GuardedTransport:
    """A transport that asks the policy before handing a request on (to ``plain`` for http://, to
    ``other`` for the rest, as the dispatcher itself would)."""

    def __init__(self, policy: TargetPolicy, plain: Transport, other: Transport) -> None:
        self.policy = policy
        self.plain = plain
        self.other = other
        self._closed = False

    async def send(
        self,
        method: str,
        url: str,
        params: Sequence[tuple[str, str]],
        headers: Mapping[str, str],
        body: bytes,
        timeout: float,  # noqa: ASYNC109 -- one deadline per request, over connect + write + read
    ) -> Reply:
        refusal = await self.policy.refusal(url)
        if refusal is not None:
            raise TransportError("TargetNotAllowed", refusal)
        target = self.plain if url[:7].lower() == "http://" else self.other
        return await target.send(method, url, params, headers, body, timeout)

    async def aclose(self) -> None:
        if self._closed:
            return  # the dispatcher closes its plain and other transport: here, the same one twice
        self._closed = True
        await self.plain.aclose()
        await self.other.aclose()
