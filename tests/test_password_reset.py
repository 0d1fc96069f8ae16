"""Password reset: ``frappe.core.doctype.user.user.reset_password`` / ``update_password`` and ``/update-password``.

Shapes from Frappe's frappe/core/doctype/user/user.py (``reset_password``: 404 "not found", "not allowed" for
Administrator, "disabled", else a ``_server_messages`` message; ``update_password``: 410 with the key's message,
else the home page), reached the way frappe-js-sdk's ``forgetPassword`` does: a JSON body posted to ``/``.
"""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from django.test import override_settings

from frappe_api.auth.password_reset import make_reset_key

from .conftest import APIClient, logged_in, server_messages
from .factories import UserFactory

RESET = "frappe.core.doctype.user.user.reset_password"
UPDATE = "/api/method/frappe.core.doctype.user.user.update_password"
STRONG = "violet-harbour-Gl1mmer"

pytestmark = pytest.mark.usefixtures("fresh_cache")


def mailed_key(message) -> str:
    """The ``key`` of the ``/update-password`` link in a reset mail."""
    link = re.search(r"https?://\S+/update-password\?key=\S+", message.body).group(0)
    return parse_qs(urlsplit(link).query)["key"][0]


def test_forget_password_json_body_to_root_sends_django_reset_mail(guest_client, jane):
    """Frappe's frappe/core/doctype/user/user.py reset_password, as frappe-js-sdk posts it (JSON to ``/``):
    200, no ``message``, a ``_server_messages`` note that names nobody, and one mail to the account's address
    whose link opens the reset page."""
    response = guest_client.post_json("/", {"cmd": RESET, "user": "jane@example.com"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"_server_messages"}
    assert server_messages(body) == [{"message": "Password reset instructions have been sent to your email",
                                      "title": "Password Email Sent", "indicator": "green"}]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["jane@example.com"]
    assert mail.outbox[0].subject == "Password Reset"
    assert "Jane Doe" not in response.content.decode()
    page = guest_client.get(f"/update-password?key={mailed_key(mail.outbox[0])}")
    assert page.status_code == 200
    assert b'name="new_password"' in page.content
    assert page["Referrer-Policy"] == "no-referrer"
    assert "no-store" in page["Cache-Control"]


def test_reset_password_by_username_on_api_method_path(guest_client, jane):
    """frappe/core/doctype/user/user.py reset_password also answers under /api/method (v1) by user name."""
    response = guest_client.post(f"/api/method/{RESET}", {"user": "jane"})
    assert response.status_code == 200
    assert len(mail.outbox) == 1


def test_reset_password_answers_frappe_for_unknown_disabled_and_administrator(guest_client, administrator):
    """frappe/core/doctype/user/user.py reset_password: unknown → 404 "not found", disabled → "disabled",
    Administrator (a superuser) → "not allowed"; no mail for any of them."""
    UserFactory(username="gone", email="gone@example.com", is_active=False)
    unknown = guest_client.post_json("/", {"cmd": RESET, "user": "nobody@example.com"})
    assert (unknown.status_code, unknown.json()) == (404, {"message": "not found"})
    disabled = guest_client.post_json("/", {"cmd": RESET, "user": "gone@example.com"})
    assert (disabled.status_code, disabled.json()) == (200, {"message": "disabled"})
    admin = guest_client.post_json("/", {"cmd": RESET, "user": administrator.get_username()})
    assert (admin.status_code, admin.json()) == (200, {"message": "not allowed"})
    assert mail.outbox == []


def test_reset_password_refuses_get_and_non_string_user(guest_client, jane):
    """frappe/core/doctype/user/user.py reset_password is POST only; a ``user`` that is not a name is unknown."""
    assert guest_client.get(f"/api/method/{RESET}", {"user": "jane"}).status_code == 403
    response = guest_client.post_json(f"/api/method/{RESET}", {"user": {"$ne": ""}})
    assert (response.status_code, response.json()) == (404, {"message": "not found"})
    assert mail.outbox == []


def test_reset_password_rate_limited_per_ip_and_per_account(guest_client, jane):
    """frappe/core/doctype/user/user.py reset_password is rate limited (password_reset_limit per hour, per IP);
    ours also limits one account from many IPs, so nobody can flood a mailbox."""
    for _ in range(3):
        assert guest_client.post_json("/", {"cmd": RESET, "user": "jane"}).status_code == 200
    blocked = guest_client.post_json("/", {"cmd": RESET, "user": "jane"})
    assert blocked.status_code == 429
    assert blocked.json()["exc_type"] == "RateLimitExceededError"
    other_ip = guest_client.post_json("/", {"cmd": RESET, "user": "jane@example.com"}, REMOTE_ADDR="10.0.0.9")
    assert other_ip.status_code == 429
    assert len(mail.outbox) == 3


def test_reset_password_from_foreign_page_is_refused(guest_client, jane):
    """frappe/core/doctype/user/user.py reset_password: a cross-site page may not make the browser ask for
    mail (the cross-origin rule)."""
    response = guest_client.post_json("/", {"cmd": RESET, "user": "jane"}, HTTP_SEC_FETCH_SITE="cross-site",
                                      HTTP_ORIGIN="https://evil.example")
    assert response.status_code == 400
    assert response.json()["exc_type"] == "CSRFTokenError"
    assert mail.outbox == []


def test_update_password_with_key_logs_in_and_ends_other_sessions(guest_client, jane):
    """frappe/core/doctype/user/user.py update_password with a mailed key: the home page, a logged-in session
    with Frappe's cookies, the other sessions dead, the old password refused, and the key used up (410)."""
    other = logged_in(jane)
    assert other.get("/api/method/frappe.auth.get_logged_user").status_code == 200
    key = make_reset_key(jane)
    response = guest_client.post_json(UPDATE, {"new_password": STRONG, "key": key})
    assert (response.status_code, response.json()) == (200, {"message": "/app"})
    assert response.cookies["user_id"].value == "jane"
    assert guest_client.get("/api/method/frappe.auth.get_logged_user").json() == {"message": "jane"}
    stale = other.get("/api/method/frappe.auth.get_logged_user")
    assert stale.status_code == 403
    assert stale.json()["session_expired"] == 1
    fresh = APIClient()
    assert fresh.post_json("/api/method/login", {"usr": "jane", "pwd": "secret"}).status_code == 401
    assert fresh.post_json("/api/method/login", {"usr": "jane", "pwd": STRONG}).status_code == 200
    again = APIClient().post_json(UPDATE, {"new_password": "another-Str0ng-phrase", "key": key})
    assert (again.status_code, again.json()) == (
        410, {"message": "The reset password link has either been used before or is invalid"})


def test_update_password_with_key_over_dead_session_keeps_new_login(guest_client, jane):
    """frappe/core/doctype/user/user.py update_password logs in: a stale ``sid`` cookie the browser still sent
    must not clear the new login's cookies."""
    guest_client.cookies["sid"] = "stale-session-key"
    response = guest_client.post_json(UPDATE, {"new_password": STRONG, "key": make_reset_key(jane)})
    assert response.status_code == 200
    assert "session_expired" not in response.json()
    assert response.cookies["user_id"].value == "jane"
    assert guest_client.get("/api/method/frappe.auth.get_logged_user").json() == {"message": "jane"}


def test_update_password_refuses_bad_keys_alike(guest_client, jane):
    """frappe/core/doctype/user/user.py update_password: 410 and one message for a forged, malformed or
    other user's key; an old key is "expired"; the password stays."""
    forged = make_reset_key(jane).rsplit("-", 1)[0] + "-0000000000000000"
    for key in (forged, "garbage", "a.b.c", "MQ.zzzzzzzz-zz", "%00"):
        response = guest_client.post_json(UPDATE, {"new_password": STRONG, "key": key})
        assert (response.status_code, response.json()) == (
            410, {"message": "The reset password link has either been used before or is invalid"}), key
    with override_settings(PASSWORD_RESET_TIMEOUT=-1):
        expired = guest_client.post_json(UPDATE, {"new_password": STRONG, "key": make_reset_key(jane)})
    assert (expired.status_code, expired.json()) == (410, {"message": "The reset password link has been expired"})
    jane.refresh_from_db()
    assert jane.check_password("secret")


def test_update_password_applies_django_password_validators(guest_client, jane):
    """frappe/core/doctype/user/user.py update_password tests the password's strength: here Django's
    AUTH_PASSWORD_VALIDATORS, 417 "Invalid Password"; the key stays usable."""
    key = make_reset_key(jane)
    for weak in ("123", "password1", "jane@example.com"):
        response = guest_client.post_json(UPDATE, {"new_password": weak, "key": key})
        assert response.status_code == 417, weak
        assert response.json()["exc_type"] == "ValidationError"
    assert guest_client.post_json(UPDATE, {"new_password": STRONG, "key": key}).status_code == 200


def test_update_password_with_old_password(jane):
    """frappe/core/doctype/user/user.py update_password with old_password: the logged-in caller proves the
    old password (a wrong one is 401 and counts toward the login lockout); the session goes on."""
    client = logged_in(jane)
    wrong = client.post_json(UPDATE, {"new_password": STRONG, "old_password": "nope"})
    assert wrong.status_code == 401
    right = client.post_json(UPDATE, {"new_password": STRONG, "old_password": "secret"})
    assert (right.status_code, right.json()) == (200, {"message": "/app"})
    assert client.get("/api/method/frappe.auth.get_logged_user").json() == {"message": "jane"}
    jane.refresh_from_db()
    assert jane.check_password(STRONG)


def test_update_password_refuses_guest_without_key_and_foreign_pages(guest_client, jane):
    """frappe/core/doctype/user/user.py update_password: a Guest cannot use old_password, no key and no old
    password is refused, and a cross-site page cannot post a key (it would log the browser in)."""
    assert guest_client.post_json(UPDATE, {"new_password": STRONG, "old_password": "secret"}).status_code == 401
    assert guest_client.post_json(UPDATE, {"new_password": STRONG}).status_code == 417
    foreign = guest_client.post_json(UPDATE, {"new_password": STRONG, "key": make_reset_key(jane)},
                                     HTTP_SEC_FETCH_SITE="cross-site", HTTP_ORIGIN="https://evil.example")
    assert foreign.status_code == 400
    jane.refresh_from_db()
    assert jane.check_password("secret")


def test_update_password_key_of_disabled_user_is_invalid(guest_client, jane):
    """frappe/core/doctype/user/user.py: a disabled user's key sets nothing (410)."""
    key = make_reset_key(jane)
    jane.is_active = False
    jane.save()
    assert guest_client.post_json(UPDATE, {"new_password": STRONG, "key": key}).status_code == 410


def test_update_password_page_sets_password_with_validators(jane):
    """The /update-password page Frappe's frappe/core/doctype/user/user.py links to: Django's CSRF token,
    validators and a confirmation; success logs in; a used key is 410."""
    client = APIClient(enforce_csrf_checks=True)
    key = make_reset_key(jane)
    page = client.get(f"/update-password?key={key}")
    token = page.cookies["csrftoken"].value
    no_token = client.post("/update-password", {"key": key, "new_password": STRONG, "confirm_password": STRONG})
    assert no_token.status_code == 403
    weak = client.post("/update-password", {"key": key, "new_password": "123", "confirm_password": "123",
                                            "csrfmiddlewaretoken": token})
    assert weak.status_code == 417
    mismatch = client.post("/update-password", {"key": key, "new_password": STRONG, "confirm_password": "x",
                                                "csrfmiddlewaretoken": token})
    assert mismatch.status_code == 417
    done = client.post("/update-password", {"key": key, "new_password": STRONG, "confirm_password": STRONG,
                                            "csrfmiddlewaretoken": token})
    assert done.status_code == 200
    assert b'id="done"' in done.content
    assert client.get("/api/method/frappe.auth.get_logged_user").json() == {"message": "jane"}
    assert client.get(f"/update-password?key={key}").status_code == 410
    assert client.get("/update-password?key=garbage").status_code == 410


def test_legacy_cmd_json_body_reaches_other_methods(guest_client, jane):
    """The legacy ``cmd`` dispatch (Frappe's frappe/handler.py, reached at ``/``) reads a JSON body too; a
    JSON body without ``cmd`` still goes to the host project."""
    assert guest_client.post_json("/", {"cmd": "ping"}).json() == {"message": "pong"}
    unknown = guest_client.post_json("/", {"cmd": "nothing.here"})
    assert unknown.status_code == 417
    assert unknown["Content-Type"] == "application/json"
    for host_answer in (guest_client.post_json("/", {"user": "jane"}),
                        guest_client.post("/", "not json", content_type="application/json")):
        assert host_answer.status_code == 405  # the demo's home page takes GET only
        assert host_answer["Content-Type"].startswith("text/html")
