"""The local certificate authority: created on first use, kept in a folder, and the signer of the
server certificate that covers every provider host name.

Only the CA is kept (``ca.pem`` and ``ca-key.pem``): trust it once (``mockserver ca > ca.pem``) and
every later start's server certificate is trusted too. The server certificate is issued at each start
for the host names served then, and never written where a user has to look for it.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from mockserver.core.values import frozen

CA_FILE = "ca.pem"
CA_KEY_FILE = "ca-key.pem"
CA_NAME = "mockserver local CA (tests only)"
CA_DAYS = 3650
# Browsers and Apple's stack reject server certificates valid for more than 398 days.
SERVER_DAYS = 397
# Clocks of containers and CI machines drift: certificates start a day in the past.
BACKDATE = timedelta(days=1)


class CAError(Exception):
    """The CA folder cannot be used (not writable, a damaged key...)."""


def default_ca_dir() -> Path:
    """``$XDG_DATA_HOME/mockserver/ca``, else ``~/.local/share/mockserver/ca``."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "mockserver" / "ca"


@frozen
class ServerCertificate:
    cert_pem: bytes  # the server certificate followed by the CA: the chain a server presents
    key_pem: bytes


@frozen
class LocalCA:
    cert: x509.Certificate
    key: ec.EllipticCurvePrivateKey
    folder: Path

    @property
    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    @classmethod
    def load_or_create(cls, folder: Path | None = None) -> LocalCA:
        """The CA kept in ``folder`` (default :func:`default_ca_dir`), created there if missing."""
        folder = folder or default_ca_dir()
        cert_path, key_path = folder / CA_FILE, folder / CA_KEY_FILE
        try:
            if cert_path.exists() and key_path.exists():
                return cls._load(folder, cert_path.read_bytes(), key_path.read_bytes())
            folder.mkdir(parents=True, exist_ok=True)
            ca = cls._create(folder)
            _write_private(key_path, ca._key_pem())
            cert_path.write_bytes(ca.pem)
        except OSError as exc:
            raise CAError(
                f"cannot use the CA folder {folder}: {exc} (choose another with --ca-dir)"
            ) from None
        return ca

    @classmethod
    def _load(cls, folder: Path, cert_pem: bytes, key_pem: bytes) -> LocalCA:
        try:
            cert = x509.load_pem_x509_certificate(cert_pem)
            key = serialization.load_pem_private_key(key_pem, password=None)
        except ValueError as exc:
            raise CAError(
                f"{folder}: the CA files cannot be read ({exc}); remove them to make a new CA"
            ) from None
        if not isinstance(key, ec.EllipticCurvePrivateKey) or key.public_key() != cert.public_key():
            raise CAError(
                f"{folder}: {CA_KEY_FILE} is not the key of {CA_FILE}; remove both to make a new CA"
            )
        return cls(cert, key, folder)

    @classmethod
    def _create(cls, folder: Path) -> LocalCA:
        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, CA_NAME)])
        now = datetime.now(UTC)
        public = key.public_key()
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(public)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - BACKDATE)
            .not_valid_after(now + timedelta(days=CA_DAYS))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(_usage(cert_sign=True), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
            .sign(key, hashes.SHA256())
        )
        return cls(cert, key, folder)

    def _key_pem(self) -> bytes:
        return self.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )

    def issue(self, names: Iterable[str]) -> ServerCertificate:
        """A server certificate for ``names`` (host names and IP addresses), signed by this CA."""
        names = list(dict.fromkeys(names))
        key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.now(UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])]))
            .issuer_name(self.cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - BACKDATE)
            .not_valid_after(min(now + timedelta(days=SERVER_DAYS), self.cert.not_valid_after_utc))
            .add_extension(x509.SubjectAlternativeName([_general_name(n) for n in names]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_usage(cert_sign=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()), critical=False
            )
            .sign(self.key, hashes.SHA256())
        )
        key_pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        return ServerCertificate(cert.public_bytes(serialization.Encoding.PEM) + self.pem, key_pem)


def _usage(*, cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


def _general_name(name: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(name))
    except ValueError:
        return x509.DNSName(name)


def _write_private(path: Path, data: bytes) -> None:
    """Write a key readable by its owner only."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as file:
        file.write(data)
