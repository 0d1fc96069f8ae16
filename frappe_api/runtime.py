"""Runtime settings: the ``API Settings`` row (Single DocType ``System Settings``) over ``FRAPPE_API``.

``setting("LOGIN_ATTEMPTS")`` answers the operator's value when one is set in
the admin, else the Django setting. The row's values are kept in Django's
cache and dropped on every save, so every worker sees a change at its next
read (with a shared cache such as Redis).
"""

from __future__ import annotations

from typing import Any

from django.core.cache import caches

from .conf import api_settings

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


def values() -> dict[str, Any]:
    """The stored row's values (empty when none is stored), from the cache when possible."""
    from django.db.utils import DatabaseError

    from .models import ApiSettings

    cache = caches[api_settings.CACHE_ALIAS]
    cached = cache.get(_cache_key())
    if cached is None:
        try:
            cached = ApiSettings.objects.order_by("pk").values().first() or {}
        except DatabaseError:  # not migrated yet
            return {}
        cache.set(_cache_key(), cached, timeout=None)
    return cached


def invalidate(**kwargs: Any) -> None:
    """Forget the cached row (connected to the model's save and delete)."""
    caches[api_settings.CACHE_ALIAS].delete(_cache_key())


def setting(name: str) -> Any:
    """The operator's value for ``name`` when set in the admin, else ``api_settings.<name>``."""
    if name == "REQUEST_BUDGET":
        stored = values()
        if stored.get("request_budget_limit") and stored.get("request_budget_window"):
            return {"limit": stored["request_budget_limit"], "window": stored["request_budget_window"]}
        return api_settings.REQUEST_BUDGET
    value = values().get(FIELDS[name])
    return getattr(api_settings, name) if value is None else value


def session_expiry_seconds() -> int | None:
    """``session_expiry`` ("hours:minutes") in seconds, or None to keep Django's ``SESSION_COOKIE_AGE``."""
    text = str(values().get("session_expiry") or "").strip()
    hours, _, minutes = text.partition(":")
    if not text or not hours.isdigit() or (minutes and not minutes.isdigit()):
        return None
    return int(hours) * 3600 + int(minutes or 0) * 60


def time_zone() -> str | None:
    """The operator's time zone for the API, or None for Django's ``TIME_ZONE``."""
    return values().get("time_zone") or None
