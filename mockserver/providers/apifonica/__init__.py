"""Apifonica REST v2: accounts, applications, calls (XML controller), recordings, messages."""

from mockserver.providers.apifonica.provider import Apifonica

__all__ = ["Apifonica"]
