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
