"""POST /voice/tracking with Routee's documented filters (API reference "Track multiple voice messages
with filters for a specific time range"), and recordings downloaded from /recordings/my/downloads."""

from __future__ import annotations

from typing import Any

ANSWERED = "+442079460123"  # answered at 7 s, the callee hangs up 30 s later
BUSY = "+15550000001"
LONG_CALL = "+15550000007"


def search(routee, body: Any = None, **query: str) -> list[dict[str, Any]]:
    kwargs: dict[str, Any] = {"params": query}
    if body is not None:
        kwargs["json"] = body
    response = routee.request("POST", "/voice/tracking", **kwargs)
    assert response.status_code == 200, response.text
    return list(response.json()["content"])


def ids(rows: list[dict[str, Any]]) -> list[str]:
    return [row["conversationTrackingId"] for row in rows]


def test_filters_are_field_operator_and_term(routee, control) -> None:
    answered = routee.place(ANSWERED)
    busy = routee.place(BUSY)
    control.advance(40)

    def where(field: str, term: str, operator: str | None = None) -> list[str]:
        item = {"fieldName": field, "searchTerm": term}
        if operator is not None:
            item["searchOperator"] = operator
        return ids(search(routee, [item]))

    assert sorted(ids(search(routee))) == sorted([answered, busy])  # no body: no filter
    assert where("status.status", "Completed") == [answered]
    assert where("status.status", "Completed", "is_not") == [busy]
    assert where("recipient", ANSWERED) == [answered]
    assert where("recipient", "+1555", "starts_with") == [busy]
    assert where("recipient", "0123", "ends_with") == [answered]
    assert where("country", "GB", "contains") == [answered]
    [message] = routee.legs(answered)
    assert where("id", message["messageId"]) == [answered]
    both = [
        {"fieldName": "from", "searchTerm": "+306940000000"},
        {"fieldName": "country", "searchTerm": "US"},
    ]
    assert ids(search(routee, both)) == [busy]


def test_each_row_is_the_full_voice_message(routee, control) -> None:
    tracking_id = routee.place(ANSWERED)
    control.advance(40)

    [row] = search(routee, [{"fieldName": "recipient", "searchTerm": ANSWERED}])

    assert row == routee.get(f"/voice/tracking/{row['messageId']}")
    assert {"groups", "campaign", "applicationName", "message", "fileURL"} <= set(row)
    assert row["conversationTrackingId"] == tracking_id


def test_query_time_range_tracking_id_paging_and_sort(routee, control) -> None:
    first = routee.place(ANSWERED)
    control.advance(10)
    second = routee.place(BUSY)
    control.advance(40)

    assert ids(search(routee, **{"from": "2026-01-01T09:00:05Z"})) == [second]
    assert ids(search(routee, **{"to": "2026-01-01T09:00:05.000Z"})) == [first]
    assert ids(search(routee, trackingId=second)) == [second]
    assert ids(search(routee, sort="date,desc")) == [second, first]
    page = routee.request("POST", "/voice/tracking", params={"size": "1", "page": "1"}).json()
    assert (ids(page["content"]), page["totalElements"], page["totalPages"], page["last"]) == (
        [second],
        2,
        2,
        True,
    )


def test_an_unknown_field_or_operator_is_a_400_in_routees_format(routee) -> None:
    cases = [
        ([{"fieldName": "colour", "searchTerm": "x"}], "[0].fieldName"),
        ([{"fieldName": "from", "searchOperator": "like", "searchTerm": "x"}], "[0].searchOperator"),
        ([{"fieldName": "from"}], "[0].searchTerm"),
        ("from", "body"),
    ]
    for body, field in cases:
        response = routee.request("POST", "/voice/tracking", json=body)
        error = response.json()
        assert (response.status_code, error["code"]) == (400, "400013000"), body
        assert error["properties"] == {field: error["developerMessage"]}
    for query in ({"from": "yesterday"}, {"sort": "colour"}):
        response = routee.request("POST", "/voice/tracking", params=query)
        assert (response.status_code, response.json()["code"]) == (400, "400013000"), query


def test_a_recording_downloads_from_recordings_my_downloads_with_the_token(routee, control, dp) -> None:
    tracking_id = routee.place(LONG_CALL, dp.dial(ANSWERED, record=True, recordingFormat="WAV"))
    control.advance(60)
    [recording] = routee.get(f"/voice/conversation/{tracking_id}")["recordings"]

    assert recording["url"].endswith(f"/recordings/my/downloads/{recording['trackingId']}")
    path = f"/recordings/my/downloads/{recording['trackingId']}"
    downloaded = routee.request("GET", path)
    assert (downloaded.status_code, downloaded.headers["content-type"]) == (200, "audio/wav")
    assert downloaded.content.startswith(b"RIFF")
    anonymous = routee.http.get(path)
    assert (anonymous.status_code, anonymous.json()["code"]) == (401, "401000000")
