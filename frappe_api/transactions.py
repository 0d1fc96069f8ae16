"""The transaction a request's work runs in: kept for writing verbs, always rolled back for reading ones."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction

READ_METHODS = ("GET", "HEAD", "OPTIONS")


@contextmanager
def request_transaction(http_method: str) -> Iterator[None]:
    """One transaction around a method call: committed (by the outermost block) for POST, PUT, PATCH and DELETE,
    always rolled back for GET, HEAD and OPTIONS, so no GET changes data (Frappe rolls every GET back)."""
    with transaction.atomic():
        yield
        if http_method.upper() in READ_METHODS:
            transaction.set_rollback(True)
