"""Esendex Voice Broadcast (Phone Notify!): the ASMX service, its scripts, retries and postbacks."""

from mockserver.providers.esendex.provider import Esendex

__all__ = ["Esendex"]
