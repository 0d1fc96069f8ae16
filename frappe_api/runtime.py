"""Runtime settings: the ``API Settings`` row (Single DocType ``System Settings``) over ``FRAPPE_API``.

``api_settings.LOGIN_ATTEMPTS`` (any of ``conf.RUNTIME_SETTINGS``) answers the
operator's value when one is set in the admin, else the Django setting, through
``resolve`` (registered on ``api_settings`` at app start). The row's values are kept in Django's
cache and dropped on every save, so every worker sees a change at its next
read (with a shared cache such as Redis). While the cache is unreachable the row
is read from the database at most once per ``resilience.RETRY_SECONDS`` per process.

Inside a request, ``cached(key)`` reads such shared state once: the row and
every key registered with ``read_per_request`` (the registry's version token)
come in one round trip, at the first read, and serve the rest of the request.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from typing import Any

import time

from django.core.signals import request_finished, request_started
from django.db import transaction

from .conf import api_settings
from . import settings_rules
from .resilience import RETRY_SECONDS, log_degraded, shared_cache

FIELDS = {
    "LOGIN_ATTEMPTS": "allow_consecutive_login_attempts",
    "LOGIN_LOCKOUT_SECONDS": "allow_login_after_fail",
    "SHOW_TRACEBACK": "allow_error_traceback",
    "LOG_API_REQUESTS": "log_api_requests",
    "ALLOW_GUEST_UPLOADS": "allow_guests_to_upload_files",
    "MAX_PAGE_LENGTH": "max_page_length",
}


def _cache_key() -> str:
    return f"{api_settings.CACHE_PREFIX}:runtime_settings"


# What the current request read from the shared cache, by key; None outside a request.
_request_reads: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "frappe_api_request_reads", default=None)
_per_request_keys: list[Callable[[], str]] = [_cache_key]


def _start_request(**kwargs: Any) -> None:
    _request_reads.set({})


def _finish_request(**kwargs: Any) -> None:
    _request_reads.set(None)


request_started.connect(_start_request, weak=False, dispatch_uid="frappe_api_request_reads_started")
request_finished.connect(_finish_request, weak=False, dispatch_uid="frappe_api_request_reads_finished")


def read_per_request(key: Callable[[], str]) -> None:
    """Fetch the cache key ``key()`` with the settings row, once per request (see ``cached``)."""
    _per_request_keys.append(key)


def cached(key: str) -> Any:
    """The shared cache's value for ``key``. Inside a request the first read fetches it together with every
    per-request key in one round trip, and later reads answer that; outside a request every read asks the cache."""
    reads = _request_reads.get()
    if reads is None:
        return shared_cache.get(key)
    if key not in reads:
        wanted = {key, *(per_request() for per_request in _per_request_keys)} - reads.keys()
        found = shared_cache.get_many(list(wanted))
        reads.update((name, found.get(name)) for name in wanted)
    return reads[key]


def remember(key: str, value: Any) -> None:
    """What this process just wrote to ``key`` (None: read it again), for the rest of the request."""
    reads = _request_reads.get()
    if reads is not None:
        if value is None:
            reads.pop(key, None)
        else:
            reads[key] = value


def values() -> dict[str, Any]:
    """The stored row's values (empty when none is stored), from the cache when possible."""
    from django.db.utils import DatabaseError

    from .models import ApiSettings

    stored = cached(_cache_key())
    if stored is not None:
        return stored
    if not shared_cache.available() and _unshared[0] > time.monotonic():
        return _unshared[1]
    try:
        stored = ApiSettings.objects.order_by("pk").values().first() or {}
    except DatabaseError:  # not migrated yet, or the database is unreachable
        return {}
    shared_cache.set(_cache_key(), stored, timeout=None)
    remember(_cache_key(), stored)
    _unshared[:] = [time.monotonic() + RETRY_SECONDS, stored]
    return stored


# The row as this process last read it from the database, and until when it serves while the cache is down.
_unshared: list[Any] = [0.0, {}]


def invalidate(**kwargs: Any) -> None:
    """Forget the cached row (connected to the model's save and delete); inside a transaction again at commit,
    since another process may have cached the row as it was before the commit."""
    _forget_row()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(_forget_row)


def _forget_row() -> None:
    shared_cache.delete_many([_cache_key()])
    remember(_cache_key(), None)
    _unshared[0] = 0.0


def _refused(field: str, value: Any, problem: str) -> None:
    """Log (at ERROR, rate limited) a stored value the runtime ignores in favour of the default."""
    log_degraded(f"setting:{field}", f"API Settings.{field} = {value!r} is invalid ({problem}); serving the "
                                     f"FRAPPE_API default instead. Correct it in the admin.")


def resolve(name: str, configured: Any) -> Any:
    """The value in force for the runtime setting ``name``: the operator's when set in the admin, else
    ``configured`` (the ``FRAPPE_API`` value); a stored value the API cannot run with is ignored (and logged).
    ``api_settings`` answers its ``RUNTIME_SETTINGS`` through this (registered at app start)."""
    stored = values()
    if name == "REQUEST_BUDGET":
        limit, window = stored.get("request_budget_limit"), stored.get("request_budget_window")
        if limit is None and window is None:
            return configured
        problem = settings_rules.budget_problem(limit, window)
        if problem:
            _refused("request_budget_limit", (limit, window), problem)
            return configured
        return {"limit": limit, "window": window}
    if name == "TIME_ZONE":
        value = stored.get("time_zone") or None
        if problem := settings_rules.time_zone_problem(value):
            _refused("time_zone", value, problem)
            return configured
        return value or configured
    if name == "SESSION_EXPIRY_SECONDS":
        value = stored.get("session_expiry")
        if problem := settings_rules.session_expiry_problem(value):
            _refused("session_expiry", value, problem)
            return configured
        return settings_rules.session_expiry_seconds(value) or configured
    field = FIELDS[name]
    value = stored.get(field)
    if value is None:
        return configured
    if name == "MAX_PAGE_LENGTH" and (problem := settings_rules.positive_problem(value)):
        _refused(field, value, problem)
        return configured
    return value
