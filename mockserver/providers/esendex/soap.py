"""SOAP 1.1 and 1.2 envelopes: read the operation and its element, write a reply envelope.

Bodies are parsed with defusedxml with DTDs forbidden, so a DTD (and with it any entity) is refused by
the parser itself, whatever the document's encoding (a byte search for ``<!DOCTYPE`` misses UTF-16).
:class:`SoapError` is raised for anything that is not a well-formed envelope with one operation in
its Body.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from enum import StrEnum

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from mockserver.core.errors import InvalidParameter
from mockserver.core.values import frozen
from mockserver.providers.esendex.operations import NS, Operation, find_operation
from mockserver.providers.esendex.params import local


class SoapVersion(StrEnum):
    V11 = "1.1"
    V12 = "1.2"

    @property
    def envelope_ns(self) -> str:
        return ENVELOPE_NS[self]

    @property
    def content_type(self) -> str:
        return "text/xml; charset=utf-8" if self is SoapVersion.V11 else "application/soap+xml; charset=utf-8"


ENVELOPE_NS = {
    SoapVersion.V11: "http://schemas.xmlsoap.org/soap/envelope/",
    SoapVersion.V12: "http://www.w3.org/2003/05/soap-envelope",
}


class SoapError(InvalidParameter):
    """A request that cannot be served as SOAP; rendered as a soap:Fault of ``version``."""

    def __init__(self, version: SoapVersion, message: str, *, server: bool = False) -> None:
        super().__init__(message)
        self.version = version
        self.server = server  # soap:Server / soap:Receiver (a bug in the mock) rather than Client
        self.status = fault_status(version, server=server)


def fault_status(version: SoapVersion, *, server: bool = False) -> int:
    """SOAP 1.1 answers every fault with HTTP 500 (SOAP 1.1 §6.2, as ASMX does); SOAP 1.2 answers a
    soap:Sender fault with 400 and a soap:Receiver fault with 500 (SOAP 1.2 part 2, §7.5.1.2)."""
    return 500 if server or version is SoapVersion.V11 else 400


@frozen
class SoapCall:
    version: SoapVersion
    operation: Operation
    element: ET.Element


def version_of(content_type: str) -> SoapVersion:
    return SoapVersion.V12 if "application/soap+xml" in content_type.lower() else SoapVersion.V11


def parse_envelope(body: bytes, content_type: str, soap_action: str | None) -> SoapCall:
    version = version_of(content_type)
    try:
        root = fromstring(body, forbid_dtd=True)
    except DefusedXmlException:
        raise SoapError(version, "DTDs are not allowed in a SOAP message.") from None
    except (ET.ParseError, ValueError, LookupError) as exc:
        raise SoapError(version, f"There is an error in the XML document: {exc}") from None
    namespaces = {ns: v for v, ns in ENVELOPE_NS.items()}
    if local(root.tag) != "Envelope" or _ns(root.tag) not in namespaces:
        raise SoapError(version, "The root element is not a SOAP Envelope.")
    version = namespaces[_ns(root.tag)]
    body_element = next((c for c in root if local(c.tag) == "Body" and _ns(c.tag) == _ns(root.tag)), None)
    if body_element is None or len(body_element) == 0:
        raise SoapError(version, "The SOAP Envelope has no Body with an operation in it.")
    element = body_element[0]
    action = (soap_action or "").strip().strip('"')
    operation = find_operation(local(element.tag)) if _ns(element.tag) == NS else None
    if operation is None or operation.name != local(element.tag):
        raise SoapError(version, f"Server did not recognize the value of HTTP Header SOAPAction: {action}.")
    if action and action != NS + operation.name:
        raise SoapError(version, f"Server did not recognize the value of HTTP Header SOAPAction: {action}.")
    return SoapCall(version, operation, element)


def envelope(version: SoapVersion, content: str) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<soap:Envelope xmlns:soap="{version.envelope_ns}" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xmlns:xsd="http://www.w3.org/2001/XMLSchema">'
        f"<soap:Body>{content}</soap:Body></soap:Envelope>"
    )


def _ns(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""
