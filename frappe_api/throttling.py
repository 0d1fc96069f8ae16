"""A global request budget for ``/api/``: per user (per IP for Guest), in fixed windows, shared via the cache.

Set ``FRAPPE_API["REQUEST_BUDGET"] = {"limit": 1000, "window": 3600}``. Every
response then carries ``X-RateLimit-Limit``, ``X-RateLimit-Remaining`` and
``X-RateLimit-Reset``; past the limit the answer is 429
``TooManyRequestsError`` with ``Retry-After``. While the cache is unreachable the
budget is not enforced and the headers are left out.
"""

from __future__ import annotations

import time
from typing import Any

from rest_framework.throttling import BaseThrottle

from .conf import api_settings
from .permissions import user_name
from .ratelimit import client_ip
from .resilience import shared_cache


class RequestBudgetThrottle(BaseThrottle):
    """DRF throttle counting every request against the caller's budget (a no-op when none is set)."""

    def allow_request(self, request: Any, view: Any) -> bool:
        budget = api_settings.REQUEST_BUDGET
        if not budget:
            return True
        limit, window = int(budget["limit"]), int(budget["window"])
        user = getattr(request, "user", None)
        identity = f"user:{user_name(user)}" if getattr(user, "is_authenticated", False) else \
            f"ip:{client_ip(request)}"
        now = time.time()
        bucket = int(now // window)
        count = shared_cache.count(f"{api_settings.CACHE_PREFIX}:budget:{identity}:{bucket}", window)
        if count is None:  # the cache is unreachable: fail open
            return True
        reset = (bucket + 1) * window
        request._request.frappe_budget = (limit, max(0, limit - count), int(reset))
        self.retry_after = max(1, int(reset - now))
        return count <= limit

    def wait(self) -> float | None:
        return getattr(self, "retry_after", None)
