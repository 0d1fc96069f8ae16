"""The request a whitelisted method runs for, without passing it as an argument (clients cannot inject it)."""

from __future__ import annotations

import contextvars
from typing import Any

_request: contextvars.ContextVar[Any] = contextvars.ContextVar("frappe_api_request", default=None)


def set_request(request: Any) -> contextvars.Token:
    """Make ``request`` current for the methods called while it is served."""
    return _request.set(request)


def reset_request(token: contextvars.Token) -> None:
    """Forget the request set by ``set_request``."""
    _request.reset(token)


def current_request() -> Any:
    """The request being served (None outside a method call)."""
    return _request.get()


def current_user() -> Any:
    """The user the current method runs as (anonymous outside a request)."""
    from django.contrib.auth.models import AnonymousUser

    request = _request.get()
    return getattr(request, "user", None) or AnonymousUser()


def request_argument(name: str) -> Any:
    """One raw argument of the current call, for built-ins whose Frappe parameter is a reserved name."""
    return getattr(_request.get(), "frappe_arguments", {}).get(name)


def set_response_header(name: str, value: str) -> None:
    """Send the header ``name: value`` with the answer of the current call (for example ``Cache-Control:
    no-store`` on an answer carrying a secret)."""
    request = _request.get()
    if request is not None:
        headers = getattr(request, "frappe_response_headers", None)
        if headers is None:
            headers = request.frappe_response_headers = {}
        headers[name] = value


def response_headers(request: Any) -> dict[str, str]:
    """The headers the calls made for ``request`` asked to send."""
    return getattr(request, "frappe_response_headers", None) or {}


def set_response_key(name: str, value: Any) -> None:
    """Answer ``name: value`` at the top level of the body, beside ``message`` (Frappe's ``frappe.response``:
    ``docs`` and ``docinfo`` of the form loaders, ``exc`` and ``_debug_messages`` of ``debug``)."""
    request = _request.get()
    if request is not None:
        keys = getattr(request, "frappe_response_keys", None)
        if keys is None:
            keys = request.frappe_response_keys = {}
        keys[name] = value


def response_keys(request: Any) -> dict[str, Any]:
    """The top-level keys the calls made for ``request`` asked to answer."""
    return getattr(request, "frappe_response_keys", None) or {}


def set_response_status(status: int) -> None:
    """Answer the current call with HTTP ``status`` instead of 200, keeping its result as the body (Frappe's
    ``frappe.local.response.http_status_code``)."""
    request = _request.get()
    if request is not None:
        request.frappe_response_status = status


def response_status(request: Any) -> int:
    """The status the calls made for ``request`` asked for (200 when none did)."""
    return getattr(request, "frappe_response_status", None) or 200


def msgprint(message: str, title: str = "") -> None:
    """Show ``message`` to the user with the answer of the current call (Frappe's ``_server_messages``)."""
    request = _request.get()
    if request is not None:
        messages = getattr(request, "frappe_server_messages", None)
        if messages is None:
            messages = request.frappe_server_messages = []
        messages.append({"message": message, "title": title, "indicator": "green"} if title
                        else {"message": message})


def server_messages(request: Any) -> list[dict[str, str]]:
    """The messages the calls made for ``request`` asked to show."""
    return getattr(request, "frappe_server_messages", None) or []


def set_login(user: Any) -> None:
    """The current call logged ``user`` in: its answer sets the front-end cookies (``user_id``, ``full_name``...)
    as ``/api/method/login`` does."""
    request = _request.get()
    if request is not None:
        request.frappe_login_user = user


def login_user(request: Any) -> Any:
    """The user a call made for ``request`` logged in, if any."""
    return getattr(request, "frappe_login_user", None)
