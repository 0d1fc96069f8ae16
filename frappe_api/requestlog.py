"""The API Request Log: one row per ``/api/`` call, written after the response has been sent.

Add ``frappe_api.requestlog.RequestLogMiddleware`` to ``MIDDLEWARE`` and set
``FRAPPE_API["LOG_API_REQUESTS"] = True``. The row is written from the
response's close hook, so the client already has its answer; a failure to
write is reported to the ``frappe_api`` logger (at most once a minute), never to the client.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from .conf import api_settings
from .models import ApiRequestLog
from .permissions import user_name
from .ratelimit import client_ip
from .resilience import log_degraded


class RequestLogMiddleware:
    """Log every ``/api/`` request (path, method, user, status, duration, client IP) when enabled."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/") or not api_settings.LOG_API_REQUESTS:
            return self.get_response(request)
        started = time.perf_counter()
        response = self.get_response(request)
        row = {"path": request.path[:2048], "method": request.method[:10],
               "user": user_name(getattr(request, "user", None)), "status": response.status_code,
               "duration_ms": round((time.perf_counter() - started) * 1000, 3), "ip_address": client_ip(request)}
        response._resource_closers.append(lambda: write(row))
        return response


def write(row: dict[str, Any]) -> None:
    """Insert one log row; any failure goes to the logger."""
    try:
        if row.get("ip_address") == "unknown":
            row["ip_address"] = None
        ApiRequestLog.objects.create(**row)
    except Exception as exc:  # noqa: BLE001 - logging must never break the request it logs
        log_degraded("request log", f"Could not write the API Request Log row for {row.get('method')} "
                                    f"{row.get('path')}: {type(exc).__name__}: {exc}", exc)
