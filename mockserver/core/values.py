"""``@value``: a dataclass that is frozen to the type checker and cheap to build at run time.

A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__``: 2.2 µs for a
``Call`` of 18 fields against 0.25 µs for a plain slotted one, and a call is built anew on every
transition — a fifth of a 100,000-call advance went there (bench_engine, issue 14). So the hot value
types are plain slotted dataclasses at run time (hashed and compared field by field, as frozen ones are)
and frozen ones to mypy, which runs with ``--strict`` over the whole package in CI: assigning a field
of a ``@value`` class is a type error there. Copies are made with their hand-written methods or
``dataclasses.replace``, never by assignment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

T = TypeVar("T")

if TYPE_CHECKING:
    from typing import dataclass_transform

    @dataclass_transform(frozen_default=True, eq_default=True, field_specifiers=(field,))
    def value(cls: type[T]) -> type[T]: ...

else:

    def value(cls: type[Any]) -> type[Any]:
        return dataclass(slots=True, unsafe_hash=True)(cls)
