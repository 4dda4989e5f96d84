"""``ApiKey`` and ``CustomerCode`` headers on every request (dillo.md §2); no ``Authorization``.

Header names are compared case-insensitively (Starlette's headers are); the customer code is a GUID,
so its value is compared case-insensitively too, the API key exactly.
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.requests import Request

from mockserver.core.errors import Unauthorized
from mockserver.providers.dillo.models import Customer

INVALID = "Invalid ApiKey or CustomerCode"


def authenticate(request: Request, customers: Mapping[str, Customer]) -> Customer:
    api_key = request.headers.get("apikey", "").strip()
    code = request.headers.get("customercode", "").strip().lower()
    if not api_key or not code:
        raise Unauthorized("The ApiKey and CustomerCode headers are required")
    customer = customers.get(code)
    if customer is None or customer.api_key != api_key:
        raise Unauthorized(INVALID)
    return customer
