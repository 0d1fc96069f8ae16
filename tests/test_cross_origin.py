"""One cross-origin rule for cookie-session writes and for login and logout, on every surface.

Sec-Fetch-Site same-origin/none passes; same-site/cross-site only from a trusted Origin (CSRF_TRUSTED_ORIGINS,
CORS_ALLOWED_ORIGINS); without Sec-Fetch-Site an Origin must be the request's own or trusted; neither header
(curl, FrappeClient) passes; a valid token always passes. API key and Bearer requests are not held to it.
"""

import datetime
import json

import pytest
from django.template import Context, Template
from django.test import Client, RequestFactory, override_settings
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application

from example_project.demo.models import ToDo
from frappe_api.auth import keys
from frappe_api.auth.session import _session_store

from .conftest import logged_in
from .factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]
WHO = "/api/method/frappe.auth.get_logged_user"
EVIL = "https://evil.example"
SIBLING = "http://blog.testserver"  # same site as http://testserver, another origin
TRUSTED = "http://example.com"
CORS_ORIGIN = "https://app.example.com"
CROSS_SITE = {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": EVIL}
SAME_SITE = {"HTTP_SEC_FETCH_SITE": "same-site", "HTTP_ORIGIN": SIBLING}
REFUSED_V1 = {
    "exc_type": "CSRFTokenError",
    "exception": "frappe.exceptions.CSRFTokenError: Invalid Request",
    "exc": json.dumps(["frappe.exceptions.CSRFTokenError: Invalid Request"]),
    "_server_messages": json.dumps([json.dumps({"message": "Invalid Request", "title": "Message",
                                                "indicator": "red", "raise_exception": 1})]),
}
REFUSED_V2 = {"errors": [{"type": "CSRFTokenError", "message": "Invalid Request", "title": "Message",
                          "indicator": "red"}]}
TRUST = override_settings(CSRF_TRUSTED_ORIGINS=[TRUSTED], CORS_ALLOWED_ORIGINS=[CORS_ORIGIN])


def assert_refused(response, version=1):
    assert response.status_code == 400
    assert response.json() == (REFUSED_V2 if version == 2 else REFUSED_V1)


def who(client):
    response = client.get(WHO)
    return response.json()["message"] if response.status_code == 200 else None


def token_of(client):
    """The session's Frappe CSRF token, as ``{% frappe_csrf_token %}`` prints it for the page."""
    request = RequestFactory().get("/")
    request.session = _session_store(client.cookies["sid"].value)
    return Template("{% load frappe_api_tags %}{% frappe_csrf_token %}").render(
        Context({"request": request})).split('"')[1]


# Every way to log in: (method, path, data, API version).
LOGINS = [
    ("post", "/api/method/login", {"usr": "jane", "pwd": "secret"}, 1),
    ("post", "/api/v1/method/login", {"usr": "jane", "pwd": "secret"}, 1),
    ("post", "/api/v2/method/login", {"usr": "jane", "pwd": "secret"}, 2),
    ("post", "/", {"cmd": "login", "usr": "jane", "pwd": "secret"}, 1),
    ("get", "/api/method/login", {"usr": "jane", "pwd": "secret"}, 1),
    ("get", "/", {"cmd": "login", "usr": "jane", "pwd": "secret"}, 1),
]
LOGIN_IDS = ["v1", "v1-prefixed", "v2", "cmd-post", "v1-get", "cmd-get"]


def log_in(client, route, **headers):
    method, path, data, _version = route
    return getattr(client, method)(path, data, **headers)


# Every surface a cookie session writes through: (path, data, content type, API version).
WRITES = [
    ("/api/resource/ToDo", json.dumps({"description": "x"}), "application/json", 1),
    ("/api/v1/resource/ToDo", json.dumps({"description": "x"}), "application/json", 1),
    ("/api/v2/document/ToDo", json.dumps({"description": "x"}), "application/json", 2),
    ("/api/method/frappe.client.insert", json.dumps({"doc": {"doctype": "ToDo", "description": "x"}}),
     "application/json", 1),
    ("/api/v2/method/frappe.client.insert", json.dumps({"doc": {"doctype": "ToDo", "description": "x"}}),
     "application/json", 2),
    ("/", "cmd=frappe.client.insert&doc=" + json.dumps({"doctype": "ToDo", "description": "x"}),
     "application/x-www-form-urlencoded", 1),
]
WRITE_IDS = ["v1-resource", "v1-prefixed", "v2-document", "rpc", "v2-rpc", "cmd"]


def write(client, surface, **headers):
    path, body, content_type, _version = surface
    return client.post(path, body, content_type=content_type, **headers)


# --- login and logout ------------------------------------------------------------------------------------


@pytest.mark.parametrize("route", LOGINS, ids=LOGIN_IDS)
def test_a_login_from_a_foreign_page_is_refused_and_starts_no_session(jane, route):
    client = Client()
    for headers in (CROSS_SITE, SAME_SITE, {"HTTP_SEC_FETCH_SITE": "cross-site"}, {"HTTP_ORIGIN": EVIL}):
        response = log_in(client, route, **headers)
        assert_refused(response, route[3])
        assert "sid" not in response.cookies and "user_id" not in response.cookies
        assert who(client) is None


@pytest.mark.parametrize("route", LOGINS, ids=LOGIN_IDS)
def test_a_refused_login_leaves_the_browsers_own_session_alone(jane, route):
    UserFactory(username="mallory")
    client = logged_in(jane)
    method, path, data, version = route
    response = getattr(client, method)(path, {**data, "usr": "mallory"}, **CROSS_SITE)
    assert_refused(response, version)
    assert not response.cookies  # neither a new session nor cleared cookies
    assert who(client) == "jane"


@pytest.mark.parametrize("method, path, version", [
    ("post", "/api/method/logout", 1), ("get", "/api/method/logout", 1), ("post", "/api/v2/method/logout", 2),
    ("post", "/?cmd=logout", 1), ("get", "/?cmd=logout", 1),
])
def test_a_logout_from_a_foreign_page_is_refused(jane, method, path, version):
    client = logged_in(jane)
    assert_refused(getattr(client, method)(path, **CROSS_SITE), version)
    assert who(client) == "jane"
    assert getattr(client, method)(path, HTTP_SEC_FETCH_SITE="same-origin").status_code == 200
    assert who(client) is None


def test_the_login_page_refuses_a_post_from_a_foreign_page(jane):
    client = Client()
    refused = client.post("/login", {"usr": "jane", "pwd": "secret"}, **CROSS_SITE)
    assert refused.status_code == 400
    assert '<p class="error" id="error" role="alert">Invalid Request</p>' in refused.content.decode()
    assert who(client) is None
    accepted = client.post("/login", {"usr": "jane", "pwd": "secret"}, HTTP_SEC_FETCH_SITE="same-origin",
                           HTTP_ORIGIN="http://testserver")
    assert accepted.status_code == 200
    assert who(client) == "jane"


@pytest.mark.parametrize("route", LOGINS, ids=LOGIN_IDS)
def test_login_passes_same_origin_and_none_but_not_same_site(jane, route):
    assert_refused(log_in(Client(), route, HTTP_SEC_FETCH_SITE="same-site"), route[3])
    for headers in ({"HTTP_SEC_FETCH_SITE": "same-origin", "HTTP_ORIGIN": "http://testserver"},
                    {"HTTP_SEC_FETCH_SITE": "none"}):
        client = Client()
        assert log_in(client, route, **headers).status_code == 200, headers
        assert who(client) == "jane"


@TRUST
@pytest.mark.parametrize("route", LOGINS, ids=LOGIN_IDS)
def test_login_from_another_site_passes_only_from_a_trusted_origin(jane, route):
    for origin in (TRUSTED, CORS_ORIGIN):
        client = Client()
        assert log_in(client, route, HTTP_SEC_FETCH_SITE="cross-site", HTTP_ORIGIN=origin).status_code == 200
        assert who(client) == "jane"
    assert_refused(log_in(Client(), route, **CROSS_SITE), route[3])
    assert_refused(log_in(Client(), route, **SAME_SITE), route[3])


@TRUST
@pytest.mark.parametrize("route", LOGINS, ids=LOGIN_IDS)
def test_login_without_sec_fetch_site_needs_its_own_or_a_trusted_origin(jane, route):
    for origin in ("http://testserver", TRUSTED, CORS_ORIGIN):
        assert log_in(Client(), route, HTTP_ORIGIN=origin).status_code == 200, origin
    for origin in (EVIL, SIBLING, "https://testserver", "http://testserver:8000", "null"):
        assert_refused(log_in(Client(), route, HTTP_ORIGIN=origin), route[3])


@pytest.mark.parametrize("route", LOGINS, ids=LOGIN_IDS)
def test_login_with_neither_header_passes_as_curl_does(jane, route):
    client = Client()
    assert log_in(client, route).status_code == 200
    assert who(client) == "jane"
    assert_refused(log_in(Client(), route, HTTP_SEC_FETCH_SITE="cross-site"), route[3])


def test_a_login_carrying_the_sessions_token_passes_cross_site(jane):
    UserFactory(username="john")
    client = logged_in(jane)
    token = token_of(client)
    assert_refused(client.post("/api/method/login", {"usr": "john", "pwd": "secret"}, **CROSS_SITE,
                               HTTP_X_FRAPPE_CSRF_TOKEN="0" * 64))
    assert who(client) == "jane"
    response = client.post("/api/method/login", {"usr": "john", "pwd": "secret"}, **CROSS_SITE,
                           HTTP_X_FRAPPE_CSRF_TOKEN=token)
    assert response.status_code == 200
    assert who(client) == "john"
    form = client.post("/api/method/login", {"usr": "jane", "pwd": "secret", "csrf_token": token_of(client)},
                       **CROSS_SITE)  # multipart, the token as Frappe's csrf_token form field
    assert form.status_code == 200
    assert who(client) == "jane"


# --- cookie-session writes -------------------------------------------------------------------------------


@TRUST
@pytest.mark.parametrize("surface", WRITES, ids=WRITE_IDS)
def test_a_same_site_write_needs_a_trusted_origin_or_a_token(jane, surface):
    client = logged_in(jane)
    assert_refused(write(client, surface, **SAME_SITE), surface[3])
    assert_refused(write(client, surface, HTTP_SEC_FETCH_SITE="same-site"), surface[3])
    assert not ToDo.objects.exists()
    for origin in (TRUSTED, CORS_ORIGIN):
        assert write(client, surface, HTTP_SEC_FETCH_SITE="same-site", HTTP_ORIGIN=origin).status_code == 200
    assert write(client, surface, **SAME_SITE, HTTP_X_FRAPPE_CSRF_TOKEN=token_of(client)).status_code == 200
    assert ToDo.objects.count() == 3


@TRUST
@pytest.mark.parametrize("surface", WRITES, ids=WRITE_IDS)
def test_a_cross_site_write_passes_from_a_trusted_origin_or_with_a_token(jane, surface):
    client = logged_in(jane)
    assert_refused(write(client, surface, **CROSS_SITE), surface[3])
    for origin in (TRUSTED, CORS_ORIGIN):
        assert write(client, surface, HTTP_SEC_FETCH_SITE="cross-site", HTTP_ORIGIN=origin).status_code == 200
    assert write(client, surface, **CROSS_SITE, HTTP_X_FRAPPE_CSRF_TOKEN=token_of(client)).status_code == 200
    assert ToDo.objects.count() == 3


@pytest.mark.parametrize("surface", WRITES, ids=WRITE_IDS)
def test_writes_follow_the_same_rule_as_login(jane, surface):
    """Same-origin, none, the request's own Origin and no header at all pass; a foreign Origin does not."""
    client = logged_in(jane)
    for headers in ({"HTTP_SEC_FETCH_SITE": "same-origin", "HTTP_ORIGIN": EVIL}, {"HTTP_SEC_FETCH_SITE": "none"},
                    {"HTTP_ORIGIN": "http://testserver"}, {}):
        assert write(client, surface, **headers).status_code == 200, headers
    for headers in ({"HTTP_ORIGIN": EVIL}, {"HTTP_ORIGIN": SIBLING}, SAME_SITE, CROSS_SITE):
        assert_refused(write(client, surface, **headers), surface[3])
    assert ToDo.objects.count() == 4


@override_settings(CSRF_TRUSTED_ORIGINS=["https://*.example.com", "https://example.com"])
def test_trusted_origins_match_exactly_and_wildcards_match_nothing(jane):
    client = logged_in(jane)
    assert client.post("/api/resource/ToDo", {"description": "x"}, HTTP_SEC_FETCH_SITE="same-site",
                       HTTP_ORIGIN="https://example.com").status_code == 200
    for origin in ("https://app.example.com", "http://example.com",
                   "https://example.com:8443", "https://example.com.evil.example"):
        assert_refused(client.post("/api/resource/ToDo", {"description": "x"}, HTTP_SEC_FETCH_SITE="same-site",
                                   HTTP_ORIGIN=origin))


@override_settings(CSRF_TRUSTED_ORIGINS=["null"], CORS_ALLOWED_ORIGINS=["null"])
def test_the_null_origin_is_never_trusted(jane):
    client = logged_in(jane)
    for headers in ({"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "null"}, {"HTTP_ORIGIN": "null"}):
        assert_refused(client.post("/api/resource/ToDo", {"description": "x"}, **headers))
        assert_refused(Client().post("/api/method/login", {"usr": "jane", "pwd": "secret"}, **headers))


def test_a_safe_method_is_never_held_to_the_rule_but_a_put_is(jane):
    client = logged_in(jane)
    assert client.get("/api/resource/ToDo", **SAME_SITE).status_code == 200
    assert client.head(WHO, **SAME_SITE).status_code == 200
    assert_refused(client.put("/api/resource/ToDo/x", json.dumps({"description": "y"}),
                              content_type="application/json", **SAME_SITE))


# --- credentials that are not cookies --------------------------------------------------------------------


def test_api_key_and_bearer_requests_are_not_held_to_the_rule(jane):
    client = logged_in(jane)  # the browser also carries a session cookie
    assert_refused(client.post("/api/resource/ToDo", {"description": "x"}, **SAME_SITE))
    api_key, api_secret = keys.generate_keys(UserFactory(username="robot"))
    application = Application.objects.create(name="app", client_type="confidential",
                                             authorization_grant_type="authorization-code",
                                             redirect_uris="https://x/cb")
    AccessToken.objects.create(user=UserFactory(username="oauth-user"), application=application, token="bearer-1",
                               scope="all", expires=timezone.now() + datetime.timedelta(hours=1))
    for authorization, owner in ((f"token {api_key}:{api_secret}", "robot"), ("Bearer bearer-1", "oauth-user")):
        for headers in (SAME_SITE, CROSS_SITE, {"HTTP_ORIGIN": EVIL}):
            for path in ("/api/resource/ToDo", "/api/v2/document/ToDo"):
                response = client.post(path, json.dumps({"description": "x"}), content_type="application/json",
                                       HTTP_AUTHORIZATION=authorization, **headers)
                assert response.status_code == 200, (authorization, headers, path)
        assert ToDo.objects.filter(owner=owner).count() == 6
