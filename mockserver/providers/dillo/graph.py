"""The ChannelBehavior as values (dillo.md §6): action types, one frozen dataclass per action, nodes.

Parsing lives in :mod:`nodes`; running in :mod:`behavior`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from mockserver.providers.dillo.envelope import SendActionType
from mockserver.providers.dillo.fields import KEYS, Hook


class ActionType(StrEnum):
    SAY = "Say"
    PLAY = "Play"
    SILENCE = "Silence"
    MENU = "Menu"
    COLLECT = "Collect"
    RECORD = "Record"
    DIAL = "Dial"
    REDIRECT = "Redirect"
    HANGUP = "Hangup"


#: Dillo ActionTypes the SDK knows [D3] that the mock does not run: refused with a clear 400.
NOT_EMULATED = frozenset({"Conference", "AgentConference", "AgentPhone", "Storage"})
NO_DIGIT, WRONG_DIGIT = "NoDigit", "WrongDigit"


@dataclass(frozen=True)
class Say:
    text: str


@dataclass(frozen=True)
class Play:
    url: str


@dataclass(frozen=True)
class Silence:
    seconds: float


@dataclass(frozen=True)
class Menu:
    #: key ("0"-"9", "*", "#", NoDigit, WrongDigit) → the next node (None: the flow ends there)
    branches: Mapping[str, int | None]
    timeout: float = 5.0
    repeat_on_no_digit: bool = False
    repeat_on_wrong_digit: bool = False
    max_retries: int = 2
    retry_delay: float = 0.0
    default_digit: str | None = None
    option_callback: Hook | None = None

    def option(self, key: str) -> bool:
        return key in KEYS and key in self.branches


@dataclass(frozen=True)
class Collect:
    timeout: float = 5.0
    number_of_digits: int | None = None
    finish_on_key: str | None = None


@dataclass(frozen=True)
class Record:
    max_length: float = 60.0
    stop_on_key: str | None = None
    transcribe: bool | None = None  # None: the request's Transcribe
    storage_period: str = "3-M"
    record_callback: Hook | None = None
    transcribe_callback: Hook | None = None


@dataclass(frozen=True)
class Dial:
    destination: str
    timeout: float = 30.0


@dataclass(frozen=True)
class Redirect:
    node: int


@dataclass(frozen=True)
class Hangup:
    pass


Action = Say | Play | Silence | Menu | Collect | Record | Dial | Redirect | Hangup


@dataclass(frozen=True)
class ExternalActionSpec:
    """An SMS or e-mail send action a node fires when it runs (``ExternalActions`` on a node)."""

    type: SendActionType
    label: str
    payload: Mapping[str, Any]


@dataclass(frozen=True)
class Node:
    key: int
    type: ActionType
    action: Action
    next_node: int | None = None
    on_failure: int | None = None
    external: tuple[ExternalActionSpec, ...] = ()
    #: the per-action ``CallbackUrl``: asked when the action is done, the flow waits for its answer
    callback: Hook | None = None
    music_on_hold: bool = False  # ``CallbackPlayMusicOnHold``: echoed, nothing is heard in the mock
