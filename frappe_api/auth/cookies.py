"""The cookies a logged-in browser carries besides the session: what front ends read, and how they are cleared."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

FRONT_END_COOKIES = ("full_name", "user_id", "system_user", "user_image")
"""The cookies front ends read (Frappe's names); the ``sid`` cookie itself is Django's session cookie."""


def full_name(user: Any) -> str:
    """First and last name, else the username."""
    return " ".join(part for part in (user.first_name, user.last_name) if part).strip() or user.get_username()


def clear_login_cookies(response: Any) -> None:
    """Delete the session and front-end cookies (logout, failed login, expired session)."""
    for name in (settings.SESSION_COOKIE_NAME, *FRONT_END_COOKIES):
        response.delete_cookie(name, path=settings.SESSION_COOKIE_PATH, domain=settings.SESSION_COOKIE_DOMAIN,
                               samesite=settings.SESSION_COOKIE_SAMESITE)


def set_front_end_cookies(request: HttpRequest, response: HttpResponseBase, user: Any, name: str) -> None:
    """The cookies front ends read (``full_name``, ``user_id``, ``system_user``, ``user_image``), living as
    long as the session. The ``sid`` cookie itself is Django's session cookie."""
    session = request.session
    max_age = None if session.get_expire_at_browser_close() else session.get_expiry_age()
    for cookie, value in (("full_name", name), ("user_id", user.get_username()),
                          ("system_user", "yes" if user.is_staff else "no"), ("user_image", "")):
        response.set_cookie(cookie, quote(value), max_age=max_age, path=settings.SESSION_COOKIE_PATH,
                            domain=settings.SESSION_COOKIE_DOMAIN, secure=request.is_secure(),
                            samesite=settings.SESSION_COOKIE_SAMESITE)
        if not value:  # sent empty, as Frappe sends it: Python's cookie encoder would write the two characters ""
            response.cookies[cookie].set(cookie, "", "")
