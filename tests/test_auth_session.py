"""Cookie sessions: login, logout, get_logged_user, ping, the sid parameter, dead sessions, cookies, legacy cmd."""

import datetime
import json

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from example_project.demo.models import ToDo

from .factories import ToDoFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]
WHO = "/api/method/frappe.auth.get_logged_user"
FRONT_END_COOKIES = ("user_id", "full_name", "system_user", "user_image")


def frappe_error(exc_type, text, *, title="Message"):
    """Frappe's v1 error body (tracebacks off)."""
    line = f"frappe.exceptions.{exc_type}: {text}"
    return {"exc_type": exc_type, "exception": line, "exc": json.dumps([line]),
            "_server_messages": json.dumps([json.dumps({"message": text, "title": title, "indicator": "red",
                                                        "raise_exception": 1})])}


def login_failure(text):
    """A failed login's body: the error, and its message at the top level as Frappe puts it."""
    return {**frappe_error("AuthenticationError", text), "message": text}


GUEST_WHO = frappe_error("PermissionError", "You are not permitted to access this resource. Login to access "
                                            "frappe.auth.get_logged_user.", title="Method Not Allowed")


def logged_in(usr="jane", pwd="secret"):
    client = Client()
    assert client.post("/api/method/login", {"usr": usr, "pwd": pwd}).status_code == 200
    return client


def assert_cookies_cleared(response):
    for name in ("sid", *FRONT_END_COOKIES):
        assert response.cookies[name].value == "" and response.cookies[name]["max-age"] == 0, name


# --- login ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/api/method/login", "/api/v1/method/login"])
def test_login_answers_frappes_body_and_cookies(jane, path):
    client = Client()
    response = client.post(path, {"usr": "jane", "pwd": "secret"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json() == {"message": "Logged In", "home_page": "/app", "full_name": "Jane Doe"}
    sid = response.cookies["sid"]
    assert sid.value and sid["httponly"] is True and sid["samesite"] == "Lax" and not sid["secure"]
    assert response.cookies["user_id"].value == "jane"
    assert response.cookies["full_name"].value == "Jane%20Doe"
    assert response.cookies["system_user"].value == "no"
    assert response.cookies["user_image"].value == ""
    assert not response.cookies["user_id"]["httponly"]  # front ends read these
    assert client.get(WHO).json() == {"message": "jane"}


def test_v2_login_answers_data(jane):
    client = Client()
    response = client.post("/api/v2/method/login", {"usr": "jane", "pwd": "secret"})
    assert response.status_code == 200
    assert response.json() == {"data": "Logged In", "home_page": "/app", "full_name": "Jane Doe"}
    assert client.get("/api/v2/method/frappe.auth.get_logged_user").json() == {"data": "jane"}


def test_v2_login_failure_answers_the_v2_error_body(jane):
    response = Client().post("/api/v2/method/login", {"usr": "jane", "pwd": "wrong"})
    assert response.status_code == 401
    assert response.json() == {"errors": [{"type": "AuthenticationError", "message": "Invalid login credentials",
                                           "title": "Message", "indicator": "red"}]}


def test_staff_are_system_users_and_a_nameless_user_is_called_by_username():
    UserFactory(username="ops", first_name="", last_name="", is_staff=True)
    response = Client().post("/api/method/login", {"usr": "ops", "pwd": "secret"})
    assert response.json()["full_name"] == "ops"
    assert response.cookies["system_user"].value == "yes"


@pytest.mark.parametrize("usr", ["jane@example.com", "JANE@Example.com"])
def test_login_with_email_as_form(jane, usr):
    client = Client()
    assert client.post("/api/method/login", {"usr": usr, "pwd": "secret"}).status_code == 200
    assert client.get(WHO).json() == {"message": "jane"}


def test_login_with_query_string_arguments(jane):
    client = Client()
    assert client.get("/api/method/login", {"usr": "jane", "pwd": "secret"}).status_code == 200
    assert client.get(WHO).json() == {"message": "jane"}


def test_unknown_user_and_wrong_password_answer_the_same_body(jane):
    unknown = Client().post("/api/method/login", {"usr": "nobody", "pwd": "secret"})
    wrong = Client().post("/api/method/login", {"usr": "jane", "pwd": "wrong"})
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.json() == login_failure("Invalid login credentials")
    assert unknown.content == wrong.content


@pytest.mark.parametrize("body", [{"usr": "jane"}, {"pwd": "secret"}, {}, {"usr": "  ", "pwd": "secret"},
                                  {"usr": "jane", "pwd": ""}, {"usr": ["jane"], "pwd": "secret"}])
def test_incomplete_login_details(jane, body):
    response = Client().post("/api/method/login", json.dumps(body), content_type="application/json")
    assert response.status_code == 401
    assert response.json() == login_failure("Incomplete login details")


def test_a_disabled_user_with_the_right_password(jane):
    jane.is_active = False
    jane.save()
    right = Client().post("/api/method/login", {"usr": "jane", "pwd": "secret"})
    assert right.status_code == 401 and right.json() == login_failure("User disabled or missing")
    wrong = Client().post("/api/method/login", {"usr": "jane", "pwd": "wrong"})
    assert wrong.status_code == 401 and wrong.json() == login_failure("Invalid login credentials")


def test_an_oversized_password_is_refused(jane):
    response = Client().post("/api/method/login", {"usr": "jane", "pwd": "x" * 513})
    assert response.status_code == 401
    assert response.json() == login_failure("Password size exceeded the maximum allowed size")


@pytest.mark.parametrize("usr", ["ja\x00ne", "ja\x00ne@example.com"])
def test_a_nul_in_the_user_name_matches_nobody(jane, usr):
    response = Client().post("/api/method/login", json.dumps({"usr": usr, "pwd": "secret"}),
                             content_type="application/json")
    assert response.status_code == 401
    assert response.json() == login_failure("Invalid login credentials")


def test_a_failed_login_clears_the_cookies(jane):
    client = logged_in()
    response = client.post("/api/method/login", {"usr": "jane", "pwd": "wrong"})
    assert response.status_code == 401
    assert_cookies_cleared(response)


def test_cookies_live_as_long_as_the_session(jane, settings):
    settings.SESSION_COOKIE_AGE = 3600
    response = Client().post("/api/method/login", {"usr": "jane", "pwd": "secret"})
    for name in ("sid", *FRONT_END_COOKIES):
        assert response.cookies[name]["max-age"] == 3600, name


def test_session_cookies_are_secure_over_https(jane):
    response = Client().post("/api/method/login", {"usr": "jane", "pwd": "secret"}, secure=True)
    assert response.cookies["sid"]["secure"] is True and response.cookies["user_id"]["secure"] is True
    plain = Client().post("/api/method/login", {"usr": "jane", "pwd": "secret"})
    assert not plain.cookies["sid"]["secure"]


def test_login_never_keeps_a_session_id_made_before_it(jane):
    client = Client()
    session = client.session
    session["planted"] = 1
    session.save()
    planted = session.session_key
    client.post("/api/method/login", {"usr": "jane", "pwd": "secret"})
    assert client.cookies["sid"].value != planted
    assert not Session.objects.filter(session_key=planted).exists()


def test_logging_in_as_someone_else_replaces_the_session(jane):
    UserFactory(username="john")
    client = logged_in()
    first = client.cookies["sid"].value
    client.post("/api/method/login", {"usr": "john", "pwd": "secret"})
    assert client.cookies["sid"].value != first
    assert client.get(WHO).json() == {"message": "john"}


# --- logout -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("method, path", [("post", "/api/method/logout"), ("get", "/api/method/logout"),
                                          ("get", "/api/v1/method/logout"), ("post", "/api/v2/method/logout")])
def test_logout_ends_the_session_and_clears_the_cookies(jane, method, path):
    client = logged_in()
    sid = client.cookies["sid"].value
    response = getattr(client, method)(path)
    assert response.status_code == 200
    assert response.json() == {}
    assert_cookies_cleared(response)
    assert not Session.objects.filter(session_key=sid).exists()
    assert client.get(WHO).status_code == 403


def test_logout_as_guest_answers_empty():
    response = Client().get("/api/method/logout")
    assert response.status_code == 200 and response.json() == {}


# --- get_logged_user and ping -----------------------------------------------------------------------
def test_get_logged_user_is_refused_to_guest():
    response = Client().get(WHO)
    assert response.status_code == 403
    assert response.json() == GUEST_WHO


def test_ping_answers_everyone(jane):
    assert Client().get("/api/method/ping").json() == {"message": "pong"}
    assert logged_in().post("/api/method/ping").json() == {"message": "pong"}
    assert Client().get("/api/v2/method/ping").json() == {"data": "pong"}


# --- the sid parameter --------------------------------------------------------------------------------
def test_the_sid_parameter_resumes_a_session(jane):
    sid = logged_in().cookies["sid"].value
    assert Client().get(WHO, {"sid": sid}).json() == {"message": "jane"}
    assert Client().post(WHO, {"sid": sid}).json() == {"message": "jane"}


def test_an_unknown_sid_parameter_continues_as_guest_with_session_expired():
    response = Client().get("/api/method/ping", {"sid": "no-such-session"})
    assert response.status_code == 200
    assert response.json() == {"message": "pong", "session_expired": 1}
    assert_cookies_cleared(response)


def test_sid_guest_is_simply_guest():
    response = Client().get("/api/method/ping", {"sid": "Guest"})
    assert response.json() == {"message": "pong"}


def test_a_password_change_ends_sessions_used_through_the_sid_parameter(jane):
    sid = logged_in().cookies["sid"].value
    jane.set_password("changed")
    jane.save()
    response = Client().get(WHO, {"sid": sid})
    assert response.status_code == 403
    assert response.json() == {**GUEST_WHO, "session_expired": 1}


def test_logout_with_the_sid_parameter_ends_that_session(jane):
    sid = logged_in().cookies["sid"].value
    assert Client().get("/api/method/logout", {"sid": sid}).json() == {}
    assert not Session.objects.filter(session_key=sid).exists()


# --- dead sessions ----------------------------------------------------------------------------------
def test_an_expired_session_cookie_continues_as_guest_with_session_expired(jane):
    client = logged_in()
    Session.objects.filter(session_key=client.cookies["sid"].value).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get("/api/method/ping")
    assert response.json() == {"message": "pong", "session_expired": 1}
    assert_cookies_cleared(response)


def test_session_expired_is_added_to_error_bodies_too(jane):
    client = logged_in()
    client.get("/api/method/logout")
    client.cookies["sid"] = "a-session-that-was-never-made"
    response = client.get(WHO)
    assert response.status_code == 403
    assert response.json() == {**GUEST_WHO, "session_expired": 1}


def test_a_replayed_session_id_after_logout_is_dead(jane):
    client = logged_in()
    old_sid = client.cookies["sid"].value
    client.post("/api/method/logout")
    replay = Client()
    replay.cookies["sid"] = old_sid
    response = replay.get(WHO)
    assert response.status_code == 403 and response.json()["session_expired"] == 1


@pytest.mark.parametrize("change", ["disable", "new password", "delete"])
def test_a_session_whose_user_can_no_longer_log_in_is_dead(jane, change):
    client = logged_in()
    if change == "disable":
        jane.is_active = False
        jane.save()
    elif change == "new password":
        jane.set_password("changed")
        jane.save()
    else:
        jane.delete()
    response = client.get("/api/method/ping")
    assert response.json() == {"message": "pong", "session_expired": 1}


def test_a_live_anonymous_session_is_not_expired(db):
    client = Client()
    session = client.session
    session["cart"] = ["item"]
    session.save()
    response = client.get("/api/method/ping")
    assert response.json() == {"message": "pong"}
    assert "sid" not in response.cookies
    assert client.session["cart"] == ["item"]


# --- legacy cmd at the site root (LegacyCommandMiddleware) ------------------------------------------
def test_legacy_login_get_logged_user_ping_and_logout(jane):
    client = Client()
    login = client.post("/", {"cmd": "login", "usr": "jane", "pwd": "secret"})
    assert login.status_code == 200
    assert login.json() == {"message": "Logged In", "home_page": "/app", "full_name": "Jane Doe"}
    assert login.cookies["sid"].value and login.cookies["user_id"].value == "jane"
    assert client.get("/", {"cmd": "frappe.auth.get_logged_user"}).json() == {"message": "jane"}
    assert client.post("/", {"cmd": "frappe.auth.get_logged_user"}).json() == {"message": "jane"}
    assert client.get("/", {"cmd": "ping"}).json() == {"message": "pong"}
    logout = client.get("/", {"cmd": "logout"})
    assert logout.status_code == 200 and logout.json() == {}
    assert client.get(WHO).status_code == 403


def test_legacy_login_failure_is_frappes_401(jane):
    response = Client().post("/", {"cmd": "login", "usr": "jane", "pwd": "wrong"})
    assert response.status_code == 401
    assert response.json() == login_failure("Invalid login credentials")


def test_legacy_cmd_reaches_other_whitelisted_methods(jane):
    client = logged_in()
    ToDoFactory(name="t1", owner="jane", description="Mine")
    value = client.get("/", {"cmd": "frappe.client.get_value", "doctype": "ToDo", "fieldname": "description",
                             "filters": "t1"})
    assert value.json() == {"message": {"description": "Mine"}}
    deleted = client.post("/", {"cmd": "frappe.client.delete", "doctype": "ToDo", "name": "t1"})
    assert deleted.status_code == 200 and deleted.json() == {}
    assert not ToDo.objects.filter(name="t1").exists()


def test_requests_without_cmd_or_elsewhere_are_left_to_the_host(jane):
    home = Client().get("/")  # the demo's own home page
    assert home.status_code == 200 and b"django-frappe-api demo" in home.content
    assert Client().post("/", {"usr": "jane", "pwd": "secret"}).status_code == 405
    admin_page = Client().get("/admin/login/", {"cmd": "login"})
    assert admin_page.status_code == 200 and admin_page["Content-Type"].startswith("text/html")
