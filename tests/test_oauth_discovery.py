"""OpenID Connect discovery at Frappe's method path and at /.well-known/openid-configuration."""

import pytest
from django.test import Client, override_settings

from frappe_api.oauth.settings import PROVIDER_SETTINGS

pytestmark = pytest.mark.django_db

BASE = "http://testserver/api/method/frappe.integrations.oauth2."
EXPECTED = {
    "issuer": "http://testserver",
    "authorization_endpoint": BASE + "authorize",
    "token_endpoint": BASE + "get_token",
    "userinfo_endpoint": BASE + "openid_profile",
    "revocation_endpoint": BASE + "revoke_token",
    "introspection_endpoint": BASE + "introspect_token",
    "jwks_uri": "http://testserver/.well-known/jwks.json",
    "response_types_supported": ["code", "token", "id_token", "id_token token", "code token", "code id_token",
                                 "code id_token token"],
    "grant_types_supported": ["authorization_code", "refresh_token"],
    "subject_types_supported": ["public"],
    "id_token_signing_alg_values_supported": ["HS256"],
    "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
    "code_challenge_methods_supported": ["S256", "plain"],
    "scopes_supported": ["all", "openid"],
    "claims_supported": ["sub", "name", "given_name", "family_name", "email", "roles", "iss", "aud", "exp", "iat",
                         "auth_time", "nonce", "at_hash"],
}


@pytest.mark.parametrize("path", ["/.well-known/openid-configuration",
                                  "/api/method/frappe.integrations.oauth2.openid_configuration",
                                  "/api/v1/method/frappe.integrations.oauth2.openid_configuration"])
def test_discovery_points_at_frappes_endpoints(path):
    response = Client().get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == EXPECTED


def test_discovery_follows_the_requests_scheme_and_host():
    body = Client().get("/.well-known/openid-configuration", HTTP_HOST="localhost", secure=True).json()
    assert body["issuer"] == "https://localhost"
    assert body["token_endpoint"] == "https://localhost/api/method/frappe.integrations.oauth2.get_token"


def test_a_configured_issuer_wins():
    with override_settings(OAUTH2_PROVIDER={**PROVIDER_SETTINGS, "OIDC_ISS_ENDPOINT": "https://erp.example.com/"}):
        assert Client().get("/.well-known/openid-configuration").json()["issuer"] == "https://erp.example.com"


def test_discovery_is_read_only():
    response = Client().post("/.well-known/openid-configuration")
    assert response.status_code == 405
    assert response.json()["error"] == "invalid_request"


def test_jwks_lists_no_key_without_an_rsa_key():
    response = Client().get("/.well-known/jwks.json")
    assert (response.status_code, response.json()) == (200, {"keys": []})
