"""The text-to-speech voices ``getVoices`` lists [esendex.md §3.4]."""

from __future__ import annotations

from mockserver.core.values import frozen


@frozen
class Voice:
    id: int
    name: str
    gender: str
    age: int
    language: str

    @property
    def summary(self) -> str:
        """``Diane - US English (Female - 35)``."""
        return f"{self.name} - {self.language} ({self.gender} - {self.age})"


def _voice(id_: int, name: str, gender: str, age: int, language: str) -> Voice:
    return Voice(id_, name, {"F": "Female", "M": "Male"}[gender], age, language)


VOICES: tuple[Voice, ...] = (
    _voice(0, "Diane", "F", 35, "US English"),
    _voice(1, "David", "M", 30, "US English"),
    _voice(2, "William", "M", 30, "US English"),
    _voice(3, "Emily", "F", 30, "US English"),
    _voice(4, "Callie", "F", 30, "US English"),
    _voice(5, "Lawrence", "M", 55, "UK English"),
    _voice(6, "Millie", "F", 45, "UK English"),
    _voice(7, "Isabelle", "F", 30, "Canadian French"),
    _voice(8, "Katrin", "F", 35, "German"),
    _voice(10, "Vittoria", "F", 30, "Italian"),
    _voice(15, "Jean-Pierre", "M", 30, "Canadian French"),
    _voice(16, "Allison", "F", 28, "US English"),
    _voice(17, "Miguel", "M", 30, "Americas Spanish"),
    _voice(18, "Matthias", "M", 30, "German"),
    _voice(19, "Ashley", "F", 30, "US English"),
    _voice(20, "James", "M", 30, "US English"),
    _voice(23, "Violeta", "F", 30, "Mexican Spanish"),
    _voice(24, "Francisco", "M", 30, "Mexican Spanish"),
)

VOICE_IDS = frozenset(v.id for v in VOICES)
