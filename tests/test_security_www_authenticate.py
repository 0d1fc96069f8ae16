"""Every 401 names the schemes the API accepts in ``WWW-Authenticate`` (RFC 7235; ``Bearer`` per RFC 6750).

``Basic`` is left out for a browser's own requests (``Sec-Fetch-Mode`` or ``X-Requested-With``), whose 401
would otherwise open the browser's password dialog over the page; Frappe's clients ignore the header.
"""

import base64

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.test import Client
from oauth2_provider.models import AccessToken, Application

from frappe_api.auth.keys import generate_keys

from .factories import UserFactory
from .test_auth_bearer import make_token

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]
WHO = "/api/method/frappe.auth.get_logged_user"
ALL_SCHEMES = 'Token, Basic realm="frappe", Bearer'
BAD_BEARER = 'Token, Basic realm="frappe", Bearer error="invalid_token"'


@pytest.fixture
def application():
    return Application.objects.create(name="app", client_type="confidential",
                                      authorization_grant_type="authorization-code", redirect_uris="https://x/cb")


def challenge_of(response, status=401):
    assert response.status_code == status, response.content[:500]
    return response.get("WWW-Authenticate")


@pytest.mark.parametrize("header", ["token nokey:nosecret", "token garbage", "token ",
                                    "Basic " + base64.b64encode(b"nokey:nosecret").decode(), "Basic !!!",
                                    "Digest abc", "Foo bar"])
def test_a_bad_key_basic_or_unknown_scheme_is_a_401_naming_every_scheme(header):
    assert challenge_of(Client().get(WHO, HTTP_AUTHORIZATION=header)) == ALL_SCHEMES


def test_a_wrong_secret_for_a_real_key_names_every_scheme():
    api_key, _ = generate_keys(UserFactory(username="robot"))
    response = Client().get(WHO, HTTP_AUTHORIZATION=f"token {api_key}:wrong")
    assert challenge_of(response) == ALL_SCHEMES


@pytest.mark.parametrize("path", [WHO, "/api/resource/ToDo", "/api/v2/document/ToDo", "/api/v2/method/ping"])
def test_a_bad_bearer_token_is_invalid_token_on_every_surface(path):
    assert challenge_of(Client().get(path, HTTP_AUTHORIZATION="Bearer not-a-token")) == BAD_BEARER


def test_an_expired_bearer_token_is_invalid_token(application):
    make_token(application, "old-token", expires_in=-60)
    assert challenge_of(Client().get(WHO, HTTP_AUTHORIZATION="Bearer old-token")) == BAD_BEARER


def test_a_bearer_token_without_the_api_scope_is_a_403_with_insufficient_scope(application):
    token = make_token(application, "openid-only")
    AccessToken.objects.filter(pk=token.pk).update(scope="openid")
    response = Client().get(WHO, HTTP_AUTHORIZATION="Bearer openid-only")
    assert challenge_of(response, 403) == 'Token, Basic realm="frappe", Bearer error="insufficient_scope", scope="all"'


def test_the_legacy_cmd_path_401_names_every_scheme():
    response = Client().post("/", {"cmd": "frappe.auth.get_logged_user"}, HTTP_AUTHORIZATION="token a:b")
    assert challenge_of(response) == ALL_SCHEMES


@pytest.mark.parametrize("path", ["/api/method/login", "/api/v2/method/login"])
def test_a_failed_password_login_is_a_401_naming_every_scheme(path):
    UserFactory(username="jane")
    response = Client().post(path, {"usr": "jane", "pwd": "wrong"})
    assert challenge_of(response) == ALL_SCHEMES
    assert challenge_of(Client().post("/", {"cmd": "login", "usr": "jane", "pwd": "wrong"})) == ALL_SCHEMES


@pytest.mark.parametrize("browser", [{"HTTP_SEC_FETCH_MODE": "cors"}, {"HTTP_SEC_FETCH_MODE": "same-origin"},
                                     {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}])
def test_a_browsers_failed_login_gets_no_basic_challenge(browser):
    UserFactory(username="jane")
    response = Client().post("/api/method/login", {"usr": "jane", "pwd": "wrong"}, **browser)
    assert challenge_of(response) == "Token, Bearer"


def test_a_browser_sending_basic_itself_is_answered_with_basic():
    response = Client().get(WHO, HTTP_AUTHORIZATION="Basic " + base64.b64encode(b"a:b").decode(),
                            HTTP_SEC_FETCH_MODE="navigate")
    assert challenge_of(response) == ALL_SCHEMES


def test_the_login_pages_401_carries_the_challenge():
    UserFactory(username="jane")
    client = Client()
    response = client.post("/login", {"usr": "jane", "pwd": "wrong"}, HTTP_SEC_FETCH_MODE="navigate")
    assert challenge_of(response) == "Token, Bearer"


def test_without_oauth_installed_bearer_is_not_offered(monkeypatch):
    installed = apps.is_installed
    monkeypatch.setattr(apps, "is_installed", lambda name: name != "oauth2_provider" and installed(name))
    assert challenge_of(Client().get(WHO, HTTP_AUTHORIZATION="token a:b")) == 'Token, Basic realm="frappe"'


def test_only_401s_carry_the_challenge(db):
    guest = Client().get("/api/resource/ToDo")
    assert guest.status_code == 403 and "WWW-Authenticate" not in guest  # Frappe: a guest is refused, 403
    manager = UserFactory(username="manager")
    manager.groups.add(Group.objects.get(name="System Manager"))
    api_key, api_secret = generate_keys(manager)
    ok = Client().get(WHO, HTTP_AUTHORIZATION=f"token {api_key}:{api_secret}")
    assert ok.status_code == 200 and "WWW-Authenticate" not in ok
    assert challenge_of(Client().get(WHO, HTTP_AUTHORIZATION=f"token {api_key}:x")) == ALL_SCHEMES
