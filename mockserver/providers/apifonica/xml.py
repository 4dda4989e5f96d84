"""Apifonica XML: the call-flow documents a controller URL returns [apifonica.md §6].

:func:`parse_document` turns a controller's reply into a tuple of frozen command values, or raises
:class:`XmlError` saying what is wrong. It never raises anything else, whatever the body, and it
parses with ``defusedxml`` set to forbid DTDs, entity declarations and external references, so entity
expansion cannot happen whatever the body holds; a body in another encoding (UTF-16, UTF-32, …) is
refused before any parsing, since Apifonica accepts UTF-8 only [S15].
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from typing import Final, TypeAlias

import defusedxml.ElementTree as SafeET
from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden

from mockserver.core.values import frozen


class XmlError(ValueError):
    """A controller document the mock refuses; the message says what is wrong and where."""


@frozen
class PlayAudio:
    url: str
    loops: int = 1  # 0 = loop until the call ends [S12]


@frozen
class Wait:
    seconds: float


@frozen
class GetInput:
    controller: str | None  # None = the current controller URL [S11]
    method: str = "POST"
    timeout: float = 5  # seconds between key presses
    timeout_general: float = 5  # seconds to wait for the first key
    min_symbols: int = 1
    max_symbols: int = 30
    finish_on_key: str = "#"  # "" = no finishing key
    loops: int = 1  # how many times the prompt is tried when nothing valid is entered
    prompts: tuple[PlayAudio, ...] = ()


@frozen
class DialTarget:
    kind: str  # "number" or "sip"
    value: str


@frozen
class MakeCall:
    targets: tuple[DialTarget, ...]
    from_: str | None = None
    controller: str | None = None
    method: str = "POST"
    timeout: int = 30
    whisper_a: str | None = None
    whisper_b: str | None = None


@frozen
class EndCall:
    signal: str | None = None  # "busy" | "reject" [S13]


@frozen
class SendMessage:
    text: str
    from_: str | None = None
    to: str | None = None  # None = the current caller [S14]
    controller_url: str | None = None
    controller_app: str | None = None
    method: str = "POST"


Command: TypeAlias = PlayAudio | Wait | GetInput | MakeCall | EndCall | SendMessage

_XML_SPACE: Final = " \t\r\n"
_EXPECTED_DECLARATION: Final = '<?xml version="1.0" encoding="UTF-8"?>'
_S: Final = "[ \t\r\n]"  # XML's white space; `\s` would also take Unicode spaces
_DECLARATION: Final = re.compile(
    rf"<\?xml{_S}+version{_S}*={_S}*(['\"])1\.0\1"
    rf"(?:{_S}+encoding{_S}*={_S}*(['\"])(?P<encoding>[A-Za-z][A-Za-z0-9._-]*)\2)?"
    rf"(?:{_S}+standalone{_S}*={_S}*(['\"])(?:yes|no)\4)?{_S}*\?>"
)
#: Byte-order marks and the first bytes of ``<?`` in encodings other than UTF-8 (XML 1.0 Appendix F).
_OTHER_ENCODINGS: Final = (
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\x00<", "UTF-32"),
    (b"<\x00\x00\x00", "UTF-32"),
    (b"\xfe\xff", "UTF-16"),
    (b"\xff\xfe", "UTF-16"),
    (b"\x00<\x00?", "UTF-16"),
    (b"<\x00?\x00", "UTF-16"),
)
_NUMBER: Final = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_URL: Final = re.compile(r"https?://\S+", re.IGNORECASE)
_DIGITS: Final = re.compile(r"[0-9]+")
_FINISH_KEYS: Final = frozenset("0123456789*#") | {""}
_SIGNALS: Final = ("busy", "reject")
_MAX_SECONDS: Final = 3600


def is_empty_reply(body: str | bytes) -> bool:
    """An empty or blank 200 from a controller means "carry on" [apifonica.md §5]."""
    if isinstance(body, bytes):
        try:
            body = body.decode("utf-8")
        except UnicodeDecodeError:
            return False
    return not body.lstrip("\ufeff").strip()


def parse_document(body: str | bytes) -> tuple[Command, ...]:
    root = _parse_tree(_decode(body))
    if root.tag != "response":
        raise XmlError(f"root element must be <response>, got <{root.tag}>")
    _check_attributes(root, ())
    _check_blank_text(root)
    return tuple(_parse_command(child) for child in root)


def _decode(body: str | bytes) -> str:
    if isinstance(body, str):
        return body
    for mark, encoding in _OTHER_ENCODINGS:
        if body.startswith(mark):
            raise XmlError(f"only UTF-8 is accepted; the document is {encoding}")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as err:
        raise XmlError(f"document is not valid UTF-8: {err}") from None


def _parse_tree(text: str) -> ET.Element:
    start = len(text) - len(text.lstrip("\ufeff" + _XML_SPACE))
    if not text.startswith("<?xml", start):
        raise XmlError(f"document must start with the declaration {_EXPECTED_DECLARATION}")
    declaration = _DECLARATION.match(text, start)
    if declaration is None:
        raise XmlError(f"malformed XML declaration; expected {_EXPECTED_DECLARATION}")
    encoding = declaration.group("encoding")
    if encoding is None:
        raise XmlError(f'the XML declaration must say encoding="UTF-8": {_EXPECTED_DECLARATION}')
    if encoding.upper() != "UTF-8":
        raise XmlError(f"only UTF-8 is accepted, got encoding {encoding!r}")
    # The declaration is checked above; blank it (and any BOM) but keep line breaks, so the
    # parser's line/column in error messages point into the body as it was sent.
    head = re.sub(r"[^\r\n]", " ", text[: declaration.end()])
    try:
        data = (head + text[declaration.end() :]).encode("utf-8")
    except UnicodeEncodeError:
        raise XmlError("document contains characters that are not valid UTF-8") from None
    try:
        root: ET.Element = SafeET.fromstring(
            data, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except DTDForbidden:
        raise XmlError("DTDs are not accepted (<!DOCTYPE>)") from None
    except (EntitiesForbidden, ExternalReferenceForbidden):
        raise XmlError("entity declarations and external references are not accepted") from None
    except ET.ParseError as err:
        raise XmlError(f"malformed XML: {err}") from None
    return root


def _parse_command(element: ET.Element) -> Command:
    parse = _COMMANDS.get(element.tag)
    if parse is None:
        raise XmlError(f"unknown command <{element.tag}>")
    return parse(element)


def _parse_play_audio(element: ET.Element) -> PlayAudio:
    _check_attributes(element, ("loops",))
    _check_no_children(element)
    url = (element.text or "").strip(_XML_SPACE)
    if not _URL.fullmatch(url):
        raise XmlError(f"<playAudio> must contain an http(s) URL, got {_show(url)}")
    return PlayAudio(url=url, loops=_integer(element, "loops", 1, 0, None))


def _parse_wait(element: ET.Element) -> Wait:
    # The wait page was not found [S9]; "time" is the mock's name, "seconds"/"length" aliases.
    names = ("time", "seconds", "length")
    _check_attributes(element, names)
    _check_no_children(element)
    _check_blank_text(element)
    given = [name for name in names if name in element.attrib]
    if len(given) > 1:
        raise XmlError(f"<wait> takes one of time/seconds/length, got {' and '.join(given)}")
    return Wait(seconds=_number(element, given[0], 1) if given else 1)


def _parse_get_input(element: ET.Element) -> GetInput:
    _check_attributes(
        element,
        (
            "controller",
            "method",
            "timeout",
            "timeoutGeneral",
            "minSymbols",
            "maxSymbols",
            "finishOnKey",
            "loops",
        ),
    )
    _check_blank_text(element)
    min_symbols = _integer(element, "minSymbols", 1, 1, 128)
    max_symbols = _integer(element, "maxSymbols", 30, 1, 128)
    if max_symbols < min_symbols:
        raise XmlError(f"<getInput maxSymbols> ({max_symbols}) must be >= minSymbols ({min_symbols})")
    finish_on_key = element.get("finishOnKey", "#")
    if finish_on_key not in _FINISH_KEYS:
        raise XmlError(f"<getInput finishOnKey> must be one of 0-9 * # or empty, got {_show(finish_on_key)}")
    for child in element:
        if child.tag != "playAudio":
            raise XmlError(f"<getInput> may contain only <playAudio>, got <{child.tag}>")
    return GetInput(
        controller=_url(element, "controller"),
        method=_method(element),
        timeout=_number(element, "timeout", 5),
        timeout_general=_number(element, "timeoutGeneral", 5),
        min_symbols=min_symbols,
        max_symbols=max_symbols,
        finish_on_key=finish_on_key,
        loops=_integer(element, "loops", 1, 1, 10),
        prompts=tuple(_parse_play_audio(child) for child in element),
    )


def _parse_make_call(element: ET.Element) -> MakeCall:
    _check_attributes(element, ("from", "controller", "method", "timeout", "whisper_a", "whisper_b"))
    _check_blank_text(element)
    targets = tuple(_parse_dial_target(child) for child in element)
    if not targets:
        raise XmlError("<makeCall> needs at least one <number> or <sip>")
    return MakeCall(
        targets=targets,
        from_=_phone_attribute(element, "from"),
        controller=_url(element, "controller"),
        method=_method(element),
        timeout=_integer(element, "timeout", 30, 1, 600),
        whisper_a=_url(element, "whisper_a"),
        whisper_b=_url(element, "whisper_b"),
    )


def _parse_dial_target(element: ET.Element) -> DialTarget:
    if element.tag not in ("number", "sip"):
        raise XmlError(f"<makeCall> may contain only <number> or <sip>, got <{element.tag}>")
    _check_attributes(element, ())
    _check_no_children(element)
    text = element.text or ""
    if element.tag == "number":
        return DialTarget("number", _phone(text, "<makeCall> <number>"))
    value = text.strip(_XML_SPACE)
    if not value:
        raise XmlError("<makeCall> <sip> must not be empty")
    return DialTarget("sip", value)


def _parse_end_call(element: ET.Element) -> EndCall:
    _check_attributes(element, ("signal",))
    _check_no_children(element)
    _check_blank_text(element)
    signal = element.get("signal")
    if signal is not None and signal not in _SIGNALS:
        raise XmlError(f"<endCall signal> must be busy or reject, got {_show(signal)}")
    return EndCall(signal=signal)


def _parse_send_message(element: ET.Element) -> SendMessage:
    _check_attributes(element, ("from", "to", "text", "controller_url", "controller_app", "method"))
    _check_no_children(element)
    body = (element.text or "").strip(_XML_SPACE)
    # [S14] lists `text` as a parameter; the mock also takes it as the element's content.
    text = element.get("text")
    if text is not None and body:
        raise XmlError("<sendMessage> takes its text as the text attribute or as content, not both")
    text = body if text is None else text
    if not text.strip():
        raise XmlError("<sendMessage> needs a non-empty text")
    controller_app = element.get("controller_app")
    if controller_app is not None and not controller_app.strip():
        raise XmlError("<sendMessage controller_app> must not be empty")
    controller_url = _url(element, "controller_url")
    if controller_url is not None and controller_app is not None:
        raise XmlError("<sendMessage> takes controller_url or controller_app, not both")
    return SendMessage(
        text=text,
        from_=_phone_attribute(element, "from"),
        to=_phone_attribute(element, "to"),
        controller_url=controller_url,
        controller_app=controller_app,
        method=_method(element),
    )


_COMMANDS: Final[Mapping[str, Callable[[ET.Element], Command]]] = {
    "playAudio": _parse_play_audio,
    "wait": _parse_wait,
    "getInput": _parse_get_input,
    "makeCall": _parse_make_call,
    "endCall": _parse_end_call,
    "sendMessage": _parse_send_message,
}


def _check_attributes(element: ET.Element, allowed: tuple[str, ...]) -> None:
    for name in element.attrib:
        if name not in allowed:
            raise XmlError(f"unknown attribute {name!r} on <{element.tag}>")


def _check_no_children(element: ET.Element) -> None:
    for child in element:
        raise XmlError(f"<{element.tag}> must not contain elements, got <{child.tag}>")


def _check_blank_text(element: ET.Element) -> None:
    """Only whitespace may sit between (or inside, for empty commands) elements."""
    for text in (element.text, *(child.tail for child in element)):
        if text and text.strip(_XML_SPACE):
            raise XmlError(f"unexpected text {_show(text.strip())} in <{element.tag}>")


def _integer(element: ET.Element, name: str, default: int, low: int, high: int | None) -> int:
    raw = element.get(name)
    if raw is None:
        return default
    value = raw.strip(_XML_SPACE)
    try:
        number = int(value) if _DIGITS.fullmatch(value) else None
    except ValueError:  # more digits than int() will convert
        number = None
    if number is None or number < low or (high is not None and number > high):
        bounds = f">= {low}" if high is None else f"{low}-{high}"
        raise XmlError(f"<{element.tag} {name}> must be an integer {bounds}, got {_show(raw)}")
    return number


def _number(element: ET.Element, name: str, default: float) -> float:
    raw = element.get(name)
    if raw is None:
        return default
    value = raw.strip(_XML_SPACE)
    number = float(value) if _NUMBER.fullmatch(value) else None
    if number is None or number > _MAX_SECONDS:
        raise XmlError(f"<{element.tag} {name}> must be a number 0-{_MAX_SECONDS}, got {_show(raw)}")
    return number


def _method(element: ET.Element) -> str:
    raw = element.get("method", "POST")
    method = raw.strip(_XML_SPACE).upper()
    if method not in ("GET", "POST"):
        raise XmlError(f"<{element.tag} method> must be GET or POST, got {_show(raw)}")
    return method


def _url(element: ET.Element, name: str) -> str | None:
    raw = element.get(name)
    if raw is None:
        return None
    url = raw.strip(_XML_SPACE)
    if not _URL.fullmatch(url):
        raise XmlError(f"<{element.tag} {name}> must be an http(s) URL, got {_show(raw)}")
    return url


def _phone_attribute(element: ET.Element, name: str) -> str | None:
    raw = element.get(name)
    return None if raw is None else _phone(raw, f"<{element.tag} {name}>")


def _phone(raw: str, where: str) -> str:
    digits = re.sub(r"[ \t\r\n]", "", raw).removeprefix("+")
    if not _DIGITS.fullmatch(digits):
        raise XmlError(f"{where} must be a phone number (digits, optional +), got {_show(raw)}")
    return digits


def _show(value: str) -> str:
    return repr(value if len(value) <= 40 else value[:40] + "...")
