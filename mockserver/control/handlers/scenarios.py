"""``/_mock/scenarios`` and ``/_mock/forced-scenario``: the scenario book and the one forced on new calls."""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from mockserver.control.handlers.common import ControlError, json_object, state_of
from mockserver.scenario.model import ScenarioError


async def list_scenarios(request: Request) -> Response:
    book = state_of(request).scenarios
    return JSONResponse({"default": book.default, "scenarios": [s.to_json() for s in book]})


async def get_scenario(request: Request) -> Response:
    book = state_of(request).scenarios
    name = request.path_params["name"]
    if name not in book:
        raise ControlError(404, "not_found", f"no scenario {name!r}")
    return JSONResponse(book.get(name).to_json())


async def put_scenario(request: Request) -> Response:
    from mockserver.scenario.loader import parse_scenarios  # YAML: not imported at start

    name = request.path_params["name"]
    raw = await request.body()
    try:
        text = raw.decode("utf-8")
        # a big document takes a while to parse: not on the event loop, which serves everyone else
        scenarios = await asyncio.to_thread(parse_scenarios, text, source=f"PUT /_mock/scenarios/{name}")
    except UnicodeDecodeError:
        raise ControlError(400, "invalid_scenario", "the body must be UTF-8 YAML") from None
    except ScenarioError as exc:
        raise ControlError(400, "invalid_scenario", str(exc)) from None
    except RecursionError:
        raise ControlError(400, "invalid_scenario", "the scenario is nested too deeply") from None
    if len(scenarios) != 1 or scenarios[0].name != name:
        raise ControlError(
            400, "invalid_scenario", f"the body must hold exactly one scenario, named {name!r}"
        )
    book = state_of(request).scenarios
    unknown = [entry for entry, _ in scenarios[0].mix if entry not in book]
    if unknown:
        raise ControlError(400, "invalid_scenario", f"the mix names no scenario {unknown[0]!r}")
    book.add(scenarios[0])
    return JSONResponse(scenarios[0].to_json())


async def get_forced_scenario(request: Request) -> Response:
    return JSONResponse({"name": state_of(request).scenarios.forced})


async def put_forced_scenario(request: Request) -> Response:
    """Every new call gets this scenario (unless it names one itself) until reset or DELETE."""
    book = state_of(request).scenarios
    name = (await json_object(request)).get("name")
    if not isinstance(name, str) or name not in book:
        raise ControlError(400, "invalid_scenario", f"no scenario {name!r}")
    book.forced = name
    return JSONResponse({"name": name})


async def delete_forced_scenario(request: Request) -> Response:
    state_of(request).scenarios.forced = None
    return JSONResponse({"name": None})
