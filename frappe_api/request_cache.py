"""Shared state every request needs (the runtime settings row, the registry's version token), read without a
cache round trip per request.

Inside a request, ``cached(key)`` reads such shared state once: the key and every key registered with
``read_per_request`` come together at the first read and serve the rest of the request. With a Redis cache
the process keeps its copies across requests and drops them when another process announces a change
(``invalidation``): no round trip at all. Otherwise they come from the cache in one ``get_many`` per request.
``changed`` records (and announces) what this process just wrote, ``remember`` what it just read or wrote.
Outside a request every read asks the cache.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable
from typing import Any

from django.core.signals import request_finished, request_started, setting_changed

from .invalidation import PushChannel
from .resilience import shared_cache

# What the current request read from the shared cache, by key; None outside a request.
_request_reads: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "frappe_api_request_reads", default=None)
_per_request_keys: list[Callable[[], str]] = []

# This process's copies, valid while the push channel is live; a change of ``_epoch`` (any forget) keeps a read
# that raced with it from being stored.
_copies: dict[str, Any] = {}
_epoch = [0]
_copies_lock = threading.Lock()


def _forget(key: str | None) -> None:
    with _copies_lock:
        _epoch[0] += 1
        if key is None:
            _copies.clear()
        else:
            _copies.pop(key, None)


push_channel = PushChannel(_forget)


def _reset_channel(*, setting: str, **kwargs: Any) -> None:
    if setting in ("CACHES", "FRAPPE_API"):
        push_channel.reset()
        _forget(None)


setting_changed.connect(_reset_channel, weak=False, dispatch_uid="frappe_api_reset_push_channel")


def _start_request(**kwargs: Any) -> None:
    _request_reads.set({})


def _finish_request(**kwargs: Any) -> None:
    _request_reads.set(None)


request_started.connect(_start_request, weak=False, dispatch_uid="frappe_api_request_reads_started")
request_finished.connect(_finish_request, weak=False, dispatch_uid="frappe_api_request_reads_finished")


def read_per_request(key: Callable[[], str]) -> None:
    """Fetch the cache key ``key()`` with the others, once per request (see ``cached``)."""
    _per_request_keys.append(key)


def cached(key: str) -> Any:
    """The shared cache's value for ``key``. Inside a request the first read takes it, with every per-request key,
    from this process's copies while the push channel is live (after applying the announced changes), the rest
    from the cache in one round trip; later reads in the request answer that. Outside a request every read asks
    the cache."""
    reads = _request_reads.get()
    if reads is None:
        return shared_cache.get(key)
    if key not in reads:
        wanted = {key, *(per_request() for per_request in _per_request_keys)} - reads.keys()
        live = push_channel.poll()
        epoch = _epoch[0]
        if live:
            with _copies_lock:
                reads.update((name, _copies[name]) for name in wanted if name in _copies)
            wanted -= reads.keys()
        if wanted:
            found = shared_cache.get_many(list(wanted))
            reads.update((name, found.get(name)) for name in wanted)
            if live:
                with _copies_lock:
                    if _epoch[0] == epoch:  # no change was announced while reading
                        _copies.update((name, found[name]) for name in wanted if found.get(name) is not None)
    return reads[key]


def remember(key: str, value: Any) -> None:
    """What this process just read from or wrote to ``key`` (None: read it again), for the rest of the request."""
    reads = _request_reads.get()
    if reads is not None:
        if value is None:
            reads.pop(key, None)
        else:
            reads[key] = value
    if value is None:
        _forget(key)


def changed(key: str, value: Any) -> None:
    """This process just wrote ``value`` to ``key`` in the shared cache (None: deleted it): keep it, and tell every
    other process to drop its copy."""
    remember(key, value)
    if value is not None:
        with _copies_lock:
            _copies[key] = value
    push_channel.publish(key)
