import httpx

from mockserver.testing.handle import TelephonyMock, callback_fields


def test_a_call_reports_its_progress(telephony_mock: TelephonyMock) -> None:
    cred = telephony_mock.credentials("apifonica")
    acc = cred["account_sid"]
    response = httpx.post(
        f"{telephony_mock.base_url}/v2/accounts/{acc}/calls",
        auth=(acc, cred["auth_token"]),
        json={
            "from": "442071234567",
            "to": "442079460001",
            "controller": telephony_mock.sink("app").url,  # the server's own sink records the callbacks
            "events": "all",
        },
    )
    call_sid = response.json()["uri"].rsplit("/", 1)[1]

    telephony_mock.advance(60)  # one virtual minute, run in a few milliseconds

    assert telephony_mock.call(call_sid)["state"] == "completed"
    statuses = [callback_fields(c)["status"] for c in telephony_mock.callbacks(call_id=call_sid)]
    assert statuses == ["queued", "initiated", "ringing", "answered", "completed"]
