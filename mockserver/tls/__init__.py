"""HTTPS for the provider host names: the local CA (:mod:`mockserver.tls.ca`) and the server's TLS context.

Docs: docs/zero-change.md.
"""

from __future__ import annotations

import ssl
import tempfile
from collections.abc import Iterable
from pathlib import Path

from mockserver.core.values import frozen
from mockserver.tls.ca import CAError, LocalCA, default_ca_dir

__all__ = ["LOCAL_NAMES", "CAError", "LocalCA", "ServerTLS", "default_ca_dir"]

#: Names the certificate covers besides the provider hosts: the mock reached by its own address.
LOCAL_NAMES = ("localhost", "127.0.0.1", "::1")


@frozen
class ServerTLS:
    """What the HTTPS listener needs: the CA (to hand out) and the names its certificate covers."""

    ca: LocalCA
    names: tuple[str, ...]
    context: ssl.SSLContext

    @classmethod
    def build(cls, ca_dir: Path | None, hosts: Iterable[str]) -> ServerTLS:
        ca = LocalCA.load_or_create(ca_dir)
        names = tuple(dict.fromkeys([*hosts, *LOCAL_NAMES]))
        return cls(ca, names, server_context(ca, names))

    @property
    def ca_pem(self) -> bytes:
        return self.ca.pem


def server_context(ca: LocalCA, names: Iterable[str]) -> ssl.SSLContext:
    """A server-side context presenting a fresh certificate for ``names`` (HTTP/1.1 only: uvicorn)."""
    issued = ca.issue(names)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.set_alpn_protocols(["http/1.1"])
    # ssl loads a key pair only from files: they live for the moment it takes to read them.
    with tempfile.TemporaryDirectory(prefix="mockserver-tls-") as folder:
        cert_file, key_file = Path(folder) / "server.pem", Path(folder) / "server-key.pem"
        cert_file.write_bytes(issued.cert_pem)
        key_file.touch(mode=0o600)
        key_file.write_bytes(issued.key_pem)
        context.load_cert_chain(cert_file, key_file)
    return context
