"""The service as its real clients call it: positional SOAP (zeep over SOAP 1.1 and 1.2), raw HTTP GET and
POST, and hand-written envelopes, each written the way public clients of Phone Notify call it.

The signatures below are copied from the service's own WSDL (a public copy of
``ws.cdyne.com/NotifyWS/PhoneNotify.asmx?WSDL`` in GitHub sesameabowhill/util,
``cdyne-ws-client/src/main/resources/wsdl/PhoneNotify.wsdl``), plus the two methods and the field added
since (esendex.us/docs/voice-broadcast). They are written out here, not read from the mock, so the test
pins the real order: a positional client binds its arguments by it.
"""

from __future__ import annotations

import base64
import io
import re
import struct
import wave
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import zeep

from mockserver.testing.receiver import CallbackReceiver
from tests.providers.esendex.conftest import (
    ANSWERED_TO,
    CALLER_ID,
    NS,
    SERVICE,
    PhoneNotify,
    at,
    fields,
    parse,
    soap11,
    soap12,
)

BUSY = "5550000001"
REAL_SIGNATURES: dict[str, list[str]] = {
    "NotifyPhoneBasic": [
        "PhoneNumberToDial", "TextToSay", "CallerID", "CallerIDname", "VoiceID", "LicenseKey",
    ],
    "NotifyPhoneBasicWithTryCount": [
        "TryCount", "PhoneNumberToDial", "TextToSay", "CallerID", "CallerIDname", "VoiceID", "LicenseKey",
    ],
    "NotifyPhoneBasicWithTransfer": [
        "PhoneNumberToDial", "TransferNumber", "TextToSay", "CallerID", "CallerIDname", "VoiceID",
        "LicenseKey",
    ],
    "NotifyPhoneEnglishBasic": ["PhoneNumberToDial", "TextToSay", "LicenseKey"],
    "NotifyMultiplePhoneBasic": [
        "PhoneNumbersToDial", "TextToSay", "CallerID", "CallerIDname", "VoiceID", "LicenseKey",
    ],
    "NotifyMultiplePhoneBasicWithCPM": [
        "PhoneNumbersToDial", "TextToSay", "CallerID", "CallerIDname", "VoiceID", "CallsPerMinute",
        "LicenseKey",
    ],
    "NotifyMultiplePhoneBasicWithCPMandReferenceID": [
        "PhoneNumbersToDial", "TextToSay", "CallerID", "CallerIDname", "VoiceID", "CallsPerMinute",
        "ReferenceID", "LicenseKey",
    ],
    "NotifyPhoneAdvanced": ["anr"],
    "NotifyMultiplePhoneAdvanced": ["MultipleANR"],
    "GetQueueIDStatus": ["QueueID"],
    "GetQueueIDStatusWithAdvancedInfo": ["QueueID", "LicenseKey"],
    "GetMultipleQueueIdStatus": ["QueueIDs", "LicenseKey"],
    "GetQueueIDStatusesByPhoneNumber": ["PhoneNumber", "LicenseKey"],
    "CancelNotify": ["QueueID", "LicenseKey"],
    "CancelNotifyByReferenceID": ["ReferenceID", "LicenseKey"],
    "GetResponseCodes": [],
    "getVoices": [],
    "GetVersion": [],
    "UploadSoundFile": ["FileBinary", "SoundFileID", "LicenseKey"],
    "ReturnSoundFileIDs": ["LicenseKey"],
    "RemoveSoundFile": ["SoundFileID", "LicenseKey"],
    "RenameSoundFile": ["SoundFileID", "NewSoundFileID", "LicenseKey"],
    "GetSoundFileLength": ["SoundFileID", "LicenseKey"],
    "GetSoundFileInUlaw": ["SoundFileID", "LicenseKey"],
    "GetTTSInULAW": ["TextToSay", "VoiceID", "TTSrate", "TTSvolume", "LicenseKey"],
}  # fmt: skip
REAL_TYPES = {  # the parameters whose type a client's proxy depends on [WSDL]
    ("NotifyPhoneBasic", "VoiceID"): "string",
    ("NotifyPhoneBasicWithTryCount", "TryCount"): "short",
    ("NotifyPhoneBasicWithTryCount", "VoiceID"): "string",
    ("NotifyPhoneBasicWithTransfer", "VoiceID"): "string",
    ("NotifyMultiplePhoneBasic", "VoiceID"): "string",
    ("GetQueueIDStatus", "QueueID"): "long",
    ("GetTTSInULAW", "VoiceID"): "int",
    ("GetTTSInULAW", "TTSrate"): "unsignedByte",
}
NOTIFY_RETURN = [
    "ResponseCode", "ResponseText", "CallAnswered", "QueueID", "TryCount", "Demo", "DigitsPressed",
    "MachineDetection", "Duration", "StartTime", "EndTime", "MinuteRate", "Country", "CallComplete",
    "TextToSay", "VariableArray",
]  # fmt: skip
PORTS = ["PhoneNotifySoap", "PhoneNotifySoap12"]


@pytest.fixture(scope="module")
def client(mock_server: Any) -> Iterator[zeep.Client]:
    soap = zeep.Client(f"{mock_server.base_url}{SERVICE}?WSDL")
    yield soap
    soap.transport.session.close()


def signature(client: zeep.Client, port: str, operation: str) -> list[tuple[str, str]]:
    binding = client.wsdl.services["PhoneNotify"].ports[port].binding
    body = binding._operations[operation].input.body.type
    return [(name, element.type.name) for name, element in body.elements]


@pytest.mark.parametrize("port", PORTS)
def test_the_wsdl_has_the_real_operations_in_the_real_order(client: zeep.Client, port: str) -> None:
    binding = client.wsdl.services["PhoneNotify"].ports[port].binding
    assert set(binding._operations) == set(REAL_SIGNATURES)
    for operation, names in REAL_SIGNATURES.items():
        assert [name for name, _ in signature(client, port, operation)] == names, operation
    for (operation, name), kind in REAL_TYPES.items():
        assert dict(signature(client, port, operation))[name] == kind, (operation, name)
    returned = client.get_type(f"{{{NS}}}NotifyReturn")
    assert [name for name, _ in returned.elements] == NOTIFY_RETURN


def wav_file(seconds: int) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(8000)
        writer.writeframes(b"\0\0" * 8000 * seconds)
    return buffer.getvalue()


def advanced(number: str, key: str, **extra: Any) -> dict[str, Any]:
    return {
        "PhoneNumberToDial": number, "TransferNumber": "", "VoiceID": 0, "CallerIDNumber": CALLER_ID,
        "CallerIDName": "Clinic", "TextToSay": "Hello", "LicenseKey": key, "TryCount": 1,
        "NextTryInSeconds": 60, "UTCScheduledDateTime": datetime(1, 1, 1), "TTSrate": 10, "TTSvolume": 100,
        "MaxCallLength": 0, "StatusChangePostUrl": "", "ReferenceID": "", **extra,
    }  # fmt: skip


@pytest.mark.parametrize("port", PORTS)
def test_every_operation_works_called_positionally(client: zeep.Client, control: Any, port: str) -> None:
    """Each operation with positional arguments, as WCF, PHP SoapClient and zeep users write them."""
    key = control.credentials("esendex")[0]["license_key"]
    pn = client.bind("PhoneNotify", port)
    driven = set()

    def call(operation: str, *args: Any) -> Any:
        driven.add(operation)
        return getattr(pn, operation)(*args)

    basic = call("NotifyPhoneBasic", ANSWERED_TO, "Hello", CALLER_ID, "Clinic", "", key)  # <VoiceID/>
    assert (basic.ResponseCode, basic.ResponseText) == (0, "Queued")
    tried = call("NotifyPhoneBasicWithTryCount", 2, BUSY, "Hello", CALLER_ID, "Clinic", "0", key)
    assert tried.ResponseCode == 0
    transfer = call(
        "NotifyPhoneBasicWithTransfer", ANSWERED_TO, "7575551000", "Press 0", CALLER_ID, "C", "1", key
    )
    assert transfer.ResponseCode == 0
    assert call("NotifyPhoneEnglishBasic", ANSWERED_TO, "Hi", key).ResponseCode == 0
    two = f"{ANSWERED_TO};2025550124"
    assert [
        r.ResponseCode for r in call("NotifyMultiplePhoneBasic", two, "Hi", CALLER_ID, "C", "0", key)
    ] == [0, 0]
    cpm = call("NotifyMultiplePhoneBasicWithCPM", two, "Hi", CALLER_ID, "C", "0", 60, key)
    assert [r.ResponseCode for r in cpm] == [0, 0]
    later = call(
        "NotifyMultiplePhoneBasicWithCPMandReferenceID", two, "Hi", CALLER_ID, "C", "0", 1, "ref1", key
    )
    assert [r.ResponseCode for r in later] == [0, 0]
    scheduled = call(
        "NotifyPhoneAdvanced",
        advanced(ANSWERED_TO, key, UTCScheduledDateTime=datetime(2026, 1, 2, tzinfo=UTC)),
    )
    assert scheduled.ResponseCode == 0
    many = call(
        "NotifyMultiplePhoneAdvanced",
        {"AdvancedNotifyRequest": [advanced(ANSWERED_TO, key), advanced("123", key)]},
    )
    assert [r.ResponseCode for r in many] == [0, 3]

    control.advance(30)
    status = call("GetQueueIDStatus", basic.QueueID)
    assert (status.QueueID, status.ResponseCode, status.CallComplete) == (basic.QueueID, 1, True)
    info = call("GetQueueIDStatusWithAdvancedInfo", basic.QueueID, key)
    assert (info.QueueID, info.TextToSay, info.CallAnswered) == (basic.QueueID, "Hello", True)
    both = call("GetMultipleQueueIdStatus", f"{basic.QueueID};{tried.QueueID}", key)
    assert [(r.QueueID, r.ResponseCode) for r in both] == [(basic.QueueID, 1), (tried.QueueID, 8)]
    assert call("GetQueueIDStatusesByPhoneNumber", BUSY, key)[0].QueueID == tried.QueueID
    assert call("CancelNotify", scheduled.QueueID, key) is True
    assert call("CancelNotifyByReferenceID", "ref1", key) == 1  # the second number waits its minute
    assert len(call("GetResponseCodes")) == 47
    assert call("getVoices")[0].VoiceName == "Diane"
    assert call("GetVersion")

    upload = call("UploadSoundFile", wav_file(3), "intro", key)
    assert (upload.UploadSuccessful, upload.UploadedLengthInSeconds) == (True, 3)
    assert call("ReturnSoundFileIDs", key) == ["intro"]
    assert ulaw_wav(call("GetSoundFileInUlaw", "intro", key))[1] == 3 * 8000
    assert ulaw_wav(call("GetTTSInULAW", "Your order has shipped today", 0, 10, 100, key))[1] == 5 * 3200
    assert call("RenameSoundFile", "intro", "welcome", key) is True
    assert call("GetSoundFileLength", "welcome", key) == 3.0
    assert call("RemoveSoundFile", "welcome", key) is True
    assert call("GetSoundFileInUlaw", "welcome", key) is None  # gone
    assert driven == set(REAL_SIGNATURES)


def ulaw_wav(data: bytes) -> tuple[bytes, int]:
    """A μ-law WAVE file's samples and their count; asserts the header is what players expect."""
    assert (data[:4], data[8:12]) == (b"RIFF", b"WAVE")
    assert struct.unpack("<I", data[4:8])[0] == len(data) - 8
    chunks, offset = {}, 12
    while offset < len(data):
        name, size = data[offset : offset + 4], struct.unpack("<I", data[offset + 4 : offset + 8])[0]
        chunks[name] = data[offset + 8 : offset + 8 + size]
        offset += 8 + size + size % 2
    tag, channels, rate, byte_rate, align, bits = struct.unpack("<HHIIHH", chunks[b"fmt "][:16])
    assert (tag, channels, rate, byte_rate, align, bits) == (7, 1, 8000, 8000, 1, 8)  # G.711 μ-law
    samples = chunks[b"data"]
    assert struct.unpack("<I", chunks[b"fact"])[0] == len(samples)
    return samples, len(samples)


def linear(byte: int) -> int:
    """G.711 μ-law decoding (the inverse of what a μ-law encoder writes)."""
    byte = ~byte & 0xFF
    magnitude = (((byte & 0x0F) << 3) + 0x84 << ((byte >> 4) & 7)) - 0x84
    return -magnitude if byte & 0x80 else magnitude


def test_tts_audio_is_audible_speech_sized_from_the_text(notify: PhoneNotify, http: httpx.Client) -> None:
    for rate, words in ((10, "one two three four five"), (20, "one two three four five")):
        reply = notify.post("GetTTSInULAW", TextToSay=words, VoiceID=0, TTSrate=rate, TTSvolume=100)
        root = parse(reply)
        assert root.tag == f"{{{NS}}}base64Binary"
        samples, count = ulaw_wav(base64.b64decode(root.text or ""))
        assert count == 5 * 3200 * 10 // rate  # 0.4 s a word at rate 10
        levels = [abs(linear(b)) for b in samples[:2400]]
        assert 2700 < max(levels) < 3300  # a tone at about -21 dBFS, not noise or silence
    unknown = notify.post("GetTTSInULAW", TextToSay="hi", VoiceID=99, TTSrate=10, TTSvolume=100)
    assert 'xsi:nil="true"' in unknown.text


# -- raw HTTP GET / POST, as the public Node and Python clients call it -------------------------------
def test_http_get_status_poll_with_the_queue_id_alone(
    notify: PhoneNotify, http: httpx.Client, control: Any
) -> None:
    """``GET …/GetQueueIDStatus?QueueID=Q`` with no LicenseKey, polled until CallComplete [G-js]."""
    url = (
        f"/NotifyWS/PhoneNotify.asmx/NotifyPhoneBasicWithTryCount?TryCount=1&PhoneNumberToDial={ANSWERED_TO}"
    )
    url += f"&TextToSay=Press+2&CallerID=15555551234&CallerIDname=SCADA&VoiceID=0&LicenseKey={notify.key}"
    queue_id = fields(parse(http.get(url)))["QueueID"]
    assert queue_id != "0"
    polled = http.get(f"/NotifyWS/PhoneNotify.asmx/GetQueueIDStatus?QueueID={queue_id}")
    assert (polled.status_code, fields(parse(polled))["CallComplete"]) == (200, "false")
    control.advance(60)
    done = fields(parse(http.get(f"/NotifyWS/PhoneNotify.asmx/GetQueueIDStatus?QueueID={queue_id}")))
    assert (done["QueueID"], done["ResponseCode"], done["CallComplete"]) == (queue_id, "1", "true")
    posted = fields(parse(http.post(f"{SERVICE}/GetQueueIDStatus", data={"QueueID": queue_id})))
    assert posted == done


def test_http_transfer_takes_transfer_number(notify: PhoneNotify, http: httpx.Client) -> None:
    params = {"PhoneNumberToDial": ANSWERED_TO, "TransferNumber": "7575551000", "TextToSay": "Press 0"}
    params |= {"CallerID": CALLER_ID, "CallerIDname": "Clinic", "VoiceID": "0", "LicenseKey": notify.key}
    assert (
        fields(parse(http.get(f"{SERVICE}/NotifyPhoneBasicWithTransfer", params=params)))["ResponseCode"]
        == "0"
    )
    old_name = {k: v for k, v in params.items() if k != "TransferNumber"} | {
        "TransferNumberToOnDigit": "7575551000"
    }
    missing = http.post(f"{SERVICE}/NotifyPhoneBasicWithTransfer", data=old_name)
    assert (missing.status_code, missing.text) == (400, "Missing parameter: TransferNumber.")


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_notify_phone_basic_needs_a_caller_id(notify: PhoneNotify, http: httpx.Client, method: str) -> None:
    """ "PhoneNumberToDial and CallerID must be filled in" [ASMX]: 4 Invalid CallerID, nothing queued."""
    params = {"PhoneNumberToDial": ANSWERED_TO, "TextToSay": "Hi", "CallerID": "", "CallerIDname": ""}
    params |= {"VoiceID": "0", "LicenseKey": notify.key}
    path = f"{SERVICE}/NotifyPhoneBasic"
    reply = http.get(path, params=params) if method == "GET" else http.post(path, data=params)
    result = fields(parse(reply))
    assert (result["ResponseCode"], result["ResponseText"], result["QueueID"]) == (
        "4",
        "Invalid CallerID",
        "0",
    )
    assert "DigitsPressed" not in result  # null strings are left out [G-c4j]
    without = notify.advanced(
        f"<PhoneNumberToDial>{ANSWERED_TO}</PhoneNumberToDial><TextToSay>Hi</TextToSay>"
    )
    assert without["ResponseCode"] == "0"  # the Advanced methods queue without one (Esendex's C# sample)


# -- hand-written envelopes, as the public PowerShell and Perl clients send them ------------------------
def test_soap_12_status_with_only_a_queue_id(notify: PhoneNotify, http: httpx.Client) -> None:
    queue_id = notify.basic(ANSWERED_TO)["QueueID"]
    body = soap12("GetQueueIDStatus", f"<QueueID>{queue_id}</QueueID>")
    headers = {"Content-Type": "application/soap+xml", "SOAPAction": f"{NS}GetQueueIDStatus"}
    result = parse(http.post("/NotifyWS/PhoneNotify.asmx", content=body, headers=headers))
    status = fields(result.find(f".//{{{NS}}}GetQueueIDStatusResult"))  # type: ignore[arg-type]
    assert (status["QueueID"], status["ResponseText"]) == (queue_id, "Queued")


def test_soap_11_advanced_info_carries_the_text_to_say_and_the_variables(
    notify: PhoneNotify, http: httpx.Client, control: Any
) -> None:
    script = r"~\SetVar(Campaign|Spring)~ Your order ~\PlaySilence(1)~ has shipped"
    queue_id = notify.basic(ANSWERED_TO, text=script)["QueueID"]
    control.advance(60)
    body = soap11(
        "GetQueueIDStatusWithAdvancedInfo",
        f"<QueueID>{queue_id}</QueueID><LicenseKey>{notify.key}</LicenseKey>",
    )
    headers = {
        "Content-Type": "text/xml; charset=UTF-8",
        "SOAPAction": f"{NS}GetQueueIDStatusWithAdvancedInfo",
    }
    reply = http.post("/NotifyWS/PhoneNotify.asmx", content=body, headers=headers).text
    match = re.search(r"<TextToSay>(.*?)</TextToSay>", reply, re.S)  # how the Perl client reads it
    assert match is not None
    assert match.group(1) == script
    assert "<VariableArray><Variable><VariableName>campaign</VariableName>" in reply
    assert "<VariableValue>Spring</VariableValue>" in reply


def test_soap_element_names_are_matched_exactly_as_aspnet_does(
    notify: PhoneNotify, http: httpx.Client
) -> None:
    """XmlSerializer skips an element whose name or namespace is not the schema's: a mis-cased
    ``<CallerId>`` (or one outside the service namespace) is a missing CallerID in production."""
    inner = f"<PhoneNumberToDial>{ANSWERED_TO}</PhoneNumberToDial><TextToSay>Hi</TextToSay>"
    inner += f"<CallerId>{CALLER_ID}</CallerId><VoiceID>0</VoiceID><LicenseKey>{notify.key}</LicenseKey>"
    headers = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{NS}NotifyPhoneBasic"'}
    reply = parse(http.post(SERVICE, content=soap11("NotifyPhoneBasic", inner), headers=headers))
    assert fields(reply.find(f".//{{{NS}}}NotifyPhoneBasicResult"))["ResponseCode"] == "4"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("envelope", "content_type", "status", "code"),
    [
        (soap11, "text/xml; charset=utf-16", 500, "soap:Client"),
        (soap12, "application/soap+xml", 400, "soap:Sender"),
    ],
)
def test_a_utf16_body_with_a_dtd_is_refused(
    http: httpx.Client, envelope: Any, content_type: str, status: int, code: str
) -> None:
    """A DTD is refused by the parser whatever the encoding (a byte search for ``<!DOCTYPE``
    misses UTF-16)."""
    document = envelope("GetQueueIDStatus", "<QueueID>&q;</QueueID>")
    document = document.replace(
        'encoding="utf-8"?>', 'encoding="utf-16"?><!DOCTYPE x [<!ENTITY q "4093249">]>'
    )
    response = http.post(SERVICE, content=document.encode("utf-16"), headers={"Content-Type": content_type})
    assert response.status_code == status
    assert code in response.text
    assert "DTDs are not allowed" in response.text


# -- postbacks: placed, each change, finished ----------------------------------------------------------
def test_postbacks_carry_the_fields_valid_at_each_moment(
    notify: PhoneNotify, control: Any, receiver: CallbackReceiver
) -> None:
    url = receiver.url("/moments")
    notify.basic(
        ANSWERED_TO, text=rf"~\StatusChangePostURL({url})~ ~\SetVar(step|1)~ Hello ~\SetVar(step|2)~"
    )
    control.advance(60)
    posts = [
        p.form | {"incallringcount": p.form.get("incallringcount", "-")}
        for p in receiver.wait_for(4, "/moments")
    ]
    moments = [
        (
            p["ResponseCode"],
            p["StartTime"],
            p.get("EndTime", ""),
            p["Duration"],
            p["incallringcount"],
            p["machinedetection"],
        )
        for p in posts
    ]
    assert moments == [
        ("12", at(1), "", "0", "-", "UNKNOWN"),  # placed: dialing, no ring yet
        ("18", at(1), "", "0", "1", "UNKNOWN"),  # ringing
        ("21", at(7), "", "0", "1", "HUMAN"),  # answered: StartTime is the answer
        ("1", at(7), at(7.4), "0", "1", "HUMAN"),  # finished
    ]
    assert [p.get("step") for p in posts] == [None, None, None, "2"]  # the variables so far


def test_each_try_posts_when_placed_and_when_it_ends(
    notify: PhoneNotify, control: Any, receiver: CallbackReceiver
) -> None:
    url = receiver.url("/tries")
    notify.advanced(
        f"<PhoneNumberToDial>{BUSY}</PhoneNumberToDial><TryCount>2</TryCount>"
        f"<NextTryInSeconds>120</NextTryInSeconds><StatusChangePostUrl>{url}</StatusChangePostUrl>"
    )
    control.advance(600)
    assert [p.form["ResponseCode"] for p in receiver.wait_for(4, "/tries")] == ["12", "8", "12", "8"]
