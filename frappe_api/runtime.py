"""Runtime settings: the ``API Settings`` row (Single DocType ``System Settings``) over ``FRAPPE_API``.

``api_settings.LOGIN_ATTEMPTS`` (any of ``conf.RUNTIME_SETTINGS``) answers the
operator's value when one is set in the admin, else the Django setting, through
``resolve`` (registered on ``api_settings`` at app start). The row's values are kept in Django's
cache and dropped on every save, so every worker sees a change at its next
read (with a shared cache such as Redis). While the cache is unreachable the row
is read from the database at most once per ``resilience.RETRY_SECONDS`` per process.

Inside a request the row is read once, with the registry's version token
(``request_cache``).
"""

from __future__ import annotations

import time
from typing import Any

from django.db import transaction
from django.db.utils import DatabaseError

from . import settings_rules
from .conf import api_settings
from .models import ApiSettings
from .request_cache import cached, changed, read_per_request, remember
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


read_per_request(_cache_key)  # the row comes with the registry version, in one round trip per request


def values() -> dict[str, Any]:
    """The stored row's values (empty when none is stored), from the cache when possible."""
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
    changed(_cache_key(), None)
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
