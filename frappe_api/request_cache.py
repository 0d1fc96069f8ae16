"""Shared state read once per request: the cache keys every request needs (the runtime settings row, the
registry's version token) come from the shared cache in one round trip.

Inside a request, ``cached(key)`` reads such shared state once: the key and every key registered with
``read_per_request`` come in one ``get_many`` at the first read and serve the rest of the request;
``remember`` records what this process just wrote. Outside a request every read asks the cache.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from typing import Any

from django.core.signals import request_finished, request_started

from .resilience import shared_cache

# What the current request read from the shared cache, by key; None outside a request.
_request_reads: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "frappe_api_request_reads", default=None)
_per_request_keys: list[Callable[[], str]] = []


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
