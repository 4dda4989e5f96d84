"""The dashboard in a real headless browser: Debian's chromium driven by Playwright's Python package.

Without the browser (or Playwright) these tests skip with the reason, except in CI (``CI`` set), where
they fail: CI must install both (docs/dashboard.md says how). Nothing here sleeps: every wait is
Playwright's ``expect`` with a timeout.
"""

from __future__ import annotations

import os
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
