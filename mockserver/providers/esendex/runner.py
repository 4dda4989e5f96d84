"""The call-control loop: plays an answered call's TextToSay on the mock clock.

Speech and silences are timers (``backend.schedule``); ``GetDigits`` and ``WaitForDTMF`` are prompts
(``backend.ask``), answered by the scenario's ``input`` or by digits injected through ``/_mock``.
Digits injected while speech plays interrupt it when ``ActOnDigitPress`` is on (default 1 = repeat,
0 = transfer). The end of the script hangs up (ended by the caller), as Phone Notify does.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mockserver.core.calls import Call, Party
from mockserver.core.clock import Timer
from mockserver.providers.esendex.interpreter import Action, Hangup, Interpreter, Listen, Speak, Transfer
from mockserver.providers.esendex.models import Notify

if TYPE_CHECKING:
    from mockserver.providers.esendex.provider import Esendex


@dataclass
class Running:
    notify: Notify
    interpreter: Interpreter
    action: Action | None = None
    speech: Timer | None = None  # the end of the Speak in progress


class ScriptRunner:
    def __init__(self, api: Esendex) -> None:
        self.api = api
        self.running: dict[str, Running] = {}

    def start(self, call: Call, notify: Notify) -> None:
        request = notify.request
        interpreter = Interpreter(
            notify.script,
            transfer_number=request.transfer_number,
            tts_rate=request.tts_rate,
            sound_seconds=self.api.sound_lengths(request.license_key),
            variables=notify.variables,
        )
        run = Running(notify, interpreter)
        self.running[call.id] = run
        if request.max_call_length > 0:  # the call's group timers vanish when it ends
            self.api.ctx.backend.schedule(call.id, request.max_call_length, self._cut(call.id))
        self._go(call.id)

    def stop(self, call_id: str) -> None:
        self.running.pop(call_id, None)

    def on_digits(self, call_id: str, digits: str) -> None:
        """Digits keyed while nothing asked for them: they interrupt interruptible speech."""
        run = self.running.get(call_id)
        if run is None or not isinstance(run.action, Speak) or not run.action.interruptible:
            return
        if run.speech is not None:
            run.speech.cancel()
        run.interpreter.pressed(digits)
        self._go(call_id)

    def _go(self, call_id: str) -> None:
        run = self.running.get(call_id)
        if run is None:
            return
        backend = self.api.ctx.backend
        action = run.action = run.interpreter.next()
        if run.interpreter.post_url:
            run.notify.status_url = run.interpreter.post_url
        run.notify.record_seconds = max(run.notify.record_seconds, run.interpreter.recorded_seconds)
        if isinstance(action, Speak):
            run.speech = backend.schedule(call_id, action.seconds, self._elapsed(call_id, run))
        elif isinstance(action, Listen):
            backend.ask(call_id, action.seconds, self._keyed(call_id, run), self._elapsed(call_id, run))
        elif isinstance(action, Transfer):
            run.notify.transferred = True
            self.running.pop(call_id, None)
        elif isinstance(action, Hangup):
            self.running.pop(call_id, None)
            if backend.get(call_id).live:
                backend.hangup(call_id, Party.CALLER, f"TextToSay: {action.reason}")

    def _elapsed(self, call_id: str, run: Running) -> Callable[[], Awaitable[None]]:
        async def elapsed() -> None:
            if self.running.get(call_id) is run:
                if isinstance(run.action, Speak) and run.action.saves is not None:
                    self._save_recording(run.notify, run.action)
                run.interpreter.elapsed()
                self._go(call_id)

        return elapsed

    def _keyed(self, call_id: str, run: Running) -> Callable[[str], Awaitable[None]]:
        async def keyed(digits: str) -> None:
            if self.running.get(call_id) is run:
                run.interpreter.pressed(digits)
                self._go(call_id)

        return keyed

    def _save_recording(self, notify: Notify, recording: Speak) -> None:
        """A finished RecordAndSaveAs is a sound file of the LicenseKey (later scripts play it with
        ``~^id~``; ReturnSoundFileIDs lists it) and the call's ``qasoundid`` (mock's choice)."""
        sound_id = recording.saves or self.api.ctx.ids.uuid()
        self.api.state.sounds[(notify.request.license_key, sound_id)] = int(recording.seconds)
        notify.sound_id = sound_id

    def _cut(self, call_id: str) -> Callable[[], Awaitable[None]]:
        async def cut() -> None:
            self.running.pop(call_id, None)
            if self.api.ctx.backend.get(call_id).live:
                self.api.ctx.backend.hangup(call_id, Party.SYSTEM, "MaxCallLength reached")

        return cut

    def reset(self) -> None:
        self.running.clear()
