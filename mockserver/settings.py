"""Every setting in one place, with its default. The CLI and ``MOCKSERVER_*`` env vars fill it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from mockserver.core.clock import DEFAULT_VIRTUAL_START


@dataclass(frozen=True)  # users hold it: frozen at run time too (not @frozen, core/values.py)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8080
    clock: str = "real"  # real | scaled | virtual | auto
    speed: float = 1.0  # for the scaled clock
    auto_grace: float = 0.0  # auto clock: wall seconds the server must be idle before time jumps
    start: datetime = DEFAULT_VIRTUAL_START  # where a virtual clock starts
    scenarios: Path | None = None  # a folder of extra scenarios (shipped ones are always loaded)
    default_scenario: str = "answered"
    seed: int | None = 0  # ids, credentials and fake data; None = different every run
    credentials: Path | None = None  # YAML/JSON: {provider: [ {...}, ... ]}
    faults: Path | None = None  # YAML list of fault rules loaded at start (kept across resets)
    callback_timeout: float = 10.0  # seconds per outbound attempt
    callback_concurrency: int = 512  # in flight over all receiver origins
    callback_per_origin: int = 256  # in flight to one receiver origin (scheme, host, port)
    callback_retention: int = 100_000  # finished deliveries kept; the oldest finished are dropped first
    journal_size: int = 10_000
    recording_delay: float = 5.0  # seconds after a recorded call ends until its recording is ready
    providers: tuple[str, ...] = field(default=())  # empty = every registered provider
    state_file: Path | None = None  # JSON snapshot: loaded at start if it exists, written on shutdown
    log_level: str = "info"
    request_log: bool = True  # one console line per provider request and callback attempt (at info)
    # -- hardening: the control API's door, resource bounds (docs/control-api.md, "Security and limits")
    control_token: str | None = None  # when set, /_mock and the dashboard need it
    reveal_secrets: bool = False  # show credentials in the journal as sent (masked by default)
    max_body: int = 16 * 1024 * 1024  # bytes of a provider request body; more is answered 413
    max_control_body: int = 256 * 1024 * 1024  # bytes of a /_mock request body (snapshots are big)
    sink_body_kept: int = 64 * 1024  # bytes of a body the built-in sink keeps per request
    max_calls: int = 10_000  # finished calls kept (oldest evicted first); 0 = keep every call
    head_timeout: float = 10.0  # seconds to send a request's head, and each piece of its body
    max_connections: int | None = None  # open connections; None = from the file-descriptor limit
    callback_allow: tuple[str, ...] = ()  # hosts/CIDRs callbacks and controllers may reach; () = any
    autosave: float | None = None  # seconds between writes of --state-file (None: only on shutdown)
    tls: bool = (
        False  # also serve HTTPS, with a certificate for every provider host name (docs/zero-change.md)
    )
    https_port: int = 8443  # the HTTPS port when tls is on (443 where the process may bind it; 0 = free)
    ca_dir: Path | None = None  # where the local CA is kept (None: ~/.local/share/mockserver/ca)
    # -- tenants (docs/tenants.md): isolated worlds on one server, made with POST /_mock/tenants
    max_tenants: int = 32  # tenants at once besides the default one; 0 = no tenants
    tenant: str = ""  # the id of the tenant these settings build ("" = the default tenant)
    tenant_number: int = 0  # its creation number: keeps its ids and credentials apart from others'
