"""``SESSION_ENGINE = "frappe_api.sessions"``: Django's ``cached_db`` sessions that keep working without the cache.

Django's ``cached_db`` store fails a request when the cache is unreachable
(``load`` writes the session back to the cache, ``exists`` and ``delete``
ask it). This one reaches the cache through ``frappe_api.resilience``: while
the cache is down, sessions are read from and written to the database alone.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.sessions.backends import cached_db

from .resilience import SharedCache

_session_cache = SharedCache(lambda: settings.SESSION_CACHE_ALIAS)


class SessionStore(cached_db.SessionStore):
    """Database-backed sessions cached in ``SESSION_CACHE_ALIAS``, degrading to the database alone."""

    def __init__(self, session_key: str | None = None) -> None:
        super().__init__(session_key)
        self._cache = _session_cache
