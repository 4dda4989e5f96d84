"""``@value`` and ``@frozen``: dataclasses frozen to the type checker and cheap at run time.

A frozen dataclass costs twice over:

- its ``__init__`` sets each field through ``object.__setattr__``: 2.2 µs for a ``Call`` of 18 fields
  against 0.25 µs for a plain slotted one, and a call is built anew on every transition — a fifth of a
  100,000-call advance went there (bench_engine, issue 14);
- making the class generates two more methods (``__setattr__``, ``__delattr__``) from source, each
  compiled at import: 0.71 ms a class of six fields against 0.40 ms without them. The mock has ~140
  such classes, and building them was ~40 ms of every start (issue 14, goal 5).

So these are plain dataclasses at run time, hashed and compared field by field as frozen ones are, and
frozen ones to mypy, which runs with ``--strict`` over the whole package in CI: assigning a field of
either is a type error there. Copies are made with their hand-written methods or
``dataclasses.replace``, never by assignment. ``@value`` adds slots, for the values kept by the
thousand (a call's versions); ``@frozen`` is for the rest. The types users hold in their own code
(``Settings``, the testing module's ``Sink`` and ``Received``) stay frozen dataclasses: their code is
not checked by our mypy, and assigning a field should fail there as it always did.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

T = TypeVar("T")

if TYPE_CHECKING:
    from typing import dataclass_transform

    @dataclass_transform(frozen_default=True, eq_default=True, field_specifiers=(field,))
    def value(cls: type[T]) -> type[T]: ...

    @dataclass_transform(frozen_default=True, eq_default=True, field_specifiers=(field,))
    def frozen(cls: type[T]) -> type[T]: ...

else:

    def value(cls: type[Any]) -> type[Any]:
        return dataclass(slots=True, unsafe_hash=True)(cls)

    def frozen(cls: type[Any]) -> type[Any]:
        return dataclass(unsafe_hash=True)(cls)
