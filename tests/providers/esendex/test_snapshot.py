"""Snapshots (``POST /_mock/snapshot`` → reset → ``POST /_mock/restore``) keep everything Esendex answers."""

from __future__ import annotations

import base64
import io
import wave
from typing import Any

from tests.providers.esendex.conftest import ANSWERED_TO, PhoneNotify, fields, parse
from tests.providers.esendex.test_inbound import call_in, incoming_number

BUSY_TO = "5550000001"
LONG_CALL_TO = "5550000007"


def sound(seconds: int) -> str:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(8000)
        writer.writeframes(b"\0\0" * 8000 * seconds)
    return base64.b64encode(buffer.getvalue()).decode()


def a_bit_of_everything(notify: PhoneNotify, control: Any) -> list[str]:
    """Sound files, an incoming call, and notifies done, live, between tries, scheduled, cancelled."""
    upload = notify.post("UploadSoundFile", FileBinary=sound(2), SoundFileID="intro")
    assert fields(parse(upload))["UploadSuccessful"] == "true"
    incoming_number(control, notify.key, r"~^intro~ ~\SetVar(line|support)~")
    assert call_in(control).status_code == 201
    queue_ids = [
        notify.basic(ANSWERED_TO, r"~\SetVar(choice|7)~ ~^intro~ Your order has shipped")["QueueID"],
        notify.basic(LONG_CALL_TO, r"~\PlaySilence(600)~")["QueueID"],
        notify.advanced(
            f"<PhoneNumberToDial>{BUSY_TO}</PhoneNumberToDial><TextToSay>Hi</TextToSay>"
            "<TryCount>3</TryCount><NextTryInSeconds>300</NextTryInSeconds>"
        )["QueueID"],
        notify.advanced(
            f"<PhoneNumberToDial>{ANSWERED_TO}</PhoneNumberToDial><TextToSay>Later</TextToSay>"
            "<UTCScheduledDateTime>2026-01-01T10:00:00Z</UTCScheduledDateTime>"
        )["QueueID"],
        notify.advanced(
            f"<PhoneNumberToDial>{ANSWERED_TO}</PhoneNumberToDial><TextToSay>Never</TextToSay>"
            "<UTCScheduledDateTime>2026-01-01T11:00:00Z</UTCScheduledDateTime>"
        )["QueueID"],
    ]
    assert notify.post("CancelNotify", QueueID=queue_ids[-1]).text.endswith(">true</boolean>")
    control.advance(60)
    return [str(int(queue_ids[0]) - 1), *queue_ids]  # the incoming call took the first QueueID


def view(notify: PhoneNotify, control: Any, queue_ids: list[str]) -> dict[str, Any]:
    """What a client can read: every status (with variables), by number, sound files, keys."""
    return {
        "statuses": [notify.post("GetQueueIDStatusWithAdvancedInfo", QueueID=q).text for q in queue_ids],
        "by_number": notify.post("GetQueueIDStatusesByPhoneNumber", PhoneNumber=ANSWERED_TO).text,
        "sounds": notify.post("ReturnSoundFileIDs").text,
        "keys": control.credentials("esendex"),
        "calls": control.calls(provider="esendex"),
    }


def test_a_restored_snapshot_answers_exactly_as_before(notify: PhoneNotify, control: Any) -> None:
    queue_ids = a_bit_of_everything(notify, control)
    before = view(notify, control, queue_ids)
    assert [fields(parse(notify.post("GetQueueIDStatus", QueueID=q)))["ResponseCode"] for q in queue_ids] == [
        "30",  # the incoming call, complete
        "1",  # answered
        "21",  # in call
        "8",  # busy, a retry to come
        "0",  # scheduled
        "22",  # cancelled
    ]
    snapshot = control.http.post("/_mock/snapshot").json()
    assert {n["queue_id"] for n in snapshot["providers"]["esendex"]["notifies"]} == set(map(int, queue_ids))

    control.reset()
    assert view(notify, control, queue_ids) != before
    restored = control.http.post("/_mock/restore", json=snapshot)
    assert restored.status_code == 200, restored.text
    assert view(notify, control, queue_ids) == before


def test_what_was_still_to_dial_dials_after_a_restore(notify: PhoneNotify, control: Any) -> None:
    queue_ids = a_bit_of_everything(notify, control)
    snapshot = control.http.post("/_mock/snapshot").json()
    control.advance(4000)
    straight_on = view(notify, control, queue_ids)
    next_id = notify.basic(ANSWERED_TO)["QueueID"]

    control.http.post("/_mock/restore", json=snapshot).raise_for_status()
    control.advance(4000)
    after_restore = view(notify, control, queue_ids)
    live = 2  # the long call: its script does not resume after a restore, its scenario ends it instead
    for name in ("statuses", "calls"):
        after_restore[name].pop(live)
        straight_on[name].pop(live)
    assert after_restore == straight_on
    tries = fields(parse(notify.post("GetQueueIDStatus", QueueID=queue_ids[3])))
    assert (tries["TryCount"], tries["ResponseCode"], tries["CallComplete"]) == ("3", "8", "true")
    assert notify.basic(ANSWERED_TO)["QueueID"] == next_id


def test_a_snapshot_with_a_bad_esendex_part_changes_nothing(notify: PhoneNotify, control: Any) -> None:
    queue_ids = a_bit_of_everything(notify, control)
    before = view(notify, control, queue_ids)
    snapshot = control.http.post("/_mock/snapshot").json()
    for broken in (
        {"notifies": [{"queue_id": "x"}]},
        {"notifies": [{**snapshot["providers"]["esendex"]["notifies"][0], "attempts": ["nope"]}]},
        {"accounts": [{"license_key": 1}]},
    ):
        response = control.http.post("/_mock/restore", json={**snapshot, "providers": {"esendex": broken}})
        assert response.status_code == 400, response.text
        assert "providers.esendex" in response.text
        assert view(notify, control, queue_ids) == before
