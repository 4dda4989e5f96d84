"""A real SOAP client (zeep) generates its calls from the mock's WSDL and runs unchanged."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import zeep

from tests.providers.esendex.conftest import ANSWERED_TO, SERVICE


@pytest.fixture(scope="module")
def soap(mock_server: Any) -> Iterator[zeep.Client]:
    client = zeep.Client(f"{mock_server.base_url}{SERVICE}?WSDL")
    yield client
    client.transport.session.close()


def test_zeep_places_an_advanced_call_and_reads_its_status(soap: zeep.Client, control: Any) -> None:
    key = control.credentials("esendex")[0]["license_key"]
    reply = soap.service.NotifyPhoneAdvanced(
        anr={
            "PhoneNumberToDial": ANSWERED_TO,
            "TextToSay": "Hello from zeep",
            "LicenseKey": key,
            "VoiceID": 1,
            "TryCount": 1,
            "NextTryInSeconds": 60,
            "UTCScheduledDateTime": datetime(2026, 1, 1, 9, 1, tzinfo=UTC),
            "TTSrate": 10,
            "TTSvolume": 100,
            "MaxCallLength": 0,
        }
    )
    assert (reply.ResponseCode, reply.ResponseText, reply.CallComplete) == (0, "Queued", False)
    control.advance(120)
    status = soap.service.GetQueueIDStatus(QueueID=reply.QueueID)
    assert (status.ResponseCode, status.CallAnswered, status.MachineDetection) == (1, True, "HUMAN")
    assert status.StartTime == datetime(2026, 1, 1, 9, 1, 7, tzinfo=UTC)


def test_zeep_over_soap_12_and_the_array_methods(soap: zeep.Client, control: Any) -> None:
    key = control.credentials("esendex")[0]["license_key"]
    service = soap.bind("PhoneNotify", "PhoneNotifySoap12")
    many = service.NotifyMultiplePhoneAdvanced(
        MultipleANR={"AdvancedNotifyRequest": [{"PhoneNumberToDial": n, "TextToSay": "hi", "LicenseKey": key,
                                        "VoiceID": 0, "TryCount": 0, "NextTryInSeconds": 0,
                                        "UTCScheduledDateTime": datetime(1, 1, 1), "TTSrate": 0,
                                        "TTSvolume": 0, "MaxCallLength": 0}
                                       for n in (ANSWERED_TO, "123")]}
    )  # fmt: skip
    assert [r.ResponseCode for r in many] == [0, 3]
    assert service.CancelNotify(QueueID=many[0].QueueID, LicenseKey=key) is True
    codes = service.GetResponseCodes()
    assert len(codes) == 47
    assert codes[22].ResponseText == "Cancelled"
    assert [v.VoiceName for v in service.getVoices()][:3] == ["Diane", "David", "William"]
    assert service.GetVersion()


def test_zeep_uploads_a_sound_file_a_script_can_play(soap: zeep.Client, control: Any) -> None:
    import io
    import wave

    key = control.credentials("esendex")[0]["license_key"]
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(8000)
        writer.writeframes(b"\0\0" * 8000 * 4)
    upload = soap.service.UploadSoundFile(FileBinary=buffer.getvalue(), SoundFileID="intro", LicenseKey=key)
    assert (upload.UploadSuccessful, upload.UploadedLengthInSeconds) == (True, 4)
    assert soap.service.ReturnSoundFileIDs(LicenseKey=key) == ["intro"]
    reply = soap.service.NotifyPhoneBasic(
        PhoneNumberToDial=ANSWERED_TO,
        TextToSay="~^intro~",
        CallerID="7575550000",
        CallerIDname="",
        VoiceID="0",
        LicenseKey=key,
    )
    control.advance(60)
    call = control.call(str(reply.QueueID))
    assert call["ended_at"] == "2026-01-01T09:00:11Z"  # answered at 7 s, a 4 s sound
    assert soap.service.RemoveSoundFile(SoundFileID="intro", LicenseKey=key) is True


@pytest.mark.parametrize("port", ["PhoneNotifyHttpGet", "PhoneNotifyHttpPost"])
def test_zeep_calls_the_http_get_and_post_bindings_the_wsdl_describes(
    soap: zeep.Client, control: Any, port: str
) -> None:
    key = control.credentials("esendex")[0]["license_key"]
    service = soap.bind("PhoneNotify", port)
    reply = service.NotifyPhoneBasic(
        PhoneNumberToDial=ANSWERED_TO,
        TextToSay="Hello over plain HTTP",
        CallerID="7575550000",
        CallerIDname="Esendex Services",
        VoiceID="0",
        LicenseKey=key,
    )
    assert (reply.ResponseCode, reply.ResponseText) == (0, "Queued")
    assert service.CancelNotify(QueueID=str(reply.QueueID), LicenseKey=key) is True  # still queued
    assert service.GetVersion()
    listed = service_operations(soap, port)
    assert {"NotifyPhoneBasic", "GetQueueIDStatus", "UploadSoundFile"} <= listed
    assert "NotifyPhoneAdvanced" not in listed  # complex parameters: SOAP only


def service_operations(soap: zeep.Client, port: str) -> set[str]:
    binding = soap.wsdl.services["PhoneNotify"].ports[port].binding
    return {operation.name for operation in binding.port_type.operations.values()}
