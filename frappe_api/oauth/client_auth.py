"""How an OAuth client proves who it is: its credentials, the secret check, and the throttle on failures.

Every failed client authentication (a wrong secret or an unknown client_id)
is counted per client_id and per IP; past ``FRAPPE_API["OAUTH_CLIENT_AUTH_ATTEMPTS"]``
inside the window both answer 429 ``temporarily_unavailable`` with
``Retry-After`` before any hashing is done. An unknown client_id is checked
against a dummy hash made by ``CLIENT_SECRET_HASHER``, so it costs what a
known client costs and answers the same ``invalid_client``.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import secrets
from typing import Any
from urllib.parse import unquote_plus

from django.conf import settings
from django.contrib.auth.hashers import check_password, get_hasher, identify_hasher, make_password
from django.utils.crypto import constant_time_compare
from oauth2_provider.models import get_application_model
from oauth2_provider.settings import oauth2_settings
from oauthlib.oauth2.rfc6749.errors import OAuth2Error

from ..conf import api_settings
from ..ratelimit import count_failure, locked_for
from .hashers import KeyedClientSecretHasher


class ClientAuthenticationThrottled(OAuth2Error):
    """429: too many failed client authentications for this client_id or IP."""

    error = "temporarily_unavailable"
    status_code = 429

    def __init__(self, retry_after: int, request: Any = None) -> None:
        self.retry_after = retry_after
        super().__init__(description=f"Too many failed client authentications: try again in {retry_after} seconds",
                         request=request)

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after), "Cache-Control": "no-store"}


def presented_credentials(request: Any) -> tuple[str | None, str]:
    """(client_id, client_secret) of an oauthlib request: HTTP Basic when sent (RFC 6749 2.3.1 allows one method
    per request), else the body; (None, "") when there are none."""
    scheme, _, credentials = (request.headers.get("HTTP_AUTHORIZATION") or "").partition(" ")
    if scheme == "Basic":
        try:
            decoded = base64.b64decode(credentials).decode(getattr(request, "encoding", None)
                                                           or settings.DEFAULT_CHARSET)
        except (binascii.Error, ValueError):
            return None, ""
        client_id, colon, secret = decoded.partition(":")
        return (unquote_plus(client_id), unquote_plus(secret)) if colon else (None, "")
    return request.client_id, request.client_secret or ""


def _failure_keys(client_id: str, request: Any) -> list[str]:
    prefix = f"{api_settings.CACHE_PREFIX}:oauth-client"
    client = hashlib.sha256(client_id.encode("utf-8", "surrogatepass")).hexdigest()
    ip = str(request.headers.get("REMOTE_ADDR") or "unknown")
    return [f"{prefix}:id:{client}", f"{prefix}:ip:{ip}"]


def check_throttle(client_id: str, request: Any) -> None:
    """Raise ``ClientAuthenticationThrottled`` while this client_id or the caller's IP is locked."""
    if not api_settings.OAUTH_CLIENT_AUTH_ATTEMPTS:
        return
    remaining = locked_for(_failure_keys(client_id, request))
    if remaining:
        raise ClientAuthenticationThrottled(remaining, request)


def record_failure(client_id: str, request: Any) -> None:
    """Count a failed client authentication against the client_id and the IP."""
    if api_settings.OAUTH_CLIENT_AUTH_ATTEMPTS:
        count_failure(_failure_keys(client_id, request), api_settings.OAUTH_CLIENT_AUTH_ATTEMPTS,
                      api_settings.OAUTH_CLIENT_AUTH_LOCKOUT_SECONDS)


@functools.lru_cache(maxsize=8)
def _dummy_hash(hasher: str) -> str:
    return make_password(secrets.token_urlsafe(96), hasher=hasher)


def dummy_secret_hash() -> str:
    """A hash of a random secret, made as a new client secret would be: checking a secret of an unknown
    client_id against it costs what a known client's check costs."""
    return _dummy_hash(oauth2_settings.CLIENT_SECRET_HASHER)


def _rehash(application: Any, secret: str, stored: str) -> None:
    """Store ``secret`` (just verified against ``stored``) with ``CLIENT_SECRET_HASHER`` when ``stored`` was made
    by another hasher (an older password hash) or is outdated; a secret too short for the keyed hash stays."""
    preferred = get_hasher(oauth2_settings.CLIENT_SECRET_HASHER)
    if isinstance(preferred, KeyedClientSecretHasher) and not preferred.accepts(secret):
        return
    current = identify_hasher(stored)
    if current.algorithm == preferred.algorithm and not current.must_update(stored):
        return
    fresh = make_password(secret, hasher=preferred)
    get_application_model().objects.filter(pk=application.pk, client_secret=stored).update(client_secret=fresh)
    application.client_secret = fresh


def secret_matches(application: Any | None, secret: str) -> bool:
    """Whether ``secret`` is ``application``'s client secret (hashed or, when the application keeps it in
    clear, compared in constant time); None (an unknown client) is checked against a dummy hash and fails."""
    stored = application.client_secret if application is not None else dummy_secret_hash()
    try:
        identify_hasher(stored)
    except ValueError:  # a secret stored in clear (hash_client_secret off, e.g. for HS256 id_tokens)
        return application is not None and bool(stored) and constant_time_compare(secret, stored)
    matches = check_password(secret, stored)
    if matches and application is not None:
        _rehash(application, secret, stored)
    return matches and application is not None
