"""Helpers driving Frappe's OAuth endpoints through the HTTP stack (Django's test client)."""

from __future__ import annotations

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

from django.test import Client

from .factories import CLIENT_SECRET

METHOD = "/api/method/frappe.integrations.oauth2."
AUTHORIZE = METHOD + "authorize"
TOKEN = METHOD + "get_token"
REVOKE = METHOD + "revoke_token"
INTROSPECT = METHOD + "introspect_token"
PROFILE = METHOD + "openid_profile"
REDIRECT = "https://client.example/callback"
WHO = "/api/method/frappe.auth.get_logged_user"


def pkce(method: str = "S256") -> tuple[str, str]:
    """(code_verifier, code_challenge) as RFC 7636 makes them."""
    verifier = secrets.token_urlsafe(48)
    if method == "plain":
        return verifier, verifier
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def authorize_params(application, **overrides) -> dict:
    params = {"client_id": application.client_id, "response_type": "code", "redirect_uri": REDIRECT,
              "scope": "openid all", "state": "444"}
    params.update(overrides)
    return {key: value for key, value in params.items() if value is not None}


def authorize_url(application, **overrides) -> str:
    return f"{AUTHORIZE}?{urlencode(authorize_params(application, **overrides))}"


def query(response) -> dict[str, str]:
    """The query parameters of a redirect's Location."""
    return {key: values[0] for key, values in parse_qs(urlsplit(response["Location"]).query).items()}


def consent(client: Client, application, *, allow: bool = True, **overrides):
    """Open the consent page as the client's logged-in user, then press Allow (or Deny): the page's form."""
    page = client.get(AUTHORIZE, authorize_params(application, **overrides))
    assert page.status_code == 200, page.content
    hidden = {name: value for name, value in page.context["form"].initial.items() if value is not None}
    return client.post(AUTHORIZE, {**hidden, **({"allow": "true"} if allow else {"deny": "1"})})


def code_for(client: Client, application, **overrides) -> str:
    response = consent(client, application, **overrides)
    assert response.status_code == 302, response.content
    return query(response)["code"]


def basic(application, secret: str = CLIENT_SECRET) -> str:
    return "Basic " + base64.b64encode(f"{application.client_id}:{secret}".encode()).decode()


def exchange(application, code: str, *, verifier: str | None = None, redirect_uri: str = REDIRECT, **extra):
    """POST the authorization_code grant, authenticating with the secret in the body."""
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
            "client_id": application.client_id, "client_secret": CLIENT_SECRET, "code_verifier": verifier}
    form.update(extra)
    return Client().post(TOKEN, {key: value for key, value in form.items() if value is not None})


def issue_tokens(client: Client, application, scope: str = "openid all") -> dict:
    """The token response of a whole PKCE flow for the client's logged-in user."""
    verifier, challenge = pkce()
    code = code_for(client, application, scope=scope, code_challenge=challenge, code_challenge_method="S256")
    response = exchange(application, code, verifier=verifier)
    assert response.status_code == 200, response.content
    return response.json()


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}
