"""Call history and recordings: paging with ``limit`` ≤ 20 and working ``next``/``prev`` links [S1, S7],
filters (mock's choice, apifonica.md §9.8), and the recording file behind ``rec_url``."""

from __future__ import annotations

import io
from typing import Any

import pytest
from mutagen.mp3 import MP3

ANSWERED_TO = "442079460123"  # the default "answered" scenario: recorded, 30 s, ends at 37 s
BUSY = "5550000001"


@pytest.fixture
def app_sid(api, receiver) -> str:
    return str(api.create_application(receiver.url("/events")))


def place(api, app_sid: str, count: int, to: str = ANSWERED_TO, **fields: str) -> list[str]:
    return [api.place_call(to, app_sid, **fields) for _ in range(count)]


def follow(api, link: str) -> dict[str, Any]:
    response = api.request("GET", link)  # next/prev are absolute URLs [S1]
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_calls_are_listed_newest_first_twenty_to_a_page(api, app_sid) -> None:
    sids = place(api, app_sid, 25)

    first = api.get("/calls").json()

    assert (first["limit"], first["prev"]) == (20, None)
    assert [c["call_sid"] for c in first["calls"]] == sids[::-1][:20]
    assert first["next"].startswith(f"{api.base_url}/v2/accounts/{api.account_sid}/calls?")
    second = follow(api, first["next"])
    assert [c["call_sid"] for c in second["calls"]] == sids[::-1][20:]
    assert second["next"] is None
    assert follow(api, second["prev"])["calls"] == first["calls"]


def test_a_smaller_limit_pages_through_everything(api, app_sid) -> None:
    sids = place(api, app_sid, 7)

    seen: list[str] = []
    page = api.get("/calls", limit=3).json()
    while True:
        assert page["limit"] == 3
        seen += [c["call_sid"] for c in page["calls"]]
        if page["next"] is None:
            break
        page = follow(api, page["next"])

    assert seen == sids[::-1]


@pytest.mark.parametrize("limit", ["21", "0", "-1", "ten", "²"])
def test_a_limit_outside_one_to_twenty_is_a_bad_request(api, limit) -> None:
    response = api.get("/calls", limit=limit)

    assert response.status_code == 400
    assert response.json()["error_code"] == 2002
    assert "limit" in response.json()["error_text"]


def test_a_bad_cursor_is_a_bad_request(api) -> None:
    response = api.get("/calls", next="abc")

    assert response.status_code == 400
    assert response.json()["error_code"] == 2002


def test_calls_filter_by_status_to_and_tag(api, control, app_sid) -> None:
    busy = place(api, app_sid, 2, to=BUSY, tag="batch-1")
    answered = place(api, app_sid, 1, tag="batch-2")
    control.advance(5)

    def sids(**filters: str) -> list[str]:
        return [c["call_sid"] for c in api.calls(**filters)]

    assert sids(status="busy") == busy[::-1]
    assert sids(status="ringing") == answered
    assert sids(to=BUSY) == busy[::-1]
    assert sids(tag="batch-2") == answered
    assert sids(tag="batch-1", status="ringing") == []
    assert sids(direction="outbound") == [*answered, *busy[::-1]]


def test_a_queued_call_is_found_by_its_tag(api, app_sid) -> None:
    [sid] = place(api, app_sid, 1, tag="queued-one")

    assert [c["call_sid"] for c in api.calls(tag="queued-one")] == [sid]


def test_an_unknown_status_filter_is_a_bad_request(api) -> None:
    response = api.get("/calls", status="hungup")

    assert response.status_code == 400
    assert "hungup" in response.json()["error_text"]


def test_next_and_prev_links_keep_the_filters(api, app_sid) -> None:
    tagged = place(api, app_sid, 4, tag="mine")
    place(api, app_sid, 3, tag="theirs")

    first = api.get("/calls", tag="mine", limit=3).json()
    second = follow(api, first["next"])

    assert [c["call_sid"] for c in second["calls"]] == tagged[:1]
    assert second["next"] is None
    assert follow(api, second["prev"])["calls"] == first["calls"]


def test_calls_of_another_account_are_not_listed(api, other_account, app_sid) -> None:
    place(api, app_sid, 2)

    assert other_account.calls() == []


def test_messages_page_with_limit_and_offset(api) -> None:
    sids = []
    for text in ("one", "two", "three"):
        response = api.post("/messages", {"from": api.from_number, "to": "447700900123", "text": text})
        sids.append(response.json()["uri"].rsplit("/", 1)[1])

    first = api.get("/messages", limit=2).json()
    second = follow(api, first["next"])

    assert first["next"] == f"{api.base_url}{api.path('/messages')}?limit=2&offset=2"  # [S5]
    assert [m["message_sid"] for m in first["messages"]] == sids[::-1][:2]
    assert [m["message_sid"] for m in second["messages"]] == sids[:1]
    assert second["next"] is None


# -- recordings --------------------------------------------------------------------------------------


def recorded_call(api, control, app_sid: str) -> tuple[str, str]:
    """A call of the answered scenario, once its recording is ready; its call and record SIDs."""
    call_sid = api.place_call(ANSWERED_TO, app_sid)
    control.advance(37 + 5)
    return call_sid, api.call(call_sid)["record_sid"]


def test_a_recording_is_listed_and_read_with_the_documented_fields(api, control, app_sid) -> None:
    call_sid, record_sid = recorded_call(api, control, app_sid)
    call = api.call(call_sid)

    listed = api.get("/recordings").json()
    one = api.get(f"/recordings/{record_sid}")

    assert one.status_code == 200
    assert one.json() == {
        "call_sid": call_sid,
        "call_created": "Thu, 01 Jan 2026 09:00:00 +0000",
        "account_sid": api.account_sid,
        "from": api.from_number,
        "to": ANSWERED_TO,
        "number_sid": call["number_sid"],
        "direction": "outbound",
        "record_created": "Thu, 01 Jan 2026 09:00:42 +0000",
        "size": 0.48,  # MB: 30 s of 8 kHz 16-bit mono
        "price": 0.0001,
        "exp_date": "Fri, 01 Jan 2027 09:00:42 +0000",
        "record_sid": record_sid,
        "rec_url": f"{api.base_url}/v2/accounts/{api.account_sid}/recordings/{record_sid}.wav",
    }
    assert listed == {"limit": 20, "prev": None, "next": None, "recordings": [one.json()]}


def test_format_mp3_names_an_mp3_url(api, control, app_sid) -> None:
    _, record_sid = recorded_call(api, control, app_sid)

    recording = api.get(f"/recordings/{record_sid}", format="mp3").json()

    assert recording["rec_url"].endswith(f"/recordings/{record_sid}.mp3")


def test_the_rec_url_serves_a_valid_wav_file(api, control, app_sid) -> None:
    _, record_sid = recorded_call(api, control, app_sid)
    rec_url = api.get(f"/recordings/{record_sid}").json()["rec_url"]

    response = api.request("GET", rec_url)

    assert response.status_code == 200
    assert response.headers["content-type"] == "audio/wav"
    wav = response.content
    assert (wav[:4], wav[8:16], wav[36:40]) == (b"RIFF", b"WAVEfmt ", b"data")
    assert int.from_bytes(wav[4:8], "little") == len(wav) - 8
    assert int.from_bytes(wav[24:28], "little") == 8000  # sample rate
    assert int.from_bytes(wav[40:44], "little") == 30 * 16_000  # 30 s of 16-bit mono


def test_the_mp3_rec_url_serves_a_valid_mp3_file_of_the_recording_length(api, control, app_sid) -> None:
    # "Request example (mp3)": ?format=mp3 hands out a .mp3 rec_url; the file must play as MP3.
    _, record_sid = recorded_call(api, control, app_sid)
    rec_url = api.get(f"/recordings/{record_sid}", format="mp3").json()["rec_url"]

    response = api.request("GET", rec_url)

    assert response.status_code == 200
    assert response.headers["content-type"] == "audio/mpeg"
    info = MP3(io.BytesIO(response.content)).info  # an independent MP3 reader (mutagen)
    assert (info.version, info.layer, info.sample_rate, info.channels) == (1, 3, 48_000, 1)
    assert info.bitrate == 32_000
    assert info.length == pytest.approx(30, abs=0.05)  # the recording's 30 s


def test_a_recording_in_another_format_is_not_found(api, control, app_sid) -> None:
    _, record_sid = recorded_call(api, control, app_sid)

    response = api.get(f"/recordings/{record_sid}.ogg")

    assert response.status_code == 404
    assert response.json()["error_text"] == "recordings are served as .wav or .mp3, not .ogg"


def test_a_call_without_recording_has_none_listed(api, control, app_sid) -> None:
    place(api, app_sid, 1, to=BUSY)
    control.advance(60)

    assert api.get("/recordings").json()["recordings"] == []


@pytest.mark.parametrize(
    "tail",
    [
        "/recordings/rec00000000-0000-4000-8000-000000000000",
        "/recordings/rec00000000-0000-4000-8000-000000000000.wav",
        "/calls/cal00000000-0000-4000-8000-000000000000",
        "/applications/app00000000-0000-4000-8000-000000000000",
        "/messages/msg00000000-0000-4000-8000-000000000000",
    ],
)
def test_an_unknown_sid_is_not_found(api, tail) -> None:
    response = api.get(tail)

    assert response.status_code == 404
    body = response.json()
    assert (body["status_code"], body["status_message"], body["error_code"]) == (404, "NOT_FOUND", 3001)
