"""Dillo: send-action voice requests driven by a ChannelBehavior graph (dillo.md)."""

from mockserver.providers.dillo.provider import Dillo

__all__ = ["Dillo"]
