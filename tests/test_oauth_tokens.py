"""Issued tokens: refresh rotation, revocation, introspection, userinfo and what a token may reach."""

from __future__ import annotations

import datetime

import jwt
import pytest
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import AccessToken, RefreshToken

from .conftest import logged_in
from .factories import CLIENT_SECRET, OAuthApplicationFactory, ToDoFactory, UserFactory
from .oauth_flow import INTROSPECT, PROFILE, REVOKE, TOKEN, WHO, basic, bearer, issue_tokens

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


@pytest.fixture
def application():
    return OAuthApplicationFactory()


@pytest.fixture
def tokens(jane_client, application):
    return issue_tokens(jane_client, application)


def refresh(application, refresh_token):
    return Client().post(TOKEN, {"grant_type": "refresh_token", "refresh_token": refresh_token},
                         HTTP_AUTHORIZATION=basic(application))


def who(token):
    return Client().get(WHO, **bearer(token))


# --- refresh ------------------------------------------------------------------------------------------


def test_refresh_rotates_and_a_used_refresh_token_is_refused(application, tokens):
    renewed = refresh(application, tokens["refresh_token"])
    assert renewed.status_code == 200
    replay = refresh(application, tokens["refresh_token"])
    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"


def test_replaying_a_used_refresh_token_revokes_its_successor(application, tokens):
    renewed = refresh(application, tokens["refresh_token"]).json()
    assert refresh(application, tokens["refresh_token"]).status_code == 400
    assert refresh(application, renewed["refresh_token"]).status_code == 400


def test_a_refresh_answers_a_new_id_token(application, tokens):
    renewed = refresh(application, tokens["refresh_token"]).json()
    payload = jwt.decode(renewed["id_token"], audience=application.client_id, key=CLIENT_SECRET,
                         algorithms=["HS256"])
    assert payload["sub"] == "jane"


def test_another_clients_refresh_token_is_refused(tokens):
    other = OAuthApplicationFactory()
    response = refresh(other, tokens["refresh_token"])
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


# --- what a token reaches -----------------------------------------------------------------------------


def test_an_all_scope_token_acts_with_the_users_rights(jane, application, tokens):
    ToDoFactory(name="mine", owner="jane")
    ToDoFactory(name="theirs", owner="someone-else")
    response = Client().get("/api/resource/ToDo", **bearer(tokens["access_token"]))
    assert response.status_code == 200
    assert response.json() == {"data": [{"name": "mine"}]}  # ToDo is if_owner for plain users


def test_a_token_without_the_all_scope_cannot_use_the_api(jane_client, application):
    signed_in_only = issue_tokens(jane_client, application, scope="openid")
    message = "Insufficient Permission: the access token's scope does not include all"
    for path in (WHO, "/api/resource/ToDo"):
        response = Client().get(path, **bearer(signed_in_only["access_token"]))
        assert response.status_code == 403, path
        assert response.json()["exception"] == f"frappe.exceptions.PermissionError: {message}"
    v2 = Client().get("/api/v2/document/ToDo", **bearer(signed_in_only["access_token"]))
    assert v2.status_code == 403
    assert v2.json() == {"errors": [{"type": "PermissionError", "message": message, "title": "Not Permitted",
                                     "indicator": "red"}]}
    assert Client().get(PROFILE, **bearer(signed_in_only["access_token"])).status_code == 200


def test_an_expired_token_answers_401(tokens):
    AccessToken.objects.update(expires=timezone.now() - datetime.timedelta(seconds=1))
    response = who(tokens["access_token"])
    assert response.status_code == 401
    assert response.json()["exc_type"] == "AuthenticationError"


# --- revocation ---------------------------------------------------------------------------------------


def test_revoking_an_access_token_also_revokes_its_refresh_token(application, tokens):
    response = Client().post(REVOKE, {"token": tokens["access_token"]})
    assert (response.status_code, response.json()) == (200, {})
    assert who(tokens["access_token"]).status_code == 401
    assert refresh(application, tokens["refresh_token"]).status_code == 400


def test_revoking_a_refresh_token_ends_its_access_token(application, tokens):
    response = Client().post(REVOKE, {"token": tokens["refresh_token"], "token_type_hint": "refresh_token"})
    assert (response.status_code, response.json()) == (200, {})
    assert refresh(application, tokens["refresh_token"]).status_code == 400
    assert who(tokens["access_token"]).status_code == 401


def test_revoking_an_unknown_token_answers_200():
    response = Client().post(REVOKE, {"token": "never-issued"})
    assert (response.status_code, response.json()) == (200, {})


def test_a_client_revokes_with_its_credentials(application, tokens):
    response = Client().post(REVOKE, {"token": tokens["access_token"]}, HTTP_AUTHORIZATION=basic(application))
    assert (response.status_code, response.json()) == (200, {})
    assert who(tokens["access_token"]).status_code == 401


def test_wrong_client_credentials_revoke_nothing(application, tokens):
    response = Client().post(REVOKE, {"token": tokens["access_token"]},
                             HTTP_AUTHORIZATION=basic(application, "wrong"))
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert who(tokens["access_token"]).status_code == 200


def test_a_client_cannot_revoke_another_clients_token(tokens):
    other = OAuthApplicationFactory()
    response = Client().post(REVOKE, {"token": tokens["access_token"]}, HTTP_AUTHORIZATION=basic(other))
    assert (response.status_code, response.json()) == (200, {})
    assert who(tokens["access_token"]).status_code == 200


def test_introspection_takes_post_only(application, tokens):
    response = Client().get(INTROSPECT, {"token": tokens["access_token"]}, HTTP_AUTHORIZATION=basic(application))
    assert response.status_code == 405
    assert response.json()["error"] == "invalid_request"
    assert response["Allow"] == "POST, OPTIONS"


def test_revocation_takes_post_only():
    response = Client().get(REVOKE, {"token": "x"})
    assert response.status_code == 405
    assert response.json()["error"] == "invalid_request"


# --- introspection ------------------------------------------------------------------------------------


def test_a_resource_server_introspects_with_client_credentials(jane, application, tokens):
    response = Client().post(INTROSPECT, {"token": tokens["access_token"]}, HTTP_AUTHORIZATION=basic(application))
    assert response.status_code == 200
    body = response.json()
    stored = AccessToken.objects.get()
    assert body == {"active": True, "client_id": application.client_id, "trusted_client": 0,
                    "scope": "openid all", "exp": int(stored.expires.timestamp()),
                    "iat": int(stored.created.timestamp()), "token_type": "Bearer", "sub": "jane",
                    "username": "jane", "name": "Jane Doe", "given_name": "Jane", "family_name": "Doe",
                    "email": "jane@example.com", "roles": ["All", "Guest"], "iss": "http://testserver"}


def test_credentials_in_the_body_work_too(application, tokens):
    response = Client().post(INTROSPECT, {"token": tokens["access_token"], "client_id": application.client_id,
                                          "client_secret": CLIENT_SECRET})
    assert response.json()["active"] is True


def test_a_bearer_authenticated_caller_may_introspect(jane, tokens):
    other_user = issue_tokens(logged_in(UserFactory()), OAuthApplicationFactory(), scope="all")
    response = Client().post(INTROSPECT, {"token": tokens["access_token"]}, **bearer(other_user["access_token"]))
    assert response.status_code == 200
    assert response.json()["sub"] == "jane"


@pytest.mark.parametrize("headers", [{}, {"HTTP_AUTHORIZATION": "Bearer not-a-token"}])
def test_introspection_refuses_anonymous_callers(tokens, headers):
    response = Client().post(INTROSPECT, {"token": tokens["access_token"]}, **headers)
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_introspection_refuses_a_wrong_client_secret(application, tokens):
    response = Client().post(INTROSPECT, {"token": tokens["access_token"]},
                             HTTP_AUTHORIZATION=basic(application, "wrong"))
    assert response.status_code == 401


def test_dead_and_unknown_tokens_are_inactive(application, tokens):
    def introspect(token, **extra):
        return Client().post(INTROSPECT, {"token": token, **extra}, HTTP_AUTHORIZATION=basic(application)).json()

    assert introspect("never-issued") == {"active": False}
    AccessToken.objects.update(expires=timezone.now() - datetime.timedelta(seconds=1))
    assert introspect(tokens["access_token"]) == {"active": False}
    Client().post(REVOKE, {"token": tokens["refresh_token"]})
    assert introspect(tokens["refresh_token"], token_type_hint="refresh_token") == {"active": False}


def test_a_refresh_token_introspects_with_its_scope(application, tokens):
    body = Client().post(INTROSPECT, {"token": tokens["refresh_token"], "token_type_hint": "refresh_token"},
                         HTTP_AUTHORIZATION=basic(application)).json()
    assert body["active"] is True
    assert (body["scope"], body["sub"], body["client_id"]) == ("openid all", "jane", application.client_id)
    assert "exp" not in body  # refresh tokens do not expire by default
    assert RefreshToken.objects.count() == 1


def test_a_token_without_openid_introspects_without_the_profile(jane_client, application):
    plain = issue_tokens(jane_client, application, scope="all")
    body = Client().post(INTROSPECT, {"token": plain["access_token"]}, HTTP_AUTHORIZATION=basic(application)).json()
    assert body["sub"] == "jane"
    assert not {"name", "email", "roles"} & set(body)


# --- userinfo -----------------------------------------------------------------------------------------


def test_openid_profile_answers_the_users_claims(tokens):
    response = Client().get(PROFILE, **bearer(tokens["access_token"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"sub": "jane", "name": "Jane Doe", "given_name": "Jane", "family_name": "Doe",
                               "email": "jane@example.com", "roles": ["All", "Guest"], "iss": "http://testserver"}


def test_openid_profile_refuses_a_bad_token_and_a_token_without_openid(jane_client, application):
    bad = Client().get(PROFILE, **bearer("nope"))
    assert bad.status_code == 401
    assert bad["Content-Type"] == "application/json"
    assert bad.json()["error"] == "invalid_token"
    no_openid = issue_tokens(jane_client, application, scope="all")
    refused = Client().get(PROFILE, **bearer(no_openid["access_token"]))
    assert refused.status_code == 403
    assert refused.json()["error"] == "insufficient_scope"


def test_openid_profile_without_any_token_is_401():
    assert Client().get(PROFILE).status_code == 401
