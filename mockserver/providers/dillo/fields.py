"""Typed reads of one JSON object of a Dillo payload; every 400 names ``where.Field``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from mockserver.core.errors import InvalidParameter, MissingParameter
from mockserver.core.values import frozen

#: The one empty mapping every absent object shares (a kept call holds several: ``Data``, its
#: ``ExternalActions``, each node's pressed options). Read-only, so sharing it is safe.
NOTHING: Mapping[str, Any] = MappingProxyType({})

E164 = re.compile(r"\+[1-9][0-9]{6,14}")
#: a CustomerCode, a RequestId: Dillo's ids are GUIDs
GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)
URL = re.compile(r"https?://\S+", re.IGNORECASE)
KEYS = frozenset("0123456789*#")
MAX_SECONDS = 3600.0


@frozen
class Hook:
    """A callback URL and its method (``...CallbackUrl`` / ``...CallbackMethod``)."""

    url: str
    method: str = "POST"


@frozen
class Fields:
    """Typed reads of one JSON object; errors name ``where.Field``."""

    data: Mapping[str, Any]
    where: str

    def name(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def _fail(self, key: str, wants: str) -> InvalidParameter:
        return InvalidParameter(f"{self.name(key)} must be {wants}", field=self.name(key))

    def text(self, key: str, required: bool = False, max_length: int = 4000) -> str | None:
        value = self.data.get(key)
        if value is None or value == "":
            if required:
                raise MissingParameter(f"{self.name(key)} is required", field=self.name(key))
            return None
        if not isinstance(value, str) or len(value) > max_length:
            raise self._fail(key, f"a string of at most {max_length} characters")
        return value

    def number(self, key: str, required: bool = False) -> str | None:
        value = self.text(key, required)
        if value is not None and not E164.fullmatch(value):
            raise self._fail(key, f"a phone number in E.164 format with a leading + (got {value!r})")
        return value

    def url(self, key: str, required: bool = False) -> str | None:
        value = self.text(key, required)
        if value is not None and not URL.fullmatch(value):
            raise self._fail(key, "an http(s) URL")
        return value

    def boolean(self, key: str, default: bool | None) -> bool | None:
        value = self.data.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise self._fail(key, "true or false")
        return value

    def integer(self, key: str, default: int | None, low: int, high: int) -> int | None:
        value = self.data.get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self._fail(key, f"a whole number from {low} to {high}")
        return value

    def seconds(
        self, key: str, default: float | None, low: float = 0, high: float = MAX_SECONDS
    ) -> float | None:
        value = self.data.get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
            raise self._fail(key, f"a number of seconds from {low:g} to {high:g}")
        return float(value)

    def node(self, key: str) -> int | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self._fail(key, "a node key (a whole number)")
        return value

    def key(self, key: str) -> str | None:
        value = self.text(key)
        if value is not None and value not in KEYS:
            raise self._fail(key, "one key: 0-9, * or #")
        return value

    def choice(self, key: str, allowed: tuple[str, ...], default: str | None) -> str | None:
        value = self.text(key)
        if value is None:
            return default
        if value not in allowed:
            raise self._fail(key, f"one of {', '.join(allowed)}")
        return value

    def hook(self, prefix: str) -> Hook | None:
        url = self.url(f"{prefix}Url")
        method = (self.text(f"{prefix}Method") or "POST").upper()
        if method not in ("GET", "POST"):
            raise self._fail(f"{prefix}Method", "GET or POST")
        return None if url is None else Hook(url, method)

    def mapping(self, key: str) -> Mapping[str, Any]:
        value = self.data.get(key)
        if value is None:
            return NOTHING
        if not isinstance(value, dict):
            raise self._fail(key, "an object")
        return value
