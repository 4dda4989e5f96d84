"""Provider host names → the in-process server, and its CA trusted, inside this Python process only.

:class:`HostRedirect` is what the pytest plugin's ``telephony_mock_hosts`` opt-in installs: while it is
active, ``socket.getaddrinfo("api.callr.com", 443)`` answers the mock's HTTPS address (port 80: its plain
HTTP address) and every ``ssl.SSLContext`` that loads trust anchors (the default ones, certifi's bundle,
a ``cafile``) also trusts the mock's CA. Everything else resolves and verifies as before. Leaving it
puts the originals back.

It redirects what goes through Python's ``socket.getaddrinfo`` (urllib, http.client, requests, httpx,
asyncio's default loop). Clients with their own resolver (uvloop's, a subprocess) need network-level
redirection instead: docs/zero-change.md.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterable
from typing import Any

AddrInfo = tuple[socket.AddressFamily, socket.SocketKind, int, str, tuple[Any, ...]]

_HTTPS_PORTS = {443, "443", "https", b"443", b"https"}
_HTTP_PORTS = {80, "80", "http", b"80", b"http", None}


class HostRedirect:
    """``with HostRedirect(hosts, "127.0.0.1", http_port, https_port, ca_pem): ...``"""

    def __init__(
        self, hosts: Iterable[str], address: str, http_port: int, https_port: int, ca_pem: bytes
    ) -> None:
        self.hosts = frozenset(h.lower() for h in hosts)
        self.address = address
        self.http_port = http_port
        self.https_port = https_port
        self.ca_pem = ca_pem.decode("ascii")
        self._saved: dict[str, Any] = {}

    # -- the two patches --------------------------------------------------------------------------
    def resolve(self, host: Any, port: Any) -> tuple[str, Any] | None:
        """Where a provider host name goes (None: not one of ours, resolve as usual)."""
        name = host.decode("ascii", "replace") if isinstance(host, bytes) else host
        if not isinstance(name, str) or name.lower().rstrip(".") not in self.hosts:
            return None
        if port in _HTTPS_PORTS:
            return self.address, self.https_port
        if port in _HTTP_PORTS:
            return self.address, self.http_port
        return self.address, port

    def _getaddrinfo(self, original: Any) -> Any:
        def getaddrinfo(
            host: Any, port: Any, family: int = 0, type: int = 0, proto: int = 0, flags: int = 0
        ) -> list[AddrInfo]:
            target = self.resolve(host, port)
            if target is None:
                result: list[AddrInfo] = original(host, port, family, type, proto, flags)
                return result
            # The mock's own address, resolved as usual (numeric: no lookup), with the mock's port.
            return list(original(target[0], target[1], family, type or socket.SOCK_STREAM, proto, flags))

        return getaddrinfo

    def _trusting(self, original: Any) -> Any:
        ca = self.ca_pem

        def load(context: ssl.SSLContext, *args: Any, **kwargs: Any) -> Any:
            result = original(context, *args, **kwargs)
            _load_verify_locations(context, cadata=ca)
            return result

        return load

    # -- install / undo ---------------------------------------------------------------------------
    def __enter__(self) -> HostRedirect:
        if self._saved:
            raise RuntimeError("this HostRedirect is already active")
        self._saved = {
            "getaddrinfo": socket.getaddrinfo,
            **{name: ssl.SSLContext.__dict__.get(name) for name in _TRUST_LOADERS},
        }
        socket.getaddrinfo = self._getaddrinfo(socket.getaddrinfo)
        for name in _TRUST_LOADERS:
            setattr(ssl.SSLContext, name, self._trusting(getattr(ssl.SSLContext, name)))
        return self

    def __exit__(self, *exc: object) -> None:
        if not self._saved:
            return
        socket.getaddrinfo = self._saved.pop("getaddrinfo")
        for name in _TRUST_LOADERS:
            saved = self._saved.pop(name)
            if saved is None:
                delattr(ssl.SSLContext, name)  # it was inherited from _ssl._SSLContext
            else:
                setattr(ssl.SSLContext, name, saved)


# Where contexts get their trust anchors: the platform's defaults (urllib, create_default_context) and
# explicit files or data (requests' and httpx's certifi bundle, a user's cafile).
_TRUST_LOADERS = ("load_default_certs", "load_verify_locations", "set_default_verify_paths")
_load_verify_locations = ssl.SSLContext.load_verify_locations
