"""``/api/method/login`` and ``/api/method/logout`` (also under ``/api/v1/``, and ``/api/v2/`` answering ``data``)."""

from __future__ import annotations


from django.contrib.auth import logout
from rest_framework.request import Request
from rest_framework.response import Response

from ..auth.cookies import clear_login_cookies, full_name, set_front_end_cookies
from ..auth.csrf import check_cross_origin
from ..auth.login import authenticate_login
from ..auth.session import end_sid_parameter_session, start_session
from ..conf import api_settings
from ..exceptions import CSRFTokenError
from .base import FrappeAPIView


class LoginView(FrappeAPIView):
    """``usr``/``pwd`` as JSON or form → 200 ``{"message": "Logged In", "home_page", "full_name"}`` and cookies.

    Every method (a GET with ``usr``/``pwd`` logs in too) obeys the cross-origin rule, cookie or not: a
    foreign page may not log the browser into another account (login CSRF).
    """

    result_key = "message"

    def get_authenticators(self) -> list:
        return []

    def login(self, request: Request) -> Response:
        check_cross_origin(request._request)
        args = self.form_dict(request)
        user = authenticate_login(request._request, args.get("usr"), args.get("pwd"))
        start_session(request._request, user)
        name = full_name(user)
        response = Response({self.result_key: "Logged In", "home_page": api_settings.HOME_PAGE, "full_name": name})
        set_front_end_cookies(request._request, response, user, name)
        return response

    get = post = put = delete = patch = login

    def handle_exception(self, exc: Exception) -> Response:
        response = super().handle_exception(exc)
        if not isinstance(exc, CSRFTokenError):  # a refused foreign page must not log the browser out either
            clear_login_cookies(response)
        return response


class LoginV2View(LoginView):
    api_version = 2
    result_key = "data"


class LogoutView(FrappeAPIView):
    """End the session (the cookie's, and the one a ``sid`` parameter names) and clear the cookies: ``{}``.
    Every method obeys the cross-origin rule, so a foreign page cannot log the browser out."""

    def get_authenticators(self) -> list:
        return []

    def logout(self, request: Request) -> Response:
        check_cross_origin(request._request)
        end_sid_parameter_session(request._request)
        logout(request._request)
        response = Response({})
        clear_login_cookies(response)
        return response

    get = post = logout


class LogoutV2View(LogoutView):
    api_version = 2
