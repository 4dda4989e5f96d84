"""Routee (AMD Telecom) voice: OAuth2 tokens, conversations driven by JSON dialplans, tracking."""

from mockserver.providers.routee.provider import Routee

__all__ = ["Routee"]
