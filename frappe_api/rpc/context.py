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


def set_response_value(key: str, value: Any) -> None:
    """Put ``key`` in the answer of the current call, next to ``message`` (as Frappe's ``frappe.response``:
    ``docs`` from ``run_doc_method``)."""
    request = _request.get()
    if request is not None:
        values = getattr(request, "frappe_response_values", None)
        if values is None:
            values = request.frappe_response_values = {}
        values[key] = value


def response_values(request: Any) -> dict[str, Any]:
    """The extra answer keys the calls made for ``request`` set."""
    return getattr(request, "frappe_response_values", None) or {}


def response_headers(request: Any) -> dict[str, str]:
    """The headers the calls made for ``request`` asked to send."""
    return getattr(request, "frappe_response_headers", None) or {}
