"""Voice apps: apps.create/get/get_list/edit/delete/search, with each package's params validated."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.providers.callr.conftest import MISSING_PROPERTY, NOT_FOUND, Rpc

RT = {"url": "https://example.com/rt"}


def test_a_realtime_app_is_the_seed_app_object(rpc: Rpc) -> None:
    app = rpc("apps.create", "REALTIME10", "IVR", {**RT, "login": "u", "password": "p"})

    assert re.fullmatch(r"[0-9A-Z]{8}", app["hash"])
    assert app == {
        "date_creation": "2026-01-01 09:00:00",
        "date_update": "2026-01-01 09:00:00",
        "did": [],
        "hash": app["hash"],
        "name": "IVR",
        "p": {"data_format": "JSON", "login": "u", "password": "p", "url": "https://example.com/rt"},
        "package": {"has_did": True, "name": "REALTIME10", "type": "REALTIME"},
    }


def test_apps_are_listed_edited_found_and_deleted(rpc: Rpc, control: Any) -> None:
    first = rpc("apps.create", "REALTIME10", "Sales line", RT)["hash"]
    second = rpc("apps.create", "CLICKTOCALL10", "Web callback", None)["hash"]
    control.advance(61)

    edited = rpc("apps.edit", first, None, {"url": "https://example.com/v2"})

    assert (edited["name"], edited["p"]["url"], edited["date_update"]) == (
        "Sales line",
        "https://example.com/v2",
        "2026-01-01 09:01:01",
    )
    assert [a["hash"] for a in rpc("apps.get_list", True)] == [first, second]
    found = rpc("apps.search", {"name": "web"}, {"offset": 0, "quantity": 10})
    assert (found["total"], found["has_more"], [h["hash"] for h in found["hits"]]) == (1, False, [second])
    assert rpc("apps.delete", first) is True
    assert rpc.error("apps.get", first)["code"] == NOT_FOUND


def test_another_accounts_app_is_not_found(rpc: Rpc, control: Any) -> None:
    theirs = control.http.post("/_mock/credentials/callr", json={}).json()
    app = rpc("apps.create", "REALTIME10", "mine", RT)["hash"]

    assert rpc.error("apps.get", app, auth=(theirs["login"], theirs["password"]))["code"] == NOT_FOUND


@pytest.mark.parametrize(
    ("package", "params", "code", "property"),
    [
        ("REALTIME10", {}, MISSING_PROPERTY, "params.url"),
        ("REALTIME10", {"url": "ftp://x"}, 151, "params.url"),
        ("REALTIME10", {**RT, "data_format": "XML"}, 151, "params.data_format"),
        ("REALTIME10", {**RT, "colour": "red"}, 151, "params.colour"),
        ("REALTIME10", None, 151, "params"),
        ("CLICKTOCALL10", {"options": {"A_attempts": 6}}, 151, "params.options.A_attempts"),
        ("CLICKTOCALL10", {"options": {"A_attempts": 0}}, 151, "params.options.A_attempts"),
        ("CLICKTOCALL10", {"options": {"A_retrypause": 29}}, 151, "params.options.A_retrypause"),
        ("CLICKTOCALL10", {"options": {"A_retrypause": 301}}, 151, "params.options.A_retrypause"),
        (
            "CLICKTOCALL10",
            {"options": {"A_vms_detect": {"silence_ms": 40}}},
            151,
            "params.options.A_vms_detect.silence_ms",
        ),
        (
            "CLICKTOCALL10",
            {"options": {"B_vms_detect": {"method": "BEEP"}}},
            151,
            "params.options.B_vms_detect.method",
        ),
        ("CLICKTOCALL10", {"vms": {"timeout": 20}}, 151, "params.vms.timeout"),
        (
            "CALLTRACKING10",
            {"targets": [{"number": "+33612345678", "timeout": 301}]},
            151,
            "params.targets[0].timeout",
        ),
        ("CALLTRACKING10", {"options": {"feeds": "leg_c"}}, 151, "params.options.feeds"),
        ("ACTIONS10", {"format": "YAML"}, MISSING_PROPERTY, "params.script"),
        ("SIP10", {}, 151, "package"),
    ],
)
def test_invalid_app_params_name_the_property(
    rpc: Rpc, package: str, params: Any, code: int, property: str
) -> None:
    error = rpc.error("apps.create", package, "app", params)

    assert (error["code"], error["data"]["property"]) == (code, property)


def test_valid_params_of_every_package_are_kept(rpc: Rpc) -> None:
    c2c = {
        "medias": {"A_welcome": 10112211, "AB_bridge": "TTS|TTS_EN-GB_SERENA|Connecting"},
        "options": {
            "A_attempts": 5,
            "A_retrypause": 30,
            "A_vms_detect": {"active": True, "method": "SILENCE"},
        },
        "vms": {"active": True, "timeout": 300, "file_format": "mp3"},
    }
    tracking = {"targets": [{"number": "+33612345678", "timeout": 5}], "ga": {"ua": "UA-1"}}

    assert rpc("apps.create", "CLICKTOCALL10", "c2c", c2c)["p"] == c2c
    assert rpc("apps.create", "CALLTRACKING10", "ct", tracking)["package"]["type"] == "CALLTRACKING"
    assert rpc("apps.create", "ACTIONS10", "act", {"script": "branches: {}"})["p"]["format"] == "YAML"
