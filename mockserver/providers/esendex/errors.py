"""The one place that knows how Esendex's service answers a request it cannot serve.

Business errors are not here: they are HTTP 200 ``NotifyReturn`` replies with a ``ResponseCode``
[esendex.md §7]. What is here is the ASMX plumbing: a SOAP request gets a ``soap:Fault`` (1.1 or 1.2,
as it came) with the status its SOAP version prescribes (soap.fault_status: 500 for every SOAP 1.1
fault, as ASMX answers; 400 for a SOAP 1.2 soap:Sender fault). A request to the HTTP GET/POST bindings
gets a short ``text/plain`` message; there ASP.NET answers 500 too, but the mock answers 4xx (400 bad
request, 404 unknown method/path, 405, 415) so that a 5xx there always means a bug in the mock (mock's
choice, docs/providers/esendex.md). A SOAP 1.1 fault that is the mock's own bug says ``soap:Server``.
"""

from __future__ import annotations

from starlette.responses import PlainTextResponse, Response

from mockserver.core.errors import MockError
from mockserver.providers.esendex.soap import SoapError, SoapVersion, envelope


def render_error(error: MockError) -> Response:
    if isinstance(error, SoapError):
        return soap_fault(error.version, error.message, error.status, server=error.server)
    return PlainTextResponse(error.message, error.status)


def soap_fault(version: SoapVersion, message: str, status: int = 400, *, server: bool = False) -> Response:
    from xml.sax.saxutils import escape  # with xml.sax and urllib.request, ~4 ms: not needed at start

    text = escape(message)
    if version is SoapVersion.V11:
        code = "soap:Server" if server else "soap:Client"
        fault = f"<faultcode>{code}</faultcode><faultstring>{text}</faultstring><detail />"
    else:
        code = "soap:Receiver" if server else "soap:Sender"
        fault = (
            f"<soap:Code><soap:Value>{code}</soap:Value></soap:Code>"
            f'<soap:Reason><soap:Text xml:lang="en">{text}</soap:Text></soap:Reason><soap:Detail />'
        )
    body = envelope(version, f"<soap:Fault>{fault}</soap:Fault>")
    return Response(body, status, media_type=version.content_type)
