"""A replayed authorization code is refused and revokes every token issued from it (RFC 6749 4.1.2)."""

from __future__ import annotations

import hashlib
from unittest import mock

import pytest
from django.test import Client
from oauth2_provider.models import AccessToken, Grant, RefreshToken
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauthlib.oauth2.rfc6749.errors import InvalidGrantError

from frappe_api.oauth.models import UsedAuthorizationCode

from .factories import OAuthApplicationFactory
from .oauth_flow import INTROSPECT, TOKEN, WHO, basic, bearer, code_for, exchange, pkce

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

INVALID_GRANT = {"error": "invalid_grant", "error_description": (
    "The authorization code or refresh token is invalid, expired, revoked, already used, "
    "or was issued to another client or redirect URI")}


@pytest.fixture
def application():
    return OAuthApplicationFactory()


@pytest.fixture
def code(jane_client, application):
    """(code, code_verifier) of a fresh PKCE authorization."""
    verifier, challenge = pkce()
    return code_for(jane_client, application, code_challenge=challenge, code_challenge_method="S256"), verifier


def refresh(application, refresh_token):
    return Client().post(TOKEN, {"grant_type": "refresh_token", "refresh_token": refresh_token},
                         HTTP_AUTHORIZATION=basic(application))


def assert_dead(application, tokens):
    assert Client().get(WHO, **bearer(tokens["access_token"])).status_code == 401
    response = refresh(application, tokens["refresh_token"])
    assert (response.status_code, response.json()) == (400, INVALID_GRANT)
    introspected = Client().post(INTROSPECT, {"token": tokens["refresh_token"]},
                                 HTTP_AUTHORIZATION=basic(application))
    assert introspected.json() == {"active": False}


def test_a_replayed_code_revokes_the_access_and_refresh_token_it_issued(application, code):
    tokens = exchange(application, code[0], verifier=code[1]).json()
    replay = exchange(application, code[0], verifier=code[1])
    assert (replay.status_code, replay.json()) == (400, INVALID_GRANT)
    assert not AccessToken.objects.exists()
    assert_dead(application, tokens)


def test_a_replayed_code_revokes_the_tokens_refreshed_from_it(application, code):
    tokens = exchange(application, code[0], verifier=code[1]).json()
    renewed = refresh(application, tokens["refresh_token"]).json()
    assert Client().get(WHO, **bearer(renewed["access_token"])).json() == {"message": "jane"}
    assert exchange(application, code[0], verifier=code[1]).status_code == 400
    assert not AccessToken.objects.exists()
    assert not RefreshToken.objects.filter(revoked__isnull=True).exists()
    assert_dead(application, renewed)


def test_a_code_replayed_by_another_client_still_revokes_what_it_issued(application, code):
    tokens = exchange(application, code[0], verifier=code[1]).json()
    other = OAuthApplicationFactory()
    replay = exchange(other, code[0], verifier=code[1], client_id=other.client_id)
    assert (replay.status_code, replay.json()) == (400, INVALID_GRANT)
    assert_dead(application, tokens)


def test_a_replay_leaves_tokens_from_other_codes_alone(jane_client, application, code):
    exchange(application, code[0], verifier=code[1])
    verifier, challenge = pkce()
    other = exchange(application, code_for(jane_client, application, code_challenge=challenge,
                                           code_challenge_method="S256"), verifier=verifier).json()
    assert exchange(application, code[0], verifier=code[1]).status_code == 400
    assert Client().get(WHO, **bearer(other["access_token"])).json() == {"message": "jane"}
    assert refresh(application, other["refresh_token"]).status_code == 200


def test_a_used_code_is_remembered_only_by_its_checksum(application, code):
    tokens = exchange(application, code[0], verifier=code[1]).json()
    used = UsedAuthorizationCode.objects.get()
    assert used.code_checksum == hashlib.sha256(code[0].encode()).hexdigest()
    assert used.access_token_checksum == hashlib.sha256(tokens["access_token"].encode()).hexdigest()
    assert used.token_family == RefreshToken.objects.get().token_family
    assert not Grant.objects.exists()


def test_a_code_consumed_by_a_concurrent_request_revokes_both_requests_tokens(application, code):
    """Two exchanges that both read the code before either deleted it: the second to delete finds nothing."""
    grant = Grant.objects.values().get()
    first = exchange(application, code[0], verifier=code[1]).json()
    Grant.objects.create(**grant)  # as the second request saw it
    with mock.patch.object(OAuth2Validator, "invalidate_authorization_code",
                           side_effect=InvalidGrantError(description=INVALID_GRANT["error_description"])):
        second = exchange(application, code[0], verifier=code[1])
    assert (second.status_code, second.json()) == (400, INVALID_GRANT)
    assert not AccessToken.objects.exists()
    assert not RefreshToken.objects.filter(revoked__isnull=True).exists()
    assert_dead(application, first)
