"""Child rows in a list: ``fields: [{"items": ["item_code", "qty"]}]`` answers, in each row, ``items`` as the list
of that document's rows (ordered by ``idx``) with those fields: one more query per table field.

Names are checked against the child DocType as the caller may read it (``Compiler.child_meta``); the rows are
only those under the parent rows of the answer, which the read gate already chose.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .errors import NameNotPermitted
from ..meta import APIField, ChildTable, DocTypeMeta
from .filters import resolve_field
from .params import ChildFields


@dataclass(frozen=True)
class ChildColumn:
    """One ``{table: [fields]}`` of ``fields``: the table, the child DocType as the caller reads it, the fields."""

    key: str
    table: ChildTable
    meta: DocTypeMeta
    fields: tuple[APIField, ...]
    converters: tuple[Callable[[Any], Any] | None, ...]


def child_columns(compiler: Any, fields: tuple[Any, ...],
                  converter_for: Callable[[APIField], Callable[[Any], Any] | None]) -> tuple[ChildColumn, ...]:
    """The child-row columns ``fields`` asks for, each name checked (``*`` is every readable child field), with
    the per-value conversion ``converter_for`` gives each field."""
    columns = []
    for spec in fields:
        if not isinstance(spec, ChildFields):
            continue
        table = compiler.meta.child_tables.get(spec.table)
        if table is None:
            raise NameNotPermitted(f"Field not permitted in query: {spec.table}")
        child_meta = compiler.child_meta(table.doctype)
        chosen = list(child_meta.fields.values()) if "*" in spec.fields else \
            [resolve_field(child_meta, name.strip("` ")) for name in spec.fields]
        columns.append(ChildColumn(spec.table, table, child_meta, tuple(chosen),
                                   tuple(converter_for(api_field) for api_field in chosen)))
    return tuple(columns)


def attach_child_rows(rows: list[Any], columns: tuple[ChildColumn, ...]) -> list[list[Any]]:
    """``rows`` (their last value the parent's primary key) with that value replaced by one list of child
    dicts per column."""
    parent_pks = [row[-1] for row in rows]
    lists: list[dict[Any, list[dict[str, Any]]]] = []
    for column in columns:
        by_parent: dict[Any, list[dict[str, Any]]] = {pk: [] for pk in parent_pks}
        ordering = "idx" if "idx" in column.meta.fields else "pk"
        queryset = column.meta.queryset().filter(**{f"{column.table.parent_field}__in": parent_pks}).order_by(
            ordering, "pk").values_list(column.table.parent_field, *(f.lookup for f in column.fields))
        for parent_pk, *values in queryset:
            by_parent.setdefault(parent_pk, []).append({
                api_field.fieldname: convert(value) if convert and value is not None else value
                for api_field, convert, value in zip(column.fields, column.converters, values)})
        lists.append(by_parent)
    return [[*row[:-1], *(by_parent[row[-1]] for by_parent in lists)] for row in rows]
