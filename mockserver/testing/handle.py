"""`TelephonyMock`: a typed client of the control API (``/_mock``), the handle tests hold.

It speaks plain HTTP to a base URL, so the same handle works with the pytest plugin's in-process server,
a ``mockserver serve`` process or the container. Calls, callbacks and requests come back as the control
API's JSON (plain dicts, documented in docs/control-api.md); failures raise :class:`MockAPIError`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl

import httpx
import yaml

Json = dict[str, Any]
Predicate = Callable[[Json], bool]
MAX_WAIT = 60.0  # the server's cap on one long poll
CALLBACK_FILTERS = frozenset({"provider", "call_id", "url", "kind", "delivered"})


TENANT_HEADER = "X-Mock-Tenant"
DEFAULT_TENANT = "default"


class MockAPIError(Exception):
    """The control API answered an error: ``{"error": {"code", "message"}}`` with a 4xx."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message = status, code, message


def callback_fields(callback: Mapping[str, Any]) -> dict[str, str]:
    """The fields of an outbound request (a ``callbacks()`` entry): its form body, else its query."""
    content_type = str(callback.get("headers", {}).get("Content-Type", ""))
    if content_type.startswith("application/x-www-form-urlencoded"):
        return dict(parse_qsl(str(callback.get("body", ""))))
    return {str(k): str(v) for k, v in callback.get("params", {}).items()}


@dataclass(frozen=True)  # users hold it: frozen at run time too (not @frozen, core/values.py)
class Sink:
    """The built-in callback sink ``/_mock/sink/{name}``: point callbacks at ``url``, read ``requests()``."""

    mock: TelephonyMock
    name: str

    @property
    def url(self) -> str:
        return f"{self.mock.control_url}/sink/{self.name}"

    def requests(self) -> list[Json]:
        return list(self.mock._get(f"/_mock/sink/{self.name}/requests")["requests"])

    def reply(self, body: str = "", *, status: int = 200, content_type: str = "text/plain") -> None:
        """How the sink answers from now on (e.g. a controller's XML, or a 500)."""
        payload = {"status": status, "body": body, "content_type": content_type}
        self.mock._send("PUT", f"/_mock/sink/{self.name}/reply", json=payload)


class TelephonyMock:
    """Inspect and steer a running mockserver. ``TelephonyMock("http://127.0.0.1:8080")``."""

    def __init__(
        self, base_url: str, *, timeout: float = 30.0, token: str | None = None, tenant: str | None = None
    ) -> None:
        """``token``: the server's control token, if it has one (``--control-token``). ``tenant``: the
        tenant this handle inspects and steers (docs/tenants.md; None: the default tenant)."""
        self._base_url = base_url.rstrip("/")
        self._timeout = timeout
        self._token = token
        self._tenant = tenant
        # No TLS context for plain http: loading the CA bundle costs ~80 ms per client, per test.
        verify = self._base_url.startswith("https:")
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        if tenant is not None:
            headers[TENANT_HEADER] = tenant
        self._http = httpx.Client(base_url=self._base_url, timeout=timeout, verify=verify, headers=headers)

    # -- where and who ---------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        """Every provider is served at the root: ``{base_url}/v2/accounts/...`` is Apifonica."""
        return self._base_url

    @property
    def tenant(self) -> str | None:
        """The tenant this handle is bound to (None: the default tenant)."""
        return self._tenant

    @property
    def control_url(self) -> str:
        """Where this handle's control API is: ``{base_url}/_mock``, or its tenant's
        ``{base_url}/_mock/tenants/{id}`` (callback URLs on the sink must name the tenant)."""
        if self._tenant is None:
            return f"{self._base_url}/_mock"
        return f"{self._base_url}/_mock/tenants/{self._tenant}"

    # -- tenants -----------------------------------------------------------------------------------
    def create_tenant(
        self,
        tenant_id: str | None = None,
        *,
        clock: str = "virtual",
        start: datetime | None = None,
        seed: int | None = None,
    ) -> TelephonyMock:
        """A new isolated tenant (its own clock, calls, credentials...) and a handle bound to it;
        ``tenant.drop()`` deletes it. Provider requests made with ``tenant.credentials(...)`` reach it
        with no header (docs/tenants.md)."""
        body: dict[str, Any] = {"clock": clock}
        if tenant_id is not None:
            body["id"] = tenant_id
        if start is not None:
            body["start"] = start.isoformat()
        if seed is not None:
            body["seed"] = seed
        made = self._send("POST", "/_mock/tenants", json=body, tenant=DEFAULT_TENANT)
        return TelephonyMock(self._base_url, timeout=self._timeout, token=self._token, tenant=made["id"])

    def tenants(self) -> list[Json]:
        return list(self._send("GET", "/_mock/tenants", tenant=DEFAULT_TENANT)["tenants"])

    def drop(self) -> None:
        """Delete this handle's tenant, with everything in it, and close the handle."""
        if self._tenant is None:
            raise ValueError("the default tenant cannot be dropped (reset() it instead)")
        self._send("DELETE", f"/_mock/tenants/{self._tenant}", tenant=DEFAULT_TENANT)
        self.close()

    def base_url_for(self, provider: str) -> str:
        """The provider's own prefix (``{base_url}/apifonica``), for clients that need distinct hosts."""
        return f"{self._base_url}/{provider}"

    def credentials(self, provider: str) -> Json:
        """The provider's default credentials (the first set), e.g. ``account_sid`` / ``auth_token``."""
        return self.all_credentials(provider)[0]

    def all_credentials(self, provider: str) -> list[Json]:
        return list(self._get("/_mock/credentials").get(provider, []))

    def add_credentials(self, provider: str, **fields: Any) -> Json:
        """Another account (``name=``, ``numbers=[...]``, ...); kept across resets."""
        return self._send("POST", f"/_mock/credentials/{provider}", json=fields)

    # -- time --------------------------------------------------------------------------------------
    def now(self) -> datetime:
        return _time(self._get("/_mock/clock")["now"])

    def advance(self, seconds: float) -> datetime:
        """Run everything due in the next ``seconds`` of virtual time; callbacks are attempted on return."""
        return _time(self._send("POST", "/_mock/clock/advance", json={"seconds": seconds})["now"])

    # -- calls -------------------------------------------------------------------------------------
    def calls(
        self, *, provider: str | None = None, state: str | None = None, to: str | None = None
    ) -> list[Json]:
        params = _params(provider=provider, state=state, to=to)
        return list(self._get("/_mock/calls", params)["calls"])

    def call(self, call_id: str) -> Json:
        """One call by its neutral id or its provider's id (e.g. Apifonica's ``call_sid``)."""
        return self._get(f"/_mock/calls/{call_id}")

    def inject(self, call_id: str, event: str, **fields: Any) -> Json:
        """What the callee does now: ``answer`` (``by="machine"``), ``hangup``, ``digits``
        (``digits="1#"``), ``busy``, ``reject``, ``fail``. Returns the call after the change."""
        return self._send("POST", f"/_mock/calls/{call_id}/events", json={**fields, "type": event})

    def requests(self, provider: str | None = None) -> list[Json]:
        """Every request a provider route received, in order."""
        return list(self._get("/_mock/requests", _params(provider=provider))["requests"])

    # -- callbacks ---------------------------------------------------------------------------------
    def callbacks(
        self,
        *,
        provider: str | None = None,
        call_id: str | None = None,
        url: str | None = None,
        kind: str | None = None,
        delivered: bool | None = None,
    ) -> list[Json]:
        """Every outbound request the server made (status events and controller fetches)."""
        params = _params(provider=provider, call_id=call_id, url=url, kind=kind, delivered=delivered)
        return list(self._get("/_mock/callbacks", params)["callbacks"])

    def wait_for_callback(
        self, predicate: Predicate | None = None, *, timeout: float = 5.0, **filters: str | bool
    ) -> Json:
        """The first attempted callback that matches ``filters`` (those of ``callbacks()``) and
        ``predicate``; long-polls the server, so nothing sleeps. Raises ``TimeoutError``."""
        return self.wait_for_callbacks(1, predicate, timeout=timeout, **filters)[0]

    def wait_for_callbacks(
        self, count: int, predicate: Predicate | None = None, *, timeout: float = 5.0, **filters: str | bool
    ) -> list[Json]:
        """At least ``count`` attempted callbacks matching ``filters`` and ``predicate``, in order."""
        unknown = sorted(set(filters) - CALLBACK_FILTERS)
        if unknown:
            raise TypeError(
                f"unknown callback filter {unknown[0]!r} (use {', '.join(sorted(CALLBACK_FILTERS))})"
            )
        deadline = time.monotonic() + timeout
        need = count
        while True:
            left = max(0.0, deadline - time.monotonic())
            wait = min(left, MAX_WAIT)
            params = {**_params(**filters), "wait": f"{wait:.3f}", "count": str(need)}
            rows = self._get("/_mock/callbacks", params, timeout=wait + self._timeout)["callbacks"]
            attempted = [row for row in rows if row["attempts"]]
            hits = [row for row in attempted if predicate is None or predicate(row)]
            if len(hits) >= count:
                return hits
            if left <= 0:
                raise TimeoutError(
                    f"{len(hits)} of {count} matching callbacks within {timeout} s "
                    f"({len(attempted)} attempted matched the filters {filters})"
                )
            # The predicate rejected some: wait for one more delivery than there is now.
            need = len(attempted) + 1

    def sink(self, name: str) -> Sink:
        return Sink(self, name)

    # -- scenarios ---------------------------------------------------------------------------------
    def use_scenario(self, name: str | None) -> None:
        """Every new call follows scenario ``name`` (unless its request names one), until
        ``use_scenario(None)`` or a reset."""
        if name is None:
            self._send("DELETE", "/_mock/forced-scenario")
        else:
            self._send("PUT", "/_mock/forced-scenario", json={"name": name})

    def load_scenario(self, yaml_text: str) -> Json:
        """Add or replace one scenario (YAML, see docs/scenarios.md); kept across resets."""
        document = yaml.safe_load(yaml_text)
        name = document.get("name") if isinstance(document, dict) else None
        if not isinstance(name, str):
            raise ValueError("the scenario YAML must be one mapping with a `name`")
        return self._send("PUT", f"/_mock/scenarios/{name}", content=yaml_text.encode("utf-8"))

    # -- faults ------------------------------------------------------------------------------------
    def fault(
        self,
        *,
        provider: str | None = None,
        method: str | None = None,
        path: str | None = None,
        rpc_method: str | None = None,
        status: int | None = None,
        error: str | None = None,
        latency: float | tuple[float, float] | None = None,
        drop: bool | None = None,
        retry_after: float | None = None,
        times: int | None = None,
        probability: float | None = None,
    ) -> Json:
        """Add a fault rule for requests to the provider APIs (``path`` is a glob). Returns the rule
        with its ``id`` and ``hits``."""
        rule = {
            "provider": provider,
            "method": method,
            "path": path,
            "rpc_method": rpc_method,
            "status": status,
            "error": error,
            "latency": list(latency) if isinstance(latency, tuple) else latency,
            "drop": drop,
            "retry_after": retry_after,
            "times": times,
            "probability": probability,
        }
        return self._add_fault(rule)

    def callback_fault(
        self,
        *,
        url: str | None = None,
        provider: str | None = None,
        delay: float | None = None,
        reorder: float | None = None,
        duplicate: bool | None = None,
        times: int | None = None,
        probability: float | None = None,
    ) -> Json:
        """Add a fault rule for the server's own callbacks to ``url`` (a glob): ``delay`` them (mock-clock
        seconds), ``reorder`` them (a random 0..N s delay each) or deliver each one twice (``duplicate``)."""
        rule = {
            "target": "callbacks",
            "url": url,
            "provider": provider,
            "delay": delay,
            "reorder": reorder,
            "duplicate": duplicate,
            "times": times,
            "probability": probability,
        }
        return self._add_fault(rule)

    def _add_fault(self, rule: Mapping[str, Any]) -> Json:
        return self._send("POST", "/_mock/faults", json={k: v for k, v in rule.items() if v is not None})

    def faults(self) -> list[Json]:
        return list(self._get("/_mock/faults")["faults"])

    def remove_fault(self, fault_id: str) -> None:
        self._send("DELETE", f"/_mock/faults/{fault_id}")

    def clear_faults(self) -> None:
        self._send("DELETE", "/_mock/faults")

    def timeline(self, call_id: str | None = None) -> list[Json]:
        """Everything that happened, in order: requests, state changes, digits, callback attempts."""
        return list(self._get("/_mock/timeline", _params(call_id=call_id))["timeline"])

    # -- verification ------------------------------------------------------------------------------
    def verify(self, pattern: Mapping[str, Any]) -> Json:
        """``POST /_mock/verify``: whether ``pattern`` held, its matches and, if not, the near misses."""
        return self._send("POST", "/_mock/verify", json=dict(pattern))

    def assert_requested(
        self,
        *,
        provider: str | None = None,
        method: str | None = None,
        path: str | None = None,
        query: Mapping[str, Any] | None = None,
        headers: Mapping[str, Any] | None = None,
        body: Mapping[str, Any] | None = None,
        count: int | Mapping[str, int] | None = None,
    ) -> Json:
        """Assert the server received requests like this (``path`` and string values are globs);
        on failure the message lists the closest requests and what differed in each."""
        pattern = _pattern(
            type="request",
            provider=provider,
            method=method,
            path=path,
            query=query,
            headers=headers,
            body=body,
        )
        return self._assert(pattern, count)

    def assert_called_back(
        self,
        *,
        provider: str | None = None,
        method: str | None = None,
        url: str | None = None,
        call_id: str | None = None,
        headers: Mapping[str, Any] | None = None,
        body: Mapping[str, Any] | None = None,
        count: int | Mapping[str, int] | None = None,
    ) -> Json:
        """Assert the server sent callbacks like this (``call_id``: neutral or provider id)."""
        pattern = _pattern(
            type="callback",
            provider=provider,
            method=method,
            url=url,
            call_id=call_id,
            headers=headers,
            body=body,
        )
        return self._assert(pattern, count)

    def _assert(self, pattern: dict[str, Any], count: int | Mapping[str, int] | None) -> Json:
        if count is not None:
            pattern["count"] = count if isinstance(count, int) else dict(count)
        answer = self.verify(pattern)
        if not answer["ok"]:
            raise AssertionError(near_miss_report(pattern, answer))
        return answer

    # -- the whole server --------------------------------------------------------------------------
    def reset(self) -> None:
        """Forget calls, requests, callbacks, sinks and the forced scenario; the clock and ids start
        over. Loaded scenarios and credentials stay."""
        self._send("POST", "/_mock/reset")

    def health(self) -> Json:
        return self._get("/_mock/health")

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> TelephonyMock:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        tenant = "" if self._tenant is None else f", tenant={self._tenant!r}"
        return f"TelephonyMock({self._base_url!r}{tenant})"

    # -- HTTP --------------------------------------------------------------------------------------
    def _get(
        self, path: str, params: Mapping[str, str] | None = None, *, timeout: float | None = None
    ) -> Json:
        return self._send("GET", path, params=params, timeout=timeout)

    def _send(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Any = None,
        content: bytes | None = None,
        timeout: float | None = None,
        tenant: str | None = None,
    ) -> Json:
        response = self._http.request(
            method,
            path,
            params=params,
            json=json,
            content=content,
            timeout=timeout or self._timeout,
            headers=None if tenant is None else {TENANT_HEADER: tenant},
        )
        if response.is_error:
            raise _error(response)
        body = response.json() if response.content else {}
        return body if isinstance(body, dict) else {"value": body}


def _error(response: httpx.Response) -> MockAPIError:
    try:
        error = response.json()["error"]
        return MockAPIError(response.status_code, str(error["code"]), str(error["message"]))
    except (ValueError, KeyError, TypeError):
        return MockAPIError(response.status_code, "http_error", response.text[:500])


def _params(**values: str | bool | None) -> dict[str, str]:
    """Query parameters without the unset ones; booleans as the API spells them."""
    return {
        k: ("true" if v else "false") if isinstance(v, bool) else v
        for k, v in values.items()
        if v is not None
    }


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _pattern(**criteria: Any) -> dict[str, Any]:
    return {k: (dict(v) if isinstance(v, Mapping) else v) for k, v in criteria.items() if v is not None}


def near_miss_report(pattern: Mapping[str, Any], answer: Mapping[str, Any]) -> str:
    """A verification failure as a test report reads it: what was expected, then each near miss."""
    shown = {k: v for k, v in pattern.items() if k != "type"}
    kind = pattern.get("type", "request")
    lines = [f"expected {answer['expected']} {kind}(s) like {shown}, found {answer['matched']}"]
    misses = answer.get("near_misses", [])
    if not misses:
        lines.append("  nothing came close (no candidates)")
    for miss in misses:
        lines.append(f"  near miss: {miss['candidate']}")
        for diff in miss["differences"]:
            lines.append(f"    {diff['field']}: expected {diff['expected']!r}, got {diff['actual']!r}")
    return "\n".join(lines)
