"""``Authorization: Bearer <token>``: access tokens issued by django-oauth-toolkit.

The token is checked by django-oauth-toolkit's own validator (its
``OAUTH2_VALIDATOR_CLASS``), so expiry, revocation, resource audiences,
introspection against a remote server and a custom validator all apply; it
must also belong to an active user. Unlike django-oauth-toolkit's DRF class,
the query string is not handed to oauthlib (which refuses a ``%`` that is not
an escape), so Frappe filters such as ``["description", "like", "%a%"]`` keep
working.

A token reaches the API only with the scope ``FRAPPE_API["OAUTH_API_SCOPE"]``
(Frappe's ``all``); a valid token without it (say, ``openid`` alone, for
sign-in) is a 403.

Its challenge follows RFC 6750: ``Bearer``, ``Bearer error="invalid_token"``
after a bad token (401), ``Bearer error="insufficient_scope", scope="..."``
after a token without the API scope (403).
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from rest_framework import authentication

from ..conf import api_settings
from ..exceptions import AuthenticationError, PermissionError

FAILED = "Invalid or expired access token"


def bearer_token(request: Any) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header ("" when empty), or None for any other header."""
    scheme, _, value = request.META.get("HTTP_AUTHORIZATION", "").strip().partition(" ")
    return value.strip() if scheme.lower() == "bearer" else None


def bearer_user(token: str, request: Any) -> tuple[Any, Any] | None:
    """(user, access token) for a valid ``token`` of an active user, or None."""
    from oauth2_provider.settings import oauth2_settings
    from oauthlib.common import Request as OAuthRequest

    core_request = OAuthRequest(request.build_absolute_uri(request.path), http_method=request.method)
    if not oauth2_settings.OAUTH2_VALIDATOR_CLASS().validate_bearer_token(token, [], core_request):
        return None
    user = core_request.user
    if user is None or not user.is_active:
        return None
    return user, core_request.access_token


class BearerAuthentication(authentication.BaseAuthentication):
    """OAuth2 bearer tokens (needs ``oauth2_provider`` in ``INSTALLED_APPS``); a bad one is a 401, one without
    the API scope a 403."""

    def authenticate(self, request: Any) -> tuple[Any, Any] | None:
        token = bearer_token(request)
        if token is None or not apps.is_installed("oauth2_provider"):
            return None
        found = bearer_user(token, request) if token else None
        if found is None:
            request.frappe_bearer_error = 'error="invalid_token"'
            raise AuthenticationError(FAILED)
        scope = api_settings.OAUTH_API_SCOPE
        if scope and not found[1].allow_scopes([scope]):
            request.frappe_bearer_error = f'error="insufficient_scope", scope="{scope}"'
            raise PermissionError(f"Insufficient Permission: the access token's scope does not include {scope}")
        return found

    def authenticate_header(self, request: Any) -> str | None:
        if not apps.is_installed("oauth2_provider"):
            return None
        error = getattr(request, "frappe_bearer_error", None)
        return f"Bearer {error}" if error else "Bearer"
