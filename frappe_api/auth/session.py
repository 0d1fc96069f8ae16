"""Cookie sessions as Frappe clients use them: the ``sid`` cookie (or ``sid`` parameter) and a CSRF policy
that is safe for browsers and works for every non-browser client.

CSRF, for cookie-authenticated POST, PUT, PATCH and DELETE:

* a valid ``X-Frappe-CSRF-Token`` (Frappe's per-session token, a keyed hash of
  the session key) always passes, as does Django's ``X-CSRFToken`` under Django's rules;
* otherwise ``Sec-Fetch-Site: cross-site`` is refused; ``same-origin``,
  ``same-site`` and ``none`` pass;
* without ``Sec-Fetch-Site``, an ``Origin`` must equal (scheme, host and port)
  the request's own origin or one of ``CSRF_TRUSTED_ORIGINS`` exactly;
* a request with neither header comes from a non-browser client (the Python
  FrappeClient, scripts with a cookie jar) and passes.

Refusals are Frappe's 400 ``CSRFTokenError`` "Invalid Request".

A ``sid`` (cookie or parameter) naming no live login (unknown, expired,
logged out, or its user since disabled, deleted or given a new password)
continues as Guest and marks the request ``frappe_session_expired``; the API
views then add ``"session_expired": 1`` and clear the cookies. A live
anonymous session (a host's cart, say) is left alone.
"""

from __future__ import annotations

import hashlib
import hmac
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest
from django.utils.module_loading import import_string
from rest_framework import authentication
from rest_framework.authentication import CSRFCheck

from ..exceptions import CSRFTokenError

UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


def session_csrf_token(request: Any) -> str | None:
    """Frappe's per-session CSRF token (``window.csrf_token``): a keyed hash of the session key."""
    session = getattr(request, "session", None)
    key = getattr(session, "session_key", None)
    if not key:
        return None
    return hmac.new(settings.SECRET_KEY.encode(), f"frappe-csrf:{key}".encode(), hashlib.sha256).hexdigest()


def _token_is_valid(request: Any) -> bool:
    django_request = request._request
    frappe_token = django_request.META.get("HTTP_X_FRAPPE_CSRF_TOKEN") or django_request.POST.get("csrf_token")
    if frappe_token:
        expected = session_csrf_token(django_request)
        return bool(expected) and hmac.compare_digest(str(frappe_token), expected)
    if not django_request.META.get(settings.CSRF_HEADER_NAME):
        return False
    check = CSRFCheck(lambda _request: None)  # Django's own token keeps Django's own rules
    check.process_request(django_request)
    return check.process_view(django_request, None, (), {}) is None


def _origin_is_trusted(request: Any, origin: str) -> bool:
    own = f"{request.scheme}://{request.get_host()}"
    return origin == own or origin in getattr(settings, "CSRF_TRUSTED_ORIGINS", ())


def enforce_csrf(request: Any) -> None:
    """Refuse a cross-site browser write that carries no valid token."""
    if request.method not in UNSAFE or _token_is_valid(request):
        return
    fetch_site = request.META.get("HTTP_SEC_FETCH_SITE")
    origin = request.META.get("HTTP_ORIGIN")
    if fetch_site is not None:
        if fetch_site.lower() == "cross-site":
            raise CSRFTokenError("Invalid Request")
    elif origin is not None and not _origin_is_trusted(request, origin):
        raise CSRFTokenError("Invalid Request")


def _session_store(session_key: str) -> SessionBase:
    return import_string(settings.SESSION_ENGINE).SessionStore(session_key=session_key)


def sid_parameter(request: HttpRequest) -> str | None:
    """The ``sid`` request parameter (query string or form), unless absent or Frappe's ``Guest``."""
    sid = request.GET.get("sid") or (request.POST.get("sid") if request.method == "POST" else None)
    return sid if sid and sid != "Guest" else None


def end_sid_parameter_session(request: HttpRequest) -> None:
    """Delete the session a ``sid`` parameter names (the logout of a client that sends no cookie)."""
    sid = sid_parameter(request)
    if sid:
        _session_store(sid).flush()


def is_dead(session: SessionBase) -> bool:
    """For a session that authenticated nobody: True when it no longer exists (unknown, expired, flushed by
    Django on a password change) or still holds a login whose user may not log in any more."""
    holds_login = SESSION_KEY in session  # loads it; a missing session comes back without a key
    return session.session_key is None or holds_login


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_active", False))


class SessionAuthentication(authentication.BaseAuthentication):
    """The Django session (cookie ``SESSION_COOKIE_NAME``, ``sid`` for Frappe clients, or a ``sid`` parameter)."""

    def authenticate(self, request: Any) -> tuple[Any, None] | None:
        django_request = request._request
        user = getattr(django_request, "user", None)
        if not _active(user):
            user = self._user_from_sid_parameter(django_request)
        if not _active(user):
            cookie = django_request.COOKIES.get(settings.SESSION_COOKIE_NAME)
            session = getattr(django_request, "session", None)
            if cookie and cookie != "Guest" and session is not None and is_dead(session):
                django_request.frappe_session_expired = True
            return None
        enforce_csrf(request)
        return user, None

    def _user_from_sid_parameter(self, request: HttpRequest) -> Any:
        sid = sid_parameter(request)
        if sid is None:
            return None
        session = _session_store(sid)
        user = get_user(SimpleNamespace(session=session))  # Django's checks: backend, auth hash, active user
        if not _active(user) and is_dead(session):
            request.frappe_session_expired = True
        return user
