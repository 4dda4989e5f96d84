"""Ids: the hand-formatted UUIDs are the standard library's, bit for bit."""

from __future__ import annotations

import uuid

from hypothesis import given
from hypothesis import strategies as st

from mockserver.core.ids import IdFactory, uuid4_text


@given(st.integers(0, 2**128 - 1))
def test_uuid4_text_is_what_the_uuid_module_writes(bits: int) -> None:
    assert uuid4_text(bits) == str(uuid.UUID(int=bits, version=4))


def test_a_seeded_factory_gives_the_same_version_4_ids_again() -> None:
    first, again = IdFactory(7), IdFactory(7)
    ids = [first.uuid() for _ in range(50)]
    assert ids == [again.uuid() for _ in range(50)]
    assert all(uuid.UUID(i).version == 4 for i in ids)
    assert len(set(ids)) == 50
