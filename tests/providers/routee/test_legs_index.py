"""Routee's legs are indexed by conversation and by message id; every look-up answers what a scan of
all the legs in call order answered before (mockserver/providers/routee/models.py, ``Legs``)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.providers.routee.fields import Destination
from mockserver.providers.routee.models import Leg, Legs


def leg(call_id: str, conversation: str, message: str) -> Leg:
    return Leg(
        call_id, message, conversation, Destination("phone", "+15550000001"), "+30694", None, None, None
    )


OPS = st.lists(
    st.tuples(
        st.sampled_from(["set", "del"]),
        st.sampled_from(["c1", "c2", "c3", "c4", "c5"]),
        st.sampled_from(["t1", "t2", "t3"]),
        st.sampled_from(["m1", "m2", "m3", "m4"]),  # repeated on purpose: the index must match a scan
    ),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(ops=OPS)
def test_the_indexes_answer_what_a_scan_in_call_order_would(ops: list[tuple[str, str, str, str]]) -> None:
    legs, plain = Legs(), dict[str, Leg]()
    for op, call_id, conversation, message in ops:
        if op == "set":
            legs[call_id] = plain[call_id] = leg(call_id, conversation, message)
        elif call_id in plain:
            del legs[call_id], plain[call_id]
        assert list(legs.items()) == list(plain.items())
        for tracking_id in ("t1", "t2", "t3"):
            scanned = [x for x in plain.values() if x.conversation_id == tracking_id]
            assert legs.of_conversation(tracking_id) == scanned
        for message_id in ("m1", "m2", "m3", "m4"):
            first = next((x for x in plain.values() if x.message_id == message_id), None)
            assert legs.by_message(message_id) is first
    legs.clear()
    assert len(legs) == 0
    assert legs.of_conversation("t1") == []
    assert legs.by_message("m1") is None
