"""TextToSay: plain text to speak, ``~^soundid~`` sound files and ``~\\Command(arg|arg)~`` commands.

:func:`parse` never raises: it returns the script it could read and a list of :class:`ScriptError`
(each with the 0-based character position of the problem). A command it does not know, or one with
the wrong number of arguments, is reported and left out; an unclosed ``~`` is reported and the rest is
read as text [E-tts][W-adv]. Older scripts write commands without the backslash, and clients often
double it (``~\\\\EndCall()~`` in C# strings); all three spellings are read.
"""

from __future__ import annotations

import re

from mockserver.core.values import frozen

#: Command → (fewest, most) arguments. Names are matched without regard to case [E-tts].
COMMANDS: dict[str, tuple[int, int]] = {
    "ActOnDigitPress": (1, 1),
    "ActOnFeature": (1, 1),
    "AssignDTMF": (2, 2),
    "Beep": (0, 0),
    "ClearDTMF": (0, 0),
    "Conference": (0, 1),
    "DebugEmail": (0, 1),
    "DialDTMF": (1, 1),
    "EndCall": (0, 0),
    "ErrorEmail": (0, 1),
    "GetDigits": (1, 3),
    "GetVariableLength": (1, 2),
    "Goto": (1, 1),
    "GotoIf": (3, 3),
    "IncreaseVariable": (1, 2),
    "Label": (1, 1),
    "MaxRingTime": (1, 1),
    "PlayAlphaNumeric": (1, 1),
    "PlayAmount": (1, 1),
    "PlaySilence": (1, 1),
    "PlaySpecialSoundFile": (1, 1),
    "QueryExternalServer": (1, 4),
    "QuickStart": (0, 1),
    "RecordAndSaveAs": (1, 3),
    "RecordWithUniqueID": (0, 3),
    "SetVar": (2, 2),
    "SoundPausing": (0, 1),
    "StatusChangePostURL": (1, 1),
    "TransferTo": (1, 2),
    "VariableToTTS": (1, 1),
    "WaitForDTMF": (1, 1),
    "WaitForSilence": (1, 1),
}
_CANONICAL = {name.lower(): name for name in COMMANDS}
_COMMAND = re.compile(r"\s*\\*\s*([A-Za-z]+)\s*\((.*)\)\s*", re.DOTALL)


@frozen
class Text:
    text: str
    pos: int


@frozen
class Sound:
    sound_id: str
    pos: int


@frozen
class Command:
    name: str  # canonical spelling, e.g. "GetDigits"
    args: tuple[str, ...]
    pos: int


Token = Text | Sound | Command


@frozen
class ScriptError:
    pos: int
    message: str

    def __str__(self) -> str:
        return f"TextToSay at {self.pos}: {self.message}"


@frozen
class Script:
    tokens: tuple[Token, ...]
    labels: dict[str, int]  # label (lower case) → index of its Label token

    def commands(self, name: str) -> list[Command]:
        return [t for t in self.tokens if isinstance(t, Command) and t.name == name]

    @property
    def sound_ids(self) -> list[str]:
        return [t.sound_id for t in self.tokens if isinstance(t, Sound)]


def parse(source: str) -> tuple[Script, list[ScriptError]]:
    tokens: list[Token] = []
    errors: list[ScriptError] = []
    pos = 0
    while pos < len(source):
        start = source.find("~", pos)
        if start < 0:
            _text(tokens, source[pos:], pos)
            break
        _text(tokens, source[pos:start], pos)
        end = source.find("~", start + 1)
        if end < 0:
            errors.append(ScriptError(start, "'~' is never closed; the rest is read as text"))
            _text(tokens, source[start + 1 :], start + 1)
            break
        token = _tilde(source[start + 1 : end], start, errors)
        if token is not None:
            tokens.append(token)
        pos = end + 1
    labels: dict[str, int] = {}
    for index, token in enumerate(tokens):
        if isinstance(token, Command) and token.name == "Label":
            labels.setdefault(token.args[0].strip().lower(), index)
    for token in tokens:
        if isinstance(token, Command) and token.name in ("Goto", "GotoIf", "AssignDTMF"):
            label = token.args[-1].strip().lower()
            if label not in labels:
                errors.append(ScriptError(token.pos, f"{token.name}: no Label({token.args[-1]})"))
    return Script(tuple(tokens), labels), errors


def _text(tokens: list[Token], text: str, pos: int) -> None:
    if text.strip():
        tokens.append(Text(text, pos))


def _tilde(inner: str, pos: int, errors: list[ScriptError]) -> Token | None:
    stripped = inner.strip()
    if stripped.startswith("^"):
        sound = stripped[1:].strip()
        if not sound:
            errors.append(ScriptError(pos, "~^~ names no sound file"))
            return None
        return Sound(sound, pos)
    match = _COMMAND.fullmatch(inner)
    if match is None:
        errors.append(ScriptError(pos, f"~{_short(inner)}~ is neither a command nor a sound file"))
        return None
    name = _CANONICAL.get(match.group(1).lower())
    if name is None:
        errors.append(ScriptError(pos, f"unknown command {match.group(1)}"))
        return None
    args = tuple(match.group(2).split("|")) if match.group(2).strip() else ()
    fewest, most = COMMANDS[name]
    if not fewest <= len(args) <= most:
        wanted = str(fewest) if fewest == most else f"{fewest}-{most}"
        errors.append(ScriptError(pos, f"{name} takes {wanted} argument(s), got {len(args)}"))
        return None
    return Command(name, args, pos)


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."
