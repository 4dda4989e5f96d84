"""``POST /voice/tracking``: voice messages by filters and a time range (API reference "Track multiple
voice messages with filters for a specific time range", docs.routee.net/reference/calltracking).

Documented: query ``from``/``to`` (ISO-8601 date-times), ``page`` (from 0), ``size`` (default 20),
``sort`` (a field name), ``trackingId``, ``tagged``; the body's filters are ``{fieldName,
searchOperator, searchTerm}`` with ``fieldName`` one of ``id, recipient, from, collectedTones, groups,
country, status.status, campaign`` and ``searchOperator`` e.g. ``is, is_not, contains, starts_with,
ends_with``. Mock's choices: the body is an array of filters (one object is read as an array of one),
all of which must match; ``searchOperator`` defaults to ``is``; matching is case-sensitive; ``trackingId``
matches the conversation's trackingId (the mock has no campaigns); ``tagged`` is read and ignored; ``sort``
is ``field`` or ``field,asc|desc`` over the filter fields, ``date`` (creation), ``duration`` and ``price``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from mockserver.core.values import frozen
from mockserver.providers.routee import fields
from mockserver.providers.routee.errors import Codes, invalid

Row = dict[str, Any]

#: fieldName → the values of a row it is matched against
FIELDS: dict[str, Callable[[Row], list[str]]] = {
    "id": lambda row: [row["messageId"]],
    "recipient": lambda row: [row["to"]],
    "from": lambda row: [row["from"]],
    "collectedTones": lambda row: [row["collectedTones"]],
    "groups": lambda row: [str(g) for g in row["groups"]],
    "country": lambda row: [row["country"] or ""],
    "status.status": lambda row: [row["status"]["status"]],
    "campaign": lambda row: [row["campaign"] or ""],
}
OPERATORS: dict[str, Callable[[str, str], bool]] = {
    "is": lambda value, term: value == term,
    "is_not": lambda value, term: value != term,
    "contains": lambda value, term: term in value,
    "starts_with": lambda value, term: value.startswith(term),
    "ends_with": lambda value, term: value.endswith(term),
}
SORTS = (*FIELDS, "date", "duration", "price")


@frozen
class Filter:
    field: str
    operator: str
    term: str

    def matches(self, row: Row) -> bool:
        values = FIELDS[self.field](row)
        test = OPERATORS[self.operator]
        if self.operator == "is_not":
            return all(test(v, self.term) for v in values)
        return any(test(v, self.term) for v in values)


@frozen
class Search:
    filters: tuple[Filter, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    tracking_id: str | None = None
    sort: tuple[str, bool] | None = None  # field, descending


def filters(body: Any) -> tuple[Filter, ...]:
    """The body: nothing (or ``{}``), one filter object or an array of them."""
    if body is None or body == {}:
        return ()
    items = [body] if isinstance(body, dict) else body
    if not isinstance(items, list):
        raise invalid(Codes.INVALID_REQUEST, "body", "the body must be an array of filters")
    return tuple(_filter(item, f"[{i}]") for i, item in enumerate(items))


def _filter(item: Any, at: str) -> Filter:
    body = fields.obj(item, at, Codes.INVALID_REQUEST)
    name = body.get("fieldName")
    if name not in FIELDS:
        raise invalid(
            Codes.INVALID_REQUEST, f"{at}.fieldName", f"{at}.fieldName must be one of {', '.join(FIELDS)}"
        )
    operator = body.get("searchOperator", "is")
    if operator not in OPERATORS:
        raise invalid(
            Codes.INVALID_REQUEST,
            f"{at}.searchOperator",
            f"{at}.searchOperator must be one of {', '.join(OPERATORS)}",
        )
    term = body.get("searchTerm")
    if not isinstance(term, str):
        raise invalid(Codes.INVALID_REQUEST, f"{at}.searchTerm", f"{at}.searchTerm must be a string")
    return Filter(str(name), str(operator), term)


def query(params: dict[str, str], body: Any) -> Search:
    tagged = params.get("tagged")
    if tagged is not None and tagged.lower() not in ("true", "false"):
        raise invalid(Codes.INVALID_REQUEST, "tagged", "tagged must be true or false")
    return Search(
        filters=filters(body),
        start=_date(params, "from"),
        end=_date(params, "to"),
        tracking_id=params.get("trackingId") or None,
        sort=_sort(params.get("sort")),
    )


def _sort(raw: str | None) -> tuple[str, bool] | None:
    if not raw:
        return None
    name, _, direction = raw.partition(",")
    if name not in SORTS or direction.lower() not in ("", "asc", "desc"):
        raise invalid(Codes.INVALID_REQUEST, "sort", f"sort must be one of {', '.join(SORTS)} [,asc|desc]")
    return name, direction.lower() == "desc"


def _date(params: dict[str, str], name: str) -> datetime | None:
    value = params.get(name)
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise invalid(Codes.INVALID_REQUEST, name, f"{name} must be an ISO-8601 date-time with a zone")
    return parsed


def sort_key(name: str) -> Callable[[tuple[datetime, Row]], Any]:
    if name == "date":
        return lambda item: item[0]
    if name in ("duration", "price"):
        return lambda item: item[1][name]
    return lambda item: FIELDS[name](item[1])
