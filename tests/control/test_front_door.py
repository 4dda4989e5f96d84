"""GET / : the front door, for browsers (HTML) and API clients (JSON); /_mock leads to the dashboard."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from mockserver.server import MockServer
from mockserver.settings import Settings

TOKEN = "front-door-token"
HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
NAMES = ["apifonica", "dillo", "routee", "esendex", "callr"]


@pytest.fixture(scope="module")
def guarded_server() -> Iterator[MockServer]:
    with MockServer(Settings(clock="virtual", port=0, seed=3, control_token=TOKEN)) as server:
        yield server


def secrets(credentials: dict[str, list[dict[str, Any]]]) -> list[str]:
    keys = ("auth_token", "ApiKey", "applicationSecret", "license_key", "password")
    return [row[k] for rows in credentials.values() for row in rows for k in keys if k in row]


def test_json_names_each_provider_with_its_base_urls_as_reached(control: Any) -> None:
    body = control.http.get("/", headers={"Host": "mock.example:8080"}).json()
    assert [p["name"] for p in body["providers"]] == NAMES
    apifonica = body["providers"][0]
    assert apifonica["base_url"] == "http://mock.example:8080/"
    assert apifonica["mounted_url"] == "http://mock.example:8080/apifonica/"
    assert apifonica["paths"] == ["/v2/"]
    assert apifonica["openapi"] == "http://mock.example:8080/_mock/openapi/apifonica.json"
    assert body["links"]["dashboard"] == "http://mock.example:8080/_mock/ui"
    assert body["links"]["control_api"] == "http://mock.example:8080/_mock/openapi.json"
    assert body["credentials_hidden"] is None


def test_credentials_are_masked_unless_revealed(control: Any) -> None:
    real = control.http.get("/_mock/credentials").json()
    masked = control.http.get("/").json()
    listed = {p["name"]: p["credentials"] for p in masked["providers"]}
    assert listed["apifonica"][0]["account_sid"] == real["apifonica"][0]["account_sid"]
    assert listed["apifonica"][0]["auth_token"] == "••••" + real["apifonica"][0]["auth_token"][-4:]
    text = control.http.get("/").text + control.http.get("/", headers=HTML).text
    assert secrets(real)
    assert not any(secret in text for secret in secrets(real))
    revealed = control.http.get("/", params={"reveal": "true"}).json()
    assert {p["name"]: p["credentials"] for p in revealed["providers"]} == real


def test_a_browser_gets_a_page_with_links_and_credentials(control: Any) -> None:
    response = control.http.get("/", headers={**HTML, "Host": "localhost:9999"})
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert '<a href="http://localhost:9999/_mock/ui">Dashboard</a>' in page
    assert 'href="http://localhost:9999/_mock/openapi.json"' in page
    for name in NAMES:
        assert f"<code>http://localhost:9999/{name}/</code>" in page
        assert f"docs/providers/{name}.md" in page
    sid = control.credentials("apifonica")[0]["account_sid"]
    assert sid in page


def test_with_a_control_token_credentials_need_the_token(guarded_server: MockServer) -> None:
    base = guarded_server.base_url
    real = httpx.get(f"{base}/_mock/credentials", headers={"X-Mock-Token": TOKEN}).json()
    for params in ({}, {"reveal": "true"}):
        anonymous = httpx.get(f"{base}/", params=params)
        assert anonymous.status_code == 200  # the door itself is open: providers and URLs
        body = anonymous.json()
        assert [p["credentials"] for p in body["providers"]] == [None] * 5
        assert "control token" in body["credentials_hidden"]
        page = httpx.get(f"{base}/", params=params, headers=HTML).text
        assert "Credentials hidden" in page
        for secret in secrets(real):
            assert secret not in anonymous.text
            assert secret not in page
    with_token = httpx.get(f"{base}/", headers={"Authorization": f"Bearer {TOKEN}"}).json()
    assert with_token["credentials_hidden"] is None
    assert with_token["providers"][0]["credentials"][0]["account_sid"] == real["apifonica"][0]["account_sid"]


def test_a_browser_page_on_a_foreign_host_name_gets_no_credentials(control: Any) -> None:
    """A DNS-rebinding page is same-origin with the mock but names its own host: no secrets for it."""
    headers = {**HTML, "Host": "attacker.example", "Sec-Fetch-Site": "same-origin", "Sec-Fetch-Mode": "cors"}
    body = control.http.get("/", headers={**headers, "Accept": "application/json"}).json()
    assert [p["credentials"] for p in body["providers"]] == [None] * 5
    assert body["credentials_hidden"]


@pytest.mark.parametrize("path", ["/_mock", "/_mock/"])
def test_the_bare_control_path_leads_to_the_dashboard(control: Any, path: str) -> None:
    response = control.http.get(path, params={"token": "t"})
    assert response.status_code == 307
    assert response.headers["location"] == "/_mock/ui?token=t"
    followed = control.http.get(path, follow_redirects=True)
    assert followed.status_code == 200
    assert followed.headers["content-type"].startswith("text/html")


def test_the_front_door_shadows_no_provider(control: Any) -> None:
    cred = control.credentials("apifonica")[0]
    auth = (cred["account_sid"], cred["auth_token"])
    for prefix in ("", "/apifonica"):
        assert control.http.get(f"{prefix}/v2/accounts", auth=auth).status_code == 200
    # a provider's production host name reaches that provider only, even at /
    dillo = control.http.get("/", headers={"Host": "api.dillo.cloud"})
    assert dillo.status_code == 404
    assert "providers" not in dillo.text
    # under /<provider>/ the provider answers, in its own format
    mounted = control.http.get("/routee/")
    assert mounted.status_code == 404
    assert "providers" not in mounted.text


def test_only_the_providers_served_are_listed() -> None:
    with MockServer(Settings(clock="virtual", port=0, providers=("dillo",))) as server:
        body = httpx.get(f"{server.base_url}/").json()
    assert [p["name"] for p in body["providers"]] == ["dillo"]
