"""django-oauth-toolkit's request validator with Frappe's claims, issuer and id_token key, and its refusals.

Frappe signs id_tokens with HS256 keyed by the client secret, so a client
verifies them with the secret it holds. django-oauth-toolkit keys HS256 with
the *stored* secret, and therefore refuses to hash it. Here the key is the
secret the client presented at the token endpoint (every grant that issues an
id_token authenticates the client there), so secrets stay hashed at rest.

Client authentication is throttled and costs the same for unknown clients
(``client_auth``); no code, refresh token or access token of an inactive user
is accepted; a code presented a second time revokes what it issued
(``revocation``).
"""

from __future__ import annotations

import copy
from collections import OrderedDict
from typing import Any

from django.contrib.auth.hashers import identify_hasher
from oauth2_provider.models import AbstractApplication
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauthlib.oauth2.rfc6749.errors import InvalidGrantError

from .claims import issuer, user_claims
from .client_auth import check_throttle, presented_credentials, record_failure, secret_matches
from .revocation import remember_used_code, revoke_token_response, revoke_used_code

# RFC 7518 3.2: an HS256 key has at least as many bits as the hash (jwcrypto refuses shorter ones).
MIN_HS256_SECRET_BYTES = 32


def is_hashed(secret: str) -> bool:
    """Whether a stored client secret is a Django password hash."""
    try:
        identify_hasher(secret)
    except ValueError:
        return False
    return True


def _active(user: Any) -> bool:
    return user is not None and bool(getattr(user, "is_active", True))


class FrappeOAuth2Validator(OAuth2Validator):
    """Frappe's OAuth behaviour on django-oauth-toolkit (its ``OAUTH2_VALIDATOR_CLASS``)."""

    # Frappe answers every claim to the openid scope, not per OIDC's profile/email scopes.
    oidc_claim_scope = None

    def authenticate_client(self, request: Any, *args: Any, **kwargs: Any) -> bool:
        """HTTP Basic or body credentials; refused with 429 while the client_id or IP is throttled, and an unknown
        client_id is checked against a dummy hash (same work, same ``invalid_client``)."""
        client_id, secret = presented_credentials(request)
        if not client_id:
            return False
        check_throttle(client_id, request)
        application = self._load_application(client_id, request)
        if not secret_matches(application, secret):
            record_failure(client_id, request)
            return False
        request.presented_client_secret = secret
        return True

    def validate_code(self, client_id: str, code: str, client: Any, request: Any, *args: Any, **kwargs: Any) -> bool:
        """A live code of an active user; a code already exchanged revokes the tokens it issued."""
        if not super().validate_code(client_id, code, client, request, *args, **kwargs):
            revoke_used_code(code)
            return False
        return _active(request.user)

    def save_bearer_token(self, token: dict, request: Any, *args: Any, **kwargs: Any) -> Any:
        saved = super().save_bearer_token(token, request, *args, **kwargs)
        request.issued_token = token
        return saved

    def invalidate_authorization_code(self, client_id: str, code: str, request: Any, *args: Any,
                                      **kwargs: Any) -> None:
        """Delete the code and remember what it issued; a code another request consumed meanwhile is a replay:
        this request's tokens and that request's are revoked."""
        issued = getattr(request, "issued_token", {})
        try:
            super().invalidate_authorization_code(client_id, code, request, *args, **kwargs)
        except InvalidGrantError:
            revoke_token_response(issued)
            revoke_used_code(code)
            raise
        remember_used_code(code, issued)

    def validate_refresh_token(self, refresh_token: str, client: Any, request: Any, *args: Any,
                               **kwargs: Any) -> bool:
        """django-oauth-toolkit's checks (rotation, reuse, expiry, client), and the user must be active."""
        return (super().validate_refresh_token(refresh_token, client, request, *args, **kwargs)
                and _active(request.user))

    def validate_bearer_token(self, token: str, scopes: list[str], request: Any) -> bool:
        """django-oauth-toolkit's checks, and a token issued to a user needs that user active."""
        if not super().validate_bearer_token(token, scopes, request):
            return False
        if request.user is not None and not _active(request.user):
            request.user = request.access_token = None
            request.oauth2_error = OrderedDict([("error", "invalid_token"),
                                                ("error_description", "The access token is invalid.")])
            return False
        return True

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
