"""The read gate: the one place that decides which rows and fields of a DocType a user may read.

``meta_for`` is the first question of every request naming a DocType
(which DocTypes a user may know of). Every read path asks it, whatever DocType it reaches and however it gets
there: lists and counts, single reads, ``link_field.x`` columns, ``expand``
and ``expand_links``, child rows (only under parents the user may read),
aggregates, ``group_by`` and ``order_by`` through a Link, ``get_value``,
files and comments.

* **Fields**: ``readable_meta`` is the DocType without the fields above the
  user's permission levels; a name the user may not read is as unknown as a
  name that does not exist.
* **Rows**: ``readable_rows`` is the queryset of documents the user may read
  (all of them, the user's own under ``if_owner``, those a
  ``permission_query`` admits, or none); a child DocType's rows are those
  whose parent the user may read.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.db.models import Q, QuerySet

from .exceptions import DataError, DoesNotExistError, PermissionError
from .meta import APIField, DocTypeMeta
from .permissions import (
    Scope,
    has_permission,
    is_superuser,
    levels,
    meta_for_user,
    permitted_queryset,
    rows_restricted,
)
from .registry import registry


def meta_for(doctype: Any, user: Any) -> DocTypeMeta:
    """The DocType named ``doctype`` as ``user`` sees it (fields above their levels gone): an unknown one is a
    404 for superusers and a 403 for everyone else, who may not learn which DocTypes exist."""
    try:
        if not isinstance(doctype, str) or not doctype:
            raise DoesNotExistError(f"DocType {doctype} not found", doctype="DocType")
        return meta_for_user(registry.get(doctype), user)
    except DoesNotExistError:
        if is_superuser(user):
            raise
        message = f"No permission for {doctype}"
        raise PermissionError(message, error_message=message) from None


def readable_meta(meta: DocTypeMeta, user: Any, *, parent: DocTypeMeta | None = None) -> DocTypeMeta:
    """``meta`` with only the fields ``user`` may read (the rest are unknown names), table fields included:
    a table above the user's permission levels is gone, with its rows. A child DocType's field levels are
    judged by the rights the user holds on its ``parent``, as Frappe judges them."""
    if parent is not None:
        return meta_for_user(meta, user, rights_from=parent)
    seen = meta_for_user(meta, user)
    readable = levels(meta, user, "read")
    if readable is None or not meta.field_permlevels:
        return seen
    tables = (*meta.child_tables, *meta.options.virtual_tables)
    hidden = frozenset(name for name in tables if meta.field_permlevels.get(name, 0) not in (0, *readable))
    if not hidden:
        return seen
    key = ("tables", hidden)
    if key not in seen.user_variants:
        options = dataclasses.replace(seen.options, virtual_tables={
            name: table for name, table in seen.options.virtual_tables.items() if name not in hidden})
        seen.user_variants[key] = dataclasses.replace(seen, options=options, user_variants={}, child_tables={
            name: table for name, table in seen.child_tables.items() if name not in hidden})
    return seen.user_variants[key]


def readable_rows(meta: DocTypeMeta, user: Any, *, parent: DocTypeMeta | None = None,
                  scope: Scope | None = None) -> QuerySet:
    """The documents of ``meta`` that ``user`` may read, as a queryset (one SQL condition, no query run).

    A child DocType's rows are read through their parents: those under a
    document of ``parent`` (or of any DocType holding the table, when no
    parent is named) that the user may read. ``scope`` is the user's read scope on ``meta``, when the caller
    has checked it already."""
    if not meta.options.istable:
        return permitted_queryset(meta, user, scope=scope)
    parents = [parent] if parent is not None else registry.parents_of(meta.doctype)
    condition = Q(pk__in=[])
    for parent_meta in parents:
        table = readable_meta(parent_meta, user).child_table_for(meta.doctype)
        if table is not None and has_permission(parent_meta, "read", user):
            condition |= Q(**{f"{table.parent_field}__in": readable_rows(parent_meta, user).values("pk")})
    return meta.queryset().filter(condition)


def all_rows_readable(meta: DocTypeMeta, user: Any) -> bool:
    """Whether ``user`` may read every stored row of ``meta`` (so no row condition is needed)."""
    if is_superuser(user):
        return True
    return not meta.options.istable and not rows_restricted(meta, user)


def link_target(api_field: APIField, user: Any) -> DocTypeMeta:
    """The DocType a Link field points at, as ``user`` may read it: 403 without read on it, 417 for a Link
    to a model that is no DocType."""
    target = registry.for_model(api_field.link_model) if api_field.link_model else None
    if target is None:
        raise DataError(f"Field not permitted in query: {api_field.fieldname}")
    if user is not None and not has_permission(target, "read", user):
        message = f"No permission for {target.doctype}"
        raise PermissionError(message, error_message=message)
    return readable_meta(target, user) if user is not None else target
