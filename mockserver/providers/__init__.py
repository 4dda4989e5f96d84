"""The providers the server emulates: name → "module:class". Adding one is one line here."""

from __future__ import annotations

import importlib

from mockserver.providers.base import Provider

REGISTRY: dict[str, str] = {
    "apifonica": "mockserver.providers.apifonica:Apifonica",
    "dillo": "mockserver.providers.dillo:Dillo",
    "routee": "mockserver.providers.routee:Routee",
    "esendex": "mockserver.providers.esendex:Esendex",
    "callr": "mockserver.providers.callr:Callr",
}


def load(name: str) -> type[Provider]:
    module_name, _, attribute = REGISTRY[name].partition(":")
    cls: type[Provider] = getattr(importlib.import_module(module_name), attribute)
    assert issubclass(cls, Provider)
    return cls
