"""Checking positional params and the objects inside them against the seed's object definitions.

Arity and JSON types of the positional params are JSON-RPC's business (-32602 Invalid params); what is
wrong inside an object is CALLR's (150 missing property, 151 invalid property value), naming the
property by its path (``options.A_attempts``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from mockserver.core.values import frozen
from mockserver.providers.callr.errors import Code, RpcError, invalid, invalid_params, missing


class Kind(StrEnum):
    STRING = "string"
    INT = "int"
    BOOL = "bool"
    OBJECT = "object"
    ARRAY = "array"
    MEDIA = "media"  # a media id (int) or a "TTS|voice|text" string
    ANY = "any"


def is_kind(value: Any, kind: Kind) -> bool:
    match kind:
        case Kind.STRING:
            return isinstance(value, str)
        case Kind.INT:
            return isinstance(value, int) and not isinstance(value, bool)
        case Kind.BOOL:
            return isinstance(value, bool)
        case Kind.OBJECT:
            return isinstance(value, dict)
        case Kind.ARRAY:
            return isinstance(value, list)
        case Kind.MEDIA:
            return is_kind(value, Kind.INT) or isinstance(value, str)
        case Kind.ANY:
            return True


# -- positional params ---------------------------------------------------------------------------
@frozen
class Arg:
    name: str
    kind: Kind
    nullable: bool = False
    optional: bool = False  # may be left out (only at the end)


def check_args(method: str, spec: Sequence[Arg], params: list[Any]) -> list[Any]:
    """The params padded with None for omitted optional ones; -32602 on wrong arity or type."""
    required = sum(1 for arg in spec if not arg.optional)
    if not required <= len(params) <= len(spec):
        names = ", ".join(a.name for a in spec) or "none"
        expected = str(len(spec)) if required == len(spec) else f"{required} to {len(spec)}"
        raise invalid_params(f"{method} takes {expected} params ({names}), got {len(params)}")
    for position, (arg, value) in enumerate(zip(spec, params, strict=False), start=1):
        if value is None and arg.nullable:
            continue
        if not is_kind(value, arg.kind):
            null = " or null" if arg.nullable else ""
            raise invalid_params(
                f"{method}: param {position} ({arg.name}) must be {arg.kind}{null}", arg.name
            )
    return [*params, *[None] * (len(spec) - len(params))]


# -- objects -------------------------------------------------------------------------------------
@frozen
class Field:
    kind: Kind
    required: bool = False
    low: int | None = None
    high: int | None = None
    choices: tuple[str, ...] = ()
    pattern: str | None = None
    format: str = ""  # what ``pattern`` means, for the error message
    schema: Mapping[str, Field] | None = None  # for objects
    items: Field | None = None  # for arrays


Schema = Mapping[str, "Field"]


def check_object(value: Any, schema: Schema, path: str) -> dict[str, Any]:
    """``value`` checked against ``schema``: unknown, missing and invalid properties are refused."""
    if not isinstance(value, dict):
        raise invalid(path, f"{path} must be an object")
    for key in value:
        if key not in schema:
            raise invalid(join(path, key), f"{join(path, key)} is not a property of {path}")
    checked: dict[str, Any] = {}
    for key, spec in schema.items():
        item = value.get(key)
        if item is None:
            if spec.required:
                raise missing(join(path, key))
            if key in value:
                checked[key] = None
            continue
        checked[key] = check_value(item, spec, join(path, key))
    return checked


def check_value(value: Any, spec: Field, path: str) -> Any:
    if not is_kind(value, spec.kind):
        raise invalid(path, f"{path} must be {spec.kind}")
    if spec.kind is Kind.OBJECT and spec.schema is not None:
        return check_object(value, spec.schema, path)
    if spec.kind is Kind.ARRAY and spec.items is not None:
        return [check_value(item, spec.items, f"{path}[{i}]") for i, item in enumerate(value)]
    if is_kind(value, Kind.INT) and not within(value, spec.low, spec.high):
        raise invalid(path, f"{path} must be between {spec.low} and {spec.high}")
    if isinstance(value, str):
        if spec.choices and value not in spec.choices:
            raise invalid(path, f"{path} must be one of {', '.join(spec.choices)}")
        if spec.pattern is not None and not re.fullmatch(spec.pattern, value):
            raise invalid(path, f"{path} must be {spec.format or 'well formed'}")
    return value


def within(value: int, low: int | None, high: int | None) -> bool:
    return (low is None or value >= low) and (high is None or value <= high)


def join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


# -- formats (seed "Format:" lines) ---------------------------------------------------------------
E164 = r"\+[1-9][0-9]{6,14}"
PHONE = Field(Kind.STRING, pattern=E164, format='E.164 ("+CCNSN")')
CLI = Field(Kind.STRING, pattern=rf"BLOCKED|{E164}", format='E.164 ("+CCNSN") or "BLOCKED"')
CDR_FIELD = Field(Kind.STRING, pattern=r"[0-9A-Za-z]{0,32}", format="32 alphanumeric characters maximum")
URL = Field(Kind.STRING, required=True, pattern=r"https?://[^\s/?#]+[^\s]*", format="an HTTP(S) URL")
HASH = Field(Kind.STRING, pattern=r"[0-9A-Z]{8}", format="a hash (8 characters 0-9A-Z)")
DATETIME_PATTERN = r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}"
DATETIME = Field(Kind.STRING, pattern=DATETIME_PATTERN, format="YYYY-MM-DD HH:MM:SS")
MEDIA = Field(Kind.MEDIA)
FLAG = Field(Kind.BOOL)
TEXT = Field(Kind.STRING)
FEEDS = Field(Kind.STRING, choices=("all", "both", "leg_a", "leg_b"))

TARGET: Schema = {
    "number": Field(Kind.STRING, required=True, pattern=E164, format='E.164 ("+CCNSN")'),
    "timeout": Field(Kind.INT, low=5, high=300),
}
VMS: Schema = {
    "active": FLAG,
    "email_template": HASH,
    "emails": Field(Kind.ARRAY, items=TEXT),
    "file_format": Field(Kind.STRING, choices=("mp3", "sln", "wav")),
    "file_name": TEXT,
    "intro": Field(Kind.INT, low=0),
    "locale": TEXT,
    "ner": FLAG,
    "pii": FLAG,
    "record": FLAG,
    "sentiment": FLAG,
    "timeout": Field(Kind.INT, low=30, high=300),
    "timezone": TEXT,
    "transcription": FLAG,
}
VMS_DETECT: Schema = {
    "active": FLAG,
    "dtmf_iterations": Field(Kind.INT, low=0),
    "dtmf_media": Field(Kind.INT, low=0),
    "dtmf_timeout": Field(Kind.INT, low=0),
    "method": Field(Kind.STRING, choices=("DTMF", "SILENCE")),
    "silence_iterations": Field(Kind.INT, low=1, high=30),
    "silence_media": Field(Kind.INT, low=0),
    "silence_ms": Field(Kind.INT, low=50, high=10000),
    "silence_timeout": Field(Kind.INT, low=0, high=120),
}
TRANSCRIPTION: Schema = {
    "feeds": FEEDS,
    "locale": TEXT,
    "ner": FLAG,
    "pii": FLAG,
    "record_calls": FLAG,
    "sentiment": FLAG,
    "transcription": FLAG,
}

REALTIME10: Schema = {
    "data_format": Field(Kind.STRING, choices=("JSON",)),
    "login": TEXT,
    "password": TEXT,
    "url": URL,
}
CLICKTOCALL10: Schema = {
    "medias": Field(
        Kind.OBJECT,
        schema={key: MEDIA for key in ("A_ringtone", "A_welcome", "AB_bridge", "B_whisper")},
    ),
    "options": Field(
        Kind.OBJECT,
        schema={
            "A_attempts": Field(Kind.INT, low=1, high=5),
            "A_retrypause": Field(Kind.INT, low=30, high=300),
            "A_vms_detect": Field(Kind.OBJECT, schema=VMS_DETECT),
            "B_vms_detect": Field(Kind.OBJECT, schema=VMS_DETECT),
            **TRANSCRIPTION,
        },
    ),
    "vms": Field(Kind.OBJECT, schema=VMS),
}
CALLTRACKING10: Schema = {
    "ga": Field(Kind.OBJECT, schema={"ua": TEXT}),
    "medias": Field(Kind.OBJECT, schema={key: MEDIA for key in ("bridge", "ringtone", "welcome", "whisper")}),
    "options": Field(Kind.OBJECT, schema=TRANSCRIPTION),
    "targets": Field(Kind.ARRAY, items=Field(Kind.OBJECT, schema=TARGET)),
    "vms": Field(Kind.OBJECT, schema=VMS),
}
ACTIONS10: Schema = {
    "format": Field(Kind.STRING, choices=("YAML",)),
    "script": Field(Kind.STRING, required=True),
}

REALTIME_CALL_OPTIONS: Schema = {"cdr_field": CDR_FIELD, "cli": CLI}
CLICKTOCALL_START_OPTIONS: Schema = {"cdr_field": CDR_FIELD, "cli": CLI, "schedule": DATETIME}
BROADCAST_OPTIONS: Schema = {
    "cdr_field": CDR_FIELD,
    "cli": CLI,
    "direct_to_voicemail": FLAG,
    "loop": Field(Kind.INT, low=1, high=10),
}
TTS_OPTIONS: Schema = {"rate": Field(Kind.INT, low=1, high=100)}
#: Text-to-Speech voices (seed "Media.Library.voice").
TTS_VOICES = (
    "TTS_DE-DE_ANNA",
    "TTS_DE-DE_YANNICK",
    "TTS_EN-GB_DANIEL",
    "TTS_EN-GB_SERENA",
    "TTS_FR-FR_AUDREY",
    "TTS_FR-FR_SEBASTIEN",
    "TTS_FR-FR_THOMAS",
    "TTS_FR-FR_VIRGINIE",
    "TTS_IT-IT_PAOLO",
    "TTS_IT-IT_SILVIA",
    "TTS_NL-BE_ELLEN",
    "TTS_NL-NL_CLAIRE",
    "TTS_NL-NL_XANDER",
)
WEBHOOK_OPTIONS: Schema = {
    "format": Field(Kind.STRING, choices=("JSON",)),
    "hmac_algo": Field(Kind.STRING, choices=("MD5", "SHA1", "SHA256", "SHA512")),
    "hmac_secret": Field(Kind.STRING, pattern=r"(?s).{8,1024}", format="8 to 1024 characters"),
}
SMS_OPTIONS: Schema = {
    "flash_message": FLAG,
    "force_encoding": Field(Kind.STRING, choices=("GSM", "UNICODE")),
    "nature": Field(Kind.STRING, choices=("ALERTING", "MARKETING")),
    "user_data": CDR_FIELD,
    "webhook": Field(
        Kind.OBJECT,
        schema={"endpoint": URL, "options": Field(Kind.OBJECT, schema=WEBHOOK_OPTIONS)},
    ),
}
SEARCH_OPTIONS: Schema = {
    "offset": Field(Kind.INT, low=0),
    "order": TEXT,
    "quantity": Field(Kind.INT, low=1, high=1000),
}
APP_SEARCH_FILTERS: Schema = {"name": TEXT}
DID_TYPES = (
    "GEOGRAPHIC",
    "MOBILE",
    "NON-GEOGRAPHIC",
    "PERSONAL",
    "PLATFORM",
    "SHAREDREVENUE",
    "SMS-ONLY",
    "SPECIAL",
    "TOLLFREE",
    "VERIFIED",
)
DID_SEARCH_FILTERS: Schema = {
    "class": Field(Kind.STRING, choices=("CLASSIC", "GOLD")),
    "hash": HASH,
    "KEYWORDS": TEXT,
    "type": Field(Kind.STRING, choices=DID_TYPES),
}
RECORDING_SEARCH_FILTERS: Schema = {
    "callid": Field(Kind.INT, low=0),
    "cli_number": PHONE,
    "date_from": DATETIME,
    "date_to": DATETIME,
    "duration_min": Field(Kind.INT, low=0),
    "hash": HASH,
    "read": FLAG,
    "read_at_from": DATETIME,
    "read_at_to": DATETIME,
    "status": Field(Kind.STRING, choices=("ERROR", "PENDING", "PROCESSING", "READY", "RECORDING")),
    "type": Field(Kind.STRING, choices=("CALL", "CONFERENCE", "RECORDING", "VOICEMAIL")),
}


def target(value: Any, path: str = "target") -> dict[str, Any]:
    """A Target, with the mock's default ring ``timeout`` of 30 s when it gives none."""
    checked = check_object(value, TARGET, path)
    return {"number": checked["number"], "timeout": checked.get("timeout") or 30}


def options(value: Any, schema: Schema, path: str = "options") -> dict[str, Any]:
    """An optional options object (null = none). A property of a method's options set to null is
    refused: production answers ``PROPERTY_VALUE_ERROR [options.cdr_field]`` to a null ``cdr_field``
    (sdk-dotnet DialrServiceTest); leave a property out instead."""
    if value is None:
        return {}
    if path == "options" and isinstance(value, dict):
        for key, item in value.items():
            if item is None and key in schema:
                raise invalid(join(path, key), f"{join(path, key)} must not be null (leave it out)")
    return check_object(value, schema, path)


def datetime_value(value: str, path: str) -> datetime:
    """A ``datetime`` (``YYYY-MM-DD HH:MM:SS``, UTC)."""
    try:
        return datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        raise invalid(path, f"{path} must be YYYY-MM-DD HH:MM:SS (UTC)") from None


def period(start: str, end: str) -> tuple[datetime, datetime]:
    """The ``from``/``to`` params of a listing; ``to`` before ``from`` is ``TO_BEFORE_FROM`` (what
    production answers to sdk-dotnet's CdrServiceTest)."""
    bounds = datetime_value(start, "from"), datetime_value(end, "to")
    if bounds[1] < bounds[0]:
        raise RpcError(Code.TO_BEFORE_FROM, f"to ({end}) is before from ({start})", property="to")
    return bounds


def media(value: Any, path: str, known: Any) -> int | str:
    """A media: a library id (``known(id)`` says whether the account has it) or ``TTS|VOICE|text``."""
    if is_kind(value, Kind.INT):
        if not known(value):
            raise invalid(path, f"{path}: no media {value} in the library")
        media_id: int = value
        return media_id
    if not isinstance(value, str):
        raise invalid(path, f"{path} must be a media id or TTS|voice|text")
    kind, _, rest = value.partition("|")
    voice, sep, text = rest.partition("|")
    if kind != "TTS" or not sep:
        raise invalid(path, f"{path} must be a media id or TTS|voice|text")
    if voice not in TTS_VOICES:
        raise invalid(path, f"{path}: unknown voice {voice!r}")
    if not text.strip():
        raise invalid(path, f"{path}: the TTS text is empty")
    return value
