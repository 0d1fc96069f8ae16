"""frappe_api's middleware.

``APIErrorMiddleware`` (first in ``MIDDLEWARE``): every error under ``/api/``
answers Frappe's JSON body, whatever raised it and wherever, other middleware
included.

``LegacyCommandMiddleware``: Frappe's old ``cmd`` dispatch at the site root,
used by the Python FrappeClient and frappe-js-sdk. ``POST /`` (or ``GET /``) with
``cmd=<method>`` in the query string, the form or a JSON body (frappe-js-sdk's
``forgetPassword``) answers exactly as ``/api/method/<method>`` does
(``cmd=login``, ``cmd=logout``, ``cmd=frappe.client.get_value``...). Requests
without ``cmd``, and every other path, go on to the host project untouched.
"""

from __future__ import annotations

import logging
import sys

import orjson
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.signals import got_request_exception
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase

from . import exceptions as fx
from .api.errors import error_body, error_headers, to_frappe_exception
from .api.session import LoginView, LogoutView
from .api.renderers import dumps
from .api.rpc import MethodView
from .auth.cookies import FRONT_END_COOKIES

logger = logging.getLogger("frappe_api")

# Frappe's error for a status code Django's own handlers (or other middleware) answered with a page.
STATUS_ERRORS: dict[int, type[fx.FrappeAPIException]] = {
    401: fx.AuthenticationError, 403: fx.PermissionError, 404: fx.DoesNotExistError, 405: fx.MethodNotAllowed,
    413: fx.RequestEntityTooLarge, 415: fx.UnsupportedMediaType, 429: fx.TooManyRequestsError,
    503: fx.DatabaseUnavailable,
}
_UNCAUGHT = "_frappe_api_uncaught_exception"


def _remember_uncaught(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    # Django converts an exception to a response at the layer that raised it; keep it for APIErrorMiddleware.
    if request is not None:
        setattr(request, _UNCAUGHT, sys.exc_info()[1])


got_request_exception.connect(_remember_uncaught, dispatch_uid="frappe_api_remember_uncaught")


def is_api_path(path: str) -> bool:
    """True for the paths answering Frappe's JSON (``/api`` and below)."""
    return path == "/api" or path.startswith("/api/")


def _status_error(response: HttpResponseBase) -> fx.FrappeAPIException:
    error_class = STATUS_ERRORS.get(response.status_code, fx.FrappeAPIException)
    error = error_class(response.reason_phrase)
    error.http_status_code = response.status_code
    return error


def error_response(request: HttpRequest, exc: BaseException,
                   replaced: HttpResponseBase | None = None) -> HttpResponse:
    """Frappe's JSON error response for ``exc`` on ``request``, keeping the headers and cookies of the page it
    replaces (CORS, Vary...)."""
    version = 2 if request.path.startswith("/api/v2/") else 1
    try:
        error = to_frappe_exception(exc)
        body, headers = error_body(error, version=version, original=exc), error_headers(error, request)
        status = error.http_status_code
    except Exception:  # noqa: BLE001 - building the body failed too: answer the bare minimum
        logger.exception("Could not build the error body for %s", request.path)
        body, headers, status = {"exc_type": "Exception", "exception": "Internal Server Error"}, {}, 500
    response = HttpResponse(dumps(body), status=status, content_type="application/json")
    if replaced is not None:
        for name, value in replaced.items():
            if name.lower() not in ("content-type", "content-length", "content-disposition"):
                response[name] = value
        response.cookies = replaced.cookies
        # Django logged the page (and the exception) already; the JSON in its place is not a second error.
        response._has_been_logged = getattr(replaced, "_has_been_logged", False)  # type: ignore[attr-defined]
    for name, value in headers.items():
        response[name] = value
    return response


class APIErrorMiddleware:
    """Answer every error under ``/api/`` with Frappe's JSON body: an exception escaping any view or middleware
    below (Django has logged it to ``django.request`` with its traceback), and any error page Django or another
    middleware produced. A database outage is a 503 ``DatabaseUnavailable`` with ``Retry-After``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not is_api_path(request.path):
            return self.get_response(request)
        response = self.get_response(request)
        exc = getattr(request, _UNCAUGHT, None)
        if exc is not None:
            return error_response(request, exc, response)
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith("application/json"):
            return error_response(request, _status_error(response), response)
        return response


def _bad_request(exc: BaseException) -> fx.FrappeAPIException:
    error = fx.FrappeAPIException(str(exc) or "Bad Request")
    error.http_status_code = 400
    return error


def legacy_command(request: HttpRequest) -> str | None:
    """The ``cmd`` of a request to the site root: from the query string, else (POST) the form or a JSON object
    body; None when there is none (or the body is not JSON, or too large to read)."""
    cmd = request.GET.get("cmd")
    if cmd or request.method != "POST":
        return cmd or None
    if request.content_type != "application/json":
        return request.POST.get("cmd") or None
    try:
        body = orjson.loads(request.body) if request.body else None
    except orjson.JSONDecodeError:
        return None
    cmd = body.get("cmd") if isinstance(body, dict) else None
    return cmd if isinstance(cmd, str) and cmd else None


class LegacyCommandMiddleware:
    """Route ``/?cmd=...`` (or a form or JSON body naming ``cmd``) to frappe_api's method views."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path != "/" or request.method not in ("GET", "POST"):
            return self.get_response(request)
        try:
            cmd = request.GET.get("cmd") or (request.POST.get("cmd") if request.method == "POST" else None)
        except SuspiciousOperation as exc:  # an oversized form, too many fields: answered as the API would
            return error_response(request, exc if isinstance(exc, RequestDataTooBig) else _bad_request(exc))


        cmd = legacy_command(request)
        if not cmd:
            return self.get_response(request)
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
        response = self.get_response(request)
        if request.is_secure():
            for name in (settings.SESSION_COOKIE_NAME, *FRONT_END_COOKIES):
                if name in response.cookies:
                    response.cookies[name]["secure"] = True
        return response
