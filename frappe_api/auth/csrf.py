"""CSRF: Frappe's per-session token and the one cross-origin rule every browser write and every login obeys.

The rule (Go's ``net/http`` ``CrossOriginProtection``, adapted), checked by
``check_cross_origin``:

1. ``Sec-Fetch-Site: same-origin`` or ``none`` (typed in the address bar, a
   bookmark) passes;
2. any other ``Sec-Fetch-Site`` (``same-site``, ``cross-site``) passes only
   when ``Origin`` is trusted: listed exactly in ``CSRF_TRUSTED_ORIGINS`` or
   in django-cors-headers' ``CORS_ALLOWED_ORIGINS`` (wildcard entries match
   nothing);
3. without ``Sec-Fetch-Site`` (older browsers, plain HTTP), an ``Origin``
   must equal the request's own origin (scheme, host and port) or be trusted;
4. a request with neither header comes from a non-browser client (curl,
   the Python FrappeClient) and passes.

A request the rule refuses still passes with a valid token: Frappe's
``X-Frappe-CSRF-Token`` (or ``csrf_token`` form field) for the request's
session, or Django's ``X-CSRFToken`` under Django's own rules. The origin
``null`` is never trusted. Refusals are Frappe's 400 ``CSRFTokenError``
"Invalid Request".
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from rest_framework.authentication import CSRFCheck

from ..exceptions import CSRFTokenError

PASSING_FETCH_SITES = ("same-origin", "none")


def session_csrf_token(request: Any) -> str | None:
    """Frappe's per-session CSRF token (``window.csrf_token``): a keyed hash of the session key."""
    session = getattr(request, "session", None)
    key = getattr(session, "session_key", None)
    if not key:
        return None
    return hmac.new(settings.SECRET_KEY.encode(), f"frappe-csrf:{key}".encode(), hashlib.sha256).hexdigest()


def csrf_token_is_valid(request: HttpRequest) -> bool:
    """True when the request carries its session's Frappe token, or Django's token accepted by Django's rules."""
    frappe_token = request.META.get("HTTP_X_FRAPPE_CSRF_TOKEN") or request.POST.get("csrf_token")
    if frappe_token:
        expected = session_csrf_token(request)
        return bool(expected) and hmac.compare_digest(str(frappe_token), expected)
    if not request.META.get(settings.CSRF_HEADER_NAME):
        return False
    check = CSRFCheck(lambda _request: None)  # Django's own token keeps Django's own rules
    check.process_request(request)
    return check.process_view(request, None, (), {}) is None


def origin_is_trusted(origin: str) -> bool:
    """True when ``origin`` is listed exactly (scheme, host and port) in ``CSRF_TRUSTED_ORIGINS`` or
    ``CORS_ALLOWED_ORIGINS`` (a wildcard entry is taken literally, so no browser's origin matches it); ``null``
    is never trusted."""
    listed = (*getattr(settings, "CSRF_TRUSTED_ORIGINS", ()), *getattr(settings, "CORS_ALLOWED_ORIGINS", ()))
    return origin != "null" and origin in listed


def _passes_without_token(request: HttpRequest) -> bool:
    fetch_site = request.META.get("HTTP_SEC_FETCH_SITE")
    origin = request.META.get("HTTP_ORIGIN")
    if fetch_site is not None:
        if fetch_site.lower() in PASSING_FETCH_SITES:
            return True
        return origin is not None and origin_is_trusted(origin)
    if origin is None:
        return True
    return origin == f"{request.scheme}://{request.get_host()}" or origin_is_trusted(origin)


def check_cross_origin(request: HttpRequest) -> None:
    """Refuse (400 ``CSRFTokenError``) a browser request from another, untrusted origin that carries no valid
    token. Callers decide which requests it guards: cookie-session writes, login and logout."""
    if not _passes_without_token(request) and not csrf_token_is_valid(request):
        raise CSRFTokenError("Invalid Request")
