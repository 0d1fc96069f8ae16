"""Lists and counts of documents for a user: the one path v1, v2 and ``frappe.client`` share."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet

from ..conf import api_settings
from ..exceptions import DoesNotExistError, PermissionError
from ..meta import DocTypeMeta
from ..gate import readable_meta, readable_rows
from ..permissions import check_permission, is_superuser, meta_for_user
from ..query import compile_list, fetch_rows, fetch_rows_with_debug, parse_list_params
from ..query.compile import Compiler, filter_queryset
from ..query.params import parse_json_param
from ..registry import registry


def meta_for(doctype: Any, user: Any) -> DocTypeMeta:
    """The DocType as ``user`` sees it: an unknown one is a 404 for superusers and a 403 for everyone else."""
    try:
        if not isinstance(doctype, str) or not doctype:
            raise DoesNotExistError(f"DocType {doctype} not found", doctype="DocType")
        return meta_for_user(registry.get(doctype), user)
    except DoesNotExistError:
        if is_superuser(user):
            raise
        message = f"No permission for {doctype}"
        raise PermissionError(message, error_message=message) from None


def list_rows(meta: DocTypeMeta, user: Any, parent: Any = None) -> QuerySet:
    """Check read permission for a list and answer the rows it may show (the read gate's).

    Child-table rows are read through a parent DocType the user may read
    (``parent``), and only those under parent documents the user may read."""
    if not meta.options.istable:
        check_permission(meta, "read", user)
        return readable_rows(meta, user)
    parent_meta = meta_for(parent, user) if isinstance(parent, str) and parent else None
    if parent_meta is None or readable_meta(parent_meta, user).child_table_for(meta.doctype) is None:
        message = "Parent is required to get child table data"
        raise PermissionError(message, error_message=message)
    check_permission(parent_meta, "read", user)
    return readable_rows(meta, user, parent=parent_meta)


def _listed_through(meta: DocTypeMeta, parent: Any) -> tuple[DocTypeMeta, DocTypeMeta | None]:
    """A child DocType (whole: the read gate judges its field levels by the user's rights on the parent) and
    the parent it is listed through, checked by ``list_rows``; any other DocType as it is, with no parent."""
    if not meta.options.istable:
        return meta, None
    return registry.get(meta.doctype), registry.get(parent)


def get_list(meta: DocTypeMeta, params: Mapping[str, Any], user: Any, *,
             start_key: str = "limit_start", length_keys: tuple[str, ...] = ("limit_page_length", "limit"),
             max_page_length: int | None = None) -> tuple[list[Any], list[str] | None]:
    """Rows for Frappe's list parameters, and the debug lines when asked by a user allowed to see them
    (at most ``max_page_length`` rows, default ``MAX_PAGE_LENGTH``)."""
    rows = list_rows(meta, user, params.get("parent"))
    if meta.options.issingle:  # a Single is one record, never a list of many
        return [{"name": meta.doctype}], None
    query = parse_list_params(params, start_key=start_key, length_keys=length_keys)
    meta, parent = _listed_through(meta, params.get("parent"))
    compiled = compile_list(meta, query, rows, user=user, parent=parent, max_page_length=max_page_length)
    if query.debug and api_settings.DEBUG_PERMISSION(user):
        return fetch_rows_with_debug(compiled)
    return fetch_rows(compiled), None


def count_queryset(meta: DocTypeMeta, params: Mapping[str, Any], user: Any) -> QuerySet:
    """The documents the user may read that match ``filters`` (and ``or_filters``), to be counted."""
    rows = list_rows(meta, user, params.get("parent"))
    meta, parent = _listed_through(meta, params.get("parent"))
    return filter_queryset(meta, rows, parse_json_param("filters", params.get("filters")),
                           parse_json_param("or_filters", params.get("or_filters")),
                           Compiler(meta, user, parent=parent))


def get_count(meta: DocTypeMeta, params: Mapping[str, Any], user: Any) -> int:
    """How many documents the user may read match ``filters`` (and ``or_filters``)."""
    return count_queryset(meta, params, user).count()
