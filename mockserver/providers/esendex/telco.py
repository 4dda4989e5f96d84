"""A made-up carrier lookup for a destination (the postback's ``isWireless`` and ``telco*`` fields).

Drawn from the app's seeded Faker, so the same run gives the same carriers [S-seed].
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mockserver.providers.esendex.models import Telco

if TYPE_CHECKING:  # ~60 ms to import: create_app imports it (issue 14)
    from faker import Faker

#: (carrier name, carrier type, wireless) as US number-portability lookups name them.
CARRIERS: tuple[tuple[str, str, bool], ...] = (
    ("CELLCO PARTNERSHIP DBA VERIZON WIRELESS", "WIRELESS", True),
    ("AT&T MOBILITY", "WIRELESS", True),
    ("T-MOBILE USA, INC.", "WIRELESS", True),
    ("SPRINT SPECTRUM L.P.", "WIRELESS", True),
    ("US CELLULAR", "WIRELESS", True),
    ("VERIZON VIRGINIA, INC.", "LANDLINE", False),
    ("AT&T SOUTHWEST", "LANDLINE", False),
    ("CENTURYLINK (QWEST CORPORATION)", "LANDLINE", False),
    ("FRONTIER COMMUNICATIONS", "LANDLINE", False),
    ("COMCAST IP PHONE, LLC", "VOIP", False),
    ("BANDWIDTH.COM CLEC, LLC", "VOIP", False),
)


def lookup(faker: Faker, phone: str) -> Telco:
    name, kind, wireless = faker.random_element(CARRIERS)
    return Telco(
        is_wireless=wireless,
        lata=str(faker.random_int(120, 999)),
        ocn=str(faker.random_int(1000, 9999)),
        carrier_name=name,
        carrier_type=kind,
        lrn=phone[:6] + "0000",
        switch_name=faker.city().upper(),
    )
