"""Results as Esendex's XML: the bare document of the HTTP GET/POST bindings, or a SOAP reply.

GET/POST answer the return type as the root element in the service namespace
(``<NotifyReturn xmlns="http://ws.cdyne.com/NotifyWS/">``, ``<boolean …>true</boolean>``); SOAP wraps
the same content in ``<MethodResponse><MethodResult>`` [esendex.md §3.0]. Element names and order
follow the schema in operations.py, which the WSDL publishes too.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from mockserver.providers.esendex.operations import NS, Operation
from mockserver.providers.esendex.soap import SoapVersion, envelope
from mockserver.providers.esendex.status import NotifyStatus
from mockserver.providers.esendex.vocabulary import RESPONSE_TEXTS
from mockserver.providers.esendex.voices import VOICES

XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'
#: How .NET writes DateTime.MinValue, the "not set" of StartTime/EndTime [G-c4j].
UNSET_TIME = "0001-01-01T00:00:00"


@dataclass(frozen=True)
class UploadResult:
    successful: bool
    seconds: int
    error: str


@dataclass(frozen=True)
class AdvancedStatus:
    status: NotifyStatus
    variables: tuple[tuple[str, str], ...]


def xml_time(at: datetime | None) -> str:
    """UTC with milliseconds and Z, as the postback docs show: ``2020-08-28T00:53:06.608Z``."""
    if at is None:
        return UNSET_TIME
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime) or value is None:
        return xml_time(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def _leaf(parent: ET.Element, tag: str, value: Any) -> None:
    ET.SubElement(parent, tag).text = _text(value)


def _notify_fields(parent: ET.Element, s: NotifyStatus) -> None:
    for tag, value in (
        ("ResponseCode", s.code),
        ("ResponseText", s.text),
        ("CallAnswered", s.call_answered),
        ("QueueID", s.queue_id),
        ("TryCount", s.try_count),
        ("Demo", s.demo),
        ("DigitsPressed", s.digits),
        ("MachineDetection", s.machine),
        ("Duration", s.duration),
        ("StartTime", s.start),
        ("EndTime", s.end),
        ("MinuteRate", s.minute_rate),
        ("CallComplete", s.complete),
    ):
        _leaf(parent, tag, value)


def fill(element: ET.Element, kind: str, value: Any) -> None:
    """Put ``value`` (of the operation's return ``kind``) inside ``element``."""
    if kind == "NotifyReturn":
        _notify_fields(element, value)
    elif kind == "AdvancedNotifyReturn":
        _notify_fields(element, value.status)
        variables = ET.SubElement(element, "Variables")
        for name, text in value.variables:
            variable = ET.SubElement(variables, "Variable")
            _leaf(variable, "Name", name)
            _leaf(variable, "Value", text)
    elif kind == "ArrayOfNotifyReturn":
        for status in value:
            _notify_fields(ET.SubElement(element, "NotifyReturn"), status)
    elif kind == "ArrayOfResponse":
        for code, text in RESPONSE_TEXTS.items():
            response = ET.SubElement(element, "Response")
            _leaf(response, "ResponseCode", code)
            _leaf(response, "ResponseText", text)
    elif kind == "ArrayOfVoice":
        for voice in VOICES:
            item = ET.SubElement(element, "Voice")
            for tag, field in (
                ("VoiceID", voice.id),
                ("VoiceName", voice.name),
                ("VoiceGender", voice.gender),
                ("VoiceAge", voice.age),
                ("VoiceLanguage", voice.language),
                ("VoiceSummary", voice.summary),
            ):
                _leaf(item, tag, field)
    elif kind == "ArrayOfString":
        for text in value:
            _leaf(element, "string", text)
    elif kind == "SoundFileUploadResponse":
        _leaf(element, "UploadSuccessful", value.successful)
        _leaf(element, "UploadedLengthInSeconds", value.seconds)
        _leaf(element, "ErrorResponse", value.error)
    else:
        element.text = _text(value)


def document(op: Operation, value: Any) -> str:
    """The HTTP GET/POST reply: the return type as root element, in the service namespace."""
    root = ET.Element(op.returns, {"xmlns": NS})
    if op.returns not in ("string", "int", "long", "boolean"):
        root.set("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance")
        root.set("xmlns:xsd", "http://www.w3.org/2001/XMLSchema")
    fill(root, op.returns, value)
    return XML_DECLARATION + ET.tostring(root, encoding="unicode")


def soap_reply(version: SoapVersion, op: Operation, value: Any) -> str:
    response = ET.Element(f"{op.name}Response", {"xmlns": NS})
    fill(ET.SubElement(response, f"{op.name}Result"), op.returns, value)
    return envelope(version, ET.tostring(response, encoding="unicode"))
