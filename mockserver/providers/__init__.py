"""The providers the server emulates: name → "module:class". Adding one is one line here."""

from __future__ import annotations

import importlib

from mockserver.providers.base import Provider

REGISTRY: dict[str, str] = {
    "apifonica": "mockserver.providers.apifonica:Apifonica",
    "esendex": "mockserver.providers.esendex:Esendex",
    "routee": "mockserver.providers.routee:Routee",
    "dillo": "mockserver.providers.dillo:Dillo",
    "callr": "mockserver.providers.callr:Callr",
}


def load(name: str) -> type[Provider]:
    module_name, _, attribute = REGISTRY[name].partition(":")
    cls: type[Provider] = getattr(importlib.import_module(module_name), attribute)
    assert issubclass(cls, Provider)
    return cls
