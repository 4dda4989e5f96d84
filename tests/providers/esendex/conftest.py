"""Esendex Phone Notify as a client sees it: the ASMX service over HTTP GET/POST and SOAP."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

NS = "http://ws.cdyne.com/NotifyWS/"
SERVICE = "/notifyws/phonenotify.asmx"
START = datetime(2026, 1, 1, 9, 0, 0, tzinfo=UTC)
ANSWERED_TO = "2025550123"  # no magic suffix: the default "answered" scenario
CALLER_ID = "7575550000"


def at(seconds: float) -> str:
    """The XML/postback time ``seconds`` after the virtual clock's start: ``2026-01-01T09:00:07.000Z``."""
    moment = START + timedelta(seconds=seconds)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def fields(element: ET.Element) -> dict[str, str]:
    return {child.tag.removeprefix("{" + NS + "}"): child.text or "" for child in element}


def parse(response: httpx.Response) -> ET.Element:
    assert response.status_code == 200, response.text
    return ET.fromstring(response.content)


def soap11(method: str, inner: str) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?><soap:Envelope '
        'xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
        f'<{method} xmlns="{NS}">{inner}</{method}></soap:Body></soap:Envelope>'
    )


def soap12(method: str, inner: str) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?><soap12:Envelope '
        'xmlns:soap12="http://www.w3.org/2003/05/soap-envelope"><soap12:Body>'
        f'<{method} xmlns="{NS}">{inner}</{method}></soap12:Body></soap12:Envelope>'
    )


class PhoneNotify:
    """A LicenseKey's client of the HTTP POST binding (the GET and SOAP ones are in the tests)."""

    def __init__(self, http: httpx.Client, key: str) -> None:
        self.http = http
        self.key = key

    def post(self, method: str, **params: Any) -> httpx.Response:
        data = {"LicenseKey": self.key, **{k: str(v) for k, v in params.items()}}
        return self.http.post(f"{SERVICE}/{method}", data=data)

    def basic(self, to: str, text: str = "Hello from the mock", **extra: Any) -> dict[str, str]:
        params = {"PhoneNumberToDial": to, "TextToSay": text, "CallerID": CALLER_ID}
        params |= {"CallerIDname": "Esendex Services", "VoiceID": 0, **extra}
        return fields(parse(self.post("NotifyPhoneBasic", **params)))

    def advanced(self, body: str) -> dict[str, str]:
        """NotifyPhoneAdvanced over SOAP 1.1 with ``body`` inside ``<anr>`` (LicenseKey added)."""
        inner = f"<anr><LicenseKey>{self.key}</LicenseKey>{body}</anr>"
        response = self.http.post(
            SERVICE,
            content=soap11("NotifyPhoneAdvanced", inner),
            headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{NS}NotifyPhoneAdvanced"'},
        )
        result = parse(response).find(f".//{{{NS}}}NotifyPhoneAdvancedResult")
        assert result is not None, response.text
        return fields(result)

    def status(self, queue_id: str | int) -> dict[str, str]:
        """GetQueueIDStatus takes the QueueID alone [WSDL]."""
        return fields(parse(self.http.post(f"{SERVICE}/GetQueueIDStatus", data={"QueueID": str(queue_id)})))


@pytest.fixture(scope="session")
def http(mock_server: Any) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=mock_server.base_url, timeout=30) as client:
        yield client


@pytest.fixture
def notify(http: httpx.Client, control: Any) -> PhoneNotify:
    """The default LicenseKey, after the per-test reset."""
    return PhoneNotify(http, control.credentials("esendex")[0]["license_key"])
