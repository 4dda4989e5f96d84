"""The pieces drift is made of: string formats, shape comparison, redaction rules."""

from __future__ import annotations

import base64
import json

import pytest

from mockserver.drift.redact import Redactor
from mockserver.drift.shape import compare_shapes, is_id_like, parse_body, string_format


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-01-01T09:00:00Z", "datetime T seconds Z"),
        ("2026-01-01T09:00:00.000Z", "datetime T seconds fraction3 Z"),
        ("2026-01-01 09:00:00", "datetime space seconds no zone"),
        ("Thu, 01 Jan 2026 09:00:00 +0000", "rfc1123 date"),
        ("cal3bec98d4-0c1f-4b8e-9d7a-2f1e7c0a9b11", "uuid lower prefix cal"),
        ("C6E9BC02EB73C385616442841F67D94B", "hex upper"),
        ("+15550000001", "e164"),
        ("4093249", "digits"),
        ("0.0098", "decimal"),
        ("completed", "word lower"),
        ("Completed", "word Capitalized"),
        ("NO_ANSWER", "word SNAKE_CASE"),
        ("no-answer", "word kebab-case"),
        ("Chang-Fisher", "text"),
        ("Press 1 for sales", "text"),
        ("", "empty"),
        ("REDACTED", "redacted"),
    ],
)
def test_each_value_has_a_format_that_survives_a_change_of_value(value: str, expected: str) -> None:
    assert string_format(value) == expected


def test_ids_are_told_from_words_times_and_amounts() -> None:
    assert is_id_like("4Y0E97N6")
    assert is_id_like("4093249")
    assert is_id_like("app895bdb2a-11e0-4aba-b65c-c5a58cac39f0")
    assert not any(is_id_like(v) for v in ("completed", "2026-01-01T09:00:00Z", "0.01", "12"))


def test_shapes_differ_by_key_type_nullability_and_casing_but_not_by_value() -> None:
    recorded = {"sid": "cal1-aaaa", "status": "completed", "price": 0.5, "ended": None, "legs": [], "a": 1}
    mock = {
        "sid": "cal2-bbbb",
        "status": "Completed",
        "price": "0.5",
        "ended": "2026-01-01T09:00:00Z",
        "b": 1,
    }

    found = {(d.what, d.path) for d in compare_shapes(recorded, mock)}

    assert found == {
        ("format", "$.status"),
        ("type", "$.price"),
        ("nullability", "$.ended"),
        ("missing", "$.legs"),
        ("missing", "$.a"),
        ("extra", "$.b"),
    }


def test_an_empty_list_on_one_side_hides_nothing_but_says_nothing_of_its_elements() -> None:
    assert compare_shapes({"calls": []}, {"calls": [{"sid": "x1234567"}]}) == []


def test_xml_elements_and_namespaces_are_compared() -> None:
    ns = 'xmlns="http://ws.cdyne.com/NotifyWS/"'
    theirs = parse_body(f"<NotifyReturn {ns}><QueueID>1</QueueID></NotifyReturn>".encode(), "text/xml")
    ours = parse_body(b'<NotifyReturn xmlns="urn:other"><QueueID>2</QueueID></NotifyReturn>', "text/xml")

    assert [(d.what, d.path) for d in compare_shapes(theirs, ours)] == [
        ("namespace", "$.NotifyReturn.@xmlns")
    ]


def test_basic_auth_keeps_the_user_and_loses_the_password() -> None:
    red = Redactor()
    value = "Basic " + base64.b64encode(b"acc123:s3cret").decode()

    ((_, kept),) = red.headers([("Authorization", value)])

    assert base64.b64decode(kept.split()[1]) == b"acc123:REDACTED"
    assert red.headers([("Authorization", "Bearer abc.def")]) == (("Authorization", "Bearer REDACTED"),)


def test_secret_fields_are_redacted_in_json_forms_queries_and_xml() -> None:
    red = Redactor()
    body = json.dumps({"a": {"hmac_secret": "k", "password": "p"}, "keep": "x"}).encode()

    assert json.loads(red.body(body, "application/json")) == {
        "a": {"hmac_secret": "REDACTED", "password": "REDACTED"},
        "keep": "x",
    }
    assert red.query("QueueID=1&LicenseKey=abc") == "QueueID=1&LicenseKey=REDACTED"
    soap = b"<s:Body><m><ns:LicenseKey>abc</ns:LicenseKey><TextToSay>hi</TextToSay></m></s:Body>"
    assert (
        red.body(soap, "text/xml")
        == b"<s:Body><m><ns:LicenseKey>REDACTED</ns:LicenseKey><TextToSay>hi</TextToSay></m></s:Body>"
    )
    token = json.dumps({"jsonrpc": "2.0", "id": 1, "result": "f" * 40}).encode()
    assert json.loads(red.body(token, "application/json", "session.create"))["result"] == "REDACTED"


def test_an_untouched_json_body_stays_byte_exact() -> None:
    body = b'{"a":1,  "b":[2]}'
    assert Redactor().body(body, "application/json") == body


def test_masked_numbers_keep_their_length_and_correlate() -> None:
    red = Redactor(mask_numbers=True)
    first = json.loads(red.body(b'{"to": "+15551234567", "note": "call +15551234567"}', "application/json"))
    second = json.loads(red.body(b'{"from": "+15551234567"}', "application/json"))

    assert first["to"] != "+15551234567"
    assert len(first["to"]) == len("+15551234567")
    assert first["to"] == second["from"]
    assert first["note"] == f"call {first['to']}"
