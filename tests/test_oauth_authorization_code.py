"""The authorization code grant at Frappe's URLs: consent, PKCE, the token exchange and its refusals."""

from __future__ import annotations

from urllib.parse import urlencode

import jwt
import pytest
from django.contrib.auth.hashers import identify_hasher
from django.contrib.auth.models import Group
from django.conf import settings
from django.test import Client, override_settings
from oauth2_provider.models import AccessToken, Grant, RefreshToken

from .factories import CLIENT_SECRET, OAuthApplicationFactory
from .oauth_flow import (
    AUTHORIZE, INTROSPECT, REDIRECT, REVOKE, TOKEN, WHO, authorize_params, authorize_url, basic, bearer, code_for,
    consent, exchange, issue_tokens, pkce, query,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]
TOKEN_KEYS = {"access_token", "expires_in", "token_type", "scope", "refresh_token", "id_token"}


@pytest.fixture
def application():
    return OAuthApplicationFactory(name="Shop Front")


def test_the_whole_flow_with_pkce_through_the_http_endpoints(jane, application):
    browser = Client()
    verifier, challenge = pkce()
    params = {"code_challenge": challenge, "code_challenge_method": "S256"}

    guest = browser.get(authorize_url(application, **params))
    assert guest.status_code == 302
    assert guest["Location"] == "/login?" + urlencode({"redirect-to": authorize_url(application, **params)},
                                                      safe="/")

    back = authorize_url(application, **params)
    login = browser.post("/login", {"usr": "jane", "pwd": "secret", "redirect-to": back})
    assert login.status_code == 302
    assert login["Location"] == authorize_url(application, **params)

    page = browser.get(login["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "Confirm Access" in html
    assert '<strong id="client-name">Shop Front</strong>' in html
    assert "Full access to your account, with your roles and permissions" in html
    assert "Your identity: full name, email and roles" in html

    allowed = browser.post(AUTHORIZE, {**authorize_params(application, **params), "allow": "true"})
    assert allowed.status_code == 302
    assert allowed["Location"].startswith(REDIRECT + "?code=")
    assert set(query(allowed)) == {"code", "state"}
    assert query(allowed)["state"] == "444"

    exchanged = exchange(application, query(allowed)["code"], verifier=verifier)
    assert exchanged.status_code == 200
    assert exchanged["Content-Type"] == "application/json"
    assert exchanged["Cache-Control"] == "no-store"
    tokens = exchanged.json()
    assert set(tokens) == TOKEN_KEYS
    assert (tokens["token_type"], tokens["expires_in"], tokens["scope"]) == ("Bearer", 3600, "openid all")
    assert list(AccessToken.objects.values_list("token", flat=True)) == [""]  # stored as a checksum only
    assert list(RefreshToken.objects.values_list("token", flat=True)) == [""]

    api = Client()
    assert api.get(WHO, **bearer(tokens["access_token"])).json() == {"message": "jane"}

    refreshed = Client().post(TOKEN, {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
                              HTTP_AUTHORIZATION=basic(application))
    assert refreshed.status_code == 200
    renewed = refreshed.json()
    assert set(renewed) == TOKEN_KEYS
    assert renewed["access_token"] != tokens["access_token"]
    assert renewed["refresh_token"] != tokens["refresh_token"]
    assert api.get(WHO, **bearer(renewed["access_token"])).json() == {"message": "jane"}

    introspected = Client().post(INTROSPECT, {"token": renewed["access_token"]}, HTTP_AUTHORIZATION=basic(application))
    assert introspected.status_code == 200
    assert introspected.json()["active"] is True
    assert introspected.json()["sub"] == "jane"

    revoked = Client().post(REVOKE, {"token": renewed["access_token"]})
    assert (revoked.status_code, revoked.json()) == (200, {})
    after = api.get(WHO, **bearer(renewed["access_token"]))
    assert after.status_code == 401
    assert after.json()["exc_type"] == "AuthenticationError"


def test_deny_sends_access_denied_and_the_state_back(jane_client, application):
    response = consent(jane_client, application, allow=False, state="xyz")
    assert response.status_code == 302
    assert response["Location"].startswith(REDIRECT + "?")
    assert query(response) == {"error": "access_denied", "state": "xyz"}
    assert not Grant.objects.exists()


def test_a_code_works_once(jane_client, application):
    verifier, challenge = pkce()
    code = code_for(jane_client, application, code_challenge=challenge, code_challenge_method="S256")
    assert exchange(application, code, verifier=verifier).status_code == 200
    replay = exchange(application, code, verifier=verifier)
    assert replay.status_code == 400
    assert replay.json() == {"error": "invalid_grant", "error_description": (
        "The authorization code or refresh token is invalid, expired, revoked, already used, "
        "or was issued to another client or redirect URI")}
    assert not AccessToken.objects.exists()  # RFC 6749 4.1.2: the replay revokes what the code issued


@pytest.mark.parametrize("sent, error", [("the-wrong-verifier-" + "x" * 30, "invalid_grant"),
                                         (None, "invalid_request")])
def test_a_wrong_or_missing_code_verifier_is_refused(jane_client, application, sent, error):
    _, challenge = pkce()
    code = code_for(jane_client, application, code_challenge=challenge, code_challenge_method="S256")
    response = exchange(application, code, verifier=sent)
    assert response.status_code == 400
    assert response.json()["error"] == error
    assert not AccessToken.objects.exists()


@pytest.mark.filterwarnings("ignore:The PKCE \"plain\" code_challenge_method:DeprecationWarning")
def test_the_plain_code_challenge_method_works(jane_client, application):
    verifier, challenge = pkce("plain")
    code = code_for(jane_client, application, code_challenge=challenge, code_challenge_method="plain")
    response = exchange(application, code, verifier=verifier)
    assert response.status_code == 200, response.content
    assert Client().get(WHO, **bearer(response.json()["access_token"])).json() == {"message": "jane"}


def test_an_unregistered_redirect_uri_answers_json_and_never_redirects(jane_client, application):
    response = jane_client.get(AUTHORIZE, authorize_params(application, redirect_uri="https://evil.example/cb"))
    assert response.status_code == 400
    assert "Location" not in response
    assert response.json() == {"error": "invalid_request", "error_description": "Mismatching redirect URI."}


def test_a_code_is_bound_to_its_redirect_uri(jane_client):
    application = OAuthApplicationFactory(redirect_uris=f"{REDIRECT} https://client.example/other")
    code = code_for(jane_client, application)
    response = exchange(application, code, redirect_uri="https://client.example/other")
    assert response.status_code == 400
    assert response.json() == {"error": "invalid_request", "error_description": "Mismatching redirect URI."}
    assert not AccessToken.objects.exists()


@pytest.mark.parametrize("form, error", [
    ({"grant_type": "password", "username": "jane", "password": "secret"}, "unauthorized_client"),
    ({"grant_type": "client_credentials"}, "unauthorized_client"),
    ({"grant_type": "nonsense"}, "unsupported_grant_type"),
])
def test_grants_other_than_code_and_refresh_are_refused(jane, application, form, error):
    response = Client().post(TOKEN, form, HTTP_AUTHORIZATION=basic(application))
    assert response.status_code == 400
    assert response.json()["error"] == error
    assert not AccessToken.objects.exists()


def test_an_unknown_client_answers_json(jane_client, application):
    response = jane_client.get(AUTHORIZE, authorize_params(application, client_id="nobody"))
    assert response.status_code == 400
    assert response.json() == {"error": "invalid_request", "error_description": "Invalid client_id parameter value."}
    assert "Location" not in response


def test_an_incomplete_consent_form_is_refused_without_a_code(jane_client, application):
    response = jane_client.post(AUTHORIZE, {"client_id": application.client_id, "allow": "true"})
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    assert not Grant.objects.exists()


def test_the_id_token_verifies_with_pyjwt_and_the_client_secret(jane, jane_client, application):
    Group.objects.create(name="Sales Manager").user_set.add(jane)
    tokens = issue_tokens(jane_client, application, scope="openid all")
    payload = jwt.decode(tokens["id_token"], audience=application.client_id, key=CLIENT_SECRET,
                         algorithms=["HS256"])
    assert jwt.get_unverified_header(tokens["id_token"])["alg"] == "HS256"
    assert payload["aud"] == application.client_id
    assert payload["iss"] == "http://testserver"
    assert payload["sub"] == "jane"
    assert (payload["name"], payload["given_name"], payload["family_name"]) == ("Jane Doe", "Jane", "Doe")
    assert payload["email"] == "jane@example.com"
    assert payload["roles"] == ["All", "Guest", "Sales Manager"]
    assert payload["exp"] - payload["iat"] == 3600
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(tokens["id_token"], audience=application.client_id, key=CLIENT_SECRET + "x",
                   algorithms=["HS256"])
    application.refresh_from_db()
    assert identify_hasher(application.client_secret)  # stored hashed, never in clear


def test_the_id_token_carries_the_nonce(jane_client, application):
    verifier, challenge = pkce()
    code = code_for(jane_client, application, nonce="n-0S6_WzA2Mj", code_challenge=challenge,
                    code_challenge_method="S256")
    id_token = exchange(application, code, verifier=verifier).json()["id_token"]
    payload = jwt.decode(id_token, audience=application.client_id, key=CLIENT_SECRET, algorithms=["HS256"])
    assert payload["nonce"] == "n-0S6_WzA2Mj"


def test_without_the_openid_scope_there_is_no_id_token(jane_client, application):
    tokens = issue_tokens(jane_client, application, scope="all")
    assert set(tokens) == TOKEN_KEYS - {"id_token"}
    assert tokens["scope"] == "all"


def test_the_client_may_authenticate_with_http_basic(jane_client, application):
    code = code_for(jane_client, application)
    response = Client().post(TOKEN, {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT},
                             HTTP_AUTHORIZATION=basic(application))
    assert response.status_code == 200
    assert set(response.json()) == TOKEN_KEYS


def test_a_wrong_client_secret_is_refused(jane_client, application):
    code = code_for(jane_client, application)
    in_body = exchange(application, code, client_secret="wrong")
    assert in_body.status_code == 400
    assert in_body.json() == {"error": "invalid_client", "error_description": "Client authentication failed"}
    in_header = Client().post(TOKEN, {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT},
                              HTTP_AUTHORIZATION=basic(application, "wrong"))
    assert in_header.status_code == 401
    assert in_header.json()["error"] == "invalid_client"
    assert not AccessToken.objects.exists()


def test_a_public_client_must_use_pkce_and_needs_no_secret(jane_client):
    application = OAuthApplicationFactory(client_type="public", algorithm="", scopes="all openid")
    without = jane_client.get(AUTHORIZE, authorize_params(application, scope="all"))
    assert without.status_code == 302
    assert query(without)["error"] == "invalid_request"
    verifier, challenge = pkce()
    code = code_for(jane_client, application, scope="all", code_challenge=challenge, code_challenge_method="S256")
    response = Client().post(TOKEN, {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
                                     "client_id": application.client_id, "code_verifier": verifier})
    assert response.status_code == 200
    assert response.json()["scope"] == "all"


def test_an_application_without_id_token_signing_is_never_granted_openid(jane_client):
    application = OAuthApplicationFactory(client_type="public", algorithm="", scopes="all openid")
    _, challenge = pkce()
    response = jane_client.get(AUTHORIZE, authorize_params(application, scope="openid all", code_challenge=challenge,
                                                           code_challenge_method="S256"))
    assert response.status_code == 302
    assert query(response)["error"] == "invalid_scope"


def test_a_scope_beyond_the_applications_is_refused(jane_client):
    application = OAuthApplicationFactory(scopes="openid")
    response = jane_client.get(AUTHORIZE, authorize_params(application, scope="openid all"))
    assert response.status_code == 302
    assert query(response)["error"] == "invalid_scope"
    assert query(response)["state"] == "444"


def test_no_scope_asks_for_every_scope_of_the_application(jane_client, application):
    code = code_for(jane_client, application, scope=None)
    assert exchange(application, code).json()["scope"] == "all openid"


def test_skip_authorization_sends_the_code_without_the_page(jane_client):
    application = OAuthApplicationFactory(skip_authorization=True)
    response = jane_client.get(AUTHORIZE, authorize_params(application))
    assert response.status_code == 302
    assert set(query(response)) == {"code", "state"}


def test_an_hs256_secret_too_short_to_sign_is_a_clean_error(jane_client):
    application = OAuthApplicationFactory(client_secret="short", hash_client_secret=True)
    code = code_for(jane_client, application)
    response = exchange(application, code, client_secret="short")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_client"
    assert not AccessToken.objects.exists()


def test_the_token_endpoint_answers_a_wrong_verb_with_json_405():
    response = Client().get(TOKEN)
    assert response.status_code == 405
    assert response.json()["error"] == "invalid_request"
    assert response["Allow"] == "POST, OPTIONS"


def test_the_v1_prefix_serves_the_same_endpoints(jane_client, application):
    code = code_for(jane_client, application)
    response = Client().post("/api/v1/method/frappe.integrations.oauth2.get_token",
                             {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT},
                             HTTP_AUTHORIZATION=basic(application))
    assert response.status_code == 200, response.content
    assert Client().get(WHO, **bearer(response.json()["access_token"])).json() == {"message": "jane"}


@override_settings(MIDDLEWARE=[name for name in settings.MIDDLEWARE
                               if name not in ("django.middleware.csrf.CsrfViewMiddleware",
                                               "django.middleware.clickjacking.XFrameOptionsMiddleware")])
def test_the_consent_page_guards_itself_without_the_hosts_middleware(jane, application):
    client = Client(enforce_csrf_checks=True)
    client.force_login(jane)
    page = client.get(AUTHORIZE, authorize_params(application))
    assert page.status_code == 200
    assert page["X-Frame-Options"] == "DENY"
    forged = client.post(AUTHORIZE, {**authorize_params(application), "allow": "true"})
    assert forged.status_code == 403
    assert not Grant.objects.exists()
