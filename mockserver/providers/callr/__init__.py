"""CALLR JSON-RPC v1.1: voice apps, Real-Time call control, CDRs, signed webhooks, sessions and API keys."""

from mockserver.providers.callr.provider import Callr

__all__ = ["Callr"]
