"""Push invalidation of shared state over Redis pub/sub: no cache round trip per request for it.

When frappe_api's cache (``FRAPPE_API["CACHE_ALIAS"]``) is Django's ``RedisCache`` (or django-redis), each
process subscribes to one channel. A process that changes a shared key (the runtime settings row, the
registry's version token) writes the cache, then publishes the key's name; every process applies the
pending messages at the start of its next request, a non-blocking read of its own socket (no round trip),
and drops its copy of the named keys. Since the message is published after the write, and on a shared Redis
reaches every subscriber's socket before the publisher's response is even sent, every worker sees the change
at its next request, as with a read per request.

``PushChannel.poll`` answers whether the channel is live (subscribed, confirmed, no error since): only then may
a process keep copies across requests. Otherwise (another cache backend, Redis unreachable, a subscription
lost) callers read the cache once per request as before, and while Redis is down ``resilience`` keeps the
cache out of the request path for ``RETRY_SECONDS``. A subscription made or made again means messages may have
been missed: every copy is dropped.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.redis import RedisCache

from .conf import api_settings
from .resilience import RETRY_SECONDS, log_degraded, shared_cache

# Drop the copy of one key (its name), or of every key (None).
Forget = Callable[[str | None], None]


def redis_client(cache: Any) -> Any:
    """The redis-py client behind a Django cache (its primary), or None when the cache is not Redis."""
    if isinstance(cache, RedisCache):
        return cache._cache.get_client(write=True)
    get_client = getattr(getattr(cache, "client", None), "get_client", None)  # django-redis
    return get_client(write=True) if callable(get_client) else None


def channel_name(cache: Any, client: Any) -> str:
    """The channel of frappe_api's cache: its key prefix and database number, so sites sharing a Redis server
    stay apart (pub/sub channels are server-wide)."""
    database = client.connection_pool.connection_kwargs.get("db", 0)
    return f"{cache.make_key(f'{api_settings.CACHE_PREFIX}:invalidate')}@{database}"


class PushChannel:
    """This process's subscription to the invalidation channel; ``forget`` drops this process's copies."""

    def __init__(self, forget: Forget) -> None:
        self._forget = forget
        self._lock = threading.Lock()
        self._pubsub: Any = None
        self._pid = 0
        self._confirmed = False
        self._retry_at = 0.0

    def poll(self) -> bool:
        """Apply the invalidations received since the last poll and answer whether the channel is
        live: True means every change published since this process's copies were taken has been applied."""
        with self._lock:
            if self._pid != os.getpid():  # a forked child must not read its parent's socket
                self._pubsub, self._pid, self._confirmed = None, os.getpid(), False
            if self._pubsub is None and not self._subscribe():
                return False
            try:
                while (message := self._pubsub.get_message(timeout=0)) is not None:
                    if message["type"] == "subscribe":
                        self._confirmed = True
                    elif message["type"] == "message":
                        data = message["data"]
                        self._forget(data.decode() if isinstance(data, bytes) else str(data))
            except Exception as exc:  # noqa: BLE001 - a lost channel degrades to a read per request
                self._give_up(exc)
                self._forget(None)
                return False
            return self._confirmed

    def _subscribe(self) -> bool:
        if time.monotonic() < self._retry_at or not shared_cache.available():
            return False
        # An unreachable Redis is the cache's outage: logged once and kept out of the request path by shared_cache.
        pubsub = shared_cache.call(self._subscribed_pubsub)
        if pubsub is None:
            self._retry_at = max(self._retry_at, time.monotonic() + RETRY_SECONDS)  # (forever when not Redis)
            return False
        self._pubsub, self._confirmed = pubsub, False  # live once Redis confirms it (read by a later poll)
        self._forget(None)  # copies taken before the subscription may have missed a message
        return True

    def _subscribed_pubsub(self, cache: Any) -> Any:
        """A subscription (sent, not waited for) to the channel of ``cache``, or None when it is not Redis."""
        client = redis_client(cache)
        if client is None:
            self._retry_at = float("inf")  # not Redis: nothing to subscribe to, ever
            return None
        pubsub = client.pubsub()
        try:
            pubsub.subscribe(channel_name(cache, client))
            # redis-py reconnects (and subscribes again) by itself: messages sent meanwhile are lost.
            pubsub.connection.register_connect_callback(self._reconnected)
        except BaseException:
            _close(pubsub)
            raise
        return pubsub

    def _reconnected(self, connection: Any) -> None:
        self._confirmed = False  # until the new subscription is confirmed
        self._forget(None)

    def _give_up(self, exc: BaseException) -> None:
        log_degraded("invalidation", f"The cache's invalidation channel is unavailable ({type(exc).__name__}: "
                                     f"{exc}); reading shared settings once per request, retrying every "
                                     f"{RETRY_SECONDS:g} s", exc)
        pubsub, self._pubsub, self._confirmed = self._pubsub, None, False
        self._retry_at = time.monotonic() + RETRY_SECONDS
        _close(pubsub)

    def publish(self, key: str) -> None:
        """Tell every process that ``key`` changed (after this process wrote it); nothing when not Redis."""
        def publish(cache: Any) -> None:
            client = redis_client(cache)
            if client is not None:
                client.publish(channel_name(cache, client), key)

        # A failure is the cache's outage (logged once); the other processes' subscriptions break with it.
        shared_cache.call(publish)

    def reset(self) -> None:
        """Close the subscription (a changed cache setting, tests); the next poll subscribes again, after the wait
        a recorded failure set, and finds out again whether the cache is Redis."""
        with self._lock:
            pubsub, self._pubsub, self._confirmed = self._pubsub, None, False
            if self._retry_at == float("inf"):
                self._retry_at = 0.0
        _close(pubsub)


def _close(pubsub: Any) -> None:
    if pubsub is not None:
        try:
            pubsub.close()
        except Exception:  # noqa: BLE001 - closing a dead connection may fail too
            pass

