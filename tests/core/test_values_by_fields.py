"""``@value`` and ``@frozen`` compare, hash and show an object as ``@dataclass(frozen=True)`` does
(mockserver/core/values.py builds those three methods from the fields rather than from source)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from mockserver.core.values import frozen, value


@frozen
class Empty:
    pass


@dataclass(frozen=True)
class EmptyRef:
    pass


@value
class One:
    x: Any


@dataclass(frozen=True)
class OneRef:
    x: Any


def mixed(decorate: Callable[[type[Any]], type[Any]]) -> type[Any]:
    """One class body with every kind of field, made by ``decorate``: the twins cannot drift apart."""

    class Mixed:
        a: Any
        b: Any = None
        hidden: Any = field(default=None, repr=False)
        ignored: Any = field(default=None, compare=False)
        unhashed: Any = field(default=None, hash=False)

    return decorate(Mixed)


Mixed = mixed(frozen)
MixedRef = mixed(dataclass(frozen=True))


@frozen
class OwnEq:
    a: int

    def __eq__(self, other: object) -> bool:
        return isinstance(other, OwnEq) and abs(self.a) == abs(other.a)


@frozen
class OwnRepr:
    a: int

    def __repr__(self) -> str:
        return "mine"


@frozen
class Box:
    items: list[Any]


@dataclass(frozen=True)
class BoxRef:
    items: list[Any]


def shown(obj: Any) -> str:
    """``repr`` with the class name left out, so an object and its reference twin compare."""
    return repr(obj).partition("(")[2]


plain = st.one_of(st.none(), st.integers(-3, 3), st.floats(allow_nan=True), st.text(max_size=3))


@given(a=plain, b=plain, hidden=plain, ignored=plain, unhashed=plain, a2=plain, b2=plain, ignored2=plain)
def test_equality_hash_and_repr_are_a_frozen_dataclasses(
    a: Any, b: Any, hidden: Any, ignored: Any, unhashed: Any, a2: Any, b2: Any, ignored2: Any
) -> None:
    one, two = Mixed(a, b, hidden, ignored, unhashed), Mixed(a2, b2, hidden, ignored2, unhashed)
    ref_one, ref_two = MixedRef(a, b, hidden, ignored, unhashed), MixedRef(a2, b2, hidden, ignored2, unhashed)
    assert (one == two) == (ref_one == ref_two)
    assert (one != two) == (ref_one != ref_two)
    assert (one == one) == (ref_one == ref_one)  # a NaN field: the same object, so equal, as in a tuple
    assert hash(one) == hash(ref_one)
    assert shown(one) == shown(ref_one)
    assert (One(a) == One(a2)) == (OneRef(a) == OneRef(a2))
    assert hash(One(a)) == hash(OneRef(a))
    assert shown(One(a)) == shown(OneRef(a))


def test_no_fields_and_another_class() -> None:
    assert Empty() == Empty()
    assert hash(Empty()) == hash(EmptyRef())
    assert repr(Empty()) == "Empty()"
    assert Mixed(1) != MixedRef(1)
    assert Mixed(1).__eq__(MixedRef(1)) is NotImplemented
    assert repr(One(1)) == "One(x=1)"
    assert One.__repr__.__qualname__ == "One.__repr__"


def test_a_method_of_the_class_own_is_kept() -> None:
    assert OwnEq(-2) == OwnEq(2)
    assert hash(OwnEq(2)) == hash((2,))  # hashed by its fields still, as a frozen dataclass's is
    assert repr(OwnRepr(1)) == "mine"
    assert OwnRepr(1) == OwnRepr(1)


def test_a_repr_that_reaches_itself_shows_dots() -> None:
    box, ref = Box([]), BoxRef([])
    box.items.append(box)
    ref.items.append(ref)
    assert shown(box) == shown(ref) == "items=[...])"
