"""GET /voice/tracking/conversation/{trackingId} answers bytes cached by value (routes.py): a page is
served again only while its calls, every Leg field it shows and the page asked for are unchanged. Each
read is compared with the same message rendered afresh by GET /voice/tracking/{messageId} (not cached),
before and after every change, the in-place ones included (a recording is appended to the Leg)."""

from __future__ import annotations

from typing import Any

LONG_CALL = "+15550000007"  # answered at 6 s, stays up an hour


def read(routee: Any, tracking_id: str) -> dict[str, Any]:
    first = routee.get(f"/voice/tracking/conversation/{tracking_id}")
    assert routee.get(f"/voice/tracking/conversation/{tracking_id}") == first
    [row] = first["content"]
    fresh = routee.get(f"/voice/tracking/{row['messageId']}")
    assert row == {key: fresh[key] for key in row}
    return dict(row)


def test_a_cached_tracking_page_is_never_stale(routee: Any, control: Any) -> None:
    tracking_id = routee.place(LONG_CALL)
    seen = []
    for step in (0, 4, 6):  # ringing, answered
        control.advance(step)
        seen.append(read(routee, tracking_id))
    message = seen[-1]["messageId"]
    record = f"/voice/conversation/{message}/record"
    assert routee.request("POST", record, json={"format": "WAV"}).status_code == 200
    control.advance(5)
    assert routee.request("DELETE", record).status_code == 200
    recorded = read(routee, tracking_id)
    assert [r["duration"] for r in recorded["recordings"]] == [5]
    seen.append(recorded)
    assert routee.request("DELETE", f"/voice/conversation/{tracking_id}").status_code == 200
    seen.append(read(routee, tracking_id))
    assert len({str(s) for s in seen}) == len(seen)  # every step changed the page: the comparison saw it
    # Another page of the same conversation is another body.
    page = routee.get(f"/voice/tracking/conversation/{tracking_id}", page=1, size=1)
    assert (page["content"], page["number"], page["size"]) == ([], 1, 1)
    assert routee.get(f"/voice/tracking/conversation/{tracking_id}")["content"] == [seen[-1]]
