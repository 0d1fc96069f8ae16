"""Many writes in one request, each row on its own: v2 ``bulk_delete``/``bulk_update``/``bulk_insert`` and
``frappe.client.bulk_update``.

The batch runs in one transaction (the request's, or its own), each row in a
savepoint inside it: a row that fails leaves nothing behind and is reported,
the rows that succeed are kept and committed with the request. This is what a
client sees from Frappe (v2 rolls each failed row back to a savepoint;
``frappe.client.bulk_update`` keeps the rows that saved).

One error policy for every row: a Frappe error (a refused right, a missing
document, a failed validation) is reported with its type and message, as the
single-document routes answer it; a value out of range for the database is
Frappe's ``DataError``; anything unexpected is logged with its traceback and
reported as ``Exception: Internal Server Error``, never with its own text. A
database that stops answering fails the whole request (503), as anywhere.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import DataError as DatabaseDataError
from django.db import InterfaceError, OperationalError, models, transaction

from ..exceptions import DataError, FrappeAPIException
from ..meta import DocTypeMeta
from ..permissions import check_permission, permission_scope
from .lifecycle import delete_doc, insert_doc, update_doc
from .loading import load_many_for_update, not_found

logger = logging.getLogger("frappe_api")

# Reload the row: a failed row may have changed the loaded instance before its savepoint was rolled back.
_RELOAD = object()


@dataclass(frozen=True)
class Failure:
    """One row that failed: its position, the item as sent, and the Frappe error it is reported with."""

    index: int
    item: Any
    error: FrappeAPIException

    @property
    def exc_type(self) -> str:
        """The error's name as Frappe's clients read it (``Exception`` for an unexpected one)."""
        return type(self.error).__name__ if type(self.error) is not FrappeAPIException else "Exception"


@dataclass
class Outcome:
    """What a batch did: the value each successful row answered, and the rows that failed."""

    done: list[Any] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)


def row_error(exc: Exception, index: int) -> FrappeAPIException:
    """The error a failed row is reported with (the policy above); unexpected ones are logged here."""
    if isinstance(exc, FrappeAPIException):
        return exc
    if isinstance(exc, (DatabaseDataError, OverflowError)):
        return DataError("A value is out of range for the database")
    logger.error("Unexpected error in row %d of a bulk request", index, exc_info=exc)
    return FrappeAPIException("Internal Server Error")


def each(items: list[Any], operation: Callable[[int, Any], Any]) -> Outcome:
    """Run ``operation(index, item)`` for every item in its own savepoint, under the policy above."""
    outcome = Outcome()
    with transaction.atomic(savepoint=False):  # the request's transaction when there is one
        for index, item in enumerate(items):
            try:
                with transaction.atomic():
                    outcome.done.append(operation(index, item))
            except (OperationalError, InterfaceError):
                raise
            except Exception as exc:  # noqa: BLE001 - every row is answered; see row_error
                outcome.failed.append(Failure(index, item, row_error(exc, index)))
    return outcome


class _Rows:
    """The named documents of a batch, loaded and row-locked in one query per DocType before the first row
    runs; DocTypes on which the user lacks ``ptype`` are never looked up."""

    def __init__(self, targets: Iterable[tuple[DocTypeMeta, Any]], ptype: str, user: Any) -> None:
        self.ptype, self.user = ptype, user
        by_doctype: dict[str, tuple[DocTypeMeta, list[Any]]] = {}
        for meta, name in targets:
            if isinstance(name, (str, int)) and permission_scope(meta, ptype, user) != "none":
                by_doctype.setdefault(meta.doctype, (meta, []))[1].append(name)
        self.loaded: dict[tuple[str, str], Any] = {}
        for doctype, (meta, names) in by_doctype.items():
            for name, instance in load_many_for_update(meta, names).items():
                self.loaded[(doctype, name)] = instance

    def get(self, meta: DocTypeMeta, name: Any) -> models.Model | None:
        """The locked instance (None: the writer loads it afresh); the same 403 whether or not it exists."""
        check_permission(meta, self.ptype, self.user)
        instance = self.loaded.get((meta.doctype, str(name)))
        if instance is None:
            raise not_found(meta, name)
        return None if instance is _RELOAD else instance

    def forget(self, meta: DocTypeMeta, name: Any, *, deleted: bool = False) -> None:
        """After a row: a deleted document is gone; one whose row failed is reloaded if named again."""
        key = (meta.doctype, str(name))
        if key in self.loaded:
            if deleted:
                del self.loaded[key]
            else:
                self.loaded[key] = _RELOAD


def _targets(items: list[Any], resolve: Callable[[Any], tuple[DocTypeMeta, Any, Any]]
             ) -> list[tuple[DocTypeMeta, Any]]:
    targets = []
    for item in items:
        try:
            meta, name, _ = resolve(item)
        except FrappeAPIException:
            continue
        targets.append((meta, name))
    return targets


def delete_many(items: list[Any], resolve: Callable[[Any], tuple[DocTypeMeta, Any, Any]], user: Any) -> Outcome:
    """Delete each document ``resolve(item)`` names (``(meta, name, _)``); each row answers its name."""
    with transaction.atomic(savepoint=False):
        rows = _Rows(_targets(items, resolve), "delete", user)

        def delete(index: int, item: Any) -> Any:
            meta, name, _ = resolve(item)
            try:
                delete_doc(meta, name, user, instance=rows.get(meta, name))
            except Exception:
                rows.forget(meta, name)
                raise
            rows.forget(meta, name, deleted=True)
            return name

        return each(items, delete)


def update_many(items: list[Any], resolve: Callable[[Any], tuple[DocTypeMeta, Any, Any]], user: Any) -> Outcome:
    """Apply to each document ``resolve(item)`` names the values it gives (``(meta, name, values)``); each row
    answers the saved name."""
    with transaction.atomic(savepoint=False):
        rows = _Rows(_targets(items, resolve), "write", user)

        def update(index: int, item: Any) -> Any:
            meta, name, data = resolve(item)
            try:
                return update_doc(meta, name, data, user, instance=rows.get(meta, name))
            except Exception:
                rows.forget(meta, name)
                raise

        return each(items, update)


def insert_many(items: list[Any], resolve: Callable[[Any], tuple[DocTypeMeta, dict[str, Any]]], user: Any, *,
                honour_client_name: Callable[[dict[str, Any]], bool] = lambda data: False) -> Outcome:
    """Insert each document ``resolve(item)`` describes (``(meta, values)``); each row answers its new name."""

    def insert(index: int, item: Any) -> Any:
        meta, data = resolve(item)
        return insert_doc(meta, data, user, honour_client_name=honour_client_name(data))

    return each(items, insert)
