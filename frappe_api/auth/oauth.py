"""``Authorization: Bearer <token>``: access tokens issued by django-oauth-toolkit.

The token is looked up the way django-oauth-toolkit stores it (by checksum)
and must be valid (not expired, not revoked) and belong to an active user.
Unlike django-oauth-toolkit's own DRF class, the request URL is not re-parsed
by oauthlib, so Frappe filters containing ``%`` keep working.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from rest_framework import authentication

from ..exceptions import AuthenticationError


def access_token(value: str) -> Any:
    """django-oauth-toolkit's access token row for ``value``, or None."""
    from oauth2_provider.models import get_access_token_model

    checksum = hashlib.sha256(value.encode("utf-8")).hexdigest()
    return get_access_token_model().objects.select_related("user", "application").filter(
        token_checksum=checksum).first()


class BearerAuthentication(authentication.BaseAuthentication):
    """OAuth2 bearer tokens (needs ``oauth2_provider`` in ``INSTALLED_APPS``); a bad one is a 401."""

    def authenticate(self, request: Any) -> tuple[Any, Any] | None:
        scheme, _, value = request.META.get("HTTP_AUTHORIZATION", "").strip().partition(" ")
        if scheme.lower() != "bearer" or "oauth2_provider" not in settings.INSTALLED_APPS:
            return None
        token = access_token(value.strip()) if value.strip() else None
        if token is None or not token.is_valid() or token.user is None or not token.user.is_active:
            raise AuthenticationError("Invalid or expired access token")
        return token.user, token

    def authenticate_header(self, request: Any) -> str:
        return "Bearer"
