"""POST /_mock/verify and the handle's assert_requested / assert_called_back, on the real server."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from mockserver.server import MockServer
from mockserver.testing.handle import TelephonyMock
from tests.testing.test_handle import place_call


@pytest.fixture
def mock(mock_server: MockServer) -> Iterator[TelephonyMock]:
    with TelephonyMock(mock_server.base_url) as handle:
        handle.reset()
        yield handle


def test_a_pattern_that_holds_lists_its_matches(mock: TelephonyMock) -> None:
    place_call(mock, to="442079460001")

    answer = mock.verify(
        {
            "provider": "apifonica",
            "method": "post",
            "path": "/v2/accounts/*/calls",
            "body": {"to": "44207946*"},
        }
    )

    assert answer["ok"] is True
    assert answer["matched"] == 1
    assert answer["matches"][0]["status"] == 201


def test_a_miss_names_the_closest_requests_and_what_differed(mock: TelephonyMock) -> None:
    place_call(mock, to="442079460001")

    answer = mock.verify(
        {"method": "POST", "path": "/v2/accounts/*/calls", "body": {"to": "15550000001"}, "count": 1}
    )

    assert answer["ok"] is False
    assert answer["expected"] == "exactly 1"
    (miss,) = answer["near_misses"]
    assert miss["differences"] == [{"field": "body.to", "expected": "15550000001", "actual": "442079460001"}]


def test_assert_requested_fails_with_a_readable_near_miss_report(mock: TelephonyMock) -> None:
    place_call(mock)

    with pytest.raises(AssertionError) as failure:
        mock.assert_requested(method="GET", path="/v2/accounts/*/calls")

    report = str(failure.value)
    assert "expected at least 1 request(s)" in report
    assert "method: expected 'GET', got 'POST'" in report


def test_callbacks_are_verified_by_call_url_and_fields(mock: TelephonyMock) -> None:
    sid = place_call(mock, to="15550000001")  # busy
    mock.advance(10)

    mock.assert_called_back(provider="apifonica", call_id=sid, body={"status": "busy"}, count=1)
    with pytest.raises(AssertionError, match=r"body\.status: expected 'completed', got"):
        mock.assert_called_back(call_id=sid, body={"status": "completed"})


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ({"verb": "GET"}, "unknown key 'verb'"),
        ({"type": "sms"}, "type must be request or callback"),
        ({"count": -1}, "count must be"),
        ({"body": ["to"]}, "body must be an object"),
        ({"type": "callback", "path": "/x"}, "callbacks match on url"),
    ],
)
def test_a_wrong_pattern_is_a_400_that_says_why(
    mock_server: MockServer, pattern: dict[str, object], message: str
) -> None:
    answer = httpx.post(mock_server.base_url + "/_mock/verify", json=pattern)

    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "invalid_pattern"
    assert message in answer.json()["error"]["message"]
