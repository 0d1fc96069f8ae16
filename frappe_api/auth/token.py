"""``Authorization: token <key>:<secret>`` and ``Authorization: Basic base64(<key>:<secret>)`` (DRF classes).

Basic carries the API key pair, not a password, as in Frappe. Any failure —
unknown key, wrong secret, no colon, bad base64 — is the same 401, whose
``WWW-Authenticate`` names ``Token`` and ``Basic realm="frappe"`` (``Basic``
left out for a browser's script, which would otherwise open the browser's
password dialog).
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from rest_framework import authentication

from ..exceptions import AuthenticationError
from .challenge import from_browser_script
from .keys import user_for_keys

FAILED = "Invalid API key or secret"
REALM = "frappe"


def _pair(text: str) -> tuple[str, str]:
    key, colon, secret = text.partition(":")
    if not colon or not key or not secret:
        raise AuthenticationError(FAILED)
    return key, secret


class TokenAuthentication(authentication.BaseAuthentication):
    """Frappe's API key authentication, usable by any DRF view."""

    def authenticate(self, request: Any) -> tuple[Any, None] | None:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        scheme, _, credentials = header.strip().partition(" ")
        scheme, credentials = scheme.lower(), credentials.strip()
        if scheme == "token":
            key, secret = _pair(credentials)
        elif scheme == "basic":
            try:
                decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
            except (binascii.Error, ValueError, UnicodeDecodeError):
                raise AuthenticationError(FAILED) from None
            key, secret = _pair(decoded)
        else:
            return None
        user = user_for_keys(key, secret)
        if user is None:
            raise AuthenticationError(FAILED)
        return user, None

    def authenticate_header(self, request: Any) -> str:
        return "Token" if from_browser_script(request) else f'Token, Basic realm="{REALM}"'


class RejectUnusedAuthorization(authentication.BaseAuthentication):
    """Last in line: an ``Authorization`` header that authenticated nobody is a 401, as in Frappe."""

    def authenticate(self, request: Any) -> None:
        header = request.META.get("HTTP_AUTHORIZATION", "").strip()
        if header and len(header.split()) == 2:
            raise AuthenticationError(FAILED)
        return None
