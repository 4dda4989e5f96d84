"""What CALLR's official SDKs and their own tests expect, driven through the official Python SDK
(``callr`` 2.1.0) and a Real-Time app on the receiver that answers exactly what the SDKs' command
builders send (THECALLR/sdk-php ``src/CALLR/Realtime/Command.php``, THECALLR/sdk-dotnet
``Services/Server/RealTimeService.cs``)."""

from __future__ import annotations

import gc
import json
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import callr
import pytest

from mockserver.testing.receiver import CallbackReceiver
from tests.providers.callr.conftest import RealTimeApp

pytestmark = [
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]

ANSWERED = "+447700900123"  # a person answers at 7 s and hangs up 30 s later
VOICEMAIL = "+15550000005"  # a machine answers at 11 s
BUSY = "+15550000001"
PARIS = 1  # an area code of the mock's DID catalogue
#: Gson's ISO 8601 reader needs a 'T' and a zone; ``datetime_ms_iso`` is CALLR's own such format.
ISO_MS = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


@pytest.fixture(autouse=True)
def _collect_sdk_sockets() -> Iterator[None]:
    yield
    gc.collect()  # the SDK leaves its urllib responses open (see test_sdk.py)


def php(command: str, params: dict[str, Any], label: str = "step") -> dict[str, Any]:
    """``CALLR\\Realtime\\Response::getJSON()`` of a CallFlow label: the label is the command_id."""
    return {"command": command, "command_id": label, "params": params, "variables": {}}


#: Each PHP builder with its default arguments, as it encodes them (Command.php).
PHP_BUILDERS: dict[str, dict[str, Any]] = {
    "conference": {  # Command::conference(42, new ConferenceParams)
        "auto_leave_announce": 0,
        "auto_leave_when_alone": False,
        "pin_code": "",
        "pin_error": 0,
        "pin_max_tries": 3,
        "pin_prompt": 0,
        "pin_valid": 0,
        "pin_wait": 5,
        "user_join": 0,
        "user_leave": 0,
        "waiting": 0,
        "welcome": 0,
        "id": 42,
    },
    "dialout": {  # Command::dialout([new Target(BUSY, 30)])
        "targets": [{"number": BUSY, "timeout": 30}],
        "cli": "BLOCKED",
        "ringtone": "RING",
        "whisper": 0,
        "cdr_field": "",
    },
    "hangup": {},
    "hangup_callid": {"callid": 4242},
    "play": {"media_id": "TTS|TTS_EN-GB_SERENA|Hello there"},
    "play_record": {"media_file": "record_1_1.wav"},
    "play_wav_data": {"audio_data": "UklGRiQAAABXQVZFZm10IBAAAAABAAEAgD4AAAB9AAACABAAZGF0YQAAAAA="},
    "play_talk_detect": {
        "media_id": "TTS|TTS_EN-GB_SERENA|Hello?",
        "silence_ms": 5,
        "min_ms": 500,
        "max_ms": 60000,
        "analysistime_ms": 4000,
    },
    "read": {
        "attempts": 10,
        "max_digits": 20,
        "media_id": "TTS|TTS_EN-GB_SERENA|Your code",
        "timeout_ms": 30000,
    },
    "record": {"max_duration": 30, "silence": 0},
    "send_dtmf": {"digits": "123#", "duration_ms": 500, "timeout_ms": 500},
    "simple_conference": {"id": 42, "auto_leave_when_alone": True},
    "start_call_recording": {"announce": 0},
    "stop_call_recording": {"announce": 0},
    "wait": {"seconds": 1},
    "wait_for_silence": {"silence_ms": 1000, "iterations": 3, "timeout": 30},
}


def realtime_app(api: callr.Api, rt_app: RealTimeApp) -> str:
    return str(api.call("apps.create", "REALTIME10", "flow", {"url": rt_app.url})["hash"])


def call(api: callr.Api, app: str, number: str) -> str:
    return str(api.call("calls.realtime", app, {"number": number, "timeout": 30}, None))


def first_then_hangup(first: dict[str, Any]) -> Any:
    def decide(rt: dict[str, Any]) -> dict[str, Any] | None:
        if rt["call_status"] not in ("UP", "INCOMING_CALL"):
            return None  # after HANGUP the PHP Server answers nothing
        return first if rt["command"] == "" else php("hangup", {}, "_hangup")

    return decide


@pytest.mark.parametrize("name", sorted(PHP_BUILDERS))
def test_every_php_sdk_builder_runs_with_its_defaults(
    name: str, api: callr.Api, rt_app: RealTimeApp, control: Any
) -> None:
    rt_app.run(first_then_hangup(php(name, PHP_BUILDERS[name])))
    call(api, realtime_app(api, rt_app), ANSWERED)

    control.advance(60)

    after = rt_app.requests()[1]
    assert (after["command"], after["command_id"], after["command_error"]) == (name, "step", "")


@pytest.mark.parametrize(
    ("name", "params"),
    [  # RealTimeService.cs: Wait(int wait) writes "wait"; Dialout(...) may pass nulls
        ("wait", {"wait": 2}),
        (
            "dialout",
            {
                "cdr_field": None,
                "cli": None,
                "ringtone": "MUSIC",
                "targets": [{"number": BUSY, "timeout": 20}],
                "whisper": None,
            },
        ),
        ("wait_for_silence", {"iterations": 10, "silence_ms": 500, "timeout": 0}),
    ],
)
def test_dotnet_sdk_builders_run(
    name: str, params: dict[str, Any], api: callr.Api, rt_app: RealTimeApp, control: Any
) -> None:
    rt_app.run(first_then_hangup({"command": name, "command_id": 1, "params": params, "variables": {}}))
    call(api, realtime_app(api, rt_app), ANSWERED)

    control.advance(60)

    assert rt_app.requests()[1]["command_error"] == ""


def talk_detect_on(api: callr.Api, rt_app: RealTimeApp, control: Any, number: str, **params: int) -> Any:
    """Run one play_talk_detect on a fresh call to ``number``; the app hangs up once it has the result."""
    sent = {**PHP_BUILDERS["play_talk_detect"], **params}
    rt_app.run(first_then_hangup(php("play_talk_detect", sent, "detect")))
    call(api, realtime_app(api, rt_app), number)
    control.advance(60)
    [cdr] = api.call("cdr.get", "OUT", "2026-01-01 00:00:00", "2026-01-01 23:59:59")
    return rt_app.requests()[1], cdr


def test_play_talk_detect_hears_a_person_say_hello(api: callr.Api, rt_app: RealTimeApp, control: Any) -> None:
    after, cdr = talk_detect_on(api, rt_app, control, ANSWERED)

    assert (after["call_status"], after["command"], after["command_result"]) == (
        "UP",
        "play_talk_detect",
        "TALK",
    )
    assert cdr["duration_answered"] == 1  # 1 s of "Hello?" + 5 ms of silence stop the playback


def test_play_talk_detect_hears_no_talk_from_a_machine(
    api: callr.Api, rt_app: RealTimeApp, control: Any
) -> None:
    after, cdr = talk_detect_on(api, rt_app, control, VOICEMAIL)

    assert after["command_result"] == "NO_TALK"  # a 12 s greeting does not end within analysistime_ms
    assert cdr["duration_answered"] == 5  # the media played to its end


def test_play_talk_detect_follows_its_parameters(api: callr.Api, rt_app: RealTimeApp, control: Any) -> None:
    after, _ = talk_detect_on(api, rt_app, control, ANSWERED, min_ms=1500)

    assert after["command_result"] == "NO_TALK"  # "Hello?" is shorter than min_ms


def test_play_talk_detect_checks_its_parameters(api: callr.Api, rt_app: RealTimeApp, control: Any) -> None:
    after, _ = talk_detect_on(api, rt_app, control, ANSWERED, min_ms=2000, max_ms=1000)

    assert (after["call_status"], after["command_error"]) == ("HANGUP", "INVALID_PARAMS")


# -- DIDs: did.assigned / did.unassigned are about the account -------------------------------------
def test_did_webhooks_fire_when_a_number_joins_or_leaves_the_account(
    api: callr.Api, rt_app: RealTimeApp, receiver: CallbackReceiver, control: Any
) -> None:
    for kind in ("did.assigned", "did.unassigned"):
        api.call("webhooks.subscribe", kind, receiver.url("/hooks"), None)
    app = realtime_app(api, rt_app)
    order = api.call("did/store.reserve", PARIS, "CLASSIC", 1, "RANDOM")
    [did] = api.call("did/store.buy_order", order["token"])["success"]
    api.call("apps.assign_did", app, did["hash"])
    api.call("apps.remove_did", did["hash"])
    api.call("apps.assign_did", app, did["hash"])
    api.call("did/store.cancel_subscription", did["hash"])

    control.advance(1)  # every push already caused is attempted

    pushed = [json.loads(r.body) for r in receiver.requests("/hooks")]
    assert [(p["type"], p["data"]["hash"]) for p in pushed] == [
        ("did.assigned", did["hash"]),
        ("did.unassigned", did["hash"]),
    ]
    assert pushed[0]["data"]["app"] is None  # bought, not yet routed to an app
    assert pushed[1]["data"]["app"] == app  # the DID as it stood when it left the account


def test_deleting_an_app_keeps_its_numbers_on_the_account(
    api: callr.Api, rt_app: RealTimeApp, receiver: CallbackReceiver, control: Any
) -> None:
    app = realtime_app(api, rt_app)
    order = api.call("did/store.reserve", PARIS, "CLASSIC", 1, "RANDOM")
    [did] = api.call("did/store.buy_order", order["token"])["success"]
    api.call("apps.assign_did", app, did["hash"])
    api.call("webhooks.subscribe", "did.unassigned", receiver.url("/hooks"), None)

    api.call("apps.delete", app)
    control.advance(1)

    assert receiver.requests("/hooks") == []
    assert [d["hash"] for d in api.call("apps.get_dids", True)] == [did["hash"]]


# -- Authentication.Session dates -----------------------------------------------------------------
def test_session_dates_are_iso_8601_as_the_java_sdk_test_reads_them(api: callr.Api, control: Any) -> None:
    session = api.call("session.create")
    control.advance(5)  # sdk-java UserSessionKeyTest sleeps 5 s, refreshes, expects a later valid_until
    refreshed = api.call("session.refresh", session["refresh_token"])

    assert ISO_MS.fullmatch(session["valid_until"]), session
    assert ISO_MS.fullmatch(session["refreshable_until"]), session
    assert session["valid_until"] == "2026-01-01T10:00:00.000Z"
    assert datetime.fromisoformat(refreshed["valid_until"]) > datetime.fromisoformat(session["valid_until"])


# -- error messages: what production answered to the official .NET SDK's own tests ---------------
@pytest.mark.parametrize(
    ("method", "params", "message"),
    [  # sdk-dotnet CallrApiTest: AppsServiceTest, ClickToCallServiceTest, SmsServiceTest, MediaServiceTest,
        # CdrServiceTest, DialrServiceTest (the property in brackets; the codes are the mock's)
        ("apps.get", ["INVALID_APP_ID"], "PROPERTY_VALUE_ERROR [app]"),
        ("apps.edit", ["INVALID_APP_ID", None, None], "PROPERTY_VALUE_ERROR [app]"),
        ("apps.delete", ["INVALID_APP_ID"], "PROPERTY_VALUE_ERROR [app]"),
        ("apps.create", ["CALLTRACKING10", "My new App", "BAD_OBJECT"], "INVALID_PARAM_FORMAT [params]"),
        ("apps.remove_did", ["INVALID_DID_ID"], "PROPERTY_VALUE_ERROR [did]"),
        ("apps.get_authorized_clis", [None], "INVALID_PARAM_FORMAT [type]"),
        ("clicktocall/calls.get_status", ["INVALID_CALL_ID"], "PROPERTY_VALUE_ERROR [call]"),
        ("clicktocall/calls.cancel", ["INVALID_CALL_ID"], "PROPERTY_VALUE_ERROR [call]"),
        ("sms.get", ["INVALID_SMS_ID"], "PROPERTY_VALUE_ERROR [id]"),
        ("sms.send", ["SMS", "+33123456789", None, None], "INVALID_PARAM_FORMAT [body]"),
        ("sms.send", ["SMS", None, None, None], "PROPERTY_TYPE_ERROR [to]"),
        ("sms.send", ["+33123", "+33123456789", "test", None], "PROPERTY_VALUE_ERROR [from]"),
        ("media/library.create", [None], "INVALID_PARAM_FORMAT [name]"),
        ("media/library.get", [-2147483648], "PROPERTY_VALUE_ERROR [media_id]"),
        ("cdr.get", ["OUT", "2026-02-01 00:00:00", "2026-01-01 00:00:00"], "TO_BEFORE_FROM"),
    ],
)
def test_errors_read_as_production_answered_the_dotnet_sdk_tests(
    method: str, params: list[Any], message: str, api: callr.Api
) -> None:
    with pytest.raises(callr.CallrException) as raised:
        api.call(method, *params)

    assert raised.value.msg == message


def test_realtime_options_and_targets_errors_read_as_in_production(
    api: callr.Api, rt_app: RealTimeApp
) -> None:
    realtime, c2c = realtime_app(api, rt_app), api.call("apps.create", "CLICKTOCALL10", "c2c", None)["hash"]
    target = {"number": ANSWERED, "timeout": 20}
    cases = [
        ("calls.realtime", [realtime, None, None], "INVALID_PARAM_FORMAT [target]"),
        (
            "calls.realtime",
            [realtime, target, {"cdr_field": "", "cli": "INVALID_CLI"}],
            "PROPERTY_VALUE_ERROR [options.cli]",
        ),
        (
            "calls.realtime",
            [realtime, target, {"cdr_field": None, "cli": "BLOCKED"}],
            "PROPERTY_VALUE_ERROR [options.cdr_field]",
        ),
        (
            "clicktocall/calls.start_2",
            [c2c, [{"number": "INVALID_PHONE_NUMBER", "timeout": 20}], [target], None],
            "PROPERTY_VALUE_ERROR [a_targets]",
        ),
        (
            "clicktocall/calls.start_2",
            [c2c, [target], [{"number": "INVALID_PHONE_NUMBER", "timeout": 20}], None],
            "PROPERTY_VALUE_ERROR [b_targets]",
        ),
        ("clicktocall/calls.start_2", [realtime, [target], [target], None], "BAD_APP_TYPE"),
    ]
    for method, params, message in cases:
        with pytest.raises(callr.CallrException) as raised:
            api.call(method, *params)
        assert raised.value.msg == message, (method, params)


# -- what the SDK READMEs and examples send ---------------------------------------------------------
def test_the_readme_and_example_calls_work(api: callr.Api) -> None:
    """sdk-python/sdk-php READMEs and sdk-php examples/cli_create_realtime10.php, unchanged."""
    brand = api.call(
        "sms.send", "Your Brand", "+33123456789", "Hello world!", None
    )  # space: support.callr.com
    app = api.call(  # Objects\\App\\Realtime10 sends empty login/password and data_format
        "apps.create",
        "REALTIME10",
        "REALTIME-TEST",
        {"url": "http://x/rt", "login": "", "password": "", "data_format": "JSON"},
    )
    options = {"cdr_field": "", "cli": "BLOCKED"}  # Objects\\Method\\RealtimeCallOptions defaults
    api.call("calls.realtime", app["hash"], {"number": "+33132456789", "timeout": 30}, options)

    assert api.call("sms.get", brand)["from"] == "Your Brand"
    assert api.call("apps.get_list", True)[0]["hash"] == app["hash"]


def test_realtime_requests_carry_the_headers_of_the_reference_sample(
    api: callr.Api, rt_app: RealTimeApp, control: Any
) -> None:
    rt_app.run(first_then_hangup(php("hangup", {}, "_hangup")))
    call(api, realtime_app(api, rt_app), ANSWERED)

    control.advance(30)

    first = rt_app.received()[0]
    assert (first.headers["accept"], first.headers["content-type"]) == ("*/*", "application/json")


def test_the_app_is_checked_before_the_targets_and_a_cdr_filter_must_exist(api: callr.Api) -> None:
    """sdk-dotnet: Start2Calls("INVALID_APP_ID", null, null, null); GetOutboundCdrs(…, "INVALID_APP_ID")."""
    day = ("2026-01-01 00:00:00", "2026-01-01 23:59:59")
    for method, params in [
        ("clicktocall/calls.start_2", ["INVALID_APP_ID", None, None, None]),
        ("cdr.get", ["OUT", *day, "INVALID_APP_ID"]),
        ("cdr.get", ["IN", *day, "INVALID_APP_ID"]),
    ]:
        with pytest.raises(callr.CallrException) as raised:
            api.call(method, *params)
        assert raised.value.msg == "PROPERTY_VALUE_ERROR [app]", method


def test_media_errors_read_as_production_answered_the_dotnet_sdk_tests(api: callr.Api) -> None:
    """sdk-dotnet MediaServiceTest: media_id is checked first, then each later param."""
    unknown, media = -2147483648, api.call("media/library.create", "welcome")
    cases = [
        ("media/library.get_list", [["INVALID_CATEGORY"]], "INVALID_PARAM_FORMAT [categories]"),
        ("media/library.delete", [unknown], "PROPERTY_VALUE_ERROR [media_id]"),
        ("media/library.set_content", [unknown, None, None], "PROPERTY_VALUE_ERROR [media_id]"),
        ("media/library.set_content_from_recording", [unknown, None], "PROPERTY_VALUE_ERROR [media_id]"),
        ("media/library.set_content_from_recording", [media, None], "PROPERTY_VALUE_ERROR [media_file]"),
        ("media/tts.set_content", [unknown, None, None, None], "PROPERTY_VALUE_ERROR [media_id]"),
        ("media/tts.set_content", [media, None, None, None], "INVALID_PARAM_FORMAT [text]"),
        (
            "media/tts.set_content",
            [media, "Text to say", "INVALID_VOICE", None],
            "PROPERTY_VALUE_ERROR [voice]",
        ),
        (
            "media/tts.set_content",
            [media, "Text to say", "TTS_FR-FR_AUDREY", {"rate": 1000}],
            "PROPERTY_VALUE_ERROR [rate]",
        ),
        ("media/library.set_name", [unknown, None], "PROPERTY_VALUE_ERROR [media_id]"),
        ("media/library.set_name", [media, None], "INVALID_PARAM_FORMAT [name]"),
        ("media/library.set_tags", [unknown, None], "PROPERTY_VALUE_ERROR [media_id]"),
        ("media/library.set_tags", [media, None], "INVALID_PARAM_FORMAT [tags]"),
    ]
    for method, params, message in cases:
        with pytest.raises(callr.CallrException) as raised:
            api.call(method, *params)
        assert raised.value.msg == message, (method, params)
    assert api.call("media/library.get_list", ["WELCOME", "IVR"]) == api.call("media/library.get_list", None)
