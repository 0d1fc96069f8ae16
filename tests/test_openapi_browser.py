"""/api/docs in a real browser: Swagger UI (served locally) renders the document, and "Try it out" works with the
session cookie (the CSRF header set by the page's request interceptor) and with an API key entered under
"Authorize". Chromium (Debian's package) driven by Playwright against a live server; skipped when either is
missing (CI installs both). Set ``CHROMIUM_PATH`` when Chromium is not ``/usr/bin/chromium``."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from frappe_api.auth.keys import generate_keys

from .factories import AdministratorFactory, UserFactory

sync_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOT = os.environ.get("OPENAPI_DOCS_SCREENSHOT")
RENDER_TIMEOUT = 120_000  # ms: Swagger UI resolves the whole document first (slow on a busy CI machine)
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"needs Chromium at {CHROMIUM} (apt-get install chromium)"),
]


@pytest.fixture
def keys(live_server, transactional_db):
    UserFactory(username="jane", email="jane@example.com", first_name="Jane", last_name="Doe")
    return generate_keys(AdministratorFactory())


@pytest.fixture
def browser(keys):
    """Chromium, started after the test data exists (Playwright's loop runs in this thread)."""
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield chromium
        chromium.close()


def open_operation(page, tag: str, operation_id: str):
    """Expand the DocType's section (collapsed at first), then the operation; its block."""
    page.wait_for_selector(f"#operations-tag-{tag}", timeout=RENDER_TIMEOUT)
    page.click(f"#operations-tag-{tag}")
    block = page.locator(f"#operations-{tag}-{operation_id}")
    block.locator(".opblock-summary").click()
    return block


def execute(page, operation_id: str, tag: str, body: dict | None = None) -> tuple[str, dict]:
    """Open an operation, press "Try it out" and "Execute"; the status and body Swagger UI shows."""
    block = open_operation(page, tag, operation_id)
    block.locator(".try-out__btn").click()
    if body is not None:
        block.locator("textarea.body-param__text").fill(json.dumps(body))
    block.locator("button.execute").click()
    status = block.locator(".live-responses-table tbody .response-col_status").first
    status.wait_for()
    text = block.locator(".live-responses-table tbody .response-col_description pre").first.inner_text()
    return status.inner_text().strip(), json.loads(text)


def test_try_it_out_with_the_session_cookie(browser, live_server):
    page = browser.new_page(viewport={"width": 1280, "height": 2000})
    page.goto(f"{live_server.url}/login?redirect-to=/api/docs")
    page.fill("#usr", "jane")
    page.fill("#pwd", "secret")
    page.click("#login")
    page.wait_for_url(f"{live_server.url}/api/docs")
    page.wait_for_selector("#operations-tag-ToDo", timeout=RENDER_TIMEOUT)
    assert page.locator(".info .title").inner_text().startswith("Frappe API")
    assert page.locator("#operations-tag-Note").count() == 0  # jane may not read Note
    status, answer = execute(page, "v1_create_ToDo", "ToDo", {"description": "From Swagger UI"})
    if SCREENSHOT:
        page.screenshot(path=SCREENSHOT, full_page=False)
    assert status == "200", answer
    assert answer["data"]["description"] == "From Swagger UI" and answer["data"]["owner"] == "jane"
    stored = page.request.get(f"{live_server.url}/api/resource/ToDo/{answer['data']['name']}").json()["data"]
    assert stored["description"] == "From Swagger UI" and stored["owner"] == "jane"


def test_try_it_out_with_an_api_key(browser, live_server, keys, settings):
    settings.FRAPPE_API = {"OPENAPI_PUBLIC": True}
    api_key, api_secret = keys
    page = browser.new_page(viewport={"width": 1280, "height": 2000})
    page.goto(f"{live_server.url}/api/docs")
    status, answer = execute(page, "v1_list_Note", "Note")
    assert status == "403", answer  # no credentials yet: Guest
    page.locator("button.authorize").first.click()
    page.locator(".auth-container input[type=text]").first.fill(f"token {api_key}:{api_secret}")
    page.locator(".auth-container button.authorize").first.click()
    page.locator("button.btn-done").first.click()
    block = page.locator("#operations-Note-v1_list_Note")
    block.locator("button.btn-clear").click()
    block.locator("button.execute").click()
    block.locator(".live-responses-table tbody .response-col_status").first.wait_for()
    assert block.locator(".live-responses-table tbody .response-col_status").first.inner_text().strip() == "200"
    rows = json.loads(block.locator(".live-responses-table tbody .response-col_description pre").first.inner_text())
    assert rows == {"data": []}
