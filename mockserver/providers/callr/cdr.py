"""Call Detail Records: the ``CDR.Out`` a finished outbound call leaves behind (seed 004)."""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from mockserver.core.calls import Call
from mockserver.providers.callr.models import CallInfo, Cdr
from mockserver.providers.callr.render import datetime_text
from mockserver.providers.callr.vocabulary import dial_status, hangup_cause, hangup_source, hangup_source_in

CENT = Decimal("0.01")

#: Country calling code → (ISO code, name, leading national digits of mobiles). A small table: the mock
#: labels other numbers "International" (mock's choice).
COUNTRIES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("33", "FR", "France", ("6", "7")),
    ("44", "GB", "United Kingdom", ("7",)),
    ("49", "DE", "Germany", ("15", "16", "17")),
    ("34", "ES", "Spain", ("6", "7")),
    ("39", "IT", "Italy", ("3",)),
    ("1", "US", "United States", ()),
)


def number_facts(number: str) -> tuple[str, str, str]:
    """(country code, number type, billing label) of an E.164 number."""
    digits = number.lstrip("+")
    for prefix, iso, name, mobiles in COUNTRIES:
        if digits.startswith(prefix):
            kind = "MOBILE" if digits[len(prefix) :].startswith(mobiles) and mobiles else "FIXED"
            return iso, kind, f"{name} {kind.title()}"
    return "", "FIXED", "International"


def cents(amount: Decimal) -> str:
    """``amount``: cents with 2 decimals ("1000.00" is 10 EUR)."""
    return str(amount.quantize(CENT, rounding=ROUND_HALF_UP))


def debit_cents(call: Call) -> Decimal:
    return (call.price * 100).quantize(CENT, rounding=ROUND_HALF_UP)


def cdr_out(call: Call, info: CallInfo, now: datetime | None = None) -> dict[str, Any]:
    """The CDR of ``call``; a live call (``call.outbound_start``) shows no hang-up yet."""
    ended = call.ended_at
    iso, kind, label = number_facts(call.to)
    duration = int(((ended or now or call.created_at) - call.created_at).total_seconds())
    answered = call.talk_seconds
    live = ended is None
    return {
        "answer": datetime_text(call.answered_at),
        "billing_customer_cost_label": label,
        "billing_customer_credit_eur": "0.00",
        "billing_customer_debit_eur": cents(debit_cents(call)),
        "callid": info.callid,
        "callid_in": info.callid_in,
        "cli_name": "",
        "cli_number": "" if info.cli == "BLOCKED" else info.cli,
        "cli_pres": "prohib_passed_screen" if info.cli == "BLOCKED" else "allowed_passed_screen",
        "customer_field": info.cdr_field,
        "dialstatus": "ANSWER" if live else dial_status(call.state).value,
        "duration": duration,
        "duration_answered": answered,
        "duration_billed": answered,
        "hangup": datetime_text(ended),
        "hangupcause": 0 if live else hangup_cause(call.state),
        "hangupsource": "" if live else hangup_source(call),
        "number": call.to,
        "number_country_code": iso,
        "number_type": kind,
        "package_name": info.app.package.value if info.app else "",
        "scenario_hash": info.app.hash if info.app else "",
        "scenario_name": info.app.name if info.app else "",
        "start": datetime_text(call.created_at),
    }


def cdr_in(call: Call, info: CallInfo, now: datetime | None = None) -> dict[str, Any]:
    """The CDR.In of an inbound call on a DID (``did`` is set); the caller is the remote party."""
    assert info.did is not None
    ended = call.ended_at
    iso, kind, _label = number_facts(info.cli)
    duration = int(((ended or now or call.created_at) - call.created_at).total_seconds())
    answered = call.talk_seconds
    return {
        "answer": datetime_text(call.answered_at),
        "billing_customer_cost_label": number_facts(info.did.intl_number)[2],
        "billing_customer_credit_eur": "0.00",
        "billing_customer_debit_eur": cents(debit_cents(call)),
        "callid": info.callid,
        "cli_country_code": iso,
        "cli_name": "",
        "cli_number": info.cli,
        "cli_number_type": kind,
        "cli_pres": "allowed_passed_screen",
        "customer_field": info.cdr_field,
        "did_hash": info.did.hash,
        "did_intl_number": info.did.intl_number,
        "duration": duration,
        "duration_answered": answered,
        "duration_billed": answered,
        "hangup": datetime_text(ended),
        "hangupcause": 0 if ended is None else hangup_cause(call.state),
        "hangupsource": "" if ended is None else hangup_source_in(call),
        "package_name": info.app.package.value if info.app else "",
        "scenario_hash": info.app.hash if info.app else "",
        "scenario_name": info.app.name if info.app else "",
        "start": datetime_text(call.created_at),
    }


def cdr_of(call: Call, info: CallInfo, now: datetime | None = None) -> dict[str, Any]:
    return cdr_in(call, info, now) if info.inbound else cdr_out(call, info, now)


def write_cdr(call: Call, info: CallInfo) -> Cdr:
    return Cdr(
        login=info.login,
        type="IN" if info.inbound else "OUT",
        start=call.created_at,
        app_hash=info.app.hash if info.app else "",
        debit=debit_cents(call),
        record=cdr_of(call, info),
        did_hash=info.did.hash if info.did else "",
    )
