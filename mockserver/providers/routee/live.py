"""Live-call control: what Routee's ``/voice/conversation/{messageId}…`` endpoints do to a call.

Routee documents (API reference "Hangup/reject an active call", "Start/Stop playing a text-to-speech
message", "… an audio file", "Start/Stop recording", "Send DTMF tones", "Transfer an active call"):

- ``PUT {action: hangup | reject}``: hangup "only applies to calls with InProgress status", reject to
  "Ringing" or "Initiated" calls; any other state is a 409 here (mock's choice of status and code).
- ``POST/DELETE …/talk`` ``{text, gender, language, multiplex}`` and ``…/file`` ``{fileURL, multiplex}``:
  the message plays on the call for the time the mock gives it (as SAY / PLAY); the dialplan's own
  timing is not changed (mock's choice). Each start, end and stop is a ``call_action`` in the journal
  and the timeline.
- ``POST/DELETE …/record`` ``{duration, format}``: records until stopped, ``duration`` seconds or the
  end of the call; the recording joins the voice message's ``recordings[]``.
- ``POST …/dtmf`` ``{dtmf}``: tones sent to the far end (``[A-D0-9#*,wW]+``), journaled.
- ``POST …/transfer`` ``{from, to, hangupDelay, maxDuration, callback}``: a new voice message is dialled
  and bridged as a DIAL would be; the running dialplan stops, and the call ends when that leg ends
  (mock's choice).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from mockserver.core.calls import Call, CallState, Party
from mockserver.providers.routee import fields
from mockserver.providers.routee.dialplan import DEFAULT_HANGUP_DELAY, MAX_DIAL_WAIT, MAX_TEXT, Dial
from mockserver.providers.routee.errors import Codes, RouteeError, invalid
from mockserver.providers.routee.executor import PLAY_SECONDS, text_seconds
from mockserver.providers.routee.models import Leg, RecordingInfo
from mockserver.providers.routee.vocabulary import LANGUAGES, Gender, RecordingFormat

if TYPE_CHECKING:
    from mockserver.core.clock import Timer
    from mockserver.providers.routee.provider import Routee

DTMF = re.compile(r"[A-D0-9#*,wW]+")
MAX_RECORD_SECONDS = 86_400  # mock's choice: Routee documents no bounds
#: the mock's voice-module number for a call in the wrong state for the action (409013001)
WRONG_STATE = 1


@dataclass
class Playing:
    what: str  # "talk" | "file"
    detail: str
    ends: Timer


@dataclass
class Recorder:
    started: datetime
    format: RecordingFormat
    stops: Timer | None


class LiveCalls:
    """The live-call actions of the calls of one Routee provider."""

    def __init__(self, api: Routee) -> None:
        self.api = api
        self.playing: dict[str, Playing] = {}  # by neutral call id
        self.recorders: dict[str, Recorder] = {}

    def reset(self) -> None:
        self.playing.clear()
        self.recorders.clear()

    def note(self, call_id: str, detail: str) -> None:
        self.api.ctx.journal.record(
            "call_action", self.api.ctx.now(), self.api.name, call_id=call_id, detail=detail
        )

    def in_progress(self, call: Call, action: str) -> None:
        if call.state is not CallState.ANSWERED:
            raise RouteeError(
                409,
                f"{action} applies only to calls with InProgress status (this one is {call.state})",
                number=WRONG_STATE,
            )

    # -- hang up / reject ------------------------------------------------------------------------
    def hangup_or_reject(self, call: Call, body: dict[str, Any]) -> None:
        action = body.get("action")
        if action == "hangup":
            self.in_progress(call, "hangup")
            self.api.ctx.backend.hangup(call.id, Party.API, "PUT /voice/conversation (hangup)")
        elif action == "reject":
            if call.state not in (CallState.INITIATED, CallState.RINGING):
                raise RouteeError(
                    409,
                    f"reject applies only to Ringing or Initiated calls (this one is {call.state})",
                    number=WRONG_STATE,
                )
            self.api.ctx.backend.move(
                call.id, CallState.REJECTED, "PUT /voice/conversation (reject)", ended_by=Party.API
            )
        else:
            raise invalid(Codes.ACTION, "action", "action must be hangup or reject")

    # -- talk / file -----------------------------------------------------------------------------
    def talk(self, call: Call, body: dict[str, Any]) -> None:
        self.in_progress(call, "talk")
        text = fields.text(body.get("text"), "text", Codes.ACTION, MAX_TEXT)
        language = body.get("language", "en-US")
        if language not in LANGUAGES:
            raise invalid(Codes.ACTION, "language", "language must be one of the 14 codes")
        gender = body.get("gender", Gender.FEMALE.value)
        if gender not in {g.value for g in Gender}:
            raise invalid(Codes.ACTION, "gender", "gender must be male or female")
        self._multiplex(body)
        self.start_playing(call, "talk", f"{text!r} ({language}, {gender})", text_seconds(text))

    def file(self, call: Call, body: dict[str, Any]) -> None:
        self.in_progress(call, "file")
        url = fields.url(body.get("fileURL"), "fileURL", Codes.ACTION)
        self._multiplex(body)
        self.start_playing(call, "file", url, PLAY_SECONDS)

    def _multiplex(self, body: dict[str, Any]) -> bool:
        value = body.get("multiplex")
        return False if value is None else fields.boolean(value, "multiplex", Codes.ACTION)

    def start_playing(self, call: Call, what: str, detail: str, seconds: float) -> None:
        if call.id in self.playing:
            self.stop_playing(call, self.playing[call.id].what, "replaced")

        async def ended() -> None:
            if self.playing.get(call.id) is playing:
                del self.playing[call.id]
                self.note(call.id, f"{what} ended: {detail}")

        timer = self.api.ctx.backend.schedule(call.id, seconds, ended)
        playing = self.playing[call.id] = Playing(what, detail, timer)
        self.note(call.id, f"{what} started: {detail}")

    def stop_playing(self, call: Call, what: str, why: str = "stopped") -> None:
        playing = self.playing.get(call.id)
        if playing is None or playing.what != what:
            raise RouteeError(409, f"no {what} is playing on this call", number=WRONG_STATE)
        playing.ends.cancel()
        del self.playing[call.id]
        self.note(call.id, f"{what} {why}: {playing.detail}")

    # -- record ----------------------------------------------------------------------------------
    def record(self, call: Call, leg: Leg, body: dict[str, Any]) -> None:
        self.in_progress(call, "record")
        if call.id in self.recorders:
            raise RouteeError(409, "this call is being recorded already", number=WRONG_STATE)
        fmt = body.get("format", RecordingFormat.MP3.value)
        if fmt not in {f.value for f in RecordingFormat}:
            raise invalid(Codes.ACTION, "format", "format must be MP3 or WAV")
        duration = body.get("duration")
        seconds = (
            None
            if duration is None
            else fields.integer(duration, "duration", Codes.ACTION, 1, MAX_RECORD_SECONDS)
        )
        recorder = Recorder(self.api.ctx.now(), RecordingFormat(fmt), None)
        if seconds is not None:

            async def stop() -> None:
                if self.recorders.get(call.id) is recorder:
                    self.finish_recording(call.id, leg)

            recorder.stops = self.api.ctx.backend.schedule(call.id, seconds, stop)
        self.recorders[call.id] = recorder
        self.note(call.id, f"recording started ({fmt})")

    def stop_recording(self, call: Call, leg: Leg) -> None:
        if call.id not in self.recorders:
            raise RouteeError(409, "this call is not being recorded", number=WRONG_STATE)
        self.finish_recording(call.id, leg)

    def finish_recording(self, call_id: str, leg: Leg) -> None:
        recorder = self.recorders.pop(call_id)
        if recorder.stops is not None:
            recorder.stops.cancel()
        now = self.api.ctx.now()
        seconds = int((now - recorder.started).total_seconds())
        self.note(call_id, f"recording stopped after {seconds} s")
        if seconds <= 0:
            return
        extension = recorder.format.value.lower()
        rec_id = self.api.ctx.ids.uuid()
        conversation = self.api.state.conversations[leg.conversation_id]
        leg.recordings.append(
            RecordingInfo(
                tracking_id=rec_id,
                start=recorder.started,
                end=recorder.started + timedelta(seconds=seconds),
                from_=leg.from_,
                to=leg.to.value,
                message_ids=(leg.message_id,),
                conversation_tracking_id=leg.conversation_id,
                duration=seconds,
                format=extension,
                url=f"{conversation.base_url}/recordings/my/downloads/{rec_id}",
            )
        )

    # -- dtmf / transfer -------------------------------------------------------------------------
    def dtmf(self, call: Call, body: dict[str, Any]) -> None:
        self.in_progress(call, "dtmf")
        tones = body.get("dtmf")
        if not isinstance(tones, str) or len(tones) > 255 or not DTMF.fullmatch(tones):
            raise invalid(Codes.ACTION, "dtmf", "dtmf must match [A-D0-9#*,wW]+")
        self.note(call.id, f"dtmf sent: {tones}")

    def transfer(self, call: Call, leg: Leg, body: dict[str, Any]) -> Leg:
        self.in_progress(call, "transfer")
        if leg.is_dial:
            raise RouteeError(409, "a DIAL leg cannot be transferred (mock's choice)", number=WRONG_STATE)
        run = self.api.executor.runs.get(call.id)
        if run is not None and run.dial_leg is not None:
            raise RouteeError(409, "this call is bridged to a DIAL leg already", number=WRONG_STATE)
        if body.get("from") is None:
            raise invalid(Codes.FROM, "from", "from is required")
        hangup_delay = body.get("hangupDelay")
        max_duration = body.get("maxDuration")
        callback = body.get("callback")
        dial = Dial(
            from_=fields.text(body.get("from"), "from", Codes.FROM, 64),
            to=fields.destination(body.get("to"), "to", Codes.TO),
            hangup_delay=DEFAULT_HANGUP_DELAY
            if hangup_delay is None
            else fields.integer(hangup_delay, "hangupDelay", Codes.RANGE, 1, MAX_DIAL_WAIT),
            max_duration=None
            if max_duration is None
            else fields.integer(max_duration, "maxDuration", Codes.RANGE, 1, 86_400),
            callback=None if callback is None else fields.callback(callback, "callback"),
        )
        self.note(call.id, f"transfer to {dial.to.value}")
        return self.api.executor.transfer(call.id, dial)

    # -- the end of a call -----------------------------------------------------------------------
    def on_ended(self, call: Call, leg: Leg) -> None:
        self.playing.pop(call.id, None)
        if call.id in self.recorders:
            self.finish_recording(call.id, leg)
