"""The values a page gives Frappe's front ends before they make a request (Frappe's boot): ``csrf_token`` and
``site_name``."""

from __future__ import annotations

from django.http import HttpRequest
from django.middleware.csrf import get_token

from .auth.csrf import session_csrf_token


def csrf_token_for(request: HttpRequest) -> str:
    """The token a page gives its scripts (sent back as ``X-Frappe-CSRF-Token``): the session's token for a
    logged-in user, else Django's CSRF token."""
    return session_csrf_token(request) or get_token(request)


def site_name_for(request: HttpRequest) -> str:
    """Frappe's ``site_name`` for this request: the host name it was addressed to, without a port."""
    host = request.get_host()
    return host if host.endswith("]") or ":" not in host else host.rsplit(":", 1)[0]


def boot_values(request: HttpRequest, site_name: str | None = None) -> dict[str, str]:
    """``{"csrf_token", "site_name"}`` for a page answering ``request``."""
    return {"csrf_token": csrf_token_for(request), "site_name": site_name or site_name_for(request)}
