"""``mockserver record`` and ``mockserver drift``: click commands over the recorder and the replay."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from mockserver.drift import cassette
from mockserver.drift.upstreams import UPSTREAMS, upstream_for

PROVIDERS = click.Choice(sorted(UPSTREAMS))


@click.command()
@click.option("--provider", type=PROVIDERS, required=True, help="Whose traffic to record.")
@click.option("--upstream", help="Base URL to forward to (default: the provider's production URL).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface the recorder listens on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8090,
    show_default=True,
    help="Port the recorder listens on.",
)
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="Cassette (JSONL)."
)
@click.option("--mask-numbers", is_flag=True, help="Mask phone numbers (consistently) in the cassette.")
def record(provider: str, upstream: str | None, host: str, port: int, out: Path, mask_numbers: bool) -> None:
    """Record real traffic: a proxy that forwards to the provider and appends each exchange to OUT.

    Point your client at http://HOST:PORT instead of the provider (as you would at the mock). Secrets
    are redacted before anything is written. Callbacks: set your callback URL to
    http://HOST:PORT/_relay?to=<your URL, URL-encoded>. See docs/drift.md.
    """
    import uvicorn

    from mockserver.drift.recorder import Recorder, write_header
    from mockserver.drift.redact import Redactor

    target = upstream_for(provider, upstream)
    redactor = Redactor(mask_numbers=mask_numbers)
    with out.open("a", encoding="utf-8") as handle:
        if handle.tell() == 0:
            write_header(handle, provider, target, redactor)
        recorder = Recorder(provider, target, handle, redactor)
        click.echo(f"recording {provider} → {target.base_url} on http://{host}:{port} into {out}", err=True)
        uvicorn.run(recorder.app(), host=host, port=port, log_level="warning")
        click.echo(f"{recorder.written} exchange(s) recorded in {out}", err=True)


@click.command()
@click.argument("cassette_file", metavar="CASSETTE", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--provider", type=PROVIDERS, help="Override the provider the cassette names.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable report.")
@click.option("--explain", is_flag=True, help="Show both sides of each difference and the docs page.")
def drift(cassette_file: Path, provider: str | None, as_json: bool, explain: bool) -> None:
    """Replay CASSETTE against a fresh mock and report where its answers differ (exit 1 on drift)."""
    from mockserver.drift import report
    from mockserver.drift.accounts import DriftSetupError  # imports httpx: not at start-up (issue 14)
    from mockserver.drift.replay import replay

    try:
        header, exchanges = cassette.read(cassette_file)
    except cassette.CassetteError as exc:
        raise click.ClickException(str(exc)) from None
    name = provider or header.provider
    if name not in UPSTREAMS:
        raise click.ClickException(f"{cassette_file}: unknown provider {name!r} (use --provider)")
    try:
        results = replay(header, exchanges, name)
    except DriftSetupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(report.as_json(results, name) if as_json else report.table(results, name, explain=explain))
    sys.exit(1 if any(r.drifted for r in results) else 0)
