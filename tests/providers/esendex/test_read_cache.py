"""The HTTP GET binding parses a query string once and keeps its fields (routes.py): two notifies
polled in turn each get their own status, the same query string follows its notify as it changes,
and a repeated field still means its last value (as ``dict(request.query_params)`` did)."""

from __future__ import annotations

from typing import Any

SERVICE = "/notifyws/phonenotify.asmx"


def test_a_remembered_query_follows_its_notify(notify: Any, http: Any, control: Any) -> None:
    silent = r"~\PlaySilence(600)~"
    first = notify.basic("5550000007", silent)["QueueID"]
    second = notify.basic("5550000007", silent)["QueueID"]
    assert first != second

    def read(query: str) -> str:
        response = http.get(f"{SERVICE}/GetQueueIDStatus?{query}")
        assert response.status_code == 200
        return response.text

    replies = []
    for step in (0, 10, 1):
        control.advance(step)
        a, b = read(f"QueueID={first}"), read(f"QueueID={second}")
        assert f"<QueueID>{first}</QueueID>" in a
        assert f"<QueueID>{second}</QueueID>" in b
        assert read(f"QueueID={first}") == a
        assert read(f"QueueID={second}&QueueID={first}") == a  # the last value counts
        replies.append(a)
    assert len(set(replies)) == len(replies)  # each step changed the reply: the reads saw it


def test_a_cancel_shows_at_once(notify: Any, http: Any, control: Any) -> None:
    """A cancel changes the notify in place, at the same instant and with no call: the next poll sees it."""
    scheduled = "<UTCScheduledDateTime>2026-01-01T10:00:00Z</UTCScheduledDateTime>"
    body = f"<PhoneNumberToDial>5550000007</PhoneNumberToDial><TextToSay>hi</TextToSay>{scheduled}"
    queue_id = notify.advanced(body)["QueueID"]

    def code() -> str:
        reply = http.get(f"{SERVICE}/GetQueueIDStatus", params={"QueueID": queue_id}).text
        return reply.split("<ResponseCode>")[1].split("<")[0]

    assert code() == code() == "0"
    assert "true" in notify.post("CancelNotify", QueueID=queue_id).text
    assert code() == "22"
