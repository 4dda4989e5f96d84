"""CALLR's state as JSON-ready data and back (``POST /_mock/snapshot`` / ``/_mock/restore``).

Every value of :class:`CallrState` is a dataclass of the models module, a container, or a scalar; the
encoding tags what JSON has no word for (``{"$": "App", ...}`` for a dataclass, ``{"$dt": ...}`` for a
datetime, ``{"$dec": ...}`` for a Decimal, ``{"$tuple": [...]}``, ``{"$map": [[k, v], ...]}`` for a dict
whose keys are not strings), so decoding needs no schema and round-trips exactly.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from mockserver.providers.callr import models
from mockserver.providers.callr.vocabulary import Package

#: The dataclasses a snapshot may hold, by name.
TYPES: dict[str, type[Any]] = {
    cls.__name__: cls
    for cls in vars(models).values()
    if isinstance(cls, type) and dataclasses.is_dataclass(cls) and cls.__module__ == models.__name__
}
ENUMS: dict[str, type[Enum]] = {"Package": Package}
#: The CallrState fields a snapshot keeps (all of them).
FIELDS = tuple(f.name for f in dataclasses.fields(models.CallrState))


class SnapshotError(ValueError):
    pass


def encode(value: Any) -> Any:
    if isinstance(value, Enum):
        return {"$enum": type(value).__name__, "v": value.value}
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, Decimal):
        return {"$dec": str(value)}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {"$": type(value).__name__} | {
            f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)
        }
    if isinstance(value, tuple):
        return {"$tuple": [encode(v) for v in value]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        if all(isinstance(k, str) and not k.startswith("$") for k in value):
            return {k: encode(v) for k, v in value.items()}
        return {"$map": [[encode(k), encode(v)] for k, v in value.items()]}
    raise SnapshotError(f"cannot snapshot a {type(value).__name__}")


def decode(data: Any) -> Any:
    if isinstance(data, list):
        return [decode(v) for v in data]
    if not isinstance(data, dict):
        return data
    if "$" in data:
        cls = TYPES.get(data["$"])
        if cls is None:
            raise SnapshotError(f"unknown object {data['$']!r}")
        names = {f.name for f in dataclasses.fields(cls)}
        value = cls(**{k: decode(v) for k, v in data.items() if k in names})
        check(value)
        return value
    if "$enum" in data:
        return ENUMS[data["$enum"]](data["v"])
    if "$dt" in data:
        return datetime.fromisoformat(data["$dt"])
    if "$dec" in data:
        return Decimal(data["$dec"])
    if "$tuple" in data:
        return tuple(decode(v) for v in data["$tuple"])
    if "$map" in data:
        return {decode(k): decode(v) for k, v in data["$map"]}
    return {k: decode(v) for k, v in data.items()}


def check(value: Any) -> None:
    """Each field of a decoded dataclass has its annotated type, as far as a plain isinstance tells
    (scalars, datetimes, Decimals, containers; not what is inside a container)."""
    hints = typing.get_type_hints(type(value), vars(models))
    for name, hint in hints.items():
        item = getattr(value, name)
        allowed = (
            tuple(typing.get_origin(arg) or arg for arg in (typing.get_args(hint) or (hint,)))
            if isinstance(hint, types.UnionType)
            else (typing.get_origin(hint) or hint,)
        )
        allowed = tuple(int if a is float else a for a in allowed)  # JSON has no int/float line
        kinds = tuple(type(None) if a is None else a for a in allowed if isinstance(a, type) or a is None)
        if kinds and not isinstance(item, kinds):
            raise SnapshotError(f"{type(value).__name__}.{name} must be {hint}, not {type(item).__name__}")
        if isinstance(item, bool) and bool not in kinds and kinds:
            raise SnapshotError(f"{type(value).__name__}.{name} must be {hint}, not a bool")


def state_json(state: models.CallrState) -> dict[str, Any]:
    return {name: encode(getattr(state, name)) for name in FIELDS}


def load_state(state: models.CallrState, data: Mapping[str, Any]) -> None:
    """Fill a freshly reset state; unknown keys are ignored, missing ones keep their defaults."""
    defaults = models.CallrState()
    loaded: dict[str, Any] = {}
    for name in FIELDS:
        if name in data:
            value = decode(data[name])
            if type(value) is not type(getattr(defaults, name)):
                raise SnapshotError(f"{name} must be a {type(getattr(defaults, name)).__name__}")
            loaded[name] = value
    for name, value in loaded.items():  # all or nothing
        setattr(state, name, value)
