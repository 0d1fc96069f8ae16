"""The CSRF policy for cookie sessions: Sec-Fetch-Site, exact Origin, tokens; and who is exempt."""

import json

import pytest
from django.template import Context, Template
from django.test import Client, RequestFactory, override_settings

from frappe_api.auth import keys
from frappe_api.auth.session import _session_store

from .conftest import server_messages
from .factories import ToDoFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]
TRUSTED = "http://example.com"


@pytest.fixture
def browser(jane):
    """A browser-like client logged in with a cookie session (Django's own CSRF checks switched on)."""
    client = Client(enforce_csrf_checks=True)
    assert client.post("/api/method/login", {"usr": "jane", "pwd": "secret"}).status_code == 200
    return client


def assert_refused(response):
    assert response.status_code == 400
    body = response.json()
    assert body["exc_type"] == "CSRFTokenError"
    assert body["exception"] == "frappe.exceptions.CSRFTokenError: Invalid Request"
    assert server_messages(body)[0]["message"] == "Invalid Request"


def render_tag(request):
    return Template("{% load frappe_api_tags %}{% frappe_csrf_token %}").render(Context({"request": request}))


@pytest.mark.parametrize("headers, allowed", [
    ({"HTTP_SEC_FETCH_SITE": "cross-site"}, False),
    ({"HTTP_SEC_FETCH_SITE": "Cross-Site"}, False),
    ({"HTTP_SEC_FETCH_SITE": "same-origin"}, True),
    ({"HTTP_SEC_FETCH_SITE": "same-site"}, False),
    ({"HTTP_SEC_FETCH_SITE": "none"}, True),
    # same-origin and none pass whatever Origin says; same-site and cross-site only from a trusted Origin
    ({"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": TRUSTED}, True),
    ({"HTTP_SEC_FETCH_SITE": "same-origin", "HTTP_ORIGIN": "https://evil.example"}, True),
    # without it, Origin is compared exactly with the request's own origin and CSRF_TRUSTED_ORIGINS
    ({"HTTP_ORIGIN": "http://testserver"}, True),
    ({"HTTP_ORIGIN": TRUSTED}, True),
    ({"HTTP_ORIGIN": "https://testserver"}, False),
    ({"HTTP_ORIGIN": "http://testserver.attacker.com"}, False),
    ({"HTTP_ORIGIN": "http://example.com.attacker.com"}, False),
    ({"HTTP_ORIGIN": "http://attacker.com/http://example.com"}, False),
    ({"HTTP_ORIGIN": "http://sub.example.com"}, False),
    ({"HTTP_ORIGIN": "http://example.co"}, False),
    ({"HTTP_ORIGIN": "http://example.com:8080"}, False),
    ({"HTTP_ORIGIN": "https://example.com"}, False),
    ({"HTTP_ORIGIN": "https://evil.example"}, False),
    ({"HTTP_ORIGIN": "null"}, False),
    # neither header: a non-browser client (FrappeClient, curl with a cookie jar)
    ({}, True),
])
@override_settings(CSRF_TRUSTED_ORIGINS=[TRUSTED])
def test_cookie_session_writes_follow_the_policy(browser, headers, allowed):
    response = browser.post("/api/resource/ToDo", {"description": "x"}, **headers)
    if allowed:
        assert response.status_code == 200
    else:
        assert_refused(response)


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_every_unsafe_method_is_checked(browser, method):
    ToDoFactory(name="t1", owner="jane")
    response = getattr(browser, method)("/api/resource/ToDo/t1", json.dumps({"description": "y"}),
                                        content_type="application/json", HTTP_SEC_FETCH_SITE="cross-site")
    assert_refused(response)


def test_rpc_writes_are_checked_too(browser):
    assert_refused(browser.post("/api/method/frappe.client.insert",
                                {"doc": json.dumps({"doctype": "ToDo", "description": "x"})},
                                HTTP_SEC_FETCH_SITE="cross-site"))


def test_legacy_cmd_writes_are_checked_too(browser):
    ToDoFactory(name="t1", owner="jane")
    assert_refused(browser.post("/", {"cmd": "frappe.client.delete", "doctype": "ToDo", "name": "t1"},
                                HTTP_SEC_FETCH_SITE="cross-site"))
    assert browser.post("/", {"cmd": "frappe.client.delete", "doctype": "ToDo", "name": "t1"}).json() == {}


def test_safe_methods_pass_cross_site(browser):
    response = browser.get("/api/method/frappe.auth.get_logged_user", HTTP_SEC_FETCH_SITE="cross-site",
                           HTTP_ORIGIN="https://evil.example")
    assert response.json() == {"message": "jane"}


def test_api_key_requests_are_exempt(browser):
    api_key, api_secret = keys.generate_keys(UserFactory(username="robot"))
    response = browser.post("/api/resource/ToDo", {"description": "x"}, HTTP_SEC_FETCH_SITE="cross-site",
                            HTTP_AUTHORIZATION=f"token {api_key}:{api_secret}")
    assert response.status_code == 200
    data = response.json()["data"]
    assert (data["description"], data["owner"]) == ("x", "robot")  # written as the key's user, not the session's


def test_guests_are_not_checked():
    response = Client(enforce_csrf_checks=True).post("/api/method/ping", HTTP_SEC_FETCH_SITE="cross-site")
    assert response.json() == {"message": "pong"}


def test_a_valid_frappe_csrf_token_always_passes(browser):
    sid = browser.cookies["sid"].value
    request = RequestFactory().get("/")
    request.session = _session_store(sid)
    rendered = render_tag(request)
    token = rendered.split('"')[1]
    assert rendered == f'<script>window.csrf_token = "{token}";</script>'
    for extra in ({"HTTP_SEC_FETCH_SITE": "cross-site"}, {"HTTP_ORIGIN": "https://evil.example"},
                  {"HTTP_SEC_FETCH_SITE": "cross-site", "secure": True}):
        ok = browser.post("/api/resource/ToDo", {"description": "x"}, HTTP_X_FRAPPE_CSRF_TOKEN=token, **extra)
        assert ok.status_code == 200, extra
    bad = browser.post("/api/resource/ToDo", {"description": "x"}, HTTP_SEC_FETCH_SITE="cross-site",
                       HTTP_X_FRAPPE_CSRF_TOKEN="x" * 64)
    assert_refused(bad)
    other_session = Client(enforce_csrf_checks=True)
    UserFactory(username="mallory")
    other_session.post("/api/method/login", {"usr": "mallory", "pwd": "secret"})
    stolen = other_session.post("/api/resource/ToDo", {"description": "x"}, HTTP_SEC_FETCH_SITE="cross-site",
                                HTTP_X_FRAPPE_CSRF_TOKEN=token)
    assert_refused(stolen)  # a token is only good for its own session


def test_the_frappe_token_may_come_as_the_csrf_token_form_field(browser):
    request = RequestFactory().get("/")
    request.session = _session_store(browser.cookies["sid"].value)
    token = render_tag(request).split('"')[1]
    ok = browser.post("/api/resource/ToDo", {"description": "x", "csrf_token": token},
                      HTTP_SEC_FETCH_SITE="cross-site")
    assert ok.status_code == 200
    assert_refused(browser.post("/api/resource/ToDo", {"description": "x", "csrf_token": "0" * 64},
                                HTTP_SEC_FETCH_SITE="cross-site"))


def test_a_new_login_makes_a_new_frappe_token(browser):
    request = RequestFactory().get("/")
    request.session = _session_store(browser.cookies["sid"].value)
    before = render_tag(request).split('"')[1]
    UserFactory(username="john")
    browser.post("/api/method/login", {"usr": "john", "pwd": "secret"})
    assert_refused(browser.post("/api/resource/ToDo", {"description": "x"}, HTTP_SEC_FETCH_SITE="cross-site",
                                HTTP_X_FRAPPE_CSRF_TOKEN=before))


def test_django_csrf_token_passes_under_djangos_rules(browser):
    browser.get("/admin/login/")
    token = browser.cookies["csrftoken"].value
    accepted = browser.post("/api/resource/ToDo", {"description": "x"}, HTTP_SEC_FETCH_SITE="cross-site",
                            HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 200
    assert_refused(browser.post("/api/resource/ToDo", {"description": "x"}, HTTP_SEC_FETCH_SITE="cross-site",
                                HTTP_X_FRAPPE_CSRF_TOKEN=token))  # that header carries the session's token only
    foreign_origin = browser.post("/api/resource/ToDo", {"description": "x"}, HTTP_ORIGIN="https://evil.example",
                                  HTTP_X_CSRFTOKEN=token)
    assert_refused(foreign_origin)  # Django also checks Origin for its own token


def test_the_tag_prints_djangos_token_for_guests(db):
    request = RequestFactory().get("/")
    rendered = render_tag(request)
    token = rendered.split('"')[1]
    assert rendered == f'<script>window.csrf_token = "{token}";</script>'
    assert token and token.isalnum()
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True  # Django will set the matching csrftoken cookie
