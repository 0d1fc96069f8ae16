"""Authentication: API keys (token, Basic), Bearer tokens, login/logout with Frappe's cookies and messages,
sid parameter, expired sessions, the legacy cmd dispatch, CSRF and the login lockout."""

import base64
import datetime
import hmac
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import timezone

from frappe_api.auth import keys
from frappe_api.models import ApiKey

from .conftest import APIClient, server_messages
from .factories import ToDoFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]
WHO = "/api/method/frappe.auth.get_logged_user"




@pytest.fixture
def key_pair():
    user = UserFactory(username="robot")
    return keys.generate_keys(user)


# --- API keys -----------------------------------------------------------------------------------
def test_token_and_basic_authenticate_as_the_key_owner(key_pair):
    api_key, api_secret = key_pair
    client = Client()
    assert client.get(WHO, HTTP_AUTHORIZATION=f"token {api_key}:{api_secret}").json() == {"message": "robot"}
    basic = base64.b64encode(f"{api_key}:{api_secret}".encode()).decode()
    assert client.get(WHO, HTTP_AUTHORIZATION=f"Basic {basic}").json() == {"message": "robot"}


@pytest.mark.parametrize("header", ["token wrongkey:secret", "token {key}:wrong", "token garbage", "token :",
                                    "Basic !!!notbase64", "Basic " + base64.b64encode(b"no-colon").decode(),
                                    "Bearer unknown-token", "Digest something"])
def test_every_bad_header_is_the_same_401(key_pair, header):
    response = Client().get(WHO, HTTP_AUTHORIZATION=header.format(key=key_pair[0]))
    assert response.status_code == 401
    body = response.json()
    assert body["exc_type"] == "AuthenticationError"


@pytest.mark.parametrize("pair", ["ab\x00c:secret", "a" * 300 + ":secret"])
def test_keys_that_cannot_be_stored_are_the_same_401(key_pair, pair):
    basic = base64.b64encode(pair.encode()).decode()
    response = Client().get(WHO, HTTP_AUTHORIZATION=f"Basic {basic}")
    assert response.status_code == 401 and response.json()["exc_type"] == "AuthenticationError"


def test_unknown_key_and_wrong_secret_both_compare_in_constant_time(key_pair):
    with mock.patch("frappe_api.auth.keys.hmac.compare_digest", wraps=hmac.compare_digest) as compare:
        Client().get(WHO, HTTP_AUTHORIZATION="token nosuchkey:secret")
        Client().get(WHO, HTTP_AUTHORIZATION=f"token {key_pair[0]}:wrongsecret")
    assert compare.call_count == 2


def test_secret_is_stored_hashed_and_regenerating_revokes_the_old_one(key_pair):
    api_key, api_secret = key_pair
    row = ApiKey.objects.get(api_key=api_key)
    assert api_secret not in row.secret_hash
    new_key, new_secret = keys.generate_keys(row.user)
    assert Client().get(WHO, HTTP_AUTHORIZATION=f"token {api_key}:{api_secret}").status_code == 401
    assert Client().get(WHO, HTTP_AUTHORIZATION=f"token {new_key}:{new_secret}").status_code == 200


def test_disabled_users_keys_stop_working(key_pair):
    ApiKey.objects.get(api_key=key_pair[0]).user.__class__.objects.filter(username="robot").update(is_active=False)
    assert Client().get(WHO, HTTP_AUTHORIZATION=f"token {key_pair[0]}:{key_pair[1]}").status_code == 401


def test_token_requests_need_no_csrf_token(key_pair):
    response = Client(enforce_csrf_checks=True).post(
        "/api/resource/ToDo", {"description": "x"}, HTTP_AUTHORIZATION=f"token {key_pair[0]}:{key_pair[1]}",
        HTTP_ORIGIN="https://evil.example", HTTP_SEC_FETCH_SITE="cross-site")
    assert response.status_code == 200


def test_generate_keys_endpoint(admin_client, user_client):
    UserFactory(username="target")
    response = admin_client.post("/api/method/frappe.core.doctype.user.user.generate_keys", {"user": "target"})
    message = response.json()["message"]
    assert set(message) == {"api_key", "api_secret"}
    assert Client().get(WHO, HTTP_AUTHORIZATION=f"token {message['api_key']}:{message['api_secret']}").json() == {
        "message": "target"}
    assert admin_client.get("/api/method/frappe.core.doctype.user.user.generate_keys",
                            {"user": "target"}).status_code == 403
    assert user_client.post("/api/method/frappe.core.doctype.user.user.generate_keys",
                            {"user": "target"}).status_code == 403
    manager = UserFactory(username="manager")
    manager.groups.add(Group.objects.get(name="System Manager"))
    client = APIClient()
    client.force_login(manager)
    assert client.post("/api/method/frappe.core.doctype.user.user.generate_keys",
                       {"user": "target"}).status_code == 200


def test_management_command_and_admin_action(admin_client, capsys):
    user = UserFactory(username="scripted")
    call_command("frappe_api_keys", "scripted")
    api_key, api_secret = capsys.readouterr().out.strip().split(":")
    assert Client().get(WHO, HTTP_AUTHORIZATION=f"token {api_key}:{api_secret}").json() == {"message": "scripted"}
    response = admin_client.post("/admin/auth/user/", {"action": "generate_api_keys", "_selected_action": [user.pk]},
                                 follow=True)
    assert b"api_secret" in response.content
    assert ApiKey.objects.get(user=user).api_key != api_key


# --- Bearer -------------------------------------------------------------------------------------
def test_bearer_tokens_from_django_oauth_toolkit():
    from oauth2_provider.models import AccessToken, Application

    user = UserFactory(username="oauth-user")
    app = Application.objects.create(name="app", client_type="confidential",
                                     authorization_grant_type="authorization-code", redirect_uris="https://x/cb")
    valid = AccessToken.objects.create(user=user, application=app, token="valid-token", scope="all",
                                       expires=timezone.now() + datetime.timedelta(hours=1))
    AccessToken.objects.create(user=user, application=app, token="old-token", scope="all",
                               expires=timezone.now() - datetime.timedelta(hours=1))
    assert Client().get(WHO, HTTP_AUTHORIZATION=f"Bearer {valid.token}").json() == {"message": "oauth-user"}
    filtered = Client().get("/api/resource/ToDo", {"filters": '[["description","like","%a%"]]'},
                            HTTP_AUTHORIZATION="Bearer valid-token")
    assert filtered.status_code == 200
    assert Client().get(WHO, HTTP_AUTHORIZATION="Bearer old-token").status_code == 401
    assert Client().get(WHO, HTTP_AUTHORIZATION="Bearer nope").status_code == 401


# --- login / logout -----------------------------------------------------------------------------
@pytest.fixture
def jane():
    return UserFactory(username="jane", email="jane@example.com", first_name="Jane", last_name="Doe")


@pytest.mark.parametrize("path", ["/api/method/login", "/api/v1/method/login", "/api/v2/method/login"])
def test_login_answers_frappe_body_and_cookies(jane, path):
    client = Client()
    response = client.post(path, {"usr": "jane", "pwd": "secret"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json() == {"message": "Logged In", "home_page": "/app", "full_name": "Jane Doe"}
    sid = response.cookies["sid"]
    assert sid.value and sid["httponly"] and sid["samesite"] == "Lax"
    assert response.cookies["user_id"].value == "jane"
    assert response.cookies["system_user"].value == "no"
    assert response.cookies["full_name"].value == "Jane%20Doe"
    assert client.get(WHO).json() == {"message": "jane"}


def test_login_with_email_and_as_form(jane):
    client = Client()
    assert client.post("/api/method/login", {"usr": "jane@example.com", "pwd": "secret"}).status_code == 200
    assert client.get(WHO).json() == {"message": "jane"}


@pytest.mark.parametrize("body, message", [
    ({"usr": "jane", "pwd": "wrong"}, "Invalid login credentials"),
    ({"usr": "nobody", "pwd": "secret"}, "Invalid login credentials"),
    ({"usr": "jane"}, "Incomplete login details"),
    ({}, "Incomplete login details"),
])
def test_login_failures_are_401_with_frappe_messages(jane, body, message):
    response = Client().post("/api/method/login", body, content_type="application/json")
    assert response.status_code == 401
    payload = response.json()
    assert payload["message"] == message and payload["exc_type"] == "AuthenticationError"
    assert response.cookies["sid"].value == ""


def test_disabled_user_cannot_log_in(jane):
    jane.is_active = False
    jane.save()
    response = Client().post("/api/method/login", {"usr": "jane", "pwd": "secret"})
    assert response.status_code == 401 and response.json()["message"] == "User disabled or missing"


def test_logout_ends_the_session(jane):
    client = Client()
    client.post("/api/method/login", {"usr": "jane", "pwd": "secret"})
    old_sid = client.cookies["sid"].value
    response = client.post("/api/method/logout")
    assert response.status_code == 200 and response.json() == {}
    assert response.cookies["sid"].value == ""
    assert client.get(WHO).status_code == 403
    replay = Client()
    replay.cookies["sid"] = old_sid
    expired = replay.get(WHO)
    assert expired.status_code == 403 and expired.json()["session_expired"] == 1


def test_get_logged_user_as_guest_is_403():
    assert Client().get(WHO).status_code == 403
    assert Client().get("/api/method/ping").json() == {"message": "pong"}
    assert Client().get("/api/v2/method/ping").json() == {"data": "pong"}


def test_sid_parameter_and_unknown_sid(jane):
    client = Client()
    client.post("/api/method/login", {"usr": "jane", "pwd": "secret"})
    sid = client.cookies["sid"].value
    assert Client().get(WHO, {"sid": sid}).json() == {"message": "jane"}
    unknown = Client().get("/api/method/ping", {"sid": "not-a-session"})
    assert unknown.json() == {"message": "pong", "session_expired": 1}


def test_legacy_cmd_dispatch_at_the_site_root(jane):
    client = Client()
    login = client.post("/", {"cmd": "login", "usr": "jane", "pwd": "secret"})
    assert login.json()["message"] == "Logged In"
    ToDoFactory(name="t1", owner="jane", description="Mine")
    value = client.get("/", {"cmd": "frappe.client.get_value", "doctype": "ToDo", "fieldname": "description",
                             "filters": "t1"})
    assert value.json() == {"message": {"description": "Mine"}}
    deleted = client.post("/", {"cmd": "frappe.client.delete", "doctype": "ToDo", "name": "t1"})
    assert deleted.json() == {}
    assert client.get("/", {"cmd": "logout"}).json() == {}
    assert client.get(WHO).status_code == 403
    assert Client().get("/").status_code == 404  # without cmd the host's own "/" answers


# --- CSRF ---------------------------------------------------------------------------------------
@pytest.fixture
def browser(jane):
    client = Client(enforce_csrf_checks=True)
    client.post("/api/method/login", {"usr": "jane", "pwd": "secret"})
    return client


@pytest.mark.parametrize("headers, status", [
    ({"HTTP_SEC_FETCH_SITE": "cross-site"}, 400),
    ({"HTTP_SEC_FETCH_SITE": "same-origin"}, 200),
    ({"HTTP_SEC_FETCH_SITE": "same-site"}, 200),
    ({"HTTP_SEC_FETCH_SITE": "none"}, 200),
    ({"HTTP_ORIGIN": "http://testserver"}, 200),
    ({"HTTP_ORIGIN": "https://evil.example"}, 400),
    ({"HTTP_ORIGIN": "http://testserver.attacker.com"}, 400),
    ({"HTTP_ORIGIN": "http://example.com"}, 200),
    ({"HTTP_ORIGIN": "http://example.com.attacker.com"}, 400),
    ({"HTTP_ORIGIN": "https://example.com"}, 400),
    ({}, 200),
])
@override_settings(CSRF_TRUSTED_ORIGINS=["http://example.com"])
def test_csrf_policy_for_cookie_sessions(browser, headers, status):
    response = browser.post("/api/resource/ToDo", {"description": "x"}, **headers)
    assert response.status_code == status
    if status == 400:
        assert response.json()["exc_type"] == "CSRFTokenError"
        assert server_messages(response.json())[0]["message"] == "Invalid Request"


def test_a_valid_frappe_csrf_token_always_passes(browser):
    from django.template import Context, Template
    from django.test import RequestFactory

    from frappe_api.auth.session import _session_store

    sid = browser.cookies["sid"].value
    request = RequestFactory().get("/")
    request.session = _session_store(sid)
    rendered = Template("{% load frappe_api_tags %}{% frappe_csrf_token %}").render(Context({"request": request}))
    token = rendered.split('"')[1]
    assert rendered == f'<script>window.csrf_token = "{token}";</script>'
    for extra in ({"HTTP_SEC_FETCH_SITE": "cross-site"}, {"HTTP_ORIGIN": "https://evil.example"},
                  {"HTTP_SEC_FETCH_SITE": "cross-site", "secure": True}):
        ok = browser.post("/api/resource/ToDo", {"description": "x"}, HTTP_X_FRAPPE_CSRF_TOKEN=token, **extra)
        assert ok.status_code == 200, extra
    bad = browser.post("/api/resource/ToDo", {"description": "x"}, HTTP_SEC_FETCH_SITE="cross-site",
                       HTTP_X_FRAPPE_CSRF_TOKEN="x" * 64)
    assert bad.status_code == 400
    other_session = Client(enforce_csrf_checks=True)
    UserFactory(username="mallory")
    other_session.post("/api/method/login", {"usr": "mallory", "pwd": "secret"})
    stolen = other_session.post("/api/resource/ToDo", {"description": "x"}, HTTP_SEC_FETCH_SITE="cross-site",
                                HTTP_X_FRAPPE_CSRF_TOKEN=token)
    assert stolen.status_code == 400  # a token is only good for its own session


def test_django_csrf_token_passes_under_djangos_rules(browser):
    browser.get("/admin/login/")
    token = browser.cookies["csrftoken"].value
    accepted = browser.post("/api/resource/ToDo", {"description": "x"}, HTTP_SEC_FETCH_SITE="cross-site",
                            HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 200
    foreign_origin = browser.post("/api/resource/ToDo", {"description": "x"}, HTTP_ORIGIN="https://evil.example",
                                  HTTP_X_CSRFTOKEN=token)
    assert foreign_origin.status_code == 400  # Django also checks Origin for its own token


def test_session_cookies_are_secure_over_https(jane):
    response = Client().post("/api/method/login", {"usr": "jane", "pwd": "secret"}, secure=True)
    assert response.cookies["sid"]["secure"] is True and response.cookies["user_id"]["secure"] is True
    plain = Client().post("/api/method/login", {"usr": "jane", "pwd": "secret"})
    assert not plain.cookies["sid"]["secure"]


# --- lockout ------------------------------------------------------------------------------------
@override_settings(FRAPPE_API={"LOGIN_ATTEMPTS": 3, "LOGIN_LOCKOUT_SECONDS": 60})
def test_lockout_after_n_failures_even_with_the_right_password(jane):
    client = Client()
    for _ in range(3):
        assert client.post("/api/method/login", {"usr": "jane", "pwd": "bad"}).status_code == 401
    locked = client.post("/api/method/login", {"usr": "jane", "pwd": "secret"})
    assert locked.status_code == 429
    assert locked.json()["exc_type"] == "TooManyRequestsError"
    assert "Your account has been locked and will resume after" in server_messages(locked.json())[0]["message"]


@override_settings(FRAPPE_API={"LOGIN_ATTEMPTS": 2, "LOGIN_LOCKOUT_SECONDS": 60})
def test_lockout_expires_after_its_window(jane, monkeypatch):
    import frappe_api.auth.login as login_module

    client = Client()
    for _ in range(2):
        client.post("/api/method/login", {"usr": "jane", "pwd": "bad"})
    assert client.post("/api/method/login", {"usr": "jane", "pwd": "secret"}).status_code == 429
    later = login_module.time.time() + 61
    monkeypatch.setattr(login_module.time, "time", lambda: later)
    assert client.post("/api/method/login", {"usr": "jane", "pwd": "secret"}).status_code == 200


@override_settings(FRAPPE_API={"LOGIN_ATTEMPTS": 2, "LOGIN_LOCKOUT_SECONDS": 60})
def test_lockout_counts_an_account_whatever_its_spelling(jane):
    Client(REMOTE_ADDR="10.0.0.5").post("/api/method/login", {"usr": "jane", "pwd": "bad"})
    Client(REMOTE_ADDR="10.0.0.6").post("/api/method/login", {"usr": "JANE@example.com", "pwd": "bad"})
    locked = Client(REMOTE_ADDR="10.0.0.7").post("/api/method/login", {"usr": "jane", "pwd": "secret"})
    assert locked.status_code == 429


@override_settings(FRAPPE_API={"LOGIN_ATTEMPTS": 2, "LOGIN_LOCKOUT_SECONDS": 60})
def test_lockout_per_ip_covers_other_usernames(jane):
    client = Client()
    client.post("/api/method/login", {"usr": "a", "pwd": "bad"})
    client.post("/api/method/login", {"usr": "b", "pwd": "bad"})
    assert client.post("/api/method/login", {"usr": "jane", "pwd": "secret"}).status_code == 429
    other_ip = Client(REMOTE_ADDR="10.0.0.2").post("/api/method/login", {"usr": "jane", "pwd": "secret"})
    assert other_ip.status_code == 200
