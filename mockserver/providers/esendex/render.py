"""Results as Esendex's XML: the bare document of the HTTP GET/POST bindings, or a SOAP reply.

GET/POST answer the return type as the root element in the service namespace
(``<NotifyReturn xmlns="http://ws.cdyne.com/NotifyWS/">``, ``<boolean …>true</boolean>``); SOAP wraps
the same content in ``<MethodResponse><MethodResult>`` [esendex.md §3.0]. Element names and order
follow the schema in operations.py, which the WSDL publishes too.
"""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from mockserver.core.values import frozen
from mockserver.providers.esendex.operations import NS, Operation
from mockserver.providers.esendex.soap import SoapVersion, envelope
from mockserver.providers.esendex.status import NotifyStatus
from mockserver.providers.esendex.vocabulary import RESPONSE_TEXTS
from mockserver.providers.esendex.voices import VOICES

XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'
#: How .NET writes DateTime.MinValue, the "not set" of StartTime/EndTime [G-c4j].
UNSET_TIME = "0001-01-01T00:00:00"


@frozen
class UploadResult:
    """UploadSoundFile's ``UploadFileResponse``."""

    successful: bool
    seconds: int
    error: str


@frozen
class AdvancedStatus:
    """GetQueueIDStatusWithAdvancedInfo: a NotifyReturn that also carries the notify's ``TextToSay``
    and its script variables (``VariableArray``) [WSDL][G-pl]."""

    status: NotifyStatus
    text_to_say: str | None
    variables: tuple[tuple[str, str], ...] | None


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
    if isinstance(value, float):  # as .NET writes a double: 3, 2.5
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _leaf(parent: ET.Element, tag: str, value: Any) -> None:
    ET.SubElement(parent, tag).text = _text(value)


def _notify_fields(parent: ET.Element, value: NotifyStatus | AdvancedStatus) -> None:
    """NotifyReturn in schema order; a null string (or array) is left out, as XmlSerializer does."""
    s = value.status if isinstance(value, AdvancedStatus) else value
    advanced = value if isinstance(value, AdvancedStatus) else None
    for tag, field in (
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
        ("Country", _OMITTED),  # not known for a call (not emulated): left out, as a null
        ("CallComplete", s.complete),
        ("TextToSay", _OMITTED if advanced is None or advanced.text_to_say is None else advanced.text_to_say),
    ):
        if field is not _OMITTED and (field is not None or tag in ("StartTime", "EndTime")):
            _leaf(parent, tag, field)
    if advanced is not None and advanced.variables is not None:
        array = ET.SubElement(parent, "VariableArray")
        for name, text in advanced.variables:
            variable = ET.SubElement(array, "Variable")
            _leaf(variable, "VariableName", name)
            _leaf(variable, "VariableValue", text)


_OMITTED = object()


def fill(element: ET.Element, kind: str, value: Any) -> bool:
    """Put ``value`` (of the operation's return ``kind``) inside ``element``; False if it is null."""
    if value is None and kind in NULLABLE_RESULTS:
        return False
    if kind == "NotifyReturn":
        _notify_fields(element, value)
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
    elif kind == "UploadFileResponse":
        _leaf(element, "UploadSuccessful", value.successful)
        if value.error is not None:
            _leaf(element, "ErrorResponse", value.error)
        _leaf(element, "UploadedLengthInSeconds", value.seconds)
    elif kind == "base64Binary":
        element.text = base64.b64encode(value).decode("ascii")
    else:
        element.text = _text(value)
    return True


#: Return types that can be null: ASP.NET leaves a null result out of a SOAP reply and answers HTTP
#: GET/POST with an ``xsi:nil`` root.
NULLABLE_RESULTS = frozenset({"base64Binary", "string", "NotifyReturn", "UploadFileResponse"})
XSI = "http://www.w3.org/2001/XMLSchema-instance"


def document(op: Operation, value: Any) -> str:
    """The HTTP GET/POST reply: the return type as root element, in the service namespace."""
    root = ET.Element(op.returns, {"xmlns": NS})
    if op.returns not in ("string", "int", "long", "boolean", "base64Binary", "double"):
        root.set("xmlns:xsi", XSI)
        root.set("xmlns:xsd", "http://www.w3.org/2001/XMLSchema")
    if not fill(root, op.returns, value):
        root.set("xsi:nil", "true")
        root.set("xmlns:xsi", XSI)
    return XML_DECLARATION + ET.tostring(root, encoding="unicode")


def soap_reply(version: SoapVersion, op: Operation, value: Any) -> str:
    response = ET.Element(f"{op.name}Response", {"xmlns": NS})
    result = ET.SubElement(response, f"{op.name}Result")
    if not fill(result, op.returns, value):
        response.remove(result)
    return envelope(version, ET.tostring(response, encoding="unicode"))
