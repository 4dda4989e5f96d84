"""The four ASMX bindings, the service's plumbing errors, and the static methods [esendex.md §3.0]."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.providers.esendex.conftest import (
    ANSWERED_TO,
    NS,
    SERVICE,
    PhoneNotify,
    fields,
    parse,
    soap11,
    soap12,
)

BASIC = {
    "PhoneNumberToDial": ANSWERED_TO,
    "TextToSay": "Hello",
    "CallerID": "7575550000",
    "CallerIDname": "Esendex Services",
    "VoiceID": "2",
}


def test_http_get_queues_a_call_and_answers_a_notify_return(notify: PhoneNotify, http: httpx.Client) -> None:
    response = http.get(f"{SERVICE}/NotifyPhoneBasic", params={**BASIC, "LicenseKey": notify.key})
    assert response.headers["content-type"].startswith("text/xml")
    root = parse(response)
    assert root.tag == f"{{{NS}}}NotifyReturn"
    assert fields(root) == {
        "ResponseCode": "0",
        "ResponseText": "Queued",
        "CallAnswered": "false",
        "QueueID": "4093249",
        "TryCount": "0",
        "Demo": "false",
        "Duration": "0",
        "StartTime": "0001-01-01T00:00:00",
        "EndTime": "0001-01-01T00:00:00",
        "MinuteRate": "0",
        "CallComplete": "false",
    }


def test_http_post_form_binding_on_the_legacy_path_spelling(notify: PhoneNotify, http: httpx.Client) -> None:
    response = http.post(
        "/NotifyWS/PhoneNotify.asmx/NotifyPhoneBasic", data={**BASIC, "LicenseKey": notify.key}
    )
    assert fields(parse(response))["QueueID"] == "4093249"
    status = http.get("/NOTIFYWS/phonenotify.ASMX/GetQueueIDStatus", params={"QueueID": 4093249})
    assert fields(parse(status))["ResponseCode"] == "0"


def test_the_routes_are_also_served_under_the_provider_name(notify: PhoneNotify, http: httpx.Client) -> None:
    response = http.get(f"/esendex{SERVICE}/GetVersion")
    assert parse(response).tag == f"{{{NS}}}string"


@pytest.mark.parametrize(
    ("envelope", "content_type", "fault", "status"),
    [
        (soap11, "text/xml; charset=utf-8", "{http://schemas.xmlsoap.org/soap/envelope/}Fault", 500),
        (
            soap12,
            "application/soap+xml; charset=utf-8",
            "{http://www.w3.org/2003/05/soap-envelope}Fault",
            400,
        ),
    ],
)
def test_soap_11_and_12_answer_method_response_and_result(
    notify: PhoneNotify, http: httpx.Client, envelope: Any, content_type: str, fault: str, status: int
) -> None:
    inner = "".join(f"<{k}>{v}</{k}>" for k, v in BASIC.items()) + f"<LicenseKey>{notify.key}</LicenseKey>"
    headers = {"Content-Type": content_type, "SOAPAction": f'"{NS}NotifyPhoneBasic"'}
    response = http.post(SERVICE, content=envelope("NotifyPhoneBasic", inner), headers=headers)
    assert response.headers["content-type"].split(";")[0] == content_type.split(";")[0]
    result = parse(response).find(f".//{{{NS}}}NotifyPhoneBasicResponse/{{{NS}}}NotifyPhoneBasicResult")
    assert result is not None
    assert fields(result)["ResponseText"] == "Queued"

    broken = http.post(SERVICE, content=envelope("NotifyPhoneBasic", "<QueueID>")[:-20], headers=headers)
    assert broken.status_code == status  # SOAP 1.1 §6.2: 500; SOAP 1.2: a soap:Sender fault is 400
    assert ET.fromstring(broken.content).find(f".//{fault}") is not None


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("not xml at all", "error in the XML document"),
        ('<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>', "DTDs are not allowed"),
        ("<Envelope/>", "not a SOAP Envelope"),
        (soap11("NoSuchMethod", ""), "did not recognize"),
        (soap11("GetQueueIDStatus", "<QueueID>abc</QueueID>"), "Cannot convert abc to System.Int64."),
    ],
)
def test_malformed_soap_is_a_client_fault_never_a_crash(http: httpx.Client, body: str, message: str) -> None:
    response = http.post(SERVICE, content=body, headers={"Content-Type": "text/xml; charset=utf-8"})
    assert response.status_code == 500  # every SOAP 1.1 fault (SOAP 1.1 §6.2, as ASMX answers)
    assert "<faultcode>soap:Client</faultcode>" in response.text
    assert message in response.text


@pytest.mark.parametrize(
    ("envelope", "content_type", "code"),
    [
        (soap11, "text/xml; charset=utf-8", "<faultcode>soap:Server</faultcode>"),
        (soap12, "application/soap+xml; charset=utf-8", "<soap:Value>soap:Receiver</soap:Value>"),
    ],
)
def test_a_fault_that_is_the_mocks_own_bug_is_server_or_receiver_and_500(
    http: httpx.Client, monkeypatch: pytest.MonkeyPatch, envelope: Any, content_type: str, code: str
) -> None:
    """SOAP 1.1 answers every fault 500; SOAP 1.2 answers a soap:Receiver fault 500 (part 2, §7.5.1.2),
    not the 400 of a soap:Sender one. The in-process server shares this module, so a binder that breaks
    stands in for a bug."""

    def broken(*_: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr("mockserver.providers.esendex.routes.bind_soap", broken)
    headers = {"Content-Type": content_type, "SOAPAction": f'"{NS}GetVersion"'}
    response = http.post(SERVICE, content=envelope("GetVersion", ""), headers=headers)
    assert response.status_code == 500
    assert code in response.text
    assert "internal error in the mock" in response.text


def test_a_soap_action_naming_another_method_is_a_fault(http: httpx.Client) -> None:
    headers = {"Content-Type": "text/xml", "SOAPAction": f'"{NS}CancelNotify"'}
    response = http.post(SERVICE, content=soap11("GetVersion", ""), headers=headers)
    assert response.status_code == 500
    assert "did not recognize the value of HTTP Header SOAPAction" in response.text


def test_http_bindings_answer_aspnet_style_plain_text_errors(notify: PhoneNotify, http: httpx.Client) -> None:
    missing = http.get(f"{SERVICE}/GetQueueIDStatus", params={"LicenseKey": notify.key})
    assert (missing.status_code, missing.text) == (400, "Missing parameter: QueueID.")
    bad = http.get(f"{SERVICE}/GetQueueIDStatus", params={"LicenseKey": notify.key, "QueueID": "x1"})
    assert (bad.status_code, bad.text) == (400, "Cannot convert x1 to System.Int64.")
    unknown = http.get(f"{SERVICE}/Frobnicate")
    assert unknown.status_code == 404
    assert "unexpectedly ending in '/Frobnicate'" in unknown.text
    json_post = http.post(f"{SERVICE}/GetVersion", json={})
    assert json_post.status_code == 415
    assert http.get("/notifyws/other.asmx").status_code == 404
    assert http.delete(SERVICE).status_code == 405


def test_get_response_codes_is_the_full_table(http: httpx.Client) -> None:
    root = parse(http.get(f"{SERVICE}/GetResponseCodes"))
    assert root.tag == f"{{{NS}}}ArrayOfResponse"
    table = {int(fields(r)["ResponseCode"]): fields(r)["ResponseText"] for r in root}
    assert sorted(table) == list(range(47))
    assert table[14] == "Key Invalid.  IP Address has been suspended."
    assert table[21] == "In Call/Ringing"


def test_get_voices_and_get_version(http: httpx.Client) -> None:
    voices = [fields(v) for v in parse(http.get(f"{SERVICE}/getVoices"))]
    assert voices[0] == {
        "VoiceID": "0",
        "VoiceName": "Diane",
        "VoiceGender": "Female",
        "VoiceAge": "35",
        "VoiceLanguage": "US English",
        "VoiceSummary": "Diane - US English (Female - 35)",
    }
    assert len(voices) == 18
    assert parse(http.get(f"{SERVICE}/GetVersion")).text


def test_the_service_url_serves_a_help_page_and_the_wsdl(http: httpx.Client) -> None:
    assert "PhoneNotify" in http.get(SERVICE).text
    wsdl = http.get(f"{SERVICE}?WSDL")
    assert wsdl.headers["content-type"].startswith("text/xml")
    assert 'soapAction="http://ws.cdyne.com/NotifyWS/NotifyPhoneAdvanced"' in wsdl.text
    assert f'location="{http.base_url}{SERVICE}"'.replace("//notifyws", "/notifyws") in wsdl.text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.binary(max_size=300), soap_version=st.sampled_from(["text/xml", "application/soap+xml"]))
def test_any_soap_body_gets_a_reply_or_a_client_fault_never_a_crash(
    http: httpx.Client, body: bytes, soap_version: str
) -> None:
    response = http.post(SERVICE, content=body, headers={"Content-Type": soap_version})
    if response.status_code >= 500:  # SOAP 1.1 answers every fault 500: it must be the client's fault
        assert "<faultcode>soap:Client</faultcode>" in response.text, response.text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    method=st.sampled_from(
        [
            "NotifyPhoneBasic",
            "NotifyMultiplePhoneBasicWithCPM",
            "NotifyPhoneAdvanced",
            "GetQueueIDStatus",
            "CancelNotify",
            "UploadSoundFile",
            "GetMultipleQueueIdStatus",
        ]
    ),
    form=st.dictionaries(
        st.sampled_from(
            [
                "PhoneNumberToDial",
                "PhoneNumbersToDial",
                "TextToSay",
                "CallerID",
                "CallerIDname",
                "CallerIDName",
                "VoiceID",
                "LicenseKey",
                "QueueID",
                "QueueIDs",
                "CallsPerMinute",
                "UTCScheduledDateTime",
                "TryCount",
                "FileBinary",
                "SoundFileID",
            ]
        ),
        st.text(max_size=40),
    ),
)
def test_any_form_gets_a_4xx_or_a_reply_never_a_5xx(
    http: httpx.Client, method: str, form: dict[str, str]
) -> None:
    response = http.post(f"{SERVICE}/{method}", data=form)
    assert response.status_code < 500, response.text
