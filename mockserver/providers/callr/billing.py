"""The prepaid credit's events and its floor: ``billing.credit``, ``billing.credit_warning``,
``billing.credit_shutdown`` (seed "Webhook.Event.Billing.Credit"), and new calls and SMS refused once
the credit is at or below the shutdown limit.

CALLR documents the event object, not the limits: both are the mock's choice (docs/providers/callr.md,
"Prepaid credit"). Every change of the credit (a CDR, an SMS, a refunded SMS, DIDs bought) pushes
``billing.credit``; a change that takes the balance under :data:`WARNING_LIMIT` also pushes
``billing.credit_warning``, and one that takes it to :data:`SHUTDOWN_LIMIT` or below
``billing.credit_shutdown``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from mockserver.providers.callr.cdr import cents
from mockserver.providers.callr.errors import Code, RpcError

if TYPE_CHECKING:
    from mockserver.providers.callr.provider import Callr

#: Under this balance (cents) the account is warned: 1 EUR (mock's choice).
WARNING_LIMIT = Decimal("100.00")
#: At or under this balance (cents) the account is shut down: nothing left (mock's choice).
SHUTDOWN_LIMIT = Decimal("0.00")
CURRENCY = "EUR"


def credit_event(balance: Decimal, change: Decimal) -> dict[str, Any]:
    """Webhook.Event.Billing.Credit; ``last_transaction_amount`` is signed: a debit is negative."""
    return {
        "balance": cents(balance),
        "currency_code": CURRENCY,
        "last_transaction_amount": cents(change),
        "shutdown_limit": cents(SHUTDOWN_LIMIT),
        "warning_limit": cents(WARNING_LIMIT),
    }


class Billing:
    def __init__(self, api: Callr) -> None:
        self.api = api

    @contextmanager
    def transaction(self, login: str) -> Iterator[None]:
        """Whatever the block does to ``login``'s credit is pushed once it is done."""
        before = self.api.state.credit(login)
        yield
        self.changed(login, before)

    def changed(self, login: str, before: Decimal) -> None:
        after = self.api.state.credit(login)
        if after == before:
            return
        data = credit_event(after, after - before)
        emit = self.api.webhooks.emit
        emit(login, "billing.credit", data)
        if before >= WARNING_LIMIT > after:
            emit(login, "billing.credit_warning", data)
        if before > SHUTDOWN_LIMIT >= after:
            emit(login, "billing.credit_shutdown", data)

    def check(self, login: str) -> None:
        """A new call or SMS needs some credit left (INSUFFICIENT_CREDIT, mock's code)."""
        balance = self.api.state.credit(login)
        if balance <= SHUTDOWN_LIMIT:
            raise RpcError(
                Code.INSUFFICIENT_CREDIT,
                f"the prepaid credit is {cents(balance)} cents: the account is shut down",
            )
