"""The mock's Faker loads only the providers it draws from (app.FAKER_PROVIDERS); what it draws for a
seed is what a full ``Faker()`` draws, so default account names and every made-up value stay as they
were (and the same seed keeps giving the same run)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from faker import Faker
from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.app import FAKER_PROVIDERS, create_app
from mockserver.settings import Settings

FULL = Faker()
OURS = Faker(providers=list(FAKER_PROVIDERS))
CARRIERS = [("Verizon", "wireless", True), ("AT&T", "landline", False)]


def draws(faker: Faker, seed: int) -> list[Any]:
    """Every kind of draw the mock makes, in an order that interleaves them."""
    faker.seed_instance(seed)
    return [
        faker.company(),
        faker.user_name(),
        faker.sentence(),
        faker.random_element(CARRIERS),
        faker.random_int(120, 999),
        faker.city(),
        faker.company(),
    ]


@settings(max_examples=200, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32))
def test_our_faker_draws_what_a_full_faker_draws(seed: int) -> None:
    assert draws(OURS, seed) == draws(FULL, seed)


def test_the_mock_draws_nothing_it_does_not_load() -> None:
    """Every faker method the mock's code calls is one ``draws`` checks."""
    checked = {"company", "user_name", "sentence", "random_element", "random_int", "city", "seed_instance"}
    source = Path(__file__).resolve().parents[1] / "mockserver"
    called = {
        name
        for path in source.rglob("*.py")
        for name in re.findall(r"\bfaker\.([a-z_]+)\(", path.read_text(encoding="utf-8"))
    }
    assert called <= checked, called - checked


def test_default_account_names_are_a_full_fakers() -> None:
    state = create_app(Settings(clock="virtual", seed=11)).state.mock
    FULL.seed_instance(11)
    names = [creds[0]["name"] for creds in state.credentials().values()]
    assert names[0] == FULL.company()  # the first provider's default account is drawn first
