"""Routee's words: voice-message statuses, strategies, TTS languages, scopes [routee.md §2, §4]."""

from __future__ import annotations

from enum import StrEnum

from mockserver.core.calls import AnsweredBy, CallState


class Status(StrEnum):
    """Voice message (call leg) statuses, as in ``status.status`` and callbacks' ``status.name``."""

    QUEUED = "Queued"
    INITIATED = "Initiated"
    RINGING = "Ringing"
    IN_PROGRESS = "InProgress"
    COMPLETED = "Completed"
    BUSY = "Busy"
    NO_ANSWER = "NoAnswer"
    FAILED = "Failed"
    UNKNOWN = "Unknown"
    UNSENT = "Unsent"  # insufficient balance: the mock has no balance, so never produced
    TERMINATED = "Terminated"  # balance ran out mid-call: never produced either

    @property
    def final(self) -> bool:
        return self in FINAL_STATUSES


FINAL_STATUSES = frozenset(
    {Status.COMPLETED, Status.BUSY, Status.NO_ANSWER, Status.FAILED, Status.UNSENT, Status.TERMINATED}
)

#: Neutral state → Routee status. Total over the neutral states. Routee has no word for "rejected" or
#: "canceled": its NoAnswer means "rejected or not answered" [routee.md §4.1].
STATUS: dict[CallState, Status] = {
    CallState.QUEUED: Status.QUEUED,
    CallState.INITIATED: Status.INITIATED,
    CallState.RINGING: Status.RINGING,
    CallState.ANSWERED: Status.IN_PROGRESS,
    CallState.COMPLETED: Status.COMPLETED,
    CallState.BUSY: Status.BUSY,
    CallState.NO_ANSWER: Status.NO_ANSWER,
    CallState.REJECTED: Status.NO_ANSWER,
    CallState.FAILED: Status.FAILED,
    CallState.CANCELED: Status.NO_ANSWER,
}


def to_status(state: CallState) -> Status:
    return STATUS[state]


class Direction(StrEnum):
    """A conversation's and a voice message's ``direction``."""

    INBOUND = "Inbound"
    OUTBOUND = "Outbound"


class Strategy(StrEnum):
    """``callback.strategy``: every status change, or the final one only."""

    ON_CHANGE = "OnChange"
    ON_COMPLETION = "OnCompletion"


class MachineStrategy(StrEnum):
    HANGUP = "Hangup"
    CONTINUE = "Continue"


class AnsweredByWord(StrEnum):
    HUMAN = "HUMAN"
    MACHINE = "MACHINE"
    UNKNOWN = "UNKNOWN"


def answered_by_word(answered_by: AnsweredBy | None) -> AnsweredByWord:
    if answered_by is AnsweredBy.HUMAN:
        return AnsweredByWord.HUMAN
    if answered_by is AnsweredBy.MACHINE:
        return AnsweredByWord.MACHINE
    return AnsweredByWord.UNKNOWN


class Gender(StrEnum):
    MALE = "male"
    FEMALE = "female"


class RecordingFormat(StrEnum):
    WAV = "WAV"
    MP3 = "MP3"


#: The 14 text-to-speech languages of SAY [routee.md §4.2].
LANGUAGES = frozenset(
    {
        "en-US",
        "de-DE",
        "fr-FR",
        "it-IT",
        "pt-BR",
        "es-ES",
        "es-LA",
        "en-GB",
        "el-GR",
        "bg-BG",
        "pl-PL",
        "hu-HU",
        "sv-SE",
        "ru-RU",
    }
)

#: OAuth scope → the permissions a token with it carries (as in public samples of Routee's token reply).
SCOPES: dict[str, tuple[str, ...]] = {
    "voice": ("MT_ROLE_VOICE",),
    "lookup": ("MT_ROLE_LOOKUP",),
    "virtual_number": ("MT_ROLE_VIRTUAL_NUMBER",),
    "contact": ("MT_ROLE_CONTACT",),
    "report": ("MT_ROLE_REPORT",),
    "sms": ("MT_ROLE_SMS",),
    "2step": ("MT_ROLE_2STEP",),
    "number_validator": ("MT_ROLE_NUMBER_VALIDATOR",),
    "account": ("MT_ROLE_ACCOUNT_FINANCE", "MT_ROLE_PRICING_PACKAGES"),
    "failover": ("MT_ROLE_FAILOVER",),
    "number_pool": ("MT_ROLE_NUMBER_POOL",),
    "forms": ("MT_ROLE_FORMS",),
    "transactional_email": ("MT_ROLE_TRANSACTIONAL_EMAIL",),
    "email_sender": ("MT_ROLE_EMAIL_SENDER",),
    "promotional_email": ("MT_ROLE_PROMOTIONAL_EMAIL",),
    "email_validator": ("MT_ROLE_EMAIL_VALIDATOR",),
    "url_analyzer": ("MT_ROLE_URL_ANALYZER",),
}
VOICE_PERMISSION = "MT_ROLE_VOICE"


def permissions_of(scopes: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(p for scope in scopes for p in SCOPES[scope])
