"""Reference lists: ``list.countries`` and ``list.number_infos`` (callr.md §4.1, seed "Country",
"NumberInfos"). The mock knows the six countries of its prefix table (mock's choice)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from mockserver.providers.callr.cdr import number_facts
from mockserver.providers.callr.params import Arg, Kind
from mockserver.providers.callr.rpc import Invocation, Method, method

if TYPE_CHECKING:
    from mockserver.providers.callr.provider import Callr

#: code → (dialcode, English, French, capital, continent, languages, lat, long, trunk, neighbours,
#: national number length, tld, currency)
COUNTRIES: dict[str, tuple[str, ...]] = {
    "DE": (
        "49",
        "Germany",
        "ALLEMAGNE",
        "BER",
        "EUR",
        "de",
        "51",
        "9",
        "0",
        "AT,BE,CH,CZ,DK,FR,LU,NL,PL",
        "11",
        ".de",
        "EUR",
    ),
    "ES": (
        "34",
        "Spain",
        "ESPAGNE",
        "MAD",
        "EUR",
        "es-ES,ca,gl,eu",
        "40",
        "-4",
        "",
        "AD,FR,GI,PT,MA",
        "9",
        ".es",
        "EUR",
    ),
    "FR": (
        "33",
        "France",
        "FRANCE",
        "PAR",
        "EUR",
        "fr-FR",
        "46",
        "2",
        "0",
        "AD,BE,CH,DE,IT,LU,MC,ES",
        "9",
        ".fr",
        "EUR",
    ),
    "GB": (
        "44",
        "United Kingdom",
        "ROYAUME-UNI",
        "LON",
        "EUR",
        "en-GB,cy-GB,gd",
        "54",
        "-2",
        "0",
        "IE",
        "10",
        ".uk",
        "GBP",
    ),
    "IT": (
        "39",
        "Italy",
        "ITALIE",
        "ROM",
        "EUR",
        "it-IT,de-IT,fr-IT",
        "42.83",
        "12.83",
        "",
        "CH,VA,SI,SM,FR,AT",
        "10",
        ".it",
        "EUR",
    ),
    "US": (
        "1",
        "United States",
        "ETATS-UNIS",
        "WAS",
        "NAM",
        "en-US,es-US",
        "38",
        "-97",
        "1",
        "CA,MX,CU",
        "10",
        ".us",
        "USD",
    ),
}
E164 = re.compile(r"\+?[1-9][0-9]{6,14}")


def country_json(code: str) -> dict[str, Any]:
    dial, en, fr, capital, continent, langs, lat, lon, trunk, neighbours, length, tld, currency = COUNTRIES[
        code
    ]
    return {
        "capital_code": capital,
        "continent_code": continent,
        "country_code": code,
        "country_dialcode": dial,
        "country_en_label": en.upper(),
        "country_fr_label": fr,
        "country_label": en.lower(),
        "country_languages": langs,
        "country_latitude": lat,
        "country_localcode": trunk,
        "country_longitude": lon,
        "country_neighbours": neighbours,
        "country_number_length": length,
        "country_tld": tld,
        "currency_code": currency,
    }


def number_infos(number: str) -> dict[str, Any]:
    """NumberInfos of ``number`` (E.164, with or without ``+``); ``is_valid`` false otherwise."""
    digits = number.strip().lstrip("+")
    iso, kind, _label = number_facts("+" + digits)
    valid = bool(E164.fullmatch(digits)) and iso != ""
    if not valid:
        return {
            "country_code": "",
            "intl_code": "",
            "intl_number": number,
            "is_valid": False,
            "local_number": "",
            "local_prefix": "",
            "location": "",
            "type": "",
        }
    dial, trunk = COUNTRIES[iso][0], COUNTRIES[iso][8]
    national = digits[len(dial) :]
    valid = len(national) == int(COUNTRIES[iso][10])
    return {
        "country_code": iso,
        "intl_code": dial,
        "intl_number": "+" + digits,
        "is_valid": valid,
        "local_number": trunk + national if iso != "US" else national,
        "local_prefix": trunk,
        "location": COUNTRIES[iso][1],
        "type": kind,
    }


def methods(api: Callr) -> list[Method]:
    @method("list.countries")
    def countries(inv: Invocation, args: list[Any]) -> dict[str, Any]:
        return {code: country_json(code) for code in sorted(COUNTRIES)}

    @method("list.number_infos", Arg("number", Kind.STRING))
    def infos(inv: Invocation, args: list[Any]) -> dict[str, Any]:
        return number_infos(args[0])

    return [countries, infos]
