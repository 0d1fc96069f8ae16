"""``/api/method/login`` and ``/api/method/logout`` (also under ``/api/v1/`` and ``/api/v2/``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth import login, logout
from django.urls import re_path
from rest_framework.request import Request
from rest_framework.response import Response

from ..auth.login import authenticate_login
from ..conf import api_settings
from ..runtime import session_expiry_seconds
from .base import FrappeAPIView

FRONT_END_COOKIES = ("full_name", "user_id", "system_user", "user_image")


def full_name(user: Any) -> str:
    """First and last name, else the username."""
    return " ".join(part for part in (user.first_name, user.last_name) if part).strip() or user.get_username()


def clear_login_cookies(response: Any) -> None:
    """Delete the session and front-end cookies (logout, failed login, expired session)."""
    for name in (settings.SESSION_COOKIE_NAME, *FRONT_END_COOKIES):
        response.delete_cookie(name, samesite="Lax")


class LoginView(FrappeAPIView):
    """``usr``/``pwd`` as JSON or form → 200 ``{"message": "Logged In", "home_page", "full_name"}`` and cookies."""

    authentication_classes: list = []

    def get_authenticators(self) -> list:
        return []

    def login(self, request: Request) -> Response:
        args = self.form_dict(request)
        user = authenticate_login(request._request, args.get("usr"), args.get("pwd"))
        login(request._request, user)
        expiry = session_expiry_seconds()
        if expiry:
            request._request.session.set_expiry(expiry)
        name = full_name(user)
        response = Response({"message": "Logged In", "home_page": api_settings.HOME_PAGE, "full_name": name})
        secure = request.is_secure()
        for cookie, value in (("full_name", name), ("user_id", user.get_username()),
                              ("system_user", "yes" if user.is_staff else "no"), ("user_image", "")):
            response.set_cookie(cookie, quote(value), samesite="Lax", secure=secure,
                                max_age=settings.SESSION_COOKIE_AGE)
        return response

    get = post = put = delete = patch = login

    def handle_exception(self, exc: Exception) -> Response:
        response = super().handle_exception(exc)
        clear_login_cookies(response)
        return response


class LogoutView(FrappeAPIView):
    """End the session and clear the cookies; answers ``{}``."""

    def logout(self, request: Request) -> Response:
        logout(request._request)
        response = Response({})
        clear_login_cookies(response)
        return response

    get = post = logout

    def get_authenticators(self) -> list:
        return []


def auth_patterns() -> list:
    return [re_path(r"^method/login/?$", LoginView.as_view(), name="login"),
            re_path(r"^method/logout/?$", LogoutView.as_view(), name="logout")]
