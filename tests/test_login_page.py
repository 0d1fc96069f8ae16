"""``/login``: Frappe's login page, where the OAuth authorize endpoint sends guests."""

import pytest
from django.conf import settings
from django.test import Client, override_settings

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]
BACK = "/api/method/frappe.integrations.oauth2.authorize?client_id=x&state=1"


def test_the_page_shows_a_form_carrying_where_to_go_back(jane):
    response = Client().get("/login", {"redirect-to": BACK})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<form method="post" id="login-form">' in html
    assert f'<input type="hidden" name="redirect-to" value="{BACK.replace("&", "&amp;")}">' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_logging_in_goes_back_and_starts_a_session(jane):
    client = Client()
    response = client.post("/login", {"usr": "jane@example.com", "pwd": "secret", "redirect-to": BACK})
    assert response.status_code == 302
    assert response["Location"] == BACK
    assert response.cookies["user_id"].value == "jane"
    assert client.get("/api/method/frappe.auth.get_logged_user").json() == {"message": "jane"}


@pytest.mark.parametrize("target", ["https://evil.example/steal", "//evil.example/steal", "javascript:alert(1)"])
def test_a_target_off_this_site_is_not_followed(jane, target):
    response = Client().post("/login", {"usr": "jane", "pwd": "secret", "redirect-to": target})
    assert response.status_code == 200
    assert 'You are logged in as <strong>jane</strong>' in response.content.decode()


def test_a_wrong_password_shows_frappes_message_and_no_session(jane):
    client = Client()
    response = client.post("/login", {"usr": "jane", "pwd": "wrong", "redirect-to": BACK})
    assert response.status_code == 401
    html = response.content.decode()
    assert '<p class="error" id="error" role="alert">Invalid login credentials</p>' in html
    assert 'value="jane"' in html
    assert client.get("/api/method/frappe.auth.get_logged_user").status_code == 403


@override_settings(FRAPPE_API={"LOGIN_ATTEMPTS": 2, "LOGIN_LOCKOUT_SECONDS": 60})
def test_the_page_shares_the_api_logins_lockout(jane):
    for _ in range(2):
        assert Client().post("/login", {"usr": "jane", "pwd": "wrong"}).status_code == 401
    locked = Client().post("/login", {"usr": "jane", "pwd": "secret"})
    assert locked.status_code == 429
    assert "Your account has been locked" in locked.content.decode()
    assert Client().post("/api/method/login", {"usr": "jane", "pwd": "secret"}).status_code == 429


def test_the_form_needs_djangos_csrf_token(jane):
    response = Client(enforce_csrf_checks=True).post("/login", {"usr": "jane", "pwd": "secret"})
    assert response.status_code == 403


@override_settings(MIDDLEWARE=[name for name in settings.MIDDLEWARE
                               if name not in ("django.middleware.csrf.CsrfViewMiddleware",
                                               "django.middleware.clickjacking.XFrameOptionsMiddleware")])
def test_the_page_guards_itself_without_the_hosts_middleware(jane):
    assert Client().get("/login")["X-Frame-Options"] == "DENY"
    assert Client(enforce_csrf_checks=True).post("/login", {"usr": "jane", "pwd": "secret"}).status_code == 403
