"""django-oauth-toolkit's request validator with Frappe's claims, issuer and id_token key.

Frappe signs id_tokens with HS256 keyed by the client secret, so a client
verifies them with the secret it holds. django-oauth-toolkit keys HS256 with
the *stored* secret, and therefore refuses to hash it. Here the key is the
secret the client presented at the token endpoint (every grant that issues an
id_token authenticates the client there), so secrets stay hashed at rest.
"""

from __future__ import annotations

import base64
import binascii
import copy
from typing import Any
from urllib.parse import unquote_plus

from django.contrib.auth.hashers import identify_hasher
from oauth2_provider.models import AbstractApplication
from oauth2_provider.oauth2_validators import OAuth2Validator

from .claims import issuer, user_claims

# RFC 7518 3.2: an HS256 key has at least as many bits as the hash (jwcrypto refuses shorter ones).
MIN_HS256_SECRET_BYTES = 32


def is_hashed(secret: str) -> bool:
    """Whether a stored client secret is a Django password hash."""
    try:
        identify_hasher(secret)
    except ValueError:
        return False
    return True


def presented_secret(request: Any) -> str | None:
    """The client secret sent with an oauthlib request: HTTP Basic (preferred by RFC 6749) or the body."""
    scheme, _, credentials = (request.headers.get("HTTP_AUTHORIZATION") or "").partition(" ")
    if scheme == "Basic":
        try:
            decoded = base64.b64decode(credentials).decode(getattr(request, "encoding", None) or "utf-8")
        except (binascii.Error, ValueError):
            return None
        _, colon, secret = decoded.partition(":")
        return unquote_plus(secret) if colon else None
    return getattr(request, "client_secret", None)


class FrappeOAuth2Validator(OAuth2Validator):
    """Frappe's OAuth behaviour on django-oauth-toolkit (its ``OAUTH2_VALIDATOR_CLASS``)."""

    # Frappe answers every claim to the openid scope, not per OIDC's profile/email scopes.
    oidc_claim_scope = None

    def authenticate_client(self, request: Any, *args: Any, **kwargs: Any) -> bool:
        authenticated = super().authenticate_client(request, *args, **kwargs)
        if authenticated:
            request.presented_client_secret = presented_secret(request)
        return authenticated

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        return user_claims(request.user, request)

    def get_oidc_issuer_endpoint(self, request: Any) -> str:
        return issuer(request)

    def finalize_id_token(self, id_token: dict, token: dict, token_handler: Any, request: Any) -> str:
        client = request.client
        if client.algorithm == AbstractApplication.HS256_ALGORITHM and is_hashed(client.client_secret):
            # Sign with the secret the client just authenticated with: an unsaved copy holds it as the key.
            request.client = copy.copy(client)
            request.client.client_secret = getattr(request, "presented_client_secret", None) or ""
        try:
            return super().finalize_id_token(id_token, token, token_handler, request)
        finally:
            request.client = client

    def _get_key_for_token(self, token: str) -> Any:
        """No key can verify an id_token signed with a secret that is only stored hashed: such tokens are
        never accepted back (as ``id_token_hint``), rather than failing the request."""
        from django.core.exceptions import ImproperlyConfigured

        try:
            return super()._get_key_for_token(token)
        except ImproperlyConfigured:
            return None
