"""Neutral error kinds. Each provider renders them in its own error envelope (its ``errors.py``)."""

from __future__ import annotations


class MockError(Exception):
    """An error a provider answers with a 4xx. ``status`` is the HTTP status it maps to by default."""

    status = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidParameter(MockError):
    status = 400


class MissingParameter(InvalidParameter):
    pass


class Unauthorized(MockError):
    status = 401


class Forbidden(MockError):
    status = 403


class NotFound(MockError):
    status = 404


class MethodNotAllowed(MockError):
    status = 405


class Conflict(MockError):
    status = 409


class UnsupportedMediaType(MockError):
    status = 415


class TooManyRequests(MockError):
    status = 429
