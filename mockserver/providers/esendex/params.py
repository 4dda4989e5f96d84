"""Raw binding arguments → typed values, the way ASP.NET binds them.

HTTP GET/POST: every parameter is required ("Missing parameter: X.") and text is converted per its XSD
type ("Cannot convert abc to System.Int32."); names match without regard to case. SOAP: ASP.NET's
XmlSerializer reads an element only by its exact name in the service namespace (elementFormDefault is
qualified), in any order; any other element is skipped, and a missing one takes the .NET default
(null, 0, false, DateTime.MinValue). A value that does not convert is a fault. Both kinds of problem
raise :class:`BadArgument`, which each binding renders its own way (errors.py).
"""

from __future__ import annotations

import base64
import binascii
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from mockserver.core.errors import InvalidParameter, MissingParameter
from mockserver.core.values import frozen
from mockserver.providers.esendex.operations import ADVANCED_FIELDS, NS, Operation

XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"

_DOTNET = {
    "int": "System.Int32",
    "short": "System.Int16",
    "long": "System.Int64",
    "boolean": "System.Boolean",
    "dateTime": "System.DateTime",
    "unsignedByte": "System.Byte",
    "base64Binary": "System.Byte[]",
}
_RANGES = {
    "int": (-(2**31), 2**31 - 1),
    "short": (-(2**15), 2**15 - 1),
    "long": (-(2**63), 2**63 - 1),
    "unsignedByte": (0, 255),
}
_DEFAULTS: dict[str, Any] = {"int": 0, "short": 0, "long": 0, "unsignedByte": 0, "boolean": False}


class BadArgument(InvalidParameter):
    """An argument ASP.NET could not bind (HTTP GET/POST: text reply; SOAP: a fault)."""


@frozen
class Stamp:
    """An ``xsd:dateTime`` as sent: ``zone`` is ``"utc"`` (Z or +00:00), ``"offset"`` or ``"none"``."""

    at: datetime
    zone: str

    @property
    def unset(self) -> bool:
        """.NET clients send ``0001-01-01T00:00:00`` (DateTime.MinValue) for "not set"."""
        return self.at.year == 1

    @property
    def utc(self) -> datetime:
        return self.at.astimezone(UTC) if self.at.tzinfo else self.at.replace(tzinfo=UTC)


def convert(kind: str, raw: str, name: str) -> Any:
    """``raw`` as an XSD ``kind``; raises BadArgument naming the .NET type it failed to become."""
    text = raw.strip()
    try:
        if kind == "string":
            return raw
        if kind in _RANGES:
            value = int(text)
            low, high = _RANGES[kind]
            if not low <= value <= high:
                raise ValueError(text)
            return value
        if kind == "boolean":
            return {"true": True, "false": False, "1": True, "0": False}[text.lower()]
        if kind == "dateTime":
            return parse_stamp(text)
        if kind == "base64Binary":
            return base64.b64decode(text, validate=True)
    except (ValueError, KeyError, binascii.Error, OverflowError):
        shown = raw if len(raw) <= 60 else raw[:57] + "..."
        raise BadArgument(f"Cannot convert {shown} to {_DOTNET.get(kind, kind)}.", field=name) from None
    raise BadArgument(f"{name}: unsupported type {kind}", field=name)


def parse_stamp(text: str) -> Stamp:
    if not text or not text[0].isdigit():
        raise ValueError(text)
    zone = "none"
    body = text
    if text.endswith(("Z", "z")):
        zone, body = "utc", text[:-1] + "+00:00"
    at = datetime.fromisoformat(body)
    if at.tzinfo is not None and zone != "utc":
        zone = "utc" if at.utcoffset() == timedelta(0) else "offset"
    return Stamp(at, zone)


# -- HTTP GET / POST ------------------------------------------------------------------------------
def bind_form(op: Operation, fields: Mapping[str, str]) -> dict[str, Any]:
    """GET query or POST form → arguments. Names match without regard to case, as in ASP.NET."""
    lowered = {key.lower(): value for key, value in fields.items()}
    args: dict[str, Any] = {}
    for name, kind in op.params:
        if kind == "AdvancedNotifyRequest":  # the mock's flat form of NotifyPhoneAdvanced (docs)
            args[name] = {
                field: convert(ftype, lowered[field.lower()], field) if field.lower() in lowered else None
                for field, ftype in ADVANCED_FIELDS
            }
            continue
        if name.lower() not in lowered:
            raise MissingParameter(f"Missing parameter: {name}.", field=name)
        args[name] = convert(kind, lowered[name.lower()], name)
    return args


# -- SOAP -----------------------------------------------------------------------------------------
def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def bind_soap(op: Operation, element: ET.Element) -> dict[str, Any]:
    """The operation element's children → arguments (missing ones take their .NET default)."""
    children = _children(element)
    args: dict[str, Any] = {}
    for name, kind in op.params:
        child = children.get(name)
        if kind == "AdvancedNotifyRequest":
            args[name] = None if child is None or _nil(child) else advanced(child)
        elif kind == "ArrayOfAdvancedNotifyRequest":
            items = (
                [] if child is None else [i for i in child if i.tag == _QUALIFIED + "AdvancedNotifyRequest"]
            )
            args[name] = [advanced(item) for item in items if not _nil(item)]
        else:
            args[name] = soap_value(kind, child, name)
    return args


def advanced(element: ET.Element) -> dict[str, Any]:
    children = _children(element)
    return {name: soap_value(kind, children.get(name), name) for name, kind in ADVANCED_FIELDS}


def soap_value(kind: str, child: ET.Element | None, name: str) -> Any:
    if child is None or _nil(child):
        return _DEFAULTS.get(kind)
    if len(child):
        raise BadArgument(f"{name} must be a simple value, not an element", field=name)
    return convert(kind, child.text or "", name)


_QUALIFIED = "{" + NS + "}"


def _nil(element: ET.Element) -> bool:
    return element.get(XSI_NIL) in ("true", "1")


def _children(element: ET.Element) -> dict[str, ET.Element]:
    """Children by exact local name, those in the service namespace only (what XmlSerializer reads)."""
    found: dict[str, ET.Element] = {}
    for child in element:
        if isinstance(child.tag, str) and child.tag.startswith(_QUALIFIED):
            found.setdefault(local(child.tag), child)
    return found
