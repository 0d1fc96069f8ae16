"""Documents as Frappe serialises them: fields, child tables inline, Links optionally expanded."""

from __future__ import annotations

from typing import Any

from django.core.signals import setting_changed
from django.db import models

from ..exceptions import FrappeAPIException, PermissionError
from ..query import CompiledLists, Statement
from ..query.values import converter_for
from ..gate import all_rows_readable, link_target, readable_meta, readable_rows
from ..meta import DocTypeMeta
from ..permissions import check_permission
from ..registry import registry
from .loading import name_value, not_found, single_instance

__all__ = ["attach_children", "expand_links", "name_value", "not_found", "read_values", "serialize_rows"]


def serialize_rows(meta: DocTypeMeta, queryset: models.QuerySet, *, include_nulls: bool = False
                   ) -> list[dict[str, Any]]:
    """Documents of ``queryset`` as Frappe serialises them, read in one query with ``values_list()``.

    Keys: every readable field (null ones left out unless ``include_nulls``), then ``doctype``.
    """
    return _documents(meta, queryset.values_list(*(api_field.lookup for api_field in meta.fields.values())),
                      include_nulls)


def _documents(meta: DocTypeMeta, rows: Any, include_nulls: bool) -> list[dict[str, Any]]:
    """``values_list()`` rows of every field of ``meta`` as Frappe's documents (``serialize_rows``)."""
    api_fields = list(meta.fields.values())
    converters = [converter_for(api_field) for api_field in api_fields]
    documents = []
    for row in rows:
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


def attach_children(meta: DocTypeMeta, documents: list[dict[str, Any]], *, include_nulls: bool = False,
                    user: Any = None) -> None:
    """Put each document's child rows inline, ordered by ``idx``: one query per table field. With ``user``,
    child fields are those the user may read (the parents are already the user's to read)."""
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
        if user is not None:
            child_meta = readable_meta(child_meta, user, parent=meta)
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


compiled_documents = CompiledLists()
"""This process's document statements (``Statement.by_name``), one per DocType as a user reads it."""


def _clear_compiled_documents(**kwargs: Any) -> None:
    compiled_documents.clear()


setting_changed.connect(_clear_compiled_documents, weak=False, dispatch_uid="frappe_api_clear_compiled_documents")


def _document_statement(meta: DocTypeMeta) -> Statement | None:
    """The statement reading one document of ``meta`` (these fields) by name, compiled the first time; None
    when the DocType's reads cannot be kept (``Statement.by_name``), remembered as such."""
    base = meta.queryset()
    key = (id(meta), base.db)
    statement = compiled_documents.get(key, registry.generation)
    if statement is None:
        lookups = [api_field.lookup for api_field in meta.fields.values()]
        statement = Statement.by_name(base, meta, lambda placeholder: base.filter(
            **{meta.name.lookup: placeholder}).values_list(*lookups)[:1]) or Statement.nothing(meta)
        compiled_documents.put(key, registry.generation, statement)
    return None if statement.sql is None else statement


def read_values(meta: DocTypeMeta, name: Any, *, include_nulls: bool = False, user: Any = None
                ) -> dict[str, Any]:
    """The stored document with its child rows, in 1 + (table fields) queries; 404 when missing.

    Without ``user`` nothing is checked (the document service's own reads).
    With ``user``, the read gate decides: ``meta`` must already be as the user
    sees it (``readable_meta``); a document outside the rows the user may read
    is a 403 (404 when it does not exist), and child fields are the user's."""
    if meta.options.issingle:
        single_instance(meta)
        queryset = meta.queryset()[:1]
    else:
        stored = name_value(meta, name)
        if user is None or all_rows_readable(meta, user):
            statement = _document_statement(meta)
            if statement is not None:
                documents = _documents(meta, statement.rows(stored), include_nulls)
                return _completed(meta, name, stored, documents, include_nulls, user)
            rows = meta.queryset()
        else:
            rows = readable_rows(meta, user)
        queryset = rows.filter(**{meta.name.lookup: stored})[:1]
    documents = serialize_rows(meta, queryset, include_nulls=include_nulls)
    return _completed(meta, name, None if meta.options.issingle else stored, documents, include_nulls, user)


def _completed(meta: DocTypeMeta, name: Any, stored: Any, documents: list[dict[str, Any]], include_nulls: bool,
               user: Any) -> dict[str, Any]:
    """The document read (``documents``, at most one) with its child rows; 403 or 404 when there is none."""
    if not documents:
        if user is not None and meta.queryset().filter(**{meta.name.lookup: stored}).exists():
            message = (f"You need the 'read' permission on <strong>{meta.doctype}</strong> {name} "
                       "to perform this action.")
            raise PermissionError(message, error_message=message)
        raise not_found(meta, name)
    if meta.options.issingle:
        documents[0]["name"] = meta.doctype
    attach_children(meta, documents, include_nulls=include_nulls, user=user)
    return documents[0]


def get_doc(meta: DocTypeMeta, name: Any, user: Any, *, include_nulls: bool = False,
            expand: bool = False) -> dict[str, Any]:
    """Read one document (child rows inline) through the read gate: ``read`` on the DocType, then on the
    document (403 when it exists outside the user's rows, 404 when missing); ``expand`` replaces Links by
    the linked documents the user may read."""
    check_permission(meta, "read", user)
    document = read_values(readable_meta(meta, user), name, include_nulls=include_nulls, user=user)
    if expand:
        expand_links(meta, document, user)
    return document


def expand_links(meta: DocTypeMeta, document: dict[str, Any], user: Any) -> None:
    """Replace every Link (in child rows too) by the linked document, where the read gate lets ``user`` read
    it: only its readable fields; a Link to a DocType or row the user may not read keeps its name."""

    def expand(owner_meta: DocTypeMeta, target: dict[str, Any]) -> None:
        for api_field in owner_meta.fields.values():
            value = target.get(api_field.fieldname)
            if not api_field.is_link or value is None or api_field.fieldname == "parent":
                continue
            try:
                linked_meta = link_target(api_field, user)
            except FrappeAPIException:  # no read on the target DocType, or a Link to a model that is no DocType
                continue
            linked = serialize_rows(linked_meta, readable_rows(linked_meta, user).filter(
                **{linked_meta.name.lookup: value})[:1])
            if linked:
                target[api_field.fieldname] = linked[0]

    expand(meta, document)
    for table in meta.child_tables.values():
        child_meta = readable_meta(registry.get(table.doctype), user, parent=meta)
        for row in document.get(table.fieldname, []):
            expand(child_meta, row)
