"""The DID store's catalogue: countries, area codes, types, prices, and how a number is made up.

CALLR's store is live inventory; the mock has a small fixed catalogue (mock's choice, listed in
docs/providers/callr.md) whose numbers are made up deterministically from the seed when reserved.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from mockserver.core.values import frozen

#: How long a reservation holds its numbers (mock's choice; CALLR says only that the token expires).
RESERVATION_TTL = timedelta(minutes=30)
#: Monthly price of one DID, in cents, by class (mock's choice).
MONTHLY_PRICE = {"CLASSIC": Decimal("100.00"), "GOLD": Decimal("1500.00")}
#: Numbers the store holds per area code and class (mock's choice).
STOCK = {"CLASSIC": 100, "GOLD": 5}
CLASSES = ("CLASSIC", "GOLD")
MODES = ("RANDOM",)
MAX_QUANTITY = 50  # per order (mock's choice)
CONTRACT_MONTHS = 1
#: DID.Store.QuotaStatus: the limits of a mock account (mock's choice).
QUOTA_MAX_OVER_PERIOD = 100
QUOTA_PERIOD_DAYS = 30
DID_TYPES = {
    "GEOGRAPHIC": "Geographic",
    "MOBILE": "Mobile",
    "TOLLFREE": "Toll free",
}


@frozen
class AreaCode:
    id: int
    country_code: str
    label: str
    type: str
    intl_prefix: str  # "+331"
    local_prefix: str  # "01"
    digits: int  # national significant number length, prefix included


#: The catalogue (mock's choice): ids are stable so tests can name them.
AREA_CODES: tuple[AreaCode, ...] = (
    AreaCode(1, "FR", "Paris", "GEOGRAPHIC", "+331", "01", 9),
    AreaCode(2, "FR", "Lyon", "GEOGRAPHIC", "+334", "04", 9),
    AreaCode(3, "FR", "Mobile", "MOBILE", "+337", "07", 9),
    AreaCode(4, "FR", "Toll free", "TOLLFREE", "+33805", "0805", 9),
    AreaCode(5, "GB", "London", "GEOGRAPHIC", "+4420", "020", 10),
    AreaCode(6, "US", "New York", "GEOGRAPHIC", "+1646", "646", 10),
)
COUNTRY_LABELS = {"FR": "France", "GB": "United Kingdom", "US": "United States"}


def area_code(area_id: int) -> AreaCode | None:
    return next((a for a in AREA_CODES if a.id == area_id), None)


def national(code: AreaCode, rest: str) -> tuple[str, str, str]:
    """(international, local, local formatted) for the digits that follow the area prefix."""
    cc_len = {"FR": 2, "GB": 2, "US": 1}[code.country_code]
    nsn = code.intl_prefix[1 + cc_len :] + rest
    intl = code.intl_prefix + rest
    if code.country_code == "US":
        local = nsn
        formatted = f"({nsn[:3]}) {nsn[3:6]}-{nsn[6:]}"
    else:
        local = "0" + nsn
        if code.country_code == "FR":
            formatted = " ".join(local[i : i + 2] for i in range(0, len(local), 2))
        else:
            formatted = f"{local[:3]} {local[3:7]} {local[7:]}"
    return intl, local, formatted


def rest_length(code: AreaCode) -> int:
    cc_len = {"FR": 2, "GB": 2, "US": 1}[code.country_code]
    return code.digits - (len(code.intl_prefix) - 1 - cc_len)
