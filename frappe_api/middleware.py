"""``LegacyCommandMiddleware``: Frappe's old ``cmd`` dispatch at the site root, used by the Python FrappeClient.

``POST /`` (or ``GET /``) with ``cmd=<method>`` answers exactly as
``/api/method/<method>`` does (``cmd=login``, ``cmd=logout``,
``cmd=frappe.client.get_value``...). Requests without ``cmd``, and every
other path, go on to the host project untouched.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class LegacyCommandMiddleware:
    """Route ``/?cmd=...`` to frappe_api's method views."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path != "/" or request.method not in ("GET", "POST"):
            return self.get_response(request)
        cmd = request.GET.get("cmd") or (request.POST.get("cmd") if request.method == "POST" else None)
        if not cmd:
            return self.get_response(request)
        from .api.method import LoginView, LogoutView
        from .api.rpc import MethodView

        if cmd == "login":
            response = LoginView.as_view()(request)
        elif cmd == "logout":
            response = LogoutView.as_view()(request)
        else:
            response = MethodView.as_view()(request, cmd=cmd)
        return response.render() if hasattr(response, "render") and not response.is_rendered else response


class SecureCookiesMiddleware:
    """Mark the session and front-end cookies ``Secure`` whenever the request came over HTTPS.

    Put it above ``SessionMiddleware`` so it sees the session cookie that middleware sets.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings

        from .api.method import FRONT_END_COOKIES

        response = self.get_response(request)
        if request.is_secure():
            for name in (settings.SESSION_COOKIE_NAME, *FRONT_END_COOKIES):
                if name in response.cookies:
                    response.cookies[name]["secure"] = True
        return response
