"""SMS methods: ``sms.send``, ``sms.get``, ``sms.get_list`` (callr.md §4.3, seed "SMS", "SMS.Options")."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from mockserver.core.plan import UnknownScenario
from mockserver.providers.callr import params
from mockserver.providers.callr.errors import Code, RpcError, invalid, invalid_params, not_found
from mockserver.providers.callr.models import Sms
from mockserver.providers.callr.params import Arg, Kind
from mockserver.providers.callr.rpc import Invocation, Method, method
from mockserver.providers.callr.sms import PART_PRICE, SHARED_SHORT_CODE, encode, sms_json

if TYPE_CHECKING:
    from mockserver.providers.callr.provider import Callr

#: support.callr.com "How to customize the SMS Sender ID?": "any alphanumeric characters (A-Z, 0-9, space,
#: -, _)" (the SDK READMEs send "Your Brand"); at most 11, with a letter (mock's choice: GSM's limit).
ALPHANUMERIC_SENDER = re.compile(r"(?=.*[A-Za-z])[A-Za-z0-9 _-]{1,11}")
MAX_PARTS = 10  # mock's choice: longer texts are refused


def methods(api: Callr) -> list[Method]:
    state = api.state

    def sender(inv: Invocation, value: str) -> str:
        """``""`` → the shared short code; ``SMS``; an alphanumeric sender (≤ 11, with a letter); or an
        E.164 number the account owns (a DID, or its CLI). Sender authorisation of alphanumeric senders
        is not emulated: any well-formed one is accepted (mock's choice)."""
        account = inv.caller.account
        if value == "":
            return SHARED_SHORT_CODE
        if value == "SMS" or ALPHANUMERIC_SENDER.fullmatch(value):
            return value
        if re.fullmatch(params.E164, value):
            owned = {d.intl_number for d in state.dids.values() if d.login == account.login}
            if value in owned | {account.cli}:
                return value
            raise invalid("from", f"sender {value} is not a number of this account (a DID or its CLI)")
        raise invalid("from", "from must be '', 'SMS', 11 alphanumerics with a letter, or an E.164 DID")

    @method(
        "sms.send",
        Arg("from", Kind.STRING),
        Arg("to", Kind.STRING, nullable=True),
        Arg("body", Kind.STRING, nullable=True),
        Arg("options", Kind.OBJECT, nullable=True, optional=True),
    )
    def send(inv: Invocation, args: list[Any]) -> str:
        """Returns the SMS hash; the status then moves on the mock's clock (docs/providers/callr.md).
        from, to, body are checked in that order, null ones as production answers sdk-dotnet's
        SmsServiceTest (PROPERTY_TYPE_ERROR [to], INVALID_PARAM_FORMAT [body])."""
        origin = sender(inv, args[0])
        if args[1] is None:
            raise RpcError(Code.PROPERTY_TYPE_ERROR, "to must be an E.164 number", property="to")
        params.check_value(args[1], params.PHONE, "to")
        if args[2] is None:
            raise invalid_params("sms.send: param 3 (body) must be string", "body")
        text: str = args[2]
        if not text:
            raise invalid("body", "body is empty")
        options = params.options(args[3], params.SMS_OPTIONS)
        encoding, _length, parts = encode(text, options.get("force_encoding"))
        if parts > MAX_PARTS:
            raise invalid("body", f"body needs {parts} parts; at most {MAX_PARTS} are sent")
        try:
            path = api.sms.path(args[1], inv.scenario)
        except UnknownScenario as exc:
            raise invalid("X-Mock-Scenario", str(exc)) from None
        api.billing.check(inv.caller.account.login)
        now = api.ctx.now()
        sms = Sms(
            hash=api.new_hash(),
            login=inv.caller.account.login,
            type="OUT",
            sender=origin,
            to=args[1],
            text=text,
            encoding=encoding,
            parts=parts,
            nature=options.get("nature") or "ALERTING",
            options=options,
            user_data=options.get("user_data") or "",
            debit=PART_PRICE * parts,
            created=now,
            updated=now,
            path=path,
        )
        with api.billing.transaction(sms.login):
            state.sms[sms.hash] = sms
        api.sms.send(sms)
        return sms.hash

    @method("sms.get", Arg("hash", Kind.STRING))
    def get(inv: Invocation, args: list[Any]) -> dict[str, Any]:
        sms = state.sms.get(args[0])
        if sms is None or sms.login != inv.caller.account.login:
            raise not_found("id", args[0])  # sdk-dotnet SmsServiceTest: PROPERTY_VALUE_ERROR [id]
        return sms_json(sms)

    @method("sms.get_list", Arg("type", Kind.STRING), Arg("from", Kind.STRING), Arg("to", Kind.STRING))
    def get_list(inv: Invocation, args: list[Any]) -> list[dict[str, Any]]:
        """Messages of ``type`` created between ``from`` and ``to`` (inclusive), oldest first."""
        if args[0] not in ("IN", "OUT"):
            raise invalid("type", "type must be IN or OUT")
        start, end = params.period(args[1], args[2])
        login = inv.caller.account.login
        return [
            sms_json(s)
            for s in state.sms.values()
            if s.login == login and s.type == args[0] and start <= s.created.replace(microsecond=0) <= end
        ]

    return [send, get, get_list]
