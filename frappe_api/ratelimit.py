"""``@frappe_api.rate_limit``: Frappe's per-method request limit for whitelisted functions.

Counters live in Django's cache and are incremented atomically (``add`` then
``incr``), so the limit holds across workers and machines when the cache is
shared (Redis in production). While the cache is unreachable the limits are not
enforced (they fail open; ``frappe_api.resilience`` logs the outage).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from .conf import api_settings
from .exceptions import RateLimitExceededError
from .resilience import shared_cache
from .rpc.context import current_request

F = TypeVar("F", bound=Callable[..., Any])
MESSAGE = "You hit the rate limit because of too many requests. Please try after sometime."


def client_ip(request: Any) -> str:
    """The caller's address as Django received it (``REMOTE_ADDR``; set it from a trusted proxy's header)."""
    return str(getattr(request, "META", {}).get("REMOTE_ADDR", "") or "unknown")


def locked_for(keys: Iterable[str]) -> int:
    """Whole seconds until the last lock on any of ``keys`` (set by ``count_failure``) ends; 0 when none is locked.
    While the shared cache is down, each process keeps its own counters."""
    now = time.time()
    ends = [until for key in keys if (until := shared_cache.get(f"{key}:until", local=True)) and until > now]
    return max(1, round(max(ends) - now)) if ends else 0


def count_failure(keys: Iterable[str], attempts: int, window: int) -> None:
    """Count one failure against each of ``keys``; a key reaching ``attempts`` inside ``window`` seconds is locked
    for ``window`` seconds (see ``locked_for``)."""
    for key in keys:
        if (shared_cache.count(key, window, local=True) or 0) >= attempts:
            shared_cache.set(f"{key}:until", time.time() + window, timeout=window, local=True)


def clear_failures(key: str) -> None:
    """Forget the failures counted against ``key``, and its lock."""
    shared_cache.delete_many([key, f"{key}:until"], local=True)


def check_limit(name: str, parts: Iterable[str], limit: int, seconds: int) -> None:
    """Count one call of ``name`` for the caller ``parts`` (an IP, an account...); 429 past ``limit`` calls in
    ``seconds``."""
    count = shared_cache.count(f"{api_settings.CACHE_PREFIX}:rl:{name}:{':'.join(parts)}", seconds)
    if count is not None and count > limit:
        raise RateLimitExceededError(MESSAGE)


def rate_limit(key: str | None = None, limit: int | Callable[[], int] = 5, seconds: int = 86400,
               methods: str | Iterable[str] = "ALL", ip_based: bool = True) -> Callable[[F], F]:
    """Allow ``limit`` calls per ``seconds`` per caller (its IP, the argument ``key``, or both); then 429.

    Put it under ``@frappe_api.whitelist``::

        @frappe_api.whitelist(allow_guest=True)
        @frappe_api.rate_limit(key="email", limit=5, seconds=3600)
        def reset_password(email: str): ...
    """
    verbs = "ALL" if methods == "ALL" else {m.upper() for m in ([methods] if isinstance(methods, str) else methods)}

    def decorate(func: F) -> F:
        name = f"{func.__module__}.{func.__qualname__}"

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            request = current_request()
            if request is not None and (verbs == "ALL" or request.method in verbs):
                parts = [client_ip(request)] if ip_based or not key else []
                if key:
                    parts.append(str(kwargs.get(key, "")))
                check_limit(name, parts, limit() if callable(limit) else limit, seconds)
            return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate
