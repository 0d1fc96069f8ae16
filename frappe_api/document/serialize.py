"""Documents as Frappe serialises them: fields, child tables inline, Links optionally expanded."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models

from ..exceptions import DoesNotExistError
from ..meta import DocTypeMeta
from ..query.compile import converter_for


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


def serialize_rows(meta: DocTypeMeta, queryset: models.QuerySet, *, include_nulls: bool = False
                   ) -> list[dict[str, Any]]:
    """Documents of ``queryset`` as Frappe serialises them, read in one query with ``values_list()``.

    Keys: every readable field (null ones left out unless ``include_nulls``), then ``doctype``.
    """
    api_fields = list(meta.fields.values())
    converters = [converter_for(api_field) for api_field in api_fields]
    documents = []
    for row in queryset.values_list(*(api_field.lookup for api_field in api_fields)):
        document: dict[str, Any] = {}
        for api_field, convert, value in zip(api_fields, converters, row):
            if value is None:
                if include_nulls:
                    document[api_field.fieldname] = None
                continue
            document[api_field.fieldname] = convert(value) if convert else value
        document["doctype"] = meta.doctype
        documents.append(document)
    return documents


def attach_children(meta: DocTypeMeta, documents: list[dict[str, Any]], *, include_nulls: bool = False) -> None:
    """Put each document's child rows inline, ordered by ``idx``: one query per table field."""
    from ..registry import registry

    if not (meta.child_tables or meta.options.virtual_tables) or not documents:
        return
    names = [document["name"] for document in documents]
    for fieldname, virtual in meta.options.virtual_tables.items():
        rows_by_name = virtual.read(names)
        for document in documents:
            doctype = document.pop("doctype")
            document[fieldname] = rows_by_name.get(document["name"], [])
            document["doctype"] = doctype
    for table in meta.child_tables.values():
        child_meta = registry.get(table.doctype)
        rows = serialize_rows(child_meta, child_meta.queryset().filter(
            **{f"{table.parent_field}__in": names}).order_by("idx" if "idx" in child_meta.fields else "pk"),
            include_nulls=include_nulls)
        by_parent: dict[Any, list[dict[str, Any]]] = {name: [] for name in names}
        for row in rows:
            doctype = row.pop("doctype")
            row["parentfield"], row["parenttype"], row["doctype"] = table.fieldname, meta.doctype, doctype
            by_parent.setdefault(row.get("parent"), []).append(row)
        for document in documents:
            doctype = document.pop("doctype")
            document[table.fieldname] = by_parent.get(document["name"], [])
            document["doctype"] = doctype


def read_values(meta: DocTypeMeta, name: Any, *, include_nulls: bool = False) -> dict[str, Any]:
    """The stored document with its child rows, in 1 + (table fields) queries; 404 when missing."""
    if meta.options.issingle:
        from .lifecycle import single_instance

        single_instance(meta)
        queryset = meta.queryset()[:1]
    else:
        queryset = meta.queryset().filter(**{meta.name.lookup: name_value(meta, name)})[:1]
    documents = serialize_rows(meta, queryset, include_nulls=include_nulls)
    if not documents:
        raise not_found(meta, name)
    if meta.options.issingle:
        documents[0]["name"] = meta.doctype
    attach_children(meta, documents, include_nulls=include_nulls)
    return documents[0]


def expand_links(meta: DocTypeMeta, document: dict[str, Any], user: Any) -> None:
    """Replace every Link the user may read (in child rows too) by the linked document."""
    from ..permissions import has_permission
    from ..registry import registry

    def expand(owner_meta: DocTypeMeta, target: dict[str, Any]) -> None:
        for api_field in owner_meta.fields.values():
            value = target.get(api_field.fieldname)
            if not api_field.is_link or value is None or api_field.fieldname == "parent":
                continue
            linked_meta = registry.for_model(api_field.link_model)
            if linked_meta is None or not has_permission(linked_meta, "read", user):
                continue
            linked = serialize_rows(linked_meta, linked_meta.queryset().filter(**{linked_meta.name.lookup: value})[:1])
            if linked:
                target[api_field.fieldname] = linked[0]

    expand(meta, document)
    for table in meta.child_tables.values():
        child_meta = registry.get(table.doctype)
        for row in document.get(table.fieldname, []):
            expand(child_meta, row)
