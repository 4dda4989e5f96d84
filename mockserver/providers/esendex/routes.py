"""The ASMX service at ``/notifyws/phonenotify.asmx`` with its four bindings [esendex.md §3.0].

- ``POST …/phonenotify.asmx`` with ``text/xml`` (SOAP 1.1) or ``application/soap+xml`` (SOAP 1.2);
- ``GET …/phonenotify.asmx/<Method>?…`` (HTTP GET) and ``POST …/<Method>`` with a form (HTTP POST);
- ``GET …/phonenotify.asmx?WSDL`` (the service description) and ``GET …/phonenotify.asmx`` (help).

ASP.NET matches paths without regard to case, so ``/NotifyWS/PhoneNotify.asmx`` (the legacy host's
spelling) and any other casing reach the same routes; only paths under ``/notifyws/`` are taken.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from mockserver.core.errors import MethodNotAllowed, MockError, NotFound, UnsupportedMediaType
from mockserver.providers.esendex.operations import OPERATIONS, Operation, find_operation
from mockserver.providers.esendex.params import BadArgument, bind_form, bind_soap
from mockserver.providers.esendex.provider import Esendex
from mockserver.providers.esendex.render import AdvancedStatus, document, soap_reply
from mockserver.providers.esendex.service import Service
from mockserver.providers.esendex.soap import SoapError, parse_envelope, version_of
from mockserver.providers.esendex.status import NotifyStatus
from mockserver.providers.esendex.wsdl import wsdl

SERVICE = "/notifyws/phonenotify.asmx"
XML = "text/xml; charset=utf-8"
FORM = "application/x-www-form-urlencoded"


class AnyCaseRoute(Route):
    """A Route whose path matches without regard to case (ASP.NET's behaviour)."""

    def __init__(self, path: str, endpoint: Any, methods: list[str] | None = None) -> None:
        super().__init__(path, endpoint, methods=methods)
        self.path_regex = re.compile(self.path_regex.pattern, re.IGNORECASE)


def build_routes(api: Esendex) -> list[BaseRoute]:
    service = Service(api)
    queries: dict[bytes, dict[str, str]] = {}  # raw query string → its fields, as dict(query_params)

    def query_fields(request: Request) -> dict[str, str]:
        """The HTTP GET binding's fields: parsed once per query string (a client polling
        GetQueueIDStatus sends the same one each time), a fresh copy for every request."""
        raw: bytes = request.scope.get("query_string", b"")
        found = queries.get(raw)
        if found is None:
            found = dict(request.query_params)
            if len(queries) >= 1024:
                del queries[next(iter(queries))]
            queries[raw] = found
        return dict(found)

    def reply(binding: str, op: Operation, value: Any, render: Callable[[], str]) -> bytes:
        """A notify's status as bytes, from the cache while the status is the same value: a
        NotifyStatus is frozen and holds everything its XML shows (the live duration included, so the
        clock moving changes it), and clients poll GetQueueIDStatus far more often than it changes."""
        status = value.status if isinstance(value, AdvancedStatus) else value
        if not isinstance(status, NotifyStatus) or status.queue_id == 0:
            return render().encode()
        slot = f"{binding} {op.name} {status.queue_id}"
        return api.bodies.body(slot, value, lambda: render().encode())

    async def asmx(request: Request) -> Response:
        """The service URL itself: the WSDL, the help page, or a SOAP request."""
        query = {key.lower() for key in request.query_params}
        if request.method == "GET":
            if "wsdl" in query:
                from xml.sax.saxutils import quoteattr  # ~4 ms to import: not at start

                location = str(request.url.replace(query="", fragment=""))
                return Response(wsdl(quoteattr(location)[1:-1]), media_type=XML)
            return HTMLResponse(help_page())
        return await soap(request)

    async def soap(request: Request) -> Response:
        content_type = request.headers.get("content-type", "")
        version = version_of(content_type)
        if "xml" not in content_type.lower():
            raise UnsupportedMediaType(
                f"SOAP requests need Content-Type text/xml (1.1) or application/soap+xml (1.2), "
                f"not {content_type or 'none'}; HTTP POST calls go to {SERVICE}/<Method>"
            )
        call = parse_envelope(await request.body(), content_type, request.headers.get("soapaction"))
        try:
            result = service.run(call.operation, bind_soap(call.operation, call.element))
        except BadArgument as exc:
            raise SoapError(call.version, f"There is an error in the XML document: {exc.message}") from None
        except MockError as exc:
            raise SoapError(call.version, exc.message) from None
        except Exception as exc:  # a bug: still a fault the client can read
            raise SoapError(version, f"internal error in the mock: {exc!r}", server=True) from exc
        op = call.operation
        body = reply(call.version.value, op, result, lambda: soap_reply(call.version, op, result))
        return Response(body, media_type=call.version.content_type)

    async def method(request: Request) -> Response:
        """The HTTP GET and HTTP POST (form) bindings: ``…/phonenotify.asmx/<Method>``."""
        name = request.path_params["method"]
        op = find_operation(name)
        if op is None:
            raise NotFound(f"Request format is unrecognized for URL unexpectedly ending in '/{name}'.")
        if op.name == "NotifyMultiplePhoneAdvanced":
            raise BadArgument(f"{op.name} takes an array of AdvancedNotifyRequest: call it over SOAP.")
        if request.method == "GET":
            fields = query_fields(request)
        else:
            content_type = request.headers.get("content-type", "")
            if not content_type.lower().startswith(FORM):
                raise UnsupportedMediaType(
                    f"HTTP POST calls take Content-Type {FORM}, not {content_type or 'none'}"
                )
            body = (await request.body()).decode("utf-8", errors="replace")
            fields = dict(parse_qsl(body, keep_blank_values=True))
        args = bind_form(op, fields)
        if op.name == "GetQueueIDStatus":
            return Response(queue_status(op, args), media_type=XML)
        result = service.run(op, args)
        return Response(reply("form", op, result, lambda: document(op, result)), media_type=XML)

    def queue_status(op: Operation, args: Any) -> bytes:
        """GetQueueIDStatus, the read clients poll: its reply is kept with every input
        status.notify_status reads (the notify's fields by value, its last call, and the clock while
        that call is live, as its duration grows), so a poll between two changes neither works the
        status out again nor renders it. In the provider's cache (``api.bodies``), so a reset clears it."""
        queue_id = args.get("QueueID") or 0
        notify = api.state.notifies.get(queue_id)
        if notify is None:
            result = service.run(op, args)
            return document(op, result).encode()
        last = notify.last_call_id
        call = None if last is None else api.ctx.backend.store.get(last)  # None: evicted, a retry to come
        key = (
            notify,
            notify.request.demo,
            notify.cancelled,
            notify.transferred,
            notify.incoming,
            notify.pending,
            tuple(notify.attempts),
            call,
            api.ctx.now() if call is not None and call.live else None,
        )
        return api.bodies.body(
            f"form {op.name} {queue_id}", key, lambda: document(op, service.run(op, args)).encode()
        )

    async def unknown(request: Request) -> Response:
        if request.url.path.lower().rstrip("/").endswith(SERVICE):
            raise MethodNotAllowed(f"{request.method} is not served at {request.url.path}")
        raise NotFound(f"The resource cannot be found: {request.url.path}")

    e = api.endpoint
    return [
        AnyCaseRoute(SERVICE, e(asmx), methods=["GET", "POST"]),
        AnyCaseRoute(SERVICE + "/{method}", e(method), methods=["GET", "POST"]),
        AnyCaseRoute("/notifyws/{rest:path}", e(unknown)),
    ]


def help_page() -> str:
    from xml.sax.saxutils import escape  # ~4 ms to import: not at start

    items = "".join(f'<li><a href="?op={name}">{escape(name)}</a></li>' for name in OPERATIONS)
    return (
        "<html><head><title>PhoneNotify Web Service</title></head><body>"
        "<h1>PhoneNotify</h1><p>The following operations are supported. For a formal definition, "
        f'please review the <a href="?WSDL">Service Description</a>.</p><ul>{items}</ul></body></html>'
    )
