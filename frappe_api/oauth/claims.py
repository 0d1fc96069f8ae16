"""Who the token's user is, as Frappe's id_token, userinfo and introspection answer it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from oauth2_provider.settings import oauth2_settings

from ..auth.cookies import full_name
from ..permissions import user_roles


class _HeadersRequest(HttpRequest):
    """A Django request rebuilt from the ``META`` django-oauth-toolkit hands oauthlib as its headers."""

    def __init__(self, meta: dict[str, Any]) -> None:
        super().__init__()
        self.META = meta

    def _get_scheme(self) -> str:
        return "https" if self.META.get("X_DJANGO_OAUTH_TOOLKIT_SECURE") else "http"


def issuer(request: Any) -> str:
    """Frappe's ``iss``: the site's URL (``scheme://host``), or django-oauth-toolkit's ``OIDC_ISS_ENDPOINT``.

    ``request`` is Django's or oauthlib's.
    """
    if oauth2_settings.OIDC_ISS_ENDPOINT:
        return oauth2_settings.OIDC_ISS_ENDPOINT.rstrip("/")
    if not isinstance(request, HttpRequest):
        request = _HeadersRequest(dict(request.headers))
    return request.build_absolute_uri("/").rstrip("/")


def user_claims(user: Any, request: Any) -> dict[str, Any]:
    """``sub`` (the user's name in the API), ``name``, ``given_name``, ``family_name``, ``email``, ``roles``
    (sorted) and ``iss``."""
    return {
        "sub": user.get_username(),
        "name": full_name(user),
        "given_name": user.first_name,
        "family_name": user.last_name,
        "email": user.email,
        "roles": sorted(user_roles(user)),
        "iss": issuer(request),
    }
