"""The control API's door: an optional token, and no requests from other web sites.

``/_mock`` hands out every account's secrets and steers the server, so:

- with a control token configured, every ``/_mock`` request must carry it — ``Authorization: Bearer``,
  ``X-Mock-Token``, or the ``mockserver_token`` cookie, which ``?token=`` sets once for a browser;
- a browser request from another site is refused (``Sec-Fetch-Site`` other than same-origin/none, or an
  ``Origin`` that is not the server's own), and so is one whose ``Host`` is not a loopback name when no
  token is set (a DNS-rebinding page is "same-origin" but names its own host);
- a body must not be what a page can send without a CORS preflight: ``text/plain`` and
  ``multipart/form-data`` are refused, and a form-encoded body (what ``curl -d`` sends) is taken only from
  a client that is not a browser.

The built-in callback sink (``/_mock/sink/{name}``, any method) is a receiver, not a control: the mock's
own callbacks reach it without a token.
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Iterable
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl, urlsplit

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PREFIX = "/_mock"
COOKIE = "mockserver_token"
SAFELISTED = ("text/plain", "multipart/form-data", "application/x-www-form-urlencoded")


class ControlGuard:
    def __init__(self, app: ASGIApp, *, token: str | None, host: str) -> None:
        self.app = app
        self.token = token or None
        self.host = host

    def idle(self, scope: Scope) -> bool:
        """Not the control API's (a provider's path, the front door), or a delivery to a sink."""
        path = scope.get("path", "")
        if scope["type"] != "http" or not (path == PREFIX or path.startswith(PREFIX + "/")):
            return True
        return _is_sink_delivery(scope["method"], path[len(PREFIX) :])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.idle(scope):
            await self.app(scope, receive, send)
            return
        refusal = self.refusal(scope)
        if refusal is not None:
            status, code, message = refusal
            extra = {"WWW-Authenticate": 'Bearer realm="mockserver"'} if status == 401 else None
            response = JSONResponse({"error": {"code": code, "message": message}}, status, headers=extra)
            await response(scope, receive, send)
            return
        if self.token is not None and _query_token(scope) is not None:
            send = _setting_cookie(send, self.token)
        await self.app(scope, receive, send)

    def refusal(self, scope: Scope) -> tuple[int, str, str] | None:
        """Why this request may not use the control API (status, code, message), or None. The front
        door asks it too, before it shows credentials."""
        headers = _headers(scope["headers"])
        return self._token_refusal(scope, headers) or self._browser_refusal(scope, headers)

    def _token_refusal(self, scope: Scope, headers: dict[str, str]) -> tuple[int, str, str] | None:
        if self.token is None:
            return None
        offered = [
            _bearer(headers.get("authorization", "")),
            headers.get("x-mock-token"),
            _cookie(headers.get("cookie", "")),
            _query_token(scope),
        ]
        if any(t is not None and hmac.compare_digest(t.encode(), self.token.encode()) for t in offered):
            return None
        return (
            401,
            "unauthorized",
            "the control API needs the control token: send Authorization: Bearer <token> "
            "(or X-Mock-Token; in a browser open /_mock/ui?token=<token> once)",
        )

    def _browser_refusal(self, scope: Scope, headers: dict[str, str]) -> tuple[int, str, str] | None:
        site = headers.get("sec-fetch-site")
        origin = headers.get("origin")
        browser = site is not None or origin is not None or "sec-fetch-mode" in headers
        navigation = scope["method"] == "GET" and headers.get("sec-fetch-mode") == "navigate"
        if site not in (None, "same-origin", "none") and not navigation:
            return 403, "cross_origin", f"the control API refuses requests from other sites ({site})"
        if origin is not None and not _same_origin(origin, headers.get("host", "")):
            return 403, "cross_origin", f"the control API refuses requests from origin {origin}"
        if browser and self.token is None and not self._local_host(headers.get("host", "")):
            return (
                403,
                "host_not_allowed",
                "a browser may reach the control API only as localhost (or set a control token)",
            )
        media = headers.get("content-type", "").split(";")[0].strip().lower()
        if media in SAFELISTED and (media != "application/x-www-form-urlencoded" or browser):
            return 415, "unsupported_media_type", "send the body as application/json"
        return None

    def _local_host(self, host: str) -> bool:
        try:
            name = urlsplit(f"//{host}").hostname or ""
        except ValueError:
            return False
        return is_loopback(name) or name == self.host.lower()


def is_loopback(host: str) -> bool:
    """``localhost``, a name under it, or a loopback address."""
    name = host.strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _is_sink_delivery(method: str, local: str) -> bool:
    """``/sink/{name}[/...]``, except reading it (``GET .../requests``) and setting its reply."""
    parts = local.strip("/").split("/")
    if len(parts) < 2 or parts[0] != "sink":
        return False
    return not (len(parts) == 3 and (method, parts[2]) in (("GET", "requests"), ("PUT", "reply")))


def _headers(raw: Iterable[tuple[bytes, bytes]]) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in raw}


def _bearer(value: str) -> str | None:
    scheme, _, credentials = value.partition(" ")
    return credentials.strip() if scheme.lower() == "bearer" else None


def _cookie(value: str) -> str | None:
    cookies: SimpleCookie = SimpleCookie()
    try:
        cookies.load(value)
    except Exception:  # a malformed Cookie header is no token
        return None
    morsel = cookies.get(COOKIE)
    return None if morsel is None else morsel.value


def _query_token(scope: Scope) -> str | None:
    query = scope.get("query_string", b"").decode("latin-1")
    return next((v for k, v in parse_qsl(query) if k == "token"), None)


def _same_origin(origin: str, host: str) -> bool:
    if origin == "null":
        return False
    parts = urlsplit(origin)
    default = {"http": 80, "https": 443}.get(parts.scheme)
    want = urlsplit(f"//{host}")
    try:
        return (parts.hostname, parts.port or default) == (want.hostname, want.port or default)
    except ValueError:
        return False


def _setting_cookie(send: Send, token: str) -> Send:
    """The browser keeps the token once ``?token=`` got it in, so the page's own requests carry it."""

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            cookie = f"{COOKIE}={token}; Path={PREFIX}; HttpOnly; SameSite=Strict"
            message = {**message, "headers": [*message.get("headers", []), (b"set-cookie", cookie.encode())]}
        await send(message)

    return sending
