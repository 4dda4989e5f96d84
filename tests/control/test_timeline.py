"""GET /_mock/timeline: requests, transitions and callback attempts in one ordered log."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import httpx

from mockserver.core.journal import Journal
from mockserver.records.timeline import Timeline


def place(control: Any, scenario: str | None = None) -> str:
    cred = control.credentials("apifonica")[0]
    acc = cred["account_sid"]
    headers = {} if scenario is None else {"X-Mock-Scenario": scenario}
    with httpx.Client(
        base_url=control.server.base_url, auth=(acc, cred["auth_token"]), headers=headers
    ) as api:
        app = api.post(
            f"/v2/accounts/{acc}/applications",
            json={"controller": f"{control.server.base_url}/_mock/sink/t", "method": "POST"},
        )
        call = api.post(
            f"/v2/accounts/{acc}/calls",
            json={
                "from": "442071234567",
                "to": "15550000001",
                "events": "all",
                "call_app_sid": app.json()["uri"].rsplit("/", 1)[1],
            },
        )
        return str(call.json()["uri"].rsplit("/", 1)[1])


def test_the_timeline_orders_requests_transitions_and_callbacks(control: Any) -> None:
    sid = place(control)
    control.advance(10)
    entries = control.http.get("/_mock/timeline").json()["timeline"]
    summary = [(e["at"][11:19], e["kind"], e.get("state") or e.get("method") or "") for e in entries]
    assert summary == [
        ("09:00:00", "request", "POST"),  # the application
        ("09:00:00", "transition", "queued"),
        ("09:00:00", "request", "POST"),  # the call (journaled once answered)
        ("09:00:00", "callback", "POST"),  # the queued event
        ("09:00:01", "transition", "initiated"),
        ("09:00:01", "callback", "POST"),
        ("09:00:03", "transition", "busy"),
        ("09:00:03", "callback", "POST"),
    ]
    assert [e["seq"] for e in entries] == sorted(e["seq"] for e in entries)
    assert entries[-1]["status"] == 200
    assert entries[-1]["url"].endswith("/_mock/sink/t")
    by_call = control.http.get("/_mock/timeline", params={"call_id": sid}).json()["timeline"]
    assert {e["kind"] for e in by_call} == {"transition", "callback"}


def test_a_recording_made_is_on_the_timeline(control: Any) -> None:
    sid = place(control, scenario="answered")  # answered at 09:00:07, over at 09:00:37, recorded 5 s later
    control.advance(60)
    call = control.http.get(f"/_mock/calls/{sid}").json()
    rows = control.http.get("/_mock/timeline", params={"call_id": call["id"]}).json()["timeline"]
    recordings = [e for e in rows if e["kind"] == "recording"]
    assert recordings == [
        {
            "seq": recordings[0]["seq"],
            "at": call["recording"]["created_at"],
            "kind": "recording",
            "provider": "apifonica",
            "call_id": call["id"],
            "provider_call_id": sid,
            "seconds": call["recording"]["seconds"],
        }
    ]
    assert recordings[0]["seq"] > max(e["seq"] for e in rows if e["kind"] == "transition")


def test_the_timeline_exports_json_lines(control: Any) -> None:
    place(control)
    control.advance(10)
    r = control.http.get("/_mock/timeline", params={"format": "jsonl"})
    assert r.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in r.text.splitlines()]
    assert lines == control.http.get("/_mock/timeline").json()["timeline"]
    assert control.http.get("/_mock/timeline", headers={"Accept": "application/x-ndjson"}).text == r.text


def test_reset_empties_the_timeline(control: Any) -> None:
    place(control)
    control.reset()
    assert control.http.get("/_mock/timeline").json() == {"timeline": [], "dropped": 0}


def test_rows_are_numbered_one_by_one_past_the_bound_and_after_a_snapshot_is_put_back() -> None:
    at = datetime(2026, 1, 1, 9, 0, 0, tzinfo=UTC)
    timeline = Timeline(lambda: at, size=5)
    journal = Journal()
    journal.listeners.append(timeline.on_journal)
    for n in range(4):  # requests are kept as tuples, flow errors as dicts: both are numbered alike
        journal.record_request(at, "apifonica", "GET", f"/r{n}", b"", 200, (), b"")
        journal.record("flow_error", at, "dillo", call_id=f"c{n}", detail="x")

    rows = timeline.entries()
    assert [(r["seq"], r["kind"]) for r in rows] == [
        (4, "flow_error"), (5, "request"), (6, "flow_error"), (7, "request"), (8, "flow_error"),
    ]  # fmt: skip
    assert [r["path"] for r in rows if r["kind"] == "request"] == ["/r2", "/r3"]
    assert timeline.dropped == 3

    again = Timeline(lambda: at, size=5)
    again.load(rows, timeline.dropped)
    journal.listeners = [again.on_journal]
    journal.record_request(at, "apifonica", "GET", "/next", b"", 200, (), b"")
    assert [r["seq"] for r in again.entries()] == [5, 6, 7, 8, 9]
    assert again.entries()[-1]["path"] == "/next"
