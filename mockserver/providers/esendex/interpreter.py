"""Runs a parsed TextToSay script on one answered call, without I/O: a pure state machine.

:meth:`Interpreter.next` runs commands until one needs time or ends the call, and returns that action.
The caller (runner.py) carries it out on the mock clock and reports back with :meth:`pressed` (the
callee keyed digits during a :class:`Speak` or :class:`Listen`) or :meth:`elapsed` (it ran out).
Every command executed counts against ``max_steps``, so a script always ends, whatever it says and
whatever the callee presses [E-tts][W-adv].
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mockserver.core.values import frozen
from mockserver.providers.esendex.script import Command, Script, Sound, Text

SECONDS_PER_WORD = 0.4  # text-to-speech at 150 words a minute, TTSrate 10
SOUND_SECONDS = 3.0  # a sound file whose length the mock does not know
RECORD_SECONDS = 10  # what RecordAndSaveAs records before the callee falls silent
DEFAULT_DIGIT_WAIT = 5.0  # GetDigits' default wait [W-adv]
MAX_VALUE = 500  # variable values are cut at 500 characters [E-tts]
MAX_STEPS = 10_000


@frozen
class Speak:
    """Play for ``seconds``; when ``interruptible`` the callee's digits cut it short. ``saves`` is the
    sound file id a recording is saved as once it has run its length (``""``: a unique id)."""

    seconds: float
    interruptible: bool
    saves: str | None = None


@frozen
class Listen:
    """Wait up to ``seconds`` for digits (GetDigits into ``variable``, or WaitForDTMF)."""

    seconds: float
    variable: str | None
    max_digits: int


@frozen
class Transfer:
    number: str


@frozen
class Hangup:
    reason: str


Action = Speak | Listen | Transfer | Hangup


@dataclass
class Interpreter:
    script: Script
    transfer_number: str = ""
    tts_rate: int = 10
    sound_seconds: dict[str, int] = field(default_factory=dict)
    variables: dict[str, str] = field(default_factory=dict)
    max_steps: int = MAX_STEPS
    pc: int = 0
    steps: int = 0
    act_on_digits: bool = True
    defaults: bool = True  # 1 = repeat, 0 = transfer, until ClearDTMF
    dtmf: dict[str, str] = field(default_factory=dict)  # digit → label
    post_url: str | None = None
    recorded_seconds: int = 0
    _waiting: Action | None = None
    _queued: Transfer | None = None  # digit 0's default transfer, taken at the next step

    def next(self) -> Action:
        """Run until the next action that takes time or ends the call."""
        while True:
            self.steps += 1
            if self.steps > self.max_steps:
                return self._end(Hangup(f"the script ran {self.max_steps} steps without ending"))
            if self._queued is not None:
                queued, self._queued = self._queued, None
                return self._end(queued)
            if self.pc >= len(self.script.tokens):
                return self._end(Hangup("end of TextToSay"))
            token = self.script.tokens[self.pc]
            self.pc += 1
            action = self._run(token)
            if action is not None:
                self._waiting = action if isinstance(action, Speak | Listen) else None
                return action

    def pressed(self, digits: str) -> None:
        """The callee keyed ``digits`` during the last Speak/Listen."""
        waiting, self._waiting = self._waiting, None
        if isinstance(waiting, Listen) and waiting.variable is not None:
            value = digits.split("#", 1)[0]
            if waiting.max_digits > 0:
                value = value[: waiting.max_digits]
            self._set(waiting.variable, value)
        elif digits:
            self._on_digit(digits[0])

    def elapsed(self) -> None:
        """The last Speak played to its end, or the last Listen timed out."""
        waiting, self._waiting = self._waiting, None
        if isinstance(waiting, Listen) and waiting.variable is not None:
            self._set(waiting.variable, "")

    # -- one token -------------------------------------------------------------------------------
    def _run(self, token: Text | Sound | Command) -> Action | None:
        if isinstance(token, Text):
            words = max(len(token.text.split()), 1)
            return Speak(round(words * SECONDS_PER_WORD * 10 / max(self.tts_rate, 1), 3), self.act_on_digits)
        if isinstance(token, Sound):
            seconds = self.sound_seconds.get(token.sound_id, SOUND_SECONDS)
            return Speak(float(seconds), self.act_on_digits)
        return self._command(token)

    def _command(self, c: Command) -> Action | None:
        a = c.args
        match c.name:
            case "ActOnDigitPress":
                self.act_on_digits = _flag(a[0])
            case "AssignDTMF":
                self.dtmf[a[0].strip()[:1]] = a[1].strip().lower()
            case "ClearDTMF":
                self.dtmf.clear()
                self.defaults = False
            case "EndCall":
                return self._end(Hangup("EndCall"))
            case "TransferTo":
                return self._end(Transfer(a[0].strip()))
            case "Goto":
                self._goto(a[0])
            case "GotoIf":
                if self.variables.get(a[0].strip().lower(), "") == a[1]:
                    self._goto(a[2])
            case "SetVar":
                self._set(a[0], a[1])
            case "IncreaseVariable":
                by = _number(a[1]) if len(a) > 1 else 1
                self._set(a[0], str(int(_number(self.variables.get(a[0].strip().lower(), "0"))) + int(by)))
            case "GetVariableLength":
                target = a[1] if len(a) > 1 else a[0] + "length"
                self._set(target, str(len(self.variables.get(a[0].strip().lower(), ""))))
            case "StatusChangePostURL":
                self.post_url = a[0].strip()
            case "GetDigits":
                wait = _number(a[1]) if len(a) > 1 else DEFAULT_DIGIT_WAIT
                most = int(_number(a[2])) if len(a) > 2 else 0
                return Listen(_seconds(wait, DEFAULT_DIGIT_WAIT), a[0].strip().lower(), most)
            case "WaitForDTMF":
                return Listen(_seconds(_number(a[0]), DEFAULT_DIGIT_WAIT), None, 1)
            case "PlaySilence":
                return Speak(_seconds(_number(a[0]), 0.0), self.act_on_digits)
            case "WaitForSilence":
                return Speak(min(_seconds(_number(a[0]), 0.0), 10.0), False)
            case "Beep":
                return Speak(0.5, self.act_on_digits)
            case "PlayAlphaNumeric" | "PlayAmount" | "DialDTMF":
                return Speak(0.5 * max(len(a[0].strip()), 1), self.act_on_digits)
            case "VariableToTTS":
                spoken = self.variables.get(a[0].strip().lower(), "")
                return Speak(SECONDS_PER_WORD * max(len(spoken.split()), 1), self.act_on_digits)
            case "RecordAndSaveAs" | "RecordWithUniqueID":
                self.recorded_seconds = RECORD_SECONDS
                saves = a[0].strip() if c.name == "RecordAndSaveAs" else ""
                return Speak(float(RECORD_SECONDS), False, saves)
        return None  # Label, MaxRingTime (read before dialing) and settings that take no time

    def _on_digit(self, digit: str) -> None:
        if digit in self.dtmf:
            self._goto(self.dtmf[digit])
        elif self.defaults and digit == "1":
            self.pc = 0  # repeat the message
        elif self.defaults and digit == "0" and self.transfer_number:
            self._queued = Transfer(self.transfer_number)

    def _goto(self, label: str) -> None:
        index = self.script.labels.get(label.strip().lower())
        if index is not None:
            self.pc = index + 1

    def _set(self, name: str, value: str) -> None:
        self.variables[name.strip().lower()] = value[:MAX_VALUE]

    def _end(self, action: Hangup | Transfer) -> Action:
        self.pc = len(self.script.tokens)
        return action


def _flag(text: str) -> bool:
    return text.strip().lower() not in ("false", "0", "no", "off")


def _number(text: str) -> float:
    try:
        value = float(text.strip())
    except ValueError:
        return 0.0
    return value if value == value and abs(value) < 1e9 else 0.0  # no NaN, no absurd sizes


def _seconds(value: float, default: float) -> float:
    return value if value > 0 else default
