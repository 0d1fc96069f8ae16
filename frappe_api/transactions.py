"""The transaction a request's work runs in: kept for writing verbs, always rolled back for reading ones; and
the transaction of a write whose first statement writes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

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


@contextmanager
def write_first_transaction() -> Iterator[None]:
    """``transaction.atomic()`` for a write whose first statement is a write (an INSERT or an UPDATE, no read
    before it), so that a database that locks for writing at ``BEGIN`` is locked from that statement on.

    On SQLite configured with ``"transaction_mode": "IMMEDIATE"`` (Django's advice for concurrent writers), the
    outermost block begins ``DEFERRED``: the first statement takes the write lock, waiting for it as ``BEGIN
    IMMEDIATE`` would (no read lock is held yet, so no upgrade can fail), and the Python run between ``BEGIN``
    and that statement no longer holds other writers off. Any other database, mode or nesting: ``atomic()``."""
    connection = transaction.get_connection()
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        with transaction.atomic():
            yield
        return
    connection.ensure_connection()  # connecting sets the configured mode
    mode = getattr(connection, "transaction_mode", None)
    with ExitStack() as stack:
        if mode == "IMMEDIATE":
            connection.transaction_mode = None  # plain BEGIN: deferred
        try:
            stack.enter_context(transaction.atomic())
        finally:
            if mode == "IMMEDIATE":
                connection.transaction_mode = mode
        yield
