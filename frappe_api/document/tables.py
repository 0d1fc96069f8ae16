"""Child tables on write: the rows a client sends replace the stored ones, in the parent's transaction.

Child fields above the permission levels the user holds on the parent are refused (unreadable) or
kept (read-only), as on the parent. Rows sent with the ``name`` of one of *this* parent's rows update it; other
rows are inserted (a name from another parent is never honoured, so a row
can never be moved out of a document); stored rows not sent are deleted;
``idx`` is renumbered from 1. Controllers see the rows as they will be saved
in ``instance.frappe_tables[fieldname]``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from .. import naming
from ..exceptions import ValidationError
from ..meta import ChildTable, DocTypeMeta
from ..permissions import meta_for_user
from ..registry import registry
from . import values

PARENT_KEYS = frozenset({"parent", "parentfield", "parenttype", "doctype"})


@dataclass
class TableRows:
    """The rows of one table field as the write will leave them."""

    table: ChildTable
    meta: DocTypeMeta
    rows: list[models.Model]
    sent: bool
    deleted: list[Any] = field(default_factory=list)


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


def save(meta: DocTypeMeta, instance: models.Model, tables: dict[str, TableRows], *,
         docstatus: int | None = None) -> None:
    """Write the prepared rows after the parent is saved; ``docstatus`` follows the parent's."""
    for entry in tables.values():
        model = entry.meta.model
        if not entry.sent:
            if docstatus is not None and "docstatus" in entry.meta.fields and entry.rows:
                model._default_manager.filter(pk__in=[row.pk for row in entry.rows]).update(docstatus=docstatus)
            continue
        if entry.deleted:
            model._default_manager.filter(pk__in=entry.deleted).delete()
        for row in entry.rows:
            creating = row._state.adding
            setattr(row, entry.table.parent_attname, instance.pk)
            if docstatus is not None and "docstatus" in entry.meta.fields:
                row.docstatus = docstatus
            exclude: set[str] = set()
            parent_field = model._meta.get_field(entry.table.parent_field)
            if not values.in_model_checks(model, parent_field):
                exclude.add(parent_field.name)  # the parent just written or locked: no SELECT per row for it
            if creating and entry.meta.naming_rule == "hash":
                setattr(row, entry.meta.name.attname, naming.make_hash())
                exclude.add(entry.meta.name.attname)
            elif creating:
                name = naming.new_name(entry.meta, {}, None, honour_client_name=False)
                if name is not None:
                    setattr(row, entry.meta.name.attname, name)
            prefix = f"Row #{getattr(row, 'idx', '')}: " if "idx" in entry.meta.fields else ""
            values.full_clean(entry.meta, row, exclude, prefix=prefix)
            values.save(entry.meta, row, creating=creating)
