"""The ChannelBehavior as values (dillo.md §6): action types, one frozen dataclass per action, nodes.

Parsing lives in :mod:`nodes`; running in :mod:`behavior`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import field
from enum import StrEnum
from typing import Any

from mockserver.core.values import frozen
from mockserver.providers.dillo.envelope import SendActionType
from mockserver.providers.dillo.fields import KEYS, Hook

_PUNCTUATION = re.compile(r"[^\w\s]+")


def normalize(words: str) -> str:
    """Words as compared by a voice menu: lower case, no punctuation, single spaces."""
    return " ".join(_PUNCTUATION.sub(" ", words.casefold()).split())


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
    CONFERENCE = "Conference"
    AGENT_CONFERENCE = "AgentConference"
    AGENT_PHONE = "AgentPhone"
    STORAGE = "Storage"


#: The SDK's special Menu keys (enums ``DefaultDigit`` and ``DefaultWord`` of Dillo.Voice 1.9.0).
NO_DIGIT, WRONG_DIGIT = "NoDigit", "WrongDigit"
NO_WORD, WRONG_WORD = "NoWord", "WrongWord"
SPECIAL_KEYS = frozenset({NO_DIGIT, WRONG_DIGIT, NO_WORD, WRONG_WORD})


@frozen
class Say:
    text: str


@frozen
class Play:
    url: str


@frozen
class Silence:
    seconds: float


@frozen
class Menu:
    #: key ("0"-"9", "*", "#", NoDigit, WrongDigit, NoWord, WrongWord) → the next node (None: the
    #: flow ends there)
    branches: Mapping[str, int | None]
    timeout: float = 5.0
    repeat_on_no_digit: bool = False
    repeat_on_wrong_digit: bool = False
    max_retries: int = 2
    retry_delay: float = 0.0
    default_digit: str | None = None
    option_callback: Hook | None = None
    #: ``Voices``: a word or phrase the callee may say → the next node
    words: Mapping[str, int | None] = field(default_factory=dict)
    exact_match: bool = True  # ``VoicesExactMatch``
    repeat_on_no_word: bool = False
    repeat_on_wrong_word: bool = False
    default_word: str | None = None
    #: option (a key or a ``Voices`` entry) → the ``ExternalActionLabel`` its ``DigitAction`` fires
    labels: Mapping[str, str] = field(default_factory=dict)

    def option(self, key: str) -> bool:
        return key in KEYS and key in self.branches

    @property
    def listens(self) -> bool:
        """The menu hears speech: it has words to match (``Voices``) or a word branch."""
        return bool(self.words) or NO_WORD in self.branches or WRONG_WORD in self.branches

    def word(self, said: str) -> str | None:
        """The ``Voices`` entry ``said`` matches: the whole utterance with ``VoicesExactMatch``, else
        the first entry it contains (case, punctuation and extra spaces ignored)."""
        heard = normalize(said)
        for entry in self.words:
            wanted = normalize(entry)
            if heard == wanted or (not self.exact_match and wanted and f" {wanted} " in f" {heard} "):
                return entry
        return None


@frozen
class Collect:
    timeout: float = 5.0
    number_of_digits: int | None = None
    finish_on_key: str | None = None


@frozen
class Record:
    max_length: float = 60.0
    stop_on_key: str | None = None
    transcribe: bool | None = None  # None: the request's Transcribe
    storage_period: str = "3-M"
    record_callback: Hook | None = None
    transcribe_callback: Hook | None = None


@frozen
class Dial:
    destination: str  # ``TelephoneNumber`` (Dillo.Voice ``DialAction``)
    timeout: float = 30.0
    sender: str | None = None  # the caller id the leg shows; the request's ``Sender`` if None
    record: bool = False  # ``Record``: the node is recorded until the leg ends
    storage_period: str = "3-M"


@frozen
class Redirect:
    """``RedirectAction``: the SDK's form asks ``Url`` (``MethodType``) where to go (the node's
    callback); the mock's own form jumps to ``Node``."""

    node: int | None


@frozen
class Hangup:
    pass


@frozen
class Conference:
    """``ConferenceAction``: the call joins the room ``RoomName`` and stays there."""

    room: str
    record: bool = False
    storage_period: str = "3-M"
    record_callback: Hook | None = None


@frozen
class Agent:
    """``AgentConferenceAction`` / ``AgentPhoneAction``: the agent ``AgentName`` is called (a second
    leg, dialled like ``Dial``) and the call is put through to them."""

    name: str
    record: bool = False
    storage_period: str = "3-M"
    on_failure: int | None = None  # AgentPhone's own ``OnFailureNextNode``


@frozen
class Storage:
    """``StorageAction``: store ``Value`` (or what a ``StorageKeyword`` stands for) under ``Key``."""

    key: str
    value: str


Action = (
    Say | Play | Silence | Menu | Collect | Record | Dial | Redirect | Hangup | Conference | Agent | Storage
)


@frozen
class ExternalActionSpec:
    """An SMS or e-mail send action of the request's ``ExternalActions`` (Dillo.Voice ``ExternalAction``:
    ``{SendActionType, Label, Action}``), fired by the Menu option, Collect or Record naming its
    ``Label`` in ``ExternalActionLabel``."""

    type: SendActionType
    label: str
    payload: Mapping[str, Any]


@frozen
class Node:
    key: int
    type: ActionType
    action: Action
    next_node: int | None = None
    on_failure: int | None = None
    label: str | None = None  # ``ExternalActionLabel`` of a Collect or Record: fired when it is done
    #: the per-action ``CallbackUrl``: asked when the action is done, the flow waits for its answer
    callback: Hook | None = None
    music_on_hold: bool = False  # ``CallbackPlayMusicOnHold``: echoed, nothing is heard in the mock
