import httpx

from mockserver.testing.handle import TelephonyMock
from mockserver.testing.receiver import CallbackReceiver, Reply


def test_my_webhook_gets_every_status_and_a_retry(telephony_mock: TelephonyMock) -> None:
    with CallbackReceiver() as receiver:  # a real HTTP server on a free port of 127.0.0.1
        # The first request to /status fails with a 500; every later one gets the last reply.
        receiver.reply("/status", Reply(status=500, body="try later"), Reply(status=200))
        cred = telephony_mock.credentials("apifonica")
        acc = cred["account_sid"]
        httpx.post(
            f"{telephony_mock.base_url}/v2/accounts/{acc}/calls",
            auth=(acc, cred["auth_token"]),
            json={
                "from": "442071234567",
                "to": "442079460001",
                "controller": receiver.url("/status"),  # http://127.0.0.1:<port>/status
                "events": "all",
            },
        ).raise_for_status()

        telephony_mock.advance(60)  # the call runs to its end; Apifonica retries the failed event after 5 s

        got = receiver.wait_for(6, path="/status", timeout=10)  # returns as soon as 6 have arrived
        statuses = [request.fields["status"] for request in got]  # form fields of a POST
        assert statuses.count("queued") == 2  # the 500, then its retry
        assert statuses[-1] == "completed"
        assert got[0].headers["content-type"] == "application/x-www-form-urlencoded"
