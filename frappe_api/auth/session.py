"""Cookie sessions as Frappe clients use them: the ``sid`` cookie (or ``sid`` parameter), with every
cookie-authenticated request but GET, HEAD and OPTIONS held to the cross-origin rule of
``frappe_api.auth.csrf`` (same-origin browser requests, trusted origins, a valid
token, and non-browser clients pass; other cross-origin browser writes are
Frappe's 400 ``CSRFTokenError``).

A ``sid`` (cookie or parameter) naming no live login (unknown, expired,
logged out, or its user since disabled, deleted or given a new password)
continues as Guest and marks the request ``frappe_session_expired``; the API
views then add ``"session_expired": 1`` and clear the cookies. A live
anonymous session (a host's cart, say) is left alone.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user, login
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest
from django.utils.functional import LazyObject, empty
from django.utils.module_loading import import_string
from rest_framework import authentication

from ..conf import api_settings
from .csrf import check_cross_origin

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def enforce_csrf(request: Any) -> None:
    """Hold a session-authenticated request in any method but GET, HEAD and OPTIONS to the cross-origin rule."""
    if request.method not in SAFE_METHODS:
        check_cross_origin(request._request)


def start_session(request: HttpRequest, user: Any) -> None:
    """Log ``user`` in on the request's session (a new session key), for the site's session expiry."""
    login(request, user)
    expiry = api_settings.SESSION_EXPIRY_SECONDS
    if expiry:
        request.session.set_expiry(expiry)


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


def _unwrapped(user: Any) -> Any:
    """The user behind Django's lazy ``request.user`` once it is loaded: the request's user from here on (DRF sets
    it on the Django request too), so the many reads of its attributes a request makes skip the proxy."""
    if isinstance(user, LazyObject) and user._wrapped is not empty:
        return user._wrapped
    return user


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
        return _unwrapped(user), None

    def _user_from_sid_parameter(self, request: HttpRequest) -> Any:
        sid = sid_parameter(request)
        if sid is None:
            return None
        session = _session_store(sid)
        user = get_user(SimpleNamespace(session=session))  # Django's checks: backend, auth hash, active user
        if not _active(user) and is_dead(session):
            request.frappe_session_expired = True
        return user
