"""Finding the stored document a write works on, in the one order every write follows.

``writable`` is that order: the caller's rights on the DocType (before any
lookup, so no answer tells which names exist), then the row, locked until the
transaction ends, then the rights on that document, and only then the client's
``modified`` (Frappe's optimistic lock). Save, submit, cancel, delete, rename
and document methods all enter through it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from ..exceptions import DoesNotExistError, TimestampMismatchError
from ..fieldvalues import make_aware
from ..meta import DocTypeMeta
from ..permissions import check_document, check_permission, document_permitted


def not_found(meta: DocTypeMeta, name: Any) -> DoesNotExistError:
    """Frappe's 404 for a missing document."""
    return DoesNotExistError(f"{meta.doctype} {name} not found", doctype=meta.doctype)


def name_value(meta: DocTypeMeta, name: Any) -> Any:
    """The document name in the name field's Python type; a name that cannot exist is a 404."""
    try:
        value = meta.name.model_field.to_python(name)
    except (DjangoValidationError, TypeError, ValueError):
        raise not_found(meta, name) from None
    if isinstance(value, str) and "\x00" in value:  # no stored name holds one (PostgreSQL cannot even look it up)
        raise not_found(meta, name)
    return value


def single_instance(meta: DocTypeMeta, *, lock: bool = False) -> models.Model:
    """The one record of a Single DocType, created with its defaults the first time it is needed."""
    manager = meta.model._default_manager
    instance = (manager.select_for_update() if lock else manager).order_by("pk").first()
    if instance is None:
        instance = manager.create()
    return instance


def load_for_update(meta: DocTypeMeta, name: Any) -> models.Model:
    """The stored model instance, row-locked until the transaction ends; 404 when missing."""
    if meta.options.issingle:
        return single_instance(meta, lock=True)
    try:
        return meta.model._default_manager.select_for_update().get(**{meta.name.attname: name_value(meta, name)})
    except ObjectDoesNotExist:
        raise not_found(meta, name) from None


def load_many_for_update(meta: DocTypeMeta, names: list[Any]) -> dict[str, models.Model]:
    """Several stored instances in one query, row-locked until the transaction ends, by their name."""
    values_ = []
    for name in names:
        try:
            values_.append(name_value(meta, name))
        except DoesNotExistError:  # a name that cannot exist is simply not found
            continue
    rows = meta.model._default_manager.select_for_update().filter(**{f"{meta.name.attname}__in": values_})
    return {str(getattr(row, meta.name.attname)): row for row in rows}


def _parse_modified(value: Any) -> datetime.datetime | None:
    if isinstance(value, datetime.datetime):
        return make_aware(value)
    try:
        parsed = parse_datetime(str(value).strip()) if value not in (None, "") else None
    except ValueError:  # well formed but impossible ("2024-13-45 00:00:00"): it is simply not the stored one
        return None
    return make_aware(parsed) if parsed else None


def check_if_latest(meta: DocTypeMeta, instance: models.Model, sent: Any, user: Any = None) -> None:
    """Frappe's optimistic lock: a client that sends ``modified`` must send the stored one (417 otherwise).

    The refusal names the stored time (as Frappe's does) only when ``user`` is None or may read the document:
    a user who may write but not read learns that it changed, never when."""
    api_field = meta.fields.get("modified")
    if api_field is None or sent in (None, ""):
        return
    stored = getattr(instance, api_field.attname)
    if _parse_modified(sent) == stored:
        return
    if user is not None and not document_permitted(meta, "read", user, instance):
        raise TimestampMismatchError("Error: Document has been modified after you have opened it. "
                                     "Please refresh to get the latest document.")
    local = timezone.localtime(stored).replace(tzinfo=None) if stored else stored
    raise TimestampMismatchError(
        f"Error: Document has been modified after you have opened it ({local}, {sent}). "
        "Please refresh to get the latest document.")


@contextmanager
def writable(meta: DocTypeMeta, name: Any, user: Any, rights: tuple[str, ...], *, modified: Any = None,
             instance: models.Model | None = None) -> Iterator[models.Model]:
    """Open the write's transaction on the document ``name`` and yield it, row-locked, once ``user`` is known
    to hold each of ``rights`` on it and ``modified`` (when sent) is the stored one.

    The order is fixed: ``rights`` on the DocType (403 before any lookup), the row locked and loaded once
    (404 when missing), ``rights`` on that document (403), then ``modified`` (417). A caller that already
    holds the row locked in its own transaction (a bulk batch, a parent saved for its child row) passes it
    as ``instance``: the write then runs in that transaction, with no savepoint of its own."""
    for right in rights:
        check_permission(meta, right, user)
    with transaction.atomic(savepoint=instance is None):
        if instance is None:
            instance = load_for_update(meta, name)
        for right in rights:
            check_document(meta, right, user, instance, name)
        check_if_latest(meta, instance, modified, user)
        yield instance
