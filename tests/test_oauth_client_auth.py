"""OAuth client authentication: generated secrets get a fast keyed hash, old password hashes still verify (and
are upgraded), an unknown client_id does the same work, and failures are throttled per client and per IP."""

from __future__ import annotations

import re
from types import SimpleNamespace
from unittest import mock

import pytest
from django.contrib.auth.hashers import identify_hasher, make_password
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client
from oauth2_provider.models import Application

from frappe_api.auth.keys import hash_secret
from frappe_api.oauth.checks import check_client_secret_hasher
from frappe_api.oauth.hashers import KeyedClientSecretHasher
from frappe_api.oauth.settings import CLIENT_SECRET_HASHER

from .factories import CLIENT_SECRET, OAuthApplicationFactory
from .oauth_flow import INTROSPECT, REVOKE, TOKEN, basic, issue_tokens

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

INVALID_CLIENT = {"error": "invalid_client", "error_description": "Client authentication failed"}


@pytest.fixture
def application():
    return OAuthApplicationFactory()


@pytest.fixture
def few_attempts(settings):
    settings.FRAPPE_API = {"OAUTH_CLIENT_AUTH_ATTEMPTS": 3, "OAUTH_CLIENT_AUTH_LOCKOUT_SECONDS": 60}


def token_request(client_id, secret, ip="10.0.0.1"):
    """A refresh_token grant authenticating with HTTP Basic (the grant itself fails later when the client is
    authenticated: invalid_grant)."""
    return Client(REMOTE_ADDR=ip).post(TOKEN, {"grant_type": "refresh_token", "refresh_token": "nope"},
                                       HTTP_AUTHORIZATION=basic(SimpleNamespace(client_id=client_id), secret))


def assert_throttled(response):
    assert response.status_code == 429
    retry_after = int(response["Retry-After"])
    assert 55 <= retry_after <= 60
    assert response.json() == {"error": "temporarily_unavailable", "error_description":
                               f"Too many failed client authentications: try again in {retry_after} seconds"}


# --- storage ------------------------------------------------------------------------------------------


def test_a_client_secret_is_stored_as_the_keyed_hash_of_api_secrets(application):
    stored = Application.objects.get().client_secret
    assert stored == f"frappe_hmac_sha256${hash_secret(CLIENT_SECRET)}"


def test_a_generated_client_secret_is_stored_with_the_keyed_hash():
    application = Application.objects.create(name="Generated", client_type="confidential",
                                             authorization_grant_type="authorization-code",
                                             redirect_uris="https://client.example/callback")
    assert identify_hasher(application.client_secret).algorithm == "frappe_hmac_sha256"


def test_a_short_hand_typed_secret_keeps_the_slow_password_hasher():
    application = OAuthApplicationFactory(client_secret="short-typed-secret", algorithm="")
    assert identify_hasher(application.client_secret).algorithm == "md5"  # the tests' first PASSWORD_HASHERS
    assert token_request(application.client_id, "short-typed-secret").json()["error"] == "invalid_grant"


def test_a_password_hashed_secret_still_verifies_and_is_rehashed_with_the_keyed_hash(settings, jane_client):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher", CLIENT_SECRET_HASHER]
    application = OAuthApplicationFactory(client_secret=make_password(CLIENT_SECRET, hasher="pbkdf2_sha256"))
    assert Application.objects.get().client_secret.startswith("pbkdf2_sha256$")
    issue_tokens(jane_client, application)  # the code exchange authenticates with the secret
    assert Application.objects.get().client_secret == f"frappe_hmac_sha256${hash_secret(CLIENT_SECRET)}"
    issue_tokens(jane_client, application)


def test_a_wrong_secret_leaves_a_password_hash_as_it_was(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher", CLIENT_SECRET_HASHER]
    stored = make_password(CLIENT_SECRET, hasher="pbkdf2_sha256")
    application = OAuthApplicationFactory(client_secret=stored)
    assert token_request(application.client_id, "wrong").json() == INVALID_CLIENT
    assert Application.objects.get().client_secret == stored


# --- unknown and known clients: the same work and the same answer ---------------------------------------


def test_an_unknown_client_id_runs_the_same_secret_verification_as_a_known_one(application):
    with mock.patch.object(KeyedClientSecretHasher, "verify", autospec=True,
                           side_effect=KeyedClientSecretHasher.verify) as verify:
        known = token_request(application.client_id, "wrong-secret")
        assert verify.call_count == 1
        unknown = token_request("no-such-client", "wrong-secret")
        assert verify.call_count == 2
    assert (known.status_code, known.json()) == (401, INVALID_CLIENT)
    assert (unknown.status_code, unknown.json()) == (401, INVALID_CLIENT)
    assert known["WWW-Authenticate"] == unknown["WWW-Authenticate"]


def test_an_unknown_client_id_in_the_body_answers_like_a_wrong_secret(application):
    known = Client().post(TOKEN, {"grant_type": "refresh_token", "refresh_token": "x",
                                  "client_id": application.client_id, "client_secret": "wrong"})
    unknown = Client().post(TOKEN, {"grant_type": "refresh_token", "refresh_token": "x",
                                    "client_id": "no-such-client", "client_secret": "wrong"})
    assert (known.status_code, known.json()) == (unknown.status_code, unknown.json()) == (400, INVALID_CLIENT)


# --- the throttle -----------------------------------------------------------------------------------------


@pytest.mark.usefixtures("few_attempts")
def test_failed_authentications_of_one_client_are_throttled_from_any_ip(application):
    for attempt in range(3):
        assert token_request(application.client_id, "wrong", ip=f"10.0.1.{attempt}").status_code == 401
    with mock.patch.object(KeyedClientSecretHasher, "verify", autospec=True) as verify:
        assert_throttled(token_request(application.client_id, CLIENT_SECRET, ip="10.0.2.1"))  # even the right one
        verify.assert_not_called()  # no hashing once throttled
    assert token_request(OAuthApplicationFactory().client_id, CLIENT_SECRET, ip="10.0.2.1").status_code == 400


@pytest.mark.usefixtures("few_attempts")
def test_failed_authentications_from_one_ip_are_throttled_for_every_client(application):
    for attempt in range(3):
        assert token_request(f"guessed-client-{attempt}", "wrong").status_code == 401
    assert_throttled(token_request(application.client_id, CLIENT_SECRET))
    assert token_request(application.client_id, CLIENT_SECRET, ip="10.9.9.9").json()["error"] == "invalid_grant"


@pytest.mark.usefixtures("few_attempts")
def test_successful_authentications_do_not_count(application):
    for _ in range(5):
        assert token_request(application.client_id, CLIENT_SECRET).json()["error"] == "invalid_grant"
    assert token_request(application.client_id, "wrong").status_code == 401
    assert token_request(application.client_id, "wrong").status_code == 401
    assert token_request(application.client_id, CLIENT_SECRET).json()["error"] == "invalid_grant"
    assert token_request(application.client_id, "wrong").status_code == 401
    assert_throttled(token_request(application.client_id, CLIENT_SECRET))


@pytest.mark.usefixtures("few_attempts")
def test_introspection_and_revocation_share_the_throttle(application):
    for _ in range(3):
        response = Client().post(INTROSPECT, {"token": "x"},
                                 HTTP_AUTHORIZATION=basic(application, "wrong"))
        assert response.status_code == 401
    assert_throttled(Client().post(INTROSPECT, {"token": "x"}, HTTP_AUTHORIZATION=basic(application)))
    assert_throttled(Client().post(REVOKE, {"token": "x"}, HTTP_AUTHORIZATION=basic(application)))
    assert_throttled(token_request(application.client_id, CLIENT_SECRET))


@pytest.mark.usefixtures("few_attempts")
def test_failed_revocations_count_towards_the_throttle(application):
    for _ in range(3):
        response = Client().post(REVOKE, {"token": "x"}, HTTP_AUTHORIZATION=basic(application, "wrong"))
        assert response.status_code == 401
    assert_throttled(Client().post(INTROSPECT, {"token": "x"}, HTTP_AUTHORIZATION=basic(application)))


def test_the_throttle_can_be_switched_off(settings, application):
    settings.FRAPPE_API = {"OAUTH_CLIENT_AUTH_ATTEMPTS": 0}
    for _ in range(15):
        assert token_request(application.client_id, "wrong").status_code == 401
    assert token_request(application.client_id, CLIENT_SECRET).json()["error"] == "invalid_grant"


# --- the settings check ---------------------------------------------------------------------------------


def test_the_check_refuses_a_keyed_hasher_missing_from_password_hashers(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    errors = check_client_secret_hasher()
    assert [error.id for error in errors] == ["frappe_api_oauth.E002"]
    assert re.search("is not in PASSWORD_HASHERS", errors[0].msg)
    with pytest.raises(SystemCheckError):
        call_command("check")


def test_the_check_refuses_the_keyed_hasher_first_in_password_hashers(settings):
    settings.PASSWORD_HASHERS = [CLIENT_SECRET_HASHER, "django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    assert "user passwords would get its fast hash" in check_client_secret_hasher()[0].msg


def test_the_check_passes_with_the_documented_settings():
    assert check_client_secret_hasher() == []
