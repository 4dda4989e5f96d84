"""The ASMX operations the mock serves: parameter names and XSD types, and what each returns.

One table feeds the three bindings (SOAP, HTTP GET, HTTP POST form) and the WSDL, so a parameter is
spelled in exactly one place [esendex.md §3.1, §3.2].
"""

from __future__ import annotations

from dataclasses import dataclass

NS = "http://ws.cdyne.com/NotifyWS/"

#: AdvancedNotifyRequest's fields in schema order [E-anr].
ADVANCED_FIELDS: tuple[tuple[str, str], ...] = (
    ("PhoneNumberToDial", "string"),
    ("TransferNumber", "string"),
    ("VoiceID", "int"),
    ("CallerIDNumber", "string"),
    ("CallerIDName", "string"),
    ("TextToSay", "string"),
    ("LicenseKey", "string"),
    ("TryCount", "int"),
    ("NextTryInSeconds", "int"),
    ("UTCScheduledDateTime", "dateTime"),
    ("TTSrate", "unsignedByte"),
    ("TTSvolume", "unsignedByte"),
    ("MaxCallLength", "int"),
    ("StatusChangePostUrl", "string"),
    ("ReferenceID", "string"),
)

#: Complex types of results, in schema order: (element, XSD type).
NOTIFY_RETURN_FIELDS: tuple[tuple[str, str], ...] = (
    ("ResponseCode", "int"),
    ("ResponseText", "string"),
    ("CallAnswered", "boolean"),
    ("QueueID", "long"),
    ("TryCount", "int"),
    ("Demo", "boolean"),
    ("DigitsPressed", "string"),
    ("MachineDetection", "string"),
    ("Duration", "int"),
    ("StartTime", "dateTime"),
    ("EndTime", "dateTime"),
    ("MinuteRate", "decimal"),
    ("CallComplete", "boolean"),
)

PRIMITIVES = frozenset({"string", "int", "long", "boolean", "dateTime", "unsignedByte", "base64Binary"})


@dataclass(frozen=True)
class Operation:
    name: str
    params: tuple[tuple[str, str], ...]
    returns: str  # an XSD primitive or a complex type name of render.py
    aliases: tuple[tuple[str, str], ...] = ()  # other spellings seen in clients: alias → param

    @property
    def soap_only(self) -> bool:
        """ASMX serves only primitive parameters over HTTP GET/POST; complex ones need SOAP."""
        return any(kind not in PRIMITIVES for _, kind in self.params)


def _op(name: str, params: str, returns: str, *aliases: tuple[str, str]) -> Operation:
    pairs = tuple(tuple(p.split(":")) for p in params.split()) if params else ()
    return Operation(name, pairs, returns, aliases)  # type: ignore[arg-type]


_BASIC = "PhoneNumberToDial:string TextToSay:string CallerID:string CallerIDname:string VoiceID:int"
_MULTI = "PhoneNumbersToDial:string TextToSay:string CallerID:string CallerIDName:string VoiceID:int"
_KEY = "LicenseKey:string"

OPERATIONS: dict[str, Operation] = {
    op.name: op
    for op in (
        _op("NotifyPhoneBasic", f"{_BASIC} {_KEY}", "NotifyReturn"),
        _op("NotifyPhoneBasicWithTryCount", f"{_BASIC} TryCount:int {_KEY}", "NotifyReturn"),
        _op(
            "NotifyPhoneBasicWithTransfer",
            f"{_BASIC} TransferNumber:string {_KEY}",
            "NotifyReturn",
            ("TransferNumberToOnDigit", "TransferNumber"),
        ),
        _op("NotifyPhoneEnglishBasic", f"PhoneNumberToDial:string TextToSay:string {_KEY}", "NotifyReturn"),
        _op("NotifyMultiplePhoneBasic", f"{_MULTI} {_KEY}", "ArrayOfNotifyReturn"),
        _op("NotifyMultiplePhoneBasicWithCPM", f"{_MULTI} CallsPerMinute:int {_KEY}", "ArrayOfNotifyReturn"),
        _op(
            "NotifyMultiplePhoneBasicWithCPMandReferenceID",
            f"{_MULTI} CallsPerMinute:int ReferenceID:string {_KEY}",
            "ArrayOfNotifyReturn",
        ),
        _op("NotifyPhoneAdvanced", "anr:AdvancedNotifyRequest", "NotifyReturn"),
        _op("NotifyMultiplePhoneAdvanced", "anr:ArrayOfAdvancedNotifyRequest", "ArrayOfNotifyReturn"),
        _op("GetQueueIDStatus", f"QueueID:long {_KEY}", "NotifyReturn"),
        _op("GetQueueIDStatusWithAdvancedInfo", f"QueueID:long {_KEY}", "AdvancedNotifyReturn"),
        _op("GetMultipleQueueIdStatus", f"QueueIDs:string {_KEY}", "ArrayOfNotifyReturn"),
        _op("GetQueueIDStatusesByPhoneNumber", f"PhoneNumber:string {_KEY}", "ArrayOfNotifyReturn"),
        _op("CancelNotify", f"QueueID:long {_KEY}", "boolean"),
        _op("CancelNotifyByReferenceID", f"ReferenceID:string {_KEY}", "int"),
        _op("GetResponseCodes", "", "ArrayOfResponse"),
        _op("getVoices", "", "ArrayOfVoice"),
        _op("GetVersion", "", "string"),
        _op(
            "UploadSoundFile",
            f"FileBinary:base64Binary SoundFileID:string {_KEY}",
            "SoundFileUploadResponse",
        ),
        _op("ReturnSoundFileIDs", _KEY, "ArrayOfString"),
        _op("RemoveSoundFile", f"SoundFileID:string {_KEY}", "boolean"),
    )
}

#: Not part of Esendex: the mock's own way to hang up a call in progress (the real API has none).
MOCK_HANGUP = _op("MockHangUp", f"QueueID:long {_KEY}", "boolean")

_BY_LOWER = {name.lower(): op for name, op in OPERATIONS.items()}


def find_operation(name: str) -> Operation | None:
    """ASP.NET matches method names without regard to case."""
    if name.lower() == MOCK_HANGUP.name.lower():
        return MOCK_HANGUP
    return _BY_LOWER.get(name.lower())
