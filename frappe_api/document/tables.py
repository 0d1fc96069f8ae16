"""Child tables on write: the rows a client sends replace the stored ones, in the parent's transaction.

Child fields above the permission levels the user holds on the parent are refused (unreadable) or
kept (read-only), as on the parent. Rows sent with the ``name`` of one of *this* parent's rows update it; other
rows are inserted (a name from another parent is never honoured, so a row
can never be moved out of a document); stored rows not sent are deleted;
``idx`` is renumbered from 1. Controllers see the rows as they will be saved
in ``instance.frappe_tables[fieldname]``.

An insert names and validates its new rows before the parent's name is taken (``check``), when that needs nothing
of the parent's INSERT, and may write each table's rows in one INSERT (``save`` with ``bulk``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from .. import naming
from ..exceptions import FrappeAPIException, ValidationError
from ..meta import ChildTable, DocTypeMeta
from ..permissions import meta_for_user
from ..registry import registry
from . import inserts, values

PARENT_KEYS = frozenset({"parent", "parentfield", "parenttype", "doctype"})


@dataclass
class TableRows:
    """The rows of one table field as the write will leave them."""

    table: ChildTable
    meta: DocTypeMeta
    rows: list[models.Model]
    sent: bool
    deleted: list[Any] = field(default_factory=list)
    checked: bool = False
    """Every row is named and validated already (``check``): ``save`` only writes them."""


def prepare(meta: DocTypeMeta, instance: models.Model, data: Mapping[str, Any], user: Any, *,
            creating: bool) -> dict[str, TableRows]:
    """Build every table's rows in memory (and expose them on ``instance.frappe_tables``)."""
    tables: dict[str, TableRows] = {}
    for fieldname, table in meta.child_tables.items():
        child_meta = meta_for_user(registry.get(table.doctype), user, rights_from=meta)
        stored: dict[Any, models.Model] = {}
        if not creating:
            stored = {row.pk: row for row in child_meta.model._default_manager.select_for_update()
                      .filter(**{table.parent_attname: instance.pk}).order_by("idx")}
        if fieldname not in data:
            tables[fieldname] = TableRows(table, child_meta, list(stored.values()), sent=False)
            continue
        sent_rows = data[fieldname]
        if sent_rows is None:
            sent_rows = []
        if not isinstance(sent_rows, list) or not all(isinstance(row, dict) for row in sent_rows):
            raise ValidationError(f"{fieldname} must be a list of rows")
        rows = []
        for idx, row_data in enumerate(sent_rows, start=1):
            sent_name = row_data.get("name")
            row = stored.pop(sent_name, None) if sent_name not in (None, "") else None
            is_new = row is None
            row = row or child_meta.model()
            clean_data = {key: value for key, value in row_data.items() if key not in PARENT_KEYS}
            values.apply_values(child_meta, row, clean_data)
            values.stamp(child_meta, row, user, creating=is_new)
            if "idx" in child_meta.fields:
                row.idx = idx
            rows.append(row)
        tables[fieldname] = TableRows(table, child_meta, rows, sent=True, deleted=list(stored))
    instance.frappe_tables = {name: entry.rows for name, entry in tables.items()}
    return tables


VALIDATION_METHODS = ("full_clean", "clean_fields", "clean", "validate_unique", "validate_constraints")


def _checks_need_the_parent(entry: TableRows) -> bool:
    """Whether validating the table's rows may need the parent: a model check (unique together, a constraint)
    involves the parent link, or the model validates in a method of its own (which may read the parent)."""
    model = entry.meta.model
    return values.in_model_checks(model, model._meta.get_field(entry.table.parent_field)) or any(
        getattr(model, method) is not getattr(models.Model, method) for method in VALIDATION_METHODS)


def _name_and_validate(entry: TableRows, row: models.Model) -> None:
    """Give a new row its name (a hash, or the naming rule's) and run Django's validation on it, the parent link
    left out when no model check needs it (the parent is the row just written or locked: no SELECT for it)."""
    exclude: set[str] = set()
    if not _checks_need_the_parent(entry):
        exclude.add(entry.meta.model._meta.get_field(entry.table.parent_field).name)
    if row._state.adding and entry.meta.naming_rule == "hash":
        setattr(row, entry.meta.name.attname, naming.make_hash())
        exclude.add(entry.meta.name.attname)
    elif row._state.adding:
        name = naming.new_name(entry.meta, {}, None, honour_client_name=False)
        if name is not None:
            setattr(row, entry.meta.name.attname, name)
    prefix = f"Row #{getattr(row, 'idx', '')}: " if "idx" in entry.meta.fields else ""
    values.full_clean(entry.meta, row, exclude, prefix=prefix)


def check(tables: dict[str, TableRows]) -> None:
    """Name and validate the new rows of an insert ahead of the parent's INSERT, so that a series counter taken
    in between is held for the writes only: tables of hash-named rows whose checks need nothing of the parent.

    When a row fails, the table is left to ``save``, which validates row by row after the parent's INSERT and
    so answers the same error at the same point as without this step."""
    for entry in tables.values():
        if not entry.sent or entry.deleted or entry.meta.naming_rule != "hash" or _checks_need_the_parent(entry):
            continue
        try:
            for row in entry.rows:
                _name_and_validate(entry, row)
        except FrappeAPIException:
            continue
        entry.checked = True


def can_bulk_insert(model: type[models.Model]) -> bool:
    """Whether ``bulk_create`` writes rows of ``model`` as ``save()`` would: no ``save()`` of its own, no
    ``pre_save``/``post_save`` receivers, no multi-table inheritance, no value the database computes on insert."""
    return inserts.saved_by_django(model) and not model._meta.parents \
        and not any(model_field.db_returning for model_field in model._meta.concrete_fields
                    if model_field is not model._meta.pk)


def save(meta: DocTypeMeta, instance: models.Model, tables: dict[str, TableRows], *,
         docstatus: int | None = None, bulk: bool = False) -> None:
    """Write the prepared rows after the parent is saved; ``docstatus`` follows the parent's.

    With ``bulk`` (an insert in a transaction of its own, which the caller writes again without it when the
    database refuses), the new rows of a table are written with one INSERT where ``can_bulk_insert`` allows:
    a database error is raised as it is, for that second write, row by row, to answer Frappe's."""
    for entry in tables.values():
        model = entry.meta.model
        if not entry.sent:
            if docstatus is not None and "docstatus" in entry.meta.fields and entry.rows:
                model._default_manager.filter(pk__in=[row.pk for row in entry.rows]).update(docstatus=docstatus)
            continue
        if entry.deleted:
            model._default_manager.filter(pk__in=entry.deleted).delete()
        together = bulk and can_bulk_insert(model) and all(row._state.adding for row in entry.rows)
        for row in entry.rows:
            setattr(row, entry.table.parent_attname, instance.pk)
            if docstatus is not None and "docstatus" in entry.meta.fields:
                row.docstatus = docstatus
            if not entry.checked:
                _name_and_validate(entry, row)
            if not together:
                values.save(entry.meta, row, creating=row._state.adding)
        if together and entry.rows and all(row.pk is not None for row in entry.rows):
            model._default_manager.bulk_create(entry.rows)
        elif together:
            for row in entry.rows:
                values.save(entry.meta, row, creating=True)
