"""The built-in callback sink: the server as its own callback receiver."""

from __future__ import annotations

from typing import Any

import httpx


def test_the_sink_records_any_request_and_answers_200(control: Any) -> None:
    r = control.http.post("/_mock/sink/hooks/any/path?x=1", data={"status": "completed"})
    assert r.status_code == 200
    assert r.text == ""
    assert control.http.delete("/_mock/sink/hooks").status_code == 200
    got = control.http.get("/_mock/sink/hooks/requests").json()
    assert got["name"] == "hooks"
    assert [(q["method"], q["path"]) for q in got["requests"]] == [
        ("POST", "/_mock/sink/hooks/any/path"),
        ("DELETE", "/_mock/sink/hooks"),
    ]
    assert got["requests"][0]["form"] == {"status": "completed"}
    assert got["requests"][0]["query"] == {"x": "1"}
    assert got["requests"][0]["at"] == "2026-01-01T09:00:00Z"


def test_a_sink_answers_with_its_configured_reply(control: Any) -> None:
    r = control.http.put("/_mock/sink/failing/reply", json={"status": 503, "body": "down"})
    assert r.status_code == 200
    r = control.http.get("/_mock/sink/failing")
    assert (r.status_code, r.text) == (503, "down")
    assert control.http.put("/_mock/sink/x/reply", json={"status": 99}).status_code == 400
    assert control.http.put("/_mock/sink/x/reply", json={"body": 5}).status_code == 400


def test_an_apifonica_controller_can_be_the_sink(control: Any) -> None:
    cred = control.credentials("apifonica")[0]
    acc = cred["account_sid"]
    api = httpx.Client(base_url=control.server.base_url, auth=(acc, cred["auth_token"]))
    xml = '<?xml version="1.0" encoding="UTF-8"?><response><wait time="4"/><endCall/></response>'
    control.http.put("/_mock/sink/ctl/reply", json={"body": xml, "content_type": "text/xml"})
    controller = f"{control.server.base_url}/_mock/sink/ctl"
    app = api.post(f"/v2/accounts/{acc}/applications", json={"controller": controller, "method": "POST"})
    app_sid = app.json()["uri"].rsplit("/", 1)[1]
    call = api.post(
        f"/v2/accounts/{acc}/calls",
        json={"from": "442071234567", "to": "442079460001", "call_app_sid": app_sid},
    )
    sid = call.json()["uri"].rsplit("/", 1)[1]
    control.advance(30)
    final = api.get(f"/v2/accounts/{acc}/calls/{sid}").json()
    assert final["status"] == "completed"
    assert final["duration"] == 4  # answered at 7 s, <wait time="4"/>, then <endCall/>
    fetched = control.http.get("/_mock/sink/ctl/requests").json()["requests"]
    assert [q["form"]["status"] for q in fetched] == ["answered"]
    api.close()


def test_reset_empties_the_sinks(control: Any) -> None:
    control.http.post("/_mock/sink/a", content=b"x")
    control.reset()
    assert control.http.get("/_mock/sink/a/requests").json()["requests"] == []
