"""One child-table row changed the way Frappe changes it: through its parent document, which is saved whole."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from ..meta import DocTypeMeta
from ..permissions import check_permission, permission_scope
from ..registry import registry
from .lifecycle import update_doc
from .loading import load_for_update, name_value, not_found
from .tables import PARENT_KEYS


def update_row(meta: DocTypeMeta, name: Any, data: Mapping[str, Any], user: Any) -> tuple[DocTypeMeta, Any]:
    """Set ``data`` on the child row ``name`` and save its parent (``write`` on the parent, its ``validate`` and
    hooks run, its ``modified`` moves); answer the parent's DocType and name.

    The row is looked up only for a user with ``write`` on a DocType holding such rows; the parent is row-locked
    before its rows are read, and every other row is kept as stored."""
    parents = [(parent, parent.child_table_for(meta.doctype)) for parent in registry.parents_of(meta.doctype)]
    writable = [(parent, table) for parent, table in parents if permission_scope(parent, "write", user) != "none"]
    if parents and not writable:
        check_permission(parents[0][0], "write", user)
    with transaction.atomic():
        row = meta.model._default_manager.filter(**{meta.name.attname: name_value(meta, name)}).first()
        found = [(parent, table, getattr(row, table.parent_attname)) for parent, table in writable
                 if row is not None and getattr(row, table.parent_attname) is not None]
        if not found:
            raise not_found(meta, name)
        parent_meta, table, parent_pk = found[0]
        stored = parent_meta.model._default_manager.filter(pk=parent_pk).first()
        if stored is None:
            raise not_found(meta, name)
        parent_name = getattr(stored, parent_meta.name.attname)
        parent = load_for_update(parent_meta, parent_name)
        siblings = meta.model._default_manager.filter(**{table.parent_attname: parent.pk}).order_by(
            "idx" if "idx" in meta.fields else "pk").values_list(meta.name.attname, flat=True)
        changes = {key: value for key, value in data.items() if key not in PARENT_KEYS and key != "name"}
        rows = [{"name": sibling, **(changes if sibling == getattr(row, meta.name.attname) else {})}
                for sibling in siblings]
        return parent_meta, update_doc(parent_meta, parent_name, {table.fieldname: rows}, user, instance=parent)
