"""The dashboard in a real headless browser: Debian's chromium driven by Playwright's Python package.

Without the browser (or Playwright) these tests skip with the reason, except in CI (``CI`` set), where
they fail: CI must install both (docs/dashboard.md says how). Nothing here sleeps: every wait is
Playwright's ``expect`` with a timeout.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from mockserver.server import MockServer
from mockserver.settings import Settings

CHROMIUM = os.environ.get("MOCKSERVER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WAIT_MS = 5_000


def _missing(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so the browser tests must run)", pytrace=False)
    pytest.skip(reason)


try:
    from playwright.sync_api import Browser, Page, expect, sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    _missing_playwright = True
else:
    _missing_playwright = False


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if _missing_playwright:
        _missing("Playwright is not installed (pip install playwright)")
    if not shutil.which(CHROMIUM):
        _missing(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def open_dashboard(page: Page, base_url: str) -> Page:
    page.goto(f"{base_url}/_mock/ui")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    return page


@pytest.fixture(scope="module")
def tab(browser: Browser) -> Iterator[Page]:
    """One tab for the module (a new one costs more than a page load), navigated afresh by each test."""
    tab = browser.new_page(viewport={"width": 1400, "height": 900})
    tab.set_default_timeout(WAIT_MS)
    yield tab
    tab.close()


@pytest.fixture
def page(tab: Page, control: Any) -> Iterator[Page]:
    yield open_dashboard(tab, control.server.base_url)
    tab.goto("about:blank")  # closes the event stream, so the session server can stop at once


class Apifonica:
    def __init__(self, control: Any) -> None:
        cred = control.credentials("apifonica")[0]
        self.acc = cred["account_sid"]
        self.base = control.server.base_url
        self.http = httpx.Client(base_url=self.base, auth=(self.acc, cred["auth_token"]), timeout=10)

    def call(self, to: str = "15550000099", **extra: Any) -> str:
        body = {"from": "442071234567", "to": to, "controller": f"{self.base}/_mock/sink/ctl", **extra}
        response = self.http.post(f"/v2/accounts/{self.acc}/calls", json=body)
        assert response.status_code == 201, response.text
        return str(response.json()["uri"].rsplit("/", 1)[1])


@pytest.fixture
def api(control: Any) -> Iterator[Apifonica]:
    api = Apifonica(control)
    yield api
    api.http.close()


def row_of(page: Page, sid: str) -> Any:
    return page.locator("#calls tbody tr").filter(has_text=sid)


def test_a_placed_call_appears_and_changes_state_as_the_page_advances_the_clock(
    page: Page, api: Apifonica
) -> None:
    expect(page.locator("#empty")).to_be_visible()
    sid = api.call()
    row = row_of(page, sid)
    expect(row).to_have_attribute("data-state", "queued")
    expect(row).to_contain_text("apifonica")
    expect(row).to_contain_text("442071234567")
    expect(row).to_contain_text("15550000099")
    expect(row).to_contain_text("answered")  # the scenario
    expect(page.locator("#empty")).to_be_hidden()

    page.get_by_role("button", name="+1 s").click()
    expect(row).to_have_attribute("data-state", "initiated")
    expect(page.locator("#clock-now")).to_have_text("09:00:01")
    page.get_by_role("button", name="+10 s").click()
    expect(row).to_have_attribute("data-state", "answered")
    page.get_by_role("button", name="+60 s").click()
    expect(row).to_have_attribute("data-state", "completed")
    expect(page.locator("#clock-now")).to_have_text("09:01:11")


def test_choosing_a_call_shows_its_timeline_and_callbacks(page: Page, api: Apifonica, control: Any) -> None:
    sid = api.call(events="all")
    control.advance(60)
    row = row_of(page, sid)
    expect(row).to_have_attribute("data-state", "completed")
    row.get_by_role("button").click()

    expect(row).to_have_attribute("aria-current", "true")
    expect(page.locator("#details-title")).to_have_text(f"Call {sid}")
    timeline = page.locator(".timeline li")
    expect(timeline).to_have_count(len(control.call(sid)["history"]))
    expect(timeline.first).to_contain_text("queued")
    expect(timeline.first).to_contain_text("placed")
    expect(timeline.last).to_contain_text("completed")
    callbacks = control.callbacks(call_id=sid)
    expect(page.locator("#callbacks-title")).to_have_text(f"Callbacks ({len(callbacks)})")
    expect(page.locator("[aria-labelledby=callbacks-title] > li").first).to_contain_text("HTTP 200")


def test_details_follow_the_chosen_call_live(page: Page, api: Apifonica) -> None:
    sid = api.call()
    row_of(page, sid).click()
    timeline = page.locator(".timeline li")
    expect(timeline).to_have_count(1)
    page.get_by_role("button", name="+10 s").click()
    expect(timeline).to_have_count(4)  # queued, initiated, ringing, answered
    expect(timeline.last).to_contain_text("answered")


def test_the_table_is_keyboard_usable_and_filterable(page: Page, api: Apifonica) -> None:
    first, second = api.call("15550000001"), api.call("15550000002")
    expect(page.locator("#count")).to_have_text("2 calls")
    page.get_by_label("Filter calls").fill("0000002")
    expect(row_of(page, second)).to_be_visible()
    expect(row_of(page, first)).to_have_count(0)
    expect(page.locator("#count")).to_have_text("1 matching of 2 calls")

    page.get_by_label("Filter calls").focus()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name=f"Details of call {second}")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#details-title")).to_have_text(f"Call {second}")


def test_reset_from_the_page_empties_the_table_and_the_server(
    page: Page, api: Apifonica, control: Any
) -> None:
    sid = api.call()
    expect(row_of(page, sid)).to_be_visible()
    page.get_by_role("button", name="+10 s").click()
    expect(page.locator("#clock-now")).to_have_text("09:00:10")

    page.get_by_role("button", name="Reset server").click()
    expect(page.locator("#calls tbody tr")).to_have_count(0)
    expect(page.locator("#empty")).to_be_visible()
    expect(page.locator("#clock-now")).to_have_text("09:00:00")
    assert control.calls() == []
    # still live after the reset: a new call shows up
    expect(row_of(page, api.call())).to_be_visible()


def test_clock_controls_are_shown_only_for_a_virtual_clock(page: Page) -> None:
    expect(page.get_by_role("group", name="Advance the virtual clock")).to_be_visible()
    with MockServer(Settings(clock="real", port=0)) as real:
        try:
            open_dashboard(page, real.base_url)
            expect(page.locator("#clock-mode")).to_have_text("real")
            expect(page.get_by_role("button", name="+1 s")).to_be_hidden()
            expect(page.get_by_role("button", name="Reset server")).to_be_visible()
        finally:
            page.goto("about:blank")


# -- every view, with data made through the providers' own APIs ---------------------------------------
def drivers(control: Any) -> dict[str, Any]:
    """The provider contract's drivers (tests/providers/*/driver.py): each signs in and places calls as
    a client of that provider would. Apifonica's makes an application, Routee's takes an OAuth token,
    CALLR's makes a RealTime app."""
    from tests.providers.test_contract import load_driver

    return {name: load_driver(name)(control.server.base_url, control.http) for name in PROVIDERS}


PROVIDERS = ("apifonica", "callr", "dillo", "esendex", "routee")


@pytest.fixture
def made(control: Any) -> Iterator[dict[str, Any]]:
    """A call per provider and a resource of each kind, made over HTTP as clients make them."""
    from tests.providers.esendex.test_snapshot import sound

    every = drivers(control)
    try:
        calls = {name: driver.place("15550000099") for name, driver in every.items()}
        control.advance(1)  # Esendex dials its queued notify: now it is a call
        callr = every["callr"]
        order = callr.result("did/store.reserve", 1, "CLASSIC", 1, "RANDOM")
        [did] = callr.result("did/store.buy_order", order["token"])["success"]
        callr.result(
            "webhooks.subscribe", "sms.mo", "https://example.com/hooks", {"hmac_secret": "0123456789abcdef"}
        )
        esendex = every["esendex"]
        upload = esendex.call("UploadSoundFile", FileBinary=sound(1), SoundFileID="welcome-jingle")
        assert upload.status_code == 200, upload.text
        entry = {"number": "8005550199", "text_to_say": "Hello", "status_change_post_url": ""}
        added = control.http.post(
            "/_mock/credentials/esendex", json={"license_key": esendex.key, "incoming_numbers": [entry]}
        )
        assert added.status_code in (200, 201), added.text
        yield {
            "calls": calls,
            "apifonica_app": every["apifonica"].app,
            "callr_app": callr.app,
            "did": did,
            "routee_token": every["routee"].http.headers["Authorization"].removeprefix("Bearer "),
        }
    finally:
        for driver in every.values():
            driver.close()


def view(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Views").get_by_role("link", name=name).click()
    expect(page.locator(f"[data-view={name.lower()}]")).to_be_visible()


def test_a_call_of_every_provider_is_listed_with_its_date_and_time(page: Page, made: dict[str, Any]) -> None:
    for name in made["calls"]:
        row = page.locator("#calls tbody tr").filter(has_text=name)
        expect(row).to_have_count(1)
        expect(row.locator("time").first).to_have_text(DATE_AND_TIME)
    expect(page.locator("#clock-date")).to_have_text("2026-01-01")


DATE_AND_TIME = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")


def test_the_request_journal_filters_and_shows_bodies_with_secrets_masked(
    page: Page, made: dict[str, Any]
) -> None:
    view(page, "Requests")
    rows = page.locator("#requests tbody tr[data-seq]")
    expect(rows.first).to_be_visible()
    page.get_by_label("Filter requests").fill("sendaction")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("dillo")
    expect(page).to_have_url(re.compile(r"#/requests\?filter=sendaction$"))
    rows.get_by_role("button").click()
    details = page.locator("#requests .item-details")
    expect(details.locator("pre.body")).to_contain_text('"SendActionType": "Voice"')
    expect(details).to_contain_text("***")  # the ApiKey header, as the control API masks it
    expect(details.locator("time").first).to_have_text(DATE_AND_TIME)
    expect(page).to_have_url(re.compile(r"#/requests/\d+\?filter=sendaction$"))


def test_each_providers_resources_are_shown(page: Page, made: dict[str, Any]) -> None:
    view(page, "Resources")

    def collection(provider: str, name: str) -> Any:
        return page.locator(f"#provider-{provider} [data-collection={name}]")

    expect(collection("apifonica", "applications")).to_contain_text(made["apifonica_app"])
    expect(collection("routee", "tokens")).to_contain_text("••••" + made["routee_token"][-4:])
    expect(collection("routee", "applications")).to_be_visible()
    expect(collection("callr", "apps")).to_contain_text(made["callr_app"])
    expect(collection("callr", "dids")).to_contain_text(made["did"]["intl_number"])
    expect(collection("callr", "webhooks")).to_contain_text("https://example.com/hooks")
    expect(collection("callr", "webhooks")).not_to_contain_text("0123456789abcdef")
    expect(collection("esendex", "sounds")).to_contain_text("welcome-jingle")
    expect(collection("esendex", "incoming_numbers")).to_contain_text("8005550199")
    expect(collection("dillo", "customers")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text(made["routee_token"])

    page.get_by_role("navigation", name="Providers").get_by_role("link", name="callr").click()
    expect(page).to_have_url(re.compile(r"#/resources/callr$"))
    expect(page.locator("#provider-apifonica")).to_have_count(0)
    expect(collection("callr", "apps")).to_be_visible()


def test_a_delivery_resent_from_the_page_gets_a_new_attempt_marked_as_a_resend(
    page: Page, api: Apifonica, control: Any
) -> None:
    sid = api.call(events="all")
    control.advance(60)
    [first, *_] = control.callbacks(call_id=sid, kind="event")
    view(page, "Callbacks")
    row = page.locator(f"#callbacks tbody tr[data-delivery-id='{first['id']}']")
    expect(row).to_contain_text("delivered")
    expect(row.locator("td").nth(6)).to_have_text("1")
    expect(
        page.locator("#callbacks tbody tr[data-delivery-id]")
        .filter(has_text="fetch")
        .first.get_by_role("button", name=re.compile("^Resend"))
    ).to_be_disabled()  # a controller fetch is part of the call's flow: the server refuses to resend it

    row.get_by_role("button", name=f"Resend delivery {first['id']}").click()
    expect(row.locator(".resend-outcome")).to_have_text("resent")
    expect(row.locator("td").nth(6)).to_have_text("2")
    attempts = control.http.get(f"/_mock/callbacks/{first['id']}").json()["attempts"]
    assert [a.get("resend", False) for a in attempts] == [False, True]

    row.get_by_role("button", name=re.compile(r"^Delivery ")).click()
    expect(page).to_have_url(re.compile(rf"#/callbacks/{first['id']}$"))
    listed = page.locator(f"#delivery-{first['id']} .attempt-list > li")
    expect(listed).to_have_count(2)
    expect(listed.nth(0).locator(".badge.resend")).to_have_count(0)
    expect(listed.nth(1).locator(".badge.resend")).to_have_text("resend")
    expect(listed.nth(1).locator("time")).to_have_text(DATE_AND_TIME)


def test_a_fault_is_added_and_removed_from_the_page(page: Page, control: Any) -> None:
    view(page, "Faults")
    expect(page.locator("#faults-empty")).to_be_visible()
    page.get_by_role("button", name="a 503 on the next call").click()
    page.get_by_role("button", name="Add fault").click()
    row = page.locator("#faults-table tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("503")
    [rule] = control.http.get("/_mock/faults").json()["faults"]
    assert rule["status"] == 503

    page.locator("#fault-json").fill('{"status": "oops"}')
    page.get_by_role("button", name="Add fault").click()
    expect(page.locator("#fault-outcome")).to_be_visible()  # the server's 400, in its words
    expect(row).to_have_count(1)

    row.get_by_role("button", name=f"Remove fault {rule['id']}").click()
    expect(row).to_have_count(0)
    expect(page.locator("#faults-empty")).to_be_visible()
    assert control.http.get("/_mock/faults").json()["faults"] == []


def test_scenarios_are_listed_with_their_steps(page: Page, control: Any) -> None:
    view(page, "Scenarios")
    names = [s["name"] for s in control.http.get("/_mock/scenarios").json()["scenarios"]]
    expect(page.locator("#scenarios-list > li")).to_have_count(len(names))
    answered = page.locator("#scenario-answered")
    expect(answered.locator(".badge.tag")).to_have_text("default")
    expect(answered.locator("ol.steps li").last).to_contain_text("completed")


def test_tenants_say_when_the_server_has_none(page: Page, control: Any) -> None:
    view(page, "Tenants")
    if control.http.get("/_mock/tenants").status_code == 404:
        expect(page.locator("#tenants-unavailable")).to_contain_text("not available")
    else:
        expect(page.locator("#tenants-body table, #tenants-body .none")).to_be_visible()


def test_credentials_are_masked_until_revealed(page: Page, control: Any) -> None:
    secret = control.credentials("apifonica")[0]["auth_token"]
    view(page, "Credentials")
    card = page.locator("#credentials-apifonica")
    expect(card).to_contain_text("••••" + secret[-4:])
    expect(card).not_to_contain_text(secret)
    page.get_by_label("Show secrets").check()
    expect(card).to_contain_text(secret)


def test_a_deep_link_opens_a_call_and_a_view_in_a_fresh_page(
    browser: Browser, api: Apifonica, control: Any
) -> None:
    sid = api.call()
    fresh = browser.new_page()
    try:
        fresh.set_default_timeout(WAIT_MS)
        fresh.goto(f"{control.server.base_url}/_mock/ui#/calls/{sid}")
        expect(fresh.locator("#details-title")).to_have_text(f"Call {sid}")
        expect(row_of(fresh, sid)).to_have_attribute("aria-current", "true")
        expect(fresh.locator(".timeline li time").first).to_have_text(DATE_AND_TIME)

        fresh.goto(f"{control.server.base_url}/_mock/ui#/requests?filter=calls")
        expect(fresh.locator("[data-view=requests]")).to_be_visible()
        expect(fresh.get_by_label("Filter requests")).to_have_value("calls")
        expect(fresh.locator("#requests tbody tr[data-seq]")).to_have_count(1)
        expect(fresh).to_have_title(re.compile("^Requests"))
    finally:
        fresh.close()


def test_with_a_control_token_the_page_works_once_opened_with_it(page: Page) -> None:
    with MockServer(Settings(clock="virtual", port=0, control_token="s3cret-token")) as guarded:
        try:
            assert httpx.get(f"{guarded.base_url}/_mock/ui").status_code == 401
            page.goto(f"{guarded.base_url}/_mock/ui?token=s3cret-token#/faults")
            expect(page.locator("body")).to_have_attribute("data-ready", "true")
            expect(page.locator("#faults-empty")).to_be_visible()
            expect(page.locator("#faults-error")).to_be_hidden()
            expect(page.locator("#connection")).to_have_text("live")
            page.goto(f"{guarded.base_url}/_mock/ui#/credentials")  # the cookie carries the token now
            expect(page.locator("#credentials-apifonica")).to_be_visible()
        finally:
            page.goto("about:blank")


@pytest.fixture
def tenant(control: Any) -> Iterator[str]:
    """The id the tenant test makes from the page; dropped afterwards if the test left it."""
    yield "ui-job"
    control.http.delete("/_mock/tenants/ui-job")


def tenant_call(base_url: str, tenant_id: str) -> str:
    """A call placed with the tenant's own Apifonica credentials (no header: they take it there)."""
    made = httpx.get(f"{base_url}/_mock/tenants/{tenant_id}", timeout=10).json()
    cred = made["credentials"]["apifonica"][0]
    acc = cred["account_sid"]
    body = {
        "from": "442071234567",
        "to": "15550000123",
        "controller": f"{base_url}/_mock/tenants/{tenant_id}/sink/ctl",
    }
    response = httpx.post(
        f"{base_url}/v2/accounts/{acc}/calls", json=body, auth=(acc, cred["auth_token"]), timeout=10
    )
    assert response.status_code == 201, response.text
    return str(response.json()["uri"].rsplit("/", 1)[1])


def test_a_tenant_is_made_opened_reset_and_dropped_from_the_page(
    page: Page, control: Any, tenant: str
) -> None:
    base = control.server.base_url
    view(page, "Tenants")
    expect(page.locator("#tenants-body .none")).to_contain_text("No tenants but the default one")
    page.get_by_label("Tenant id").fill(tenant)
    page.get_by_label("Tenant clock").select_option("virtual")
    page.get_by_role("button", name="Create tenant").click()
    expect(page).to_have_url(re.compile(f"#/tenants/{tenant}$"))
    expect(page.locator("#tenant-details-title")).to_have_text(f"Tenant {tenant}")
    expect(page.locator("#tenant-note")).to_contain_text(f"Made tenant {tenant}")
    assert [t["id"] for t in control.http.get("/_mock/tenants").json()["tenants"]] == [tenant]

    sid = tenant_call(base, tenant)
    page.get_by_role("link", name="All tenants").click()
    row = page.locator(f"#tenants-table tr[data-tenant-id='{tenant}']")
    expect(row.locator("td.number")).to_have_text("1")  # live: the stream's activity names its calls

    row.get_by_role("link", name=f"Open tenant {tenant}'s dashboard").click()
    expect(page).to_have_url(f"{base}/_mock/tenants/{tenant}/ui")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    expect(page.locator("#tenant-badge")).to_contain_text(tenant)
    expect(page).to_have_title(re.compile(f"tenant {tenant}"))
    expect(row_of(page, sid)).to_have_attribute("data-state", "queued")
    page.get_by_role("button", name="+10 s").click()  # the tenant's clock, not the default one's
    expect(row_of(page, sid)).to_have_attribute("data-state", "answered")
    assert control.http.get(f"/_mock/tenants/{tenant}/clock").json()["now"] == "2026-01-01T09:00:10Z"
    assert control.http.get("/_mock/clock").json()["now"] == "2026-01-01T09:00:00Z"
    assert control.http.get("/_mock/calls").json()["calls"] == []
    view(page, "Tenants")
    expect(page.locator("#tenant-own")).to_contain_text(f"tenant {tenant}")
    expect(page.locator("#tenant-form")).to_be_hidden()

    page.get_by_role("link", name="all tenants").click()
    expect(page).to_have_url(f"{base}/_mock/ui#/tenants")
    expect(page.locator("#tenant-badge")).to_be_hidden()
    row.get_by_role("button", name=f"Reset tenant {tenant}").click()
    expect(page.locator("#tenant-note")).to_contain_text(f"Reset tenant {tenant}")
    expect(row.locator("td.number")).to_have_text("0")
    assert control.http.get(f"/_mock/tenants/{tenant}/calls").json()["calls"] == []
    row.get_by_role("button", name=f"Drop tenant {tenant}").click()
    expect(row).to_have_count(0)
    expect(page.locator("#tenant-note")).to_contain_text(f"Dropped tenant {tenant}")
    assert control.http.get("/_mock/tenants").json()["tenants"] == []


def test_a_tenants_call_has_a_deep_link_and_a_bad_id_says_why(
    browser: Browser, page: Page, control: Any, tenant: str
) -> None:
    base = control.server.base_url
    view(page, "Tenants")
    page.get_by_label("Tenant id").fill("not ok!")
    page.get_by_role("button", name="Create tenant").click()  # the browser's own check: nothing sent
    assert control.http.get("/_mock/tenants").json()["tenants"] == []
    page.get_by_label("Tenant id").fill("default")
    page.locator("#tenant-id").evaluate("node => node.removeAttribute('pattern')")
    page.get_by_role("button", name="Create tenant").click()
    expect(page.locator("#tenant-outcome")).to_contain_text("default")  # the server's 409, in its words

    control.http.post("/_mock/tenants", json={"id": tenant}).raise_for_status()
    sid = tenant_call(base, tenant)
    fresh = browser.new_page()
    try:
        fresh.set_default_timeout(WAIT_MS)
        fresh.goto(f"{base}/_mock/tenants/{tenant}/ui#/calls/{sid}")
        expect(fresh.locator("#details-title")).to_have_text(f"Call {sid}")
        fresh.goto(f"{base}/_mock/ui#/tenants/{tenant}")
        expect(fresh.locator("#tenant-details-title")).to_have_text(f"Tenant {tenant}")
        expect(fresh.locator("#tenant-details")).to_contain_text(f"X-Mock-Tenant: {tenant}")
        fresh.goto(f"{base}/_mock/ui#/tenants/nobody")
        expect(fresh.locator("#tenants-body .error")).to_contain_text("no tenant 'nobody'")
    finally:
        fresh.close()
