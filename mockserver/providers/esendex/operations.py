"""The ASMX operations the mock serves: parameter names, their order and XSD types, and what each returns.

Names, order and types are those of the service's own WSDL (a public copy of
``ws.cdyne.com/NotifyWS/PhoneNotify.asmx?WSDL``: GitHub sesameabowhill/util,
``cdyne-ws-client/src/main/resources/wsdl/PhoneNotify.wsdl``). Positional SOAP clients (zeep, WCF, PHP
SoapClient) bind arguments by this order, so it is the contract. The two methods added later
(``NotifyMultiplePhoneBasicWithCPMandReferenceID``, ``CancelNotifyByReferenceID``) and the
``ReferenceID`` field follow esendex.us/docs/voice-broadcast and the WCF-generated calls of a public
ASP.NET wrapper. One table feeds the three bindings (SOAP, HTTP GET, HTTP POST form) and the WSDL.
"""

from __future__ import annotations

from mockserver.core.values import frozen

NS = "http://ws.cdyne.com/NotifyWS/"

#: AdvancedNotifyRequest's fields in schema order [WSDL]; ReferenceID last [E-anr].
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

#: NotifyReturn in schema order [WSDL]. Every Notify* and GetQueueIDStatus* method returns it;
#: ``TextToSay`` and ``VariableArray`` are filled by GetQueueIDStatusWithAdvancedInfo only.
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
    ("Country", "string"),
    ("CallComplete", "boolean"),
    ("TextToSay", "string"),
    ("VariableArray", "ArrayOfVariable"),
)

PRIMITIVES = frozenset(
    {"string", "int", "short", "long", "boolean", "dateTime", "unsignedByte", "base64Binary", "double"}
)


@frozen
class Operation:
    name: str
    params: tuple[tuple[str, str], ...]
    returns: str  # an XSD primitive or a complex type name of render.py

    @property
    def soap_only(self) -> bool:
        """ASMX serves only primitive parameters over HTTP GET/POST; complex ones need SOAP."""
        return any(kind not in PRIMITIVES for _, kind in self.params)


def _op(name: str, params: str, returns: str) -> Operation:
    pairs = tuple(tuple(p.split(":")) for p in params.split()) if params else ()
    return Operation(name, pairs, returns)  # type: ignore[arg-type]


# VoiceID is an s:string and CallerIDname has a lower-case n in every Basic method [WSDL].
_CALLER = "CallerID:string CallerIDname:string VoiceID:string"
_KEY = "LicenseKey:string"

OPERATIONS: dict[str, Operation] = {
    op.name: op
    for op in (
        _op(
            "NotifyPhoneBasic", f"PhoneNumberToDial:string TextToSay:string {_CALLER} {_KEY}", "NotifyReturn"
        ),
        _op(
            "NotifyPhoneBasicWithTryCount",
            f"TryCount:short PhoneNumberToDial:string TextToSay:string {_CALLER} {_KEY}",
            "NotifyReturn",
        ),
        _op(
            "NotifyPhoneBasicWithTransfer",
            f"PhoneNumberToDial:string TransferNumber:string TextToSay:string {_CALLER} {_KEY}",
            "NotifyReturn",
        ),
        _op("NotifyPhoneEnglishBasic", f"PhoneNumberToDial:string TextToSay:string {_KEY}", "NotifyReturn"),
        _op(
            "NotifyMultiplePhoneBasic",
            f"PhoneNumbersToDial:string TextToSay:string {_CALLER} {_KEY}",
            "ArrayOfNotifyReturn",
        ),
        _op(
            "NotifyMultiplePhoneBasicWithCPM",
            f"PhoneNumbersToDial:string TextToSay:string {_CALLER} CallsPerMinute:int {_KEY}",
            "ArrayOfNotifyReturn",
        ),
        _op(
            "NotifyMultiplePhoneBasicWithCPMandReferenceID",
            f"PhoneNumbersToDial:string TextToSay:string {_CALLER} CallsPerMinute:int ReferenceID:string "
            + _KEY,
            "ArrayOfNotifyReturn",
        ),
        _op("NotifyPhoneAdvanced", "anr:AdvancedNotifyRequest", "NotifyReturn"),
        _op("NotifyMultiplePhoneAdvanced", "MultipleANR:ArrayOfAdvancedNotifyRequest", "ArrayOfNotifyReturn"),
        # No LicenseKey: the status of a QueueID is read by its QueueID alone [WSDL].
        _op("GetQueueIDStatus", "QueueID:long", "NotifyReturn"),
        _op("GetQueueIDStatusWithAdvancedInfo", f"QueueID:long {_KEY}", "NotifyReturn"),
        _op("GetMultipleQueueIdStatus", f"QueueIDs:string {_KEY}", "ArrayOfNotifyReturn"),
        _op("GetQueueIDStatusesByPhoneNumber", f"PhoneNumber:string {_KEY}", "ArrayOfNotifyReturn"),
        _op("CancelNotify", f"QueueID:long {_KEY}", "boolean"),
        _op("CancelNotifyByReferenceID", f"ReferenceID:string {_KEY}", "int"),
        _op("GetResponseCodes", "", "ArrayOfResponse"),
        _op("getVoices", "", "ArrayOfVoice"),
        _op("GetVersion", "", "string"),
        _op("UploadSoundFile", f"FileBinary:base64Binary SoundFileID:string {_KEY}", "UploadFileResponse"),
        _op("ReturnSoundFileIDs", _KEY, "ArrayOfString"),
        _op("RemoveSoundFile", f"SoundFileID:string {_KEY}", "boolean"),
        _op("RenameSoundFile", f"SoundFileID:string NewSoundFileID:string {_KEY}", "boolean"),
        _op("GetSoundFileLength", f"SoundFileID:string {_KEY}", "double"),
        _op("GetSoundFileInUlaw", f"SoundFileID:string {_KEY}", "base64Binary"),
        _op(
            "GetTTSInULAW",
            f"TextToSay:string VoiceID:int TTSrate:unsignedByte TTSvolume:unsignedByte {_KEY}",
            "base64Binary",
        ),
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
