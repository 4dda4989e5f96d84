"""``@value`` and ``@frozen``: dataclasses frozen to the type checker and cheap at run time.

A frozen dataclass costs twice over:

- its ``__init__`` sets each field through ``object.__setattr__``: 2.2 µs for a ``Call`` of 18 fields
  against 0.25 µs for a plain slotted one, and a call is built anew on every transition — a fifth of a
  100,000-call advance went there (bench_engine, issue 14);
- making the class generates two more methods (``__setattr__``, ``__delattr__``) from source, each
  compiled at import: 0.71 ms a class of six fields against 0.40 ms without them. The mock has ~140
  such classes, and building them was ~30 ms of every start (issue 14, goal 5).

So these are plain dataclasses at run time, hashed and compared field by field as frozen ones are, and
frozen ones to mypy, which runs with ``--strict`` over the whole package in CI: assigning a field of
either is a type error there. Copies are made with their hand-written methods or
``dataclasses.replace``, never by assignment. ``@value`` adds slots, for the values kept by the
thousand (a call's versions); ``@frozen`` is for the rest. The types users hold in their own code
(``Settings``, the testing module's ``Sink`` and ``Received``) stay frozen dataclasses: their code is
not checked by our mypy, and assigning a field should fail there as it always did.

Only ``__init__`` is generated from source, as a dataclass's is. Equality, hashing and ``repr`` are
shared functions over the class's fields (an ``operator.attrgetter``), which give what the generated
ones give — the same tuples compared and hashed, the same text — without compiling three more
functions a class: making one took 0.40 ms before and ~0.2 ms so; with ~145 classes, ~25 ms of every
start. A method the class defines itself is kept, as a dataclass keeps it.
"""

from __future__ import annotations

import reprlib
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from operator import attrgetter
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
        return _by_fields(dataclass(slots=True, eq=False, repr=False)(cls))

    def frozen(cls: type[Any]) -> type[Any]:
        return _by_fields(dataclass(eq=False, repr=False)(cls))


def _by_fields(cls: type[Any]) -> type[Any]:
    """``__eq__``, ``__hash__`` and ``__repr__`` as ``@dataclass(frozen=True)`` makes them."""
    every = fields(cls)
    compared = _tuple_of([f.name for f in every if f.compare])
    hashed = _tuple_of([f.name for f in every if (f.compare if f.hash is None else f.hash)])
    shown = tuple((f"{f.name}=", attrgetter(f.name)) for f in every if f.repr)

    def __eq__(self: Any, other: Any) -> Any:
        if other.__class__ is self.__class__:
            return compared(self) == compared(other)
        return NotImplemented

    def __hash__(self: Any) -> int:
        return hash(hashed(self))

    @reprlib.recursive_repr("...")
    def __repr__(self: Any) -> str:
        return f"{self.__class__.__qualname__}({', '.join(name + repr(get(self)) for name, get in shown)})"

    own = cls.__dict__
    for name, method in (("__eq__", __eq__), ("__hash__", __hash__), ("__repr__", __repr__)):
        if own.get(name) is None:  # absent (or a __hash__ that an __eq__ of the class's own set to None)
            method.__qualname__ = f"{cls.__qualname__}.{name}"
            setattr(cls, name, method)
    return cls


def _tuple_of(names: list[str]) -> Callable[[Any], tuple[Any, ...]]:
    """The named fields of an object as a tuple (``attrgetter`` alone gives a bare value for one name)."""
    if len(names) > 1:
        getter: Callable[[Any], tuple[Any, ...]] = attrgetter(*names)
        return getter
    if names:
        name = names[0]
        return lambda obj: (getattr(obj, name),)
    return lambda obj: ()
