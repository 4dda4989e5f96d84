"""Record through the proxy in front of a fake upstream, then replay against a fresh mock: a cassette
of the mock itself shows no drift, and each planted difference is named — and nothing else."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from mockserver.cli import main
from mockserver.drift import cassette
from mockserver.drift.replay import Result, replay
from tests.drift.conftest import Session

PROVIDERS = ["apifonica", "dillo", "routee", "esendex", "callr"]
Record = Callable[..., Session]


def differences(results: list[Result]) -> set[tuple[int, str, str]]:
    return {(r.index, d.what, d.path) for r in results for d in r.differences}


def replayed(session: Session) -> list[Result]:
    header, exchanges = cassette.read(session.cassette)
    return replay(header, exchanges)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_cassette_of_the_mock_itself_shows_no_drift(record: Record, provider: str) -> None:
    session = record(provider)  # upstream seed 7, replay seed 0: every id and secret differs
    results = replayed(session)

    assert differences(results) == set()
    callbacks = [r for r in results if r.kind == "callback"]
    assert callbacks, "the session's callbacks were relayed, recorded and compared"
    assert len(callbacks) == len(session.user_receiver.received)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_no_secret_reaches_the_cassette(record: Record, provider: str) -> None:
    session = record(provider)
    text = session.cassette.read_text(encoding="utf-8")

    assert session.secrets
    for secret in session.secrets:
        assert secret not in text
        assert base64.b64encode(secret.encode()).decode()[:-4] not in text  # nor inside a Basic header
    header = json.loads(text.splitlines()[0])
    assert "header Authorization (password/token part)" in header["redacted"]
    assert any(json.loads(line).get("redacted") for line in text.splitlines()[1:])


def test_a_replay_is_deterministic(record: Record) -> None:
    session = record("apifonica")
    first, second = replayed(session), replayed(session)

    assert [(r.path, r.mock.body if r.mock else b"") for r in first] == [
        (r.path, r.mock.body if r.mock else b"") for r in second
    ]


# -- planted differences ---------------------------------------------------------------------------
def plant_apifonica(method: str, path: str, body: bytes) -> tuple[int | None, bytes]:
    if method == "POST" and path.endswith("/calls"):
        return 200, body  # a different status code
    if "cal0000-unknown" in path:
        return None, body.replace(
            b"{", b'{"more_info": "https://apifonica.com/docs", ', 1
        )  # extra error field
    if method == "GET" and "/calls/" in path:
        text = body.decode().replace('"status":', '"call_status":')  # a renamed field
        text = re.sub(
            r'"created": ?"[^"]+"', '"created": "2026-01-01T09:00:00Z"', text
        )  # another date format
        return None, text.encode()
    return None, body


def test_drift_names_each_planted_difference_in_json(record: Record) -> None:
    results = replayed(record("apifonica", rewrite=plant_apifonica))

    assert differences(results) == {
        (2, "status", "HTTP"),
        (3, "missing", "$.call_status"),
        (3, "extra", "$.status"),
        (3, "format", "$.created"),
        (4, "missing", "$.more_info"),
    }
    created = next(d for r in results for d in r.differences if d.path == "$.created")
    assert "datetime T seconds Z" in created.recorded
    assert "rfc1123" in created.mock


def plant_esendex(method: str, path: str, body: bytes) -> tuple[int | None, bytes]:
    if method == "GET":
        return None, body.replace(b"<QueueID>", b"<QueueId>").replace(b"</QueueID>", b"</QueueId>")
    return None, body.replace(
        b"<StartTime>0001-01-01T00:00:00</StartTime>", b"<StartTime>01/01/0001</StartTime>"
    )


def test_drift_names_each_planted_difference_in_xml(record: Record) -> None:
    results = replayed(record("esendex", rewrite=plant_esendex))

    result = "$.Envelope.Body.NotifyPhoneBasicResponse.NotifyPhoneBasicResult"
    assert differences(results) == {
        (1, "missing", "$.NotifyReturn.QueueId"),
        (1, "extra", "$.NotifyReturn.QueueID"),
        (2, "format", f"{result}.StartTime"),
    }


def plant_callr(method: str, path: str, body: bytes) -> tuple[int | None, bytes]:
    if b'"REALTIME10"' in body:
        return None, re.sub(rb'"date_creation": ?"[^"]+"', b'"date_creation": "2026-01-01T09:00:00Z"', body)
    if b'"error"' in body:
        return None, re.sub(rb'"error": ?\{', b'"error": {"detail": "unknown method", ', body, count=1)
    return None, body


def test_drift_names_each_planted_difference_in_json_rpc(record: Record) -> None:
    results = replayed(record("callr", rewrite=plant_callr))

    assert differences(results) == {(1, "format", "$.result.date_creation"), (5, "missing", "$.error.detail")}


def plant_routee(method: str, path: str, body: bytes) -> tuple[int | None, bytes]:
    if b'"developerMessage"' in body:
        return 422, re.sub(rb'"properties": ?(\{[^{}]*\})', rb'"properties": [\1]', body)
    return None, body


def test_drift_names_a_status_and_a_list_where_the_mock_has_an_object(record: Record) -> None:
    results = replayed(record("routee", rewrite=plant_routee))

    assert differences(results) == {(3, "status", "HTTP"), (3, "list-vs-object", "$.properties")}


def plant_dillo(method: str, path: str, body: bytes) -> tuple[int | None, bytes]:
    if method == "GET":
        return None, re.sub(rb'"AnswerDate": ?null', b'"AnswerDate": "2026-01-01T09:00:05Z"', body)
    return None, body


def test_drift_names_a_field_that_is_null_only_on_the_mock(record: Record) -> None:
    results = replayed(record("dillo", rewrite=plant_dillo))

    assert differences(results) == {(2, "nullability", "$.AnswerDate")}


# -- the command line ------------------------------------------------------------------------------
def test_the_drift_command_exits_1_on_drift_and_explains_it(record: Record) -> None:
    session = record("callr", rewrite=plant_callr)
    runner = CliRunner()

    table = runner.invoke(main, ["drift", str(session.cassette), "--explain"])
    as_json = runner.invoke(main, ["drift", str(session.cassette), "--json"])

    assert table.exit_code == 1, table.output
    assert "drift: 2 of 6 exchange(s) differ" in table.output
    assert "recorded (production)" in table.output
    assert "https://docs.callr.com/api/json-rpc" in table.output
    report = json.loads(as_json.output)
    assert report["drift"] is True
    assert {d["path"] for e in report["exchanges"] for d in e["differences"]} == {
        "$.result.date_creation",
        "$.error.detail",
    }


def test_the_drift_command_exits_0_without_drift(record: Record) -> None:
    session = record("dillo")

    result = CliRunner().invoke(main, ["drift", str(session.cassette)])

    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("exchange(s) compared")


def test_a_file_that_is_not_a_cassette_is_one_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"hello": 1}\n', encoding="utf-8")

    result = CliRunner().invoke(main, ["drift", str(bad)])

    assert result.exit_code == 1
    assert f"{bad}:1: not a cassette" in result.output
