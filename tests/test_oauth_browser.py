"""The consent flow in a real browser: Chromium (Debian's package) driven by Playwright against a live server.

Skipped when Playwright or Chromium is missing; CI installs both (``.ci/run``).
Set ``CHROMIUM_PATH`` when Chromium is not ``/usr/bin/chromium``.
"""

from __future__ import annotations

import json
import os
import shutil
import urllib.request
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from .factories import CLIENT_SECRET, OAuthApplicationFactory, UserFactory

sync_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"needs Chromium at {CHROMIUM} (apt-get install chromium)"),
]


@pytest.fixture
def application(live_server, transactional_db):
    UserFactory(username="jane", email="jane@example.com", first_name="Jane", last_name="Doe")
    return OAuthApplicationFactory(name="Shop Front", redirect_uris=f"{live_server.url}/oauth-callback")


@pytest.fixture
def browser(application):
    """Chromium, started after the test data exists and closed before it is flushed: Playwright's sync API runs
    an event loop in this thread, during which Django refuses database calls here."""
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield chromium
        chromium.close()


def authorize_url(live_server, application, state: str) -> str:
    params = {"client_id": application.client_id, "response_type": "code", "scope": "openid all", "state": state,
              "redirect_uri": f"{live_server.url}/oauth-callback"}
    return f"{live_server.url}/api/method/frappe.integrations.oauth2.authorize?{urlencode(params)}"


def log_in_and_open_consent(page, live_server, application, state: str) -> None:
    page.goto(authorize_url(live_server, application, state))
    assert urlsplit(page.url).path == "/login"
    page.fill("#usr", "jane")
    page.fill("#pwd", "secret")
    page.click("#login")
    page.wait_for_selector("#authorize-form")


def post(url: str, form: dict, headers: dict | None = None) -> dict:
    request = urllib.request.Request(url, data=urlencode(form).encode(), headers=headers or {}, method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def test_allow_in_the_browser_gives_a_code_that_becomes_a_working_token(browser, live_server, application):
    page = browser.new_page()
    log_in_and_open_consent(page, live_server, application, state="st-allow")
    assert page.title() == "Confirm Access"
    assert page.inner_text("#client-name") == "Shop Front"
    assert page.inner_text("#scopes").splitlines() == [
        "Your identity: full name, email and roles", "Full access to your account, with your roles and permissions"]

    page.click("#allow")
    page.wait_for_url(f"{live_server.url}/oauth-callback?**")
    returned = {key: values[0] for key, values in parse_qs(urlsplit(page.url).query).items()}
    assert set(returned) == {"code", "state"}
    assert returned["state"] == "st-allow"

    tokens = post(f"{live_server.url}/api/method/frappe.integrations.oauth2.get_token", {
        "grant_type": "authorization_code", "code": returned["code"], "client_id": application.client_id,
        "client_secret": CLIENT_SECRET, "redirect_uri": f"{live_server.url}/oauth-callback"})
    assert tokens["token_type"] == "Bearer"
    request = urllib.request.Request(f"{live_server.url}/api/method/frappe.auth.get_logged_user",
                                     headers={"Authorization": f"Bearer {tokens['access_token']}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert json.loads(response.read()) == {"message": "jane"}


def test_deny_in_the_browser_returns_access_denied(browser, live_server, application):
    page = browser.new_page()
    log_in_and_open_consent(page, live_server, application, state="st-deny")
    page.click("#deny")
    page.wait_for_url(f"{live_server.url}/oauth-callback?**")
    assert parse_qs(urlsplit(page.url).query) == {"error": ["access_denied"], "state": ["st-deny"]}
    assert json.loads(page.inner_text("body")) == {"error": "access_denied", "state": "st-deny"}
