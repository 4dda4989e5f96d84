"""The ``mockserver`` command: a thin click layer over :func:`mockserver.server.run`.

Every ``serve`` flag can also be set with an environment variable ``MOCKSERVER_<FLAG>`` (for containers).
"""

from __future__ import annotations

import os
import sys
from dataclasses import fields
from datetime import UTC, datetime
from pathlib import Path

import click

from mockserver.app import ConfigError, shipped_scenarios
from mockserver.core.clock import DEFAULT_VIRTUAL_START
from mockserver.drift.commands import drift, record
from mockserver.scenario.book import ScenarioBook
from mockserver.scenario.model import ScenarioError
from mockserver.settings import Settings

DEFAULTS = {f.name: f.default for f in fields(Settings)}


def _env(name: str) -> str:
    return f"MOCKSERVER_{name.upper()}"


EPILOG = """\b
Example:
  mockserver serve --clock virtual --port 8080
  curl -s http://127.0.0.1:8080/                    # providers, credentials, links
  curl -s http://127.0.0.1:8080/_mock/credentials   # every provider's credentials
  curl -s -X POST http://127.0.0.1:8080/_mock/clock/advance -d '{"seconds": 60}'

\b
Documentation a running server gives: its front page (GET /), the dashboard (/_mock/ui), the control
API's OpenAPI description (/_mock/openapi.json). Try 'mockserver serve --help' for every option.
"""


def _start(ctx: click.Context, param: click.Parameter, value: str | None) -> datetime:
    """``--start`` as a click callback, so a bad value is reported against the option (or its env var)."""
    if not value:
        return DEFAULT_VIRTUAL_START
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(f"not an ISO 8601 time: {value!r}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@click.group(epilog=EPILOG)
@click.version_option(package_name="telephony-mockserver")
def main() -> None:
    """A local emulator of telephony voice APIs for tests: your unchanged client code places calls,
    polls them and gets the provider's callbacks, on a clock your tests control.

    \b
    Providers (their real paths, on one port; each also under /<provider>/):
      apifonica  REST v2 + XML controller     /v2/accounts/{sid}/calls
      dillo      send-action voice            /api/sendaction
      routee     OAuth + voice conversation   /oauth/token, /voice/conversation
      esendex    Voice Broadcast (SOAP ASMX)  /notifyws/phonenotify.asmx
      callr      JSON-RPC 2.0, Real-Time      /json-rpc/v1.1/
    """


@main.command()
@click.option(
    "--host",
    default=DEFAULTS["host"],
    envvar=_env("host"),
    show_envvar=True,
    show_default=True,
    help="Interface to listen on (0.0.0.0: every interface, e.g. in a container).",
)
@click.option(
    "--port",
    default=DEFAULTS["port"],
    type=click.IntRange(min=0, max=65535),
    envvar=_env("port"),
    show_envvar=True,
    show_default=True,
    help="Port to listen on (0: a free one, printed in the banner).",
)
@click.option(
    "--clock",
    type=click.Choice(["real", "scaled", "virtual", "auto"], case_sensitive=False),
    default=DEFAULTS["clock"],
    envvar=_env("clock"),
    show_envvar=True,
    show_default=True,
    help="How time moves: real; scaled (x --speed); virtual (only when advanced); auto (virtual, jumps to "
    "the next event whenever the server is idle).",
)
@click.option(
    "--auto-grace",
    type=click.FloatRange(min=0, max=60),
    default=DEFAULTS["auto_grace"],
    envvar=_env("auto_grace"),
    show_envvar=True,
    show_default=True,
    help="Auto clock: wall seconds the server must stay idle before time jumps (raise it for a client "
    "that polls and must see every state).",
)
@click.option(
    "--speed",
    type=click.FloatRange(min=0.001),
    default=DEFAULTS["speed"],
    envvar=_env("speed"),
    show_envvar=True,
    show_default=True,
    help="Speed factor of the scaled clock.",
)
@click.option(
    "--start",
    envvar=_env("start"),
    show_envvar=True,
    callback=_start,
    help="Start time of a virtual/scaled clock (ISO 8601).",
)
@click.option(
    "--scenarios",
    type=click.Path(file_okay=False, path_type=Path),
    envvar=_env("scenarios"),
    show_envvar=True,
    help="A folder of extra scenario YAML files.",
)
@click.option(
    "--seed",
    type=int,
    default=DEFAULTS["seed"],
    envvar=_env("seed"),
    show_envvar=True,
    show_default=True,
    help="Seed for ids, credentials and fake data.",
)
@click.option(
    "--credentials",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar=_env("credentials"),
    show_envvar=True,
    help="YAML file: {provider: [credentials, ...]}.",
)
@click.option(
    "--faults",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar=_env("faults"),
    show_envvar=True,
    help="YAML list of fault rules loaded at start (the rules POST /_mock/faults takes).",
)
@click.option(
    "--state-file",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar=_env("state_file"),
    show_envvar=True,
    help="JSON snapshot: loaded at start if it exists, written on shutdown and by POST /_mock/snapshot.",
)
@click.option(
    "--callback-timeout",
    type=click.FloatRange(min=0.01),
    default=DEFAULTS["callback_timeout"],
    envvar=_env("callback_timeout"),
    show_envvar=True,
    show_default=True,
    help="Seconds per outbound callback attempt.",
)
@click.option(
    "--callback-per-origin",
    type=click.IntRange(min=1),
    default=DEFAULTS["callback_per_origin"],
    envvar=_env("callback_per_origin"),
    show_envvar=True,
    show_default=True,
    help="Callback attempts in flight to one receiver origin (each origin has its own queue).",
)
@click.option(
    "--callback-retention",
    type=click.IntRange(min=0),
    default=DEFAULTS["callback_retention"],
    envvar=_env("callback_retention"),
    show_envvar=True,
    show_default=True,
    help="Finished callback deliveries kept; the oldest finished are dropped first.",
)
@click.option(
    "--workers",
    type=int,
    default=1,
    envvar=_env("workers"),
    show_envvar=True,
    help="Always 1: the server keeps its calls, clock and ids in one process.",
)
@click.option(
    "--journal-size",
    type=click.IntRange(min=1),
    default=DEFAULTS["journal_size"],
    envvar=_env("journal_size"),
    show_envvar=True,
    show_default=True,
    help="Provider requests kept in the journal (GET /_mock/journal); the oldest fall off.",
)
@click.option(
    "--log-level",
    type=click.Choice(["debug", "info", "warning", "error"], case_sensitive=False),
    default=DEFAULTS["log_level"],
    envvar=_env("log_level"),
    show_envvar=True,
    show_default=True,
    help="Level of the console log (debug also logs /_mock requests).",
)
@click.option(
    "--request-log/--no-request-log",
    " /-q",
    default=DEFAULTS["request_log"],
    envvar=_env("request_log"),
    show_envvar=True,
    show_default=True,
    help="One console line per provider request and callback attempt: mock time, provider, method, path, "
    "status, ms, call id (-q: none).",
)
@click.option(
    "--control-token",
    envvar=_env("control_token"),
    show_envvar=True,
    help="When set, /_mock and the dashboard need it (Authorization: Bearer, or ?token= once in a browser).",
)
@click.option(
    "--reveal-secrets",
    is_flag=True,
    envvar=_env("reveal_secrets"),
    show_envvar=True,
    help="Show credentials in the journal as sent (masked by default; ?reveal=true per request).",
)
@click.option(
    "--max-body",
    type=click.IntRange(min=1),
    default=DEFAULTS["max_body"],
    envvar=_env("max_body"),
    show_envvar=True,
    show_default=True,
    help="Bytes of a provider request body; a longer one is answered 413 before it is read.",
)
@click.option(
    "--max-control-body",
    type=click.IntRange(min=1),
    default=DEFAULTS["max_control_body"],
    envvar=_env("max_control_body"),
    show_envvar=True,
    show_default=True,
    help="Bytes of a /_mock request body (a restored snapshot).",
)
@click.option(
    "--max-calls",
    type=click.IntRange(min=0),
    default=DEFAULTS["max_calls"],
    envvar=_env("max_calls"),
    show_envvar=True,
    show_default=True,
    help="Finished calls kept; the oldest are evicted first (0: keep all).",
)
@click.option(
    "--max-tenants",
    type=click.IntRange(min=0),
    default=DEFAULTS["max_tenants"],
    envvar=_env("max_tenants"),
    show_envvar=True,
    show_default=True,
    help="Tenants (POST /_mock/tenants) at once besides the default one (0: none).",
)
@click.option(
    "--head-timeout",
    type=click.FloatRange(min=0.1),
    default=DEFAULTS["head_timeout"],
    envvar=_env("head_timeout"),
    show_envvar=True,
    show_default=True,
    help="Seconds a client has to send a request's head, and each piece of its body.",
)
@click.option(
    "--max-connections",
    type=click.IntRange(min=1),
    envvar=_env("max_connections"),
    show_envvar=True,
    help="Open connections (default: the file-descriptor limit less 128); the oldest idle is dropped.",
)
@click.option(
    "--callback-allow",
    envvar=_env("callback_allow"),
    show_envvar=True,
    help="Comma-separated hosts and CIDRs callbacks and controllers may reach (default: anywhere).",
)
@click.option(
    "--autosave",
    type=click.FloatRange(min=0.1),
    envvar=_env("autosave"),
    show_envvar=True,
    help="Also write --state-file every this many seconds, so a crash loses at most that much.",
)
@click.option(
    "--tls/--no-tls",
    default=DEFAULTS["tls"],
    envvar=_env("tls"),
    show_envvar=True,
    show_default=True,
    help="Also serve HTTPS for every provider host name, with a local CA (`mockserver ca` prints it).",
)
@click.option(
    "--https-port",
    type=click.IntRange(min=0, max=65535),
    default=DEFAULTS["https_port"],
    envvar=_env("https_port"),
    show_envvar=True,
    show_default=True,
    help="The HTTPS port with --tls (443 where the process may bind it).",
)
@click.option(
    "--ca-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar=_env("ca_dir"),
    show_envvar=True,
    help="Where the local CA is kept (default: ~/.local/share/mockserver/ca).",
)
def serve(
    host: str,
    port: int,
    clock: str,
    auto_grace: float,
    speed: float,
    start: datetime,
    scenarios: Path | None,
    seed: int,
    credentials: Path | None,
    faults: Path | None,
    state_file: Path | None,
    callback_timeout: float,
    callback_per_origin: int,
    callback_retention: int,
    workers: int,
    journal_size: int,
    log_level: str,
    request_log: bool,
    control_token: str | None,
    reveal_secrets: bool,
    max_body: int,
    max_control_body: int,
    max_calls: int,
    max_tenants: int,
    head_timeout: float,
    max_connections: int | None,
    callback_allow: str | None,
    autosave: float | None,
    tls: bool,
    https_port: int,
    ca_dir: Path | None,
) -> None:
    """Start the server."""
    refuse_workers(workers)
    from mockserver.server import run

    settings = Settings(
        host=host,
        port=port,
        clock=clock,
        auto_grace=auto_grace,
        speed=speed,
        start=start,
        scenarios=scenarios,
        seed=seed,
        credentials=credentials,
        faults=faults,
        state_file=state_file,
        callback_timeout=callback_timeout,
        callback_per_origin=callback_per_origin,
        callback_retention=callback_retention,
        journal_size=journal_size,
        log_level=log_level,
        request_log=request_log,
        control_token=control_token or None,
        reveal_secrets=reveal_secrets,
        max_body=max_body,
        max_control_body=max_control_body,
        max_calls=max_calls,
        max_tenants=max_tenants,
        head_timeout=head_timeout,
        max_connections=max_connections,
        callback_allow=tuple(e.strip() for e in (callback_allow or "").split(",") if e.strip()),
        autosave=autosave,
        tls=tls,
        https_port=https_port,
        ca_dir=ca_dir,
    )
    if autosave is not None and state_file is None:
        raise click.BadParameter("--autosave needs --state-file", param_hint="--autosave")
    try:
        run(settings)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


def refuse_workers(workers: int) -> None:
    """One process only: several workers would each hold their own calls, clock and ids."""
    concurrency = os.environ.get("WEB_CONCURRENCY", "").strip()
    asked = workers if workers != 1 else (int(concurrency) if concurrency.isdigit() else 1)
    if asked > 1:
        raise click.UsageError(
            f"mockserver runs in one process; {asked} workers would each keep their own calls, clock and "
            "callbacks (a read could reach a worker that never saw the call, and ids would collide). "
            "Run one server per test suite, or one per shard of your accounts."
        )
    if workers < 1:
        raise click.UsageError("--workers must be 1")


@main.command("ca")
@click.option(
    "--ca-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar=_env("ca_dir"),
    show_envvar=True,
    help="Where the local CA is kept (default: ~/.local/share/mockserver/ca).",
)
def ca(ca_dir: Path | None) -> None:
    """Print the local CA's certificate (PEM), creating the CA on first use: mockserver ca > ca.pem"""
    from mockserver.tls import CAError, LocalCA

    try:
        authority = LocalCA.load_or_create(ca_dir)
    except CAError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(authority.pem.decode("ascii"), nl=False)
    click.echo(f"# kept in {authority.folder}", err=True)


@main.group()
def scenarios() -> None:
    """Work with scenario files."""


@scenarios.command("check")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
def check(paths: tuple[Path, ...]) -> None:
    """Validate scenario files: each PATH is a YAML file or a folder of them (as `serve --scenarios`
    reads it). Prints every error as file:line: message, a mix that names a scenario that neither these
    files nor the shipped ones define included, and exits 1 if there is any."""
    from mockserver.scenario.loader import load_paths, scenario_files  # YAML: not for every command

    files: list[Path] = []
    errors: list[ScenarioError] = []
    for path in paths:
        if path.is_dir():
            files.extend(scenario_files(path))
        elif path.is_file():
            files.append(path)
        else:
            errors.append(ScenarioError(str(path), None, "no such file or folder"))
    loaded, wrong = load_paths(files)
    errors.extend(wrong)
    shipped = shipped_scenarios()
    book = ScenarioBook([*shipped, *loaded])  # as serve sees them: a user's scenario replaces a shipped one
    ours = {id(s) for s in loaded}
    for scenario, name in book.missing():
        if id(scenario) in ours:
            message = f"mix {scenario.name!r} names no scenario {name!r}"
            errors.append(ScenarioError(scenario.source, scenario.line, message))
    for error in errors:
        click.echo(str(error), err=True)
    if errors:
        click.echo(f"{len(errors)} error(s)", err=True)
        sys.exit(1)
    for scenario in loaded:
        click.echo(f"ok  {scenario.name:<16} {scenario.source}")
    click.echo(f"{len(loaded)} scenario(s) valid")


main.add_command(record)
main.add_command(drift)
