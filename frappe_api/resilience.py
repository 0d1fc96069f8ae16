"""How the API degrades when its shared cache is unreachable: every cache call on the request path goes here.

``shared_cache`` wraps the calls frappe_api makes on Django's cache
(``FRAPPE_API["CACHE_ALIAS"]``). When the backend raises (Redis down, a
timeout, anything else), the call answers its fallback instead (a miss, no
write, no count), the failure is logged at ERROR at most once a minute per
process, and the cache is left alone for ``RETRY_SECONDS`` so a dead cache
costs no network round trip per request. ``log_degraded`` is the same rate
limited logger, for any other degradation (the database, the request log).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache

from .conf import api_settings

logger = logging.getLogger("frappe_api")

# After a failure, answer fallbacks without asking the cache for this long.
RETRY_SECONDS = 5.0
# At most one ERROR line per degradation kind per process in this many seconds.
LOG_INTERVAL_SECONDS = 60.0

_last_logged: dict[str, float] = {}


def log_degraded(kind: str, message: str, exc: BaseException | None = None) -> None:
    """Log ``message`` at ERROR (with ``exc``'s traceback), at most once per ``LOG_INTERVAL_SECONDS`` per ``kind``."""
    now = time.monotonic()
    last = _last_logged.get(kind)
    if last is not None and now - last < LOG_INTERVAL_SECONDS:
        return
    _last_logged[kind] = now
    logger.error(message, exc_info=exc)


def _increment(cache: Any, key: str, seconds: int) -> int:
    cache.add(key, 0, timeout=seconds)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=seconds)
        return 1


class SharedCache:
    """Django's cache for frappe_api, answering fallbacks (and logging) while the backend is unreachable.

    With ``local=True`` a call uses a cache inside this process while the shared one is unreachable, for
    state that must keep working per process (the login lockout).
    """

    def __init__(self, alias: Callable[[], str] = lambda: api_settings.CACHE_ALIAS) -> None:
        self._alias = alias
        self._down_until = 0.0
        self._local = LocMemCache("frappe_api_local_fallback", {"OPTIONS": {"MAX_ENTRIES": 10000}})

    def available(self) -> bool:
        """False while a recent failure keeps the cache out of the request path."""
        return time.monotonic() >= self._down_until

    def reset(self) -> None:
        """Forget a recorded failure and the local fallback's contents (tests)."""
        self._down_until = 0.0
        self._local.clear()
        _last_logged.clear()

    def _run(self, operation: Callable[[Any], Any], fallback: Any, local: bool) -> Any:
        if self.available():
            try:
                return operation(caches[self._alias()])
            except Exception as exc:  # noqa: BLE001 - any backend failure degrades, never fails the request
                self._down_until = time.monotonic() + RETRY_SECONDS
                log_degraded("cache", f"The shared cache is unreachable ({type(exc).__name__}: {exc}); serving "
                                      f"without it (settings from the database, rate limits open), retrying every "
                                      f"{RETRY_SECONDS:g} s", exc)
        return operation(self._local) if local else fallback

    def call(self, operation: Callable[[Any], Any], fallback: Any = None) -> Any:
        """``operation(cache)`` on the shared cache with the same outage handling as every call here: its fallback
        while the cache is unreachable (e.g. ``invalidation``'s subscription and publishing)."""
        return self._run(operation, fallback, False)

    def get(self, key: str, *, local: bool = False) -> Any:
        """The value of ``key``, or None (also when the cache is unreachable)."""
        return self._run(lambda cache: cache.get(key), None, local)

    def get_many(self, keys: list[str]) -> dict[str, Any]:
        """The values found for ``keys`` (none when the cache is unreachable)."""
        return self._run(lambda cache: cache.get_many(keys), {}, False)

    def set(self, key: str, value: Any, timeout: float | None, *, local: bool = False) -> None:
        """Store ``value`` under ``key`` (nothing when the cache is unreachable)."""
        self._run(lambda cache: cache.set(key, value, timeout=timeout), None, local)

    def add(self, key: str, value: Any, timeout: float | None) -> None:
        """Store ``value`` under ``key`` unless it is set (nothing when the cache is unreachable)."""
        self._run(lambda cache: cache.add(key, value, timeout=timeout), None, False)

    def delete(self, key: str) -> None:
        """Remove ``key`` (nothing when the cache is unreachable)."""
        self._run(lambda cache: cache.delete(key), None, False)

    def __contains__(self, key: str) -> bool:
        """Whether ``key`` is set (False when the cache is unreachable)."""
        return bool(self._run(lambda cache: key in cache, False, False))

    def delete_many(self, keys: list[str], *, local: bool = False) -> None:
        """Remove ``keys`` (nothing when the cache is unreachable)."""
        self._run(lambda cache: cache.delete_many(keys), None, local)

    def count(self, key: str, seconds: int, *, local: bool = False) -> int | None:
        """Add one to the counter ``key`` living ``seconds`` and answer the count; None when the cache is
        unreachable (callers fail open)."""
        return self._run(lambda cache: _increment(cache, key, seconds), None, local)


shared_cache = SharedCache()
