"""The front door: ``GET /`` says what this server is — each provider's base URL (as the request reached
the server) and credentials, and where the dashboard, the control API's description and the docs are.

A browser (``Accept: text/html``) gets a short page; any other client gets the same as JSON. ``/`` is
no provider's path (their routes all sit under their own prefixes), and a provider's production host
name never reaches it (the host router answers those first, in the provider's format).

Credentials follow the control API's rules: shown only to a request the control API would take (with a
control token set, only with the token; never to a browser page on a foreign host name), and masked the
way the dashboard masks secrets unless ``?reveal=true`` or ``--reveal-secrets``.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from typing import Any, Protocol

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import Receive, Scope, Send

from mockserver import __version__
from mockserver.control.dashboard.resources import masked
from mockserver.control.responses import finish, wants_pretty
from mockserver.security.guard import ControlGuard
from mockserver.state import AppState

#: Where the documentation is: the ``docs/`` folder of the source tree (no site is published yet).
DOCS = "docs/"
#: Providers whose REST surface has an OpenAPI document at ``/_mock/openapi/{name}.json``.
REST_DESCRIBED = ("apifonica", "dillo", "routee")


class Described(Protocol):
    """What the front door reads of a provider (control/ never imports a specific provider)."""

    @property
    def name(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def hosts(self) -> tuple[str, ...]: ...
    @property
    def path_prefixes(self) -> tuple[str, ...]: ...

    def credentials(self) -> list[dict[str, Any]]: ...


async def _never(scope: Scope, receive: Receive, send: Send) -> None:  # the guard is only asked
    raise AssertionError("the front door's guard never forwards a request")


def _state(request: Request) -> AppState:
    state: AppState = request.app.state.mock
    return state


def front_json(request: Request, guard: ControlGuard) -> dict[str, Any]:
    state = _state(request)
    base = str(request.base_url)  # scheme, Host and any root_path, as this request reached us
    refusal = guard.refusal(request.scope)
    reveal = request.query_params.get("reveal", "").lower() in ("1", "true") or state.settings.reveal_secrets
    providers: Mapping[str, Described] = state.providers
    return {
        "name": "mockserver",
        "version": __version__,
        "clock": state.clock.mode.value,
        "providers": [
            {
                "name": name,
                "title": p.title,
                "base_url": base,
                "mounted_url": f"{base}{name}/",
                "paths": list(p.path_prefixes),
                "production_hosts": list(p.hosts),
                "credentials": None if refusal else _credentials(p, reveal),
                "docs": f"{DOCS}providers/{name}.md",
                **({"openapi": f"{base}_mock/openapi/{name}.json"} if name in REST_DESCRIBED else {}),
            }
            for name, p in providers.items()
        ],
        "credentials_hidden": None if refusal is None else refusal[2],
        "links": {
            "dashboard": f"{base}_mock/ui",
            "control_api": f"{base}_mock/openapi.json",
            "health": f"{base}_mock/health",
            "docs": DOCS,
        },
    }


def _credentials(provider: Described, reveal: bool) -> list[dict[str, Any]]:
    rows = provider.credentials()
    return rows if reveal else [masked(row, "") for row in rows]


def _fields(row: Mapping[str, Any]) -> str:
    """One set of credentials, a field a line (lists such as scopes and numbers are left out)."""
    shown = [(k, v) for k, v in row.items() if isinstance(v, str | int) and not isinstance(v, bool)]
    return "<br>".join(f"{html.escape(k)}: <code>{html.escape(str(v))}</code>" for k, v in shown)


def front_html(data: Mapping[str, Any]) -> str:
    e = html.escape
    links = data["links"]
    rows = []
    for p in data["providers"]:
        creds = p["credentials"]
        shown = "<em>hidden</em>" if creds is None else "<hr>".join(map(_fields, creds)) or "<em>none</em>"
        api = f' · <a href="{e(p["openapi"])}">OpenAPI</a>' if "openapi" in p else ""
        rows.append(
            f"<tr><td><b>{e(p['name'])}</b><br><small>{e(p['title'])}</small></td>"
            f"<td><code>{e(p['base_url'])}</code> (paths {e(', '.join(p['paths']))})<br>"
            f"or <code>{e(p['mounted_url'])}</code></td><td>{shown}</td>"
            f"<td><code>{e(p['docs'])}</code>{api}</td></tr>"
        )
    hidden = data["credentials_hidden"]
    note = (
        f"<p><b>Credentials hidden:</b> {e(hidden)}</p>"
        if hidden
        else '<p>Secrets are masked; <a href="?reveal=true">show them</a>.</p>'
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>mockserver {e(data["version"])}</title>
<style>body{{font:15px system-ui,sans-serif;margin:2em;max-width:70em}}td,th{{padding:.4em .8em;
text-align:left;vertical-align:top;border-bottom:1px solid #ddd}}code{{font-size:90%}}</style></head>
<body><h1>mockserver {e(data["version"])}</h1>
<p>A local emulator of five telephony voice APIs (clock: {e(data["clock"])}). Point a client's base URL
here: every provider answers at its real paths from this root, and under <code>/&lt;provider&gt;/</code>.</p>
<p><a href="{e(links["dashboard"])}">Dashboard</a> ·
<a href="{e(links["control_api"])}">Control API (OpenAPI 3.1)</a> ·
<a href="{e(links["health"])}">Health</a> · Docs: <code>{e(links["docs"])}</code> in the source tree</p>
<table><tr><th>Provider</th><th>Base URL</th><th>Credentials</th><th>Docs</th></tr>
{"".join(rows)}
</table>
{note if data["providers"] else ""}
</body></html>
"""


def _wants_html(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return any(part.split(";")[0].strip() == "text/html" for part in accept.split(","))


def front_routes(token: str | None, host: str) -> list[BaseRoute]:
    """``/`` and the bare ``/_mock`` (which leads to the dashboard)."""
    guard = ControlGuard(_never, token=token, host=host)

    async def front(request: Request) -> Response:
        data = front_json(request, guard)
        if _wants_html(request):
            return HTMLResponse(front_html(data), headers={"Cache-Control": "no-store"})
        raw = json.dumps(data, ensure_ascii=False).encode()
        body = finish(raw, wants_pretty(request.scope.get("query_string", b"")))
        return Response(body, media_type="application/json", headers={"Cache-Control": "no-store"})

    return [Route("/", front, methods=["GET"]), Route("/_mock", to_dashboard, methods=["GET"])]


async def to_dashboard(request: Request) -> Response:
    """``/_mock`` and ``/_mock/`` lead to the dashboard (the query, e.g. ``?token=``, goes along)."""
    query = request.url.query
    target = request.url.path.rstrip("/") + "/ui" + (f"?{query}" if query else "")
    return RedirectResponse(target, status_code=307)
