"""Every setting in one place, with its default. The CLI and ``MOCKSERVER_*`` env vars fill it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from mockserver.core.clock import DEFAULT_VIRTUAL_START


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8080
    clock: str = "real"  # real | scaled | virtual
    speed: float = 1.0  # for the scaled clock
    start: datetime = DEFAULT_VIRTUAL_START  # where a virtual clock starts
    scenarios: Path | None = None  # a folder of extra scenarios (shipped ones are always loaded)
    default_scenario: str = "answered"
    seed: int | None = 0  # ids, credentials and fake data; None = different every run
    credentials: Path | None = None  # YAML/JSON: {provider: [ {...}, ... ]}
    faults: Path | None = None  # YAML list of fault rules loaded at start (kept across resets)
    callback_timeout: float = 10.0  # seconds per outbound attempt
    callback_concurrency: int = 64
    journal_size: int = 10_000
    recording_delay: float = 5.0  # seconds after a recorded call ends until its recording is ready
    providers: tuple[str, ...] = field(default=())  # empty = every registered provider
    state_file: Path | None = None  # JSON snapshot: loaded at start if it exists, written on shutdown
    log_level: str = "info"
    tls: bool = (
        False  # also serve HTTPS, with a certificate for every provider host name (docs/zero-change.md)
    )
    https_port: int = 8443  # the HTTPS port when tls is on (443 where the process may bind it; 0 = free)
    ca_dir: Path | None = None  # where the local CA is kept (None: ~/.local/share/mockserver/ca)
