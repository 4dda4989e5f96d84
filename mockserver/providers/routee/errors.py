"""The one renderer of Routee's error body [routee.md §7].

Every error is ``{"code": "<9 digits>", "developerMessage": "...", "properties": {field: message}}``: the
code is the HTTP status, a 3-digit module (``013`` voice, ``000`` generic) and a 3-digit number. The voice
numbers are the mock's own (Routee publishes none); they are listed in docs/providers/routee.md. Errors
of the token endpoint also carry RFC 6749's ``error``/``error_description`` (mock's choice: the token
server is a Spring OAuth2 server, whose clients read those).
"""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse, Response

from mockserver.core.errors import MockError

GENERIC = "000"
VOICE = "013"


class Codes:
    """The mock's voice-module error numbers (the last three digits)."""

    INVALID_REQUEST = 0  # body not JSON / not an object, unknown scenario, bad query or filter
    TO = 1  # to missing or not exactly one valid phone / sip / viber
    FROM = 2  # from missing or not a string
    DIALPLAN = 3  # both or neither of dialPlan / dialPlanUrl, empty verbs, bad dialPlanUrl
    TWO_DIALS = 4  # more than one DIAL
    RANGE = 5  # hangupDelay / maxDuration out of range
    VERB = 6  # a verb field: type, message, language, gender, fileURL, repeat, duration...
    CALLBACK = 7  # callback url / strategy
    MACHINE_DETECTION = 8  # machineDetection strategy / eventUrl
    ACTION = 9  # a live-call action's body: action, text, language, gender, fileURL, dtmf, format...


class RouteeError(MockError):
    def __init__(
        self,
        status: int,
        message: str,
        *,
        module: str = VOICE,
        number: int = 0,
        field: str | None = None,
        oauth_error: str | None = None,
    ) -> None:
        super().__init__(message, field=field)
        self.status = status
        self.code = f"{status:03d}{module}{number:03d}"
        self.oauth_error = oauth_error


def invalid(number: int, field: str, message: str) -> RouteeError:
    """A 400 of the voice module naming the field at fault."""
    return RouteeError(400, message, number=number, field=field)


def not_found(message: str) -> RouteeError:
    return RouteeError(404, message)


def render_error(error: MockError) -> Response:
    code = error.code if isinstance(error, RouteeError) else f"{error.status:03d}{GENERIC}000"
    body: dict[str, Any] = {"code": code, "developerMessage": error.message}
    if error.field is not None:
        body["properties"] = {error.field: error.message}
    headers = None
    if isinstance(error, RouteeError) and error.oauth_error is not None:
        body["error"] = error.oauth_error
        body["error_description"] = error.message
    if error.status == 401:
        headers = {"WWW-Authenticate": 'Bearer realm="oauth2-resource"'}
    return JSONResponse(body, error.status, headers=headers)
