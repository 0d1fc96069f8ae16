"""Lists and counts of documents for a user: the one path v1, v2 and ``frappe.client`` share.

The views read their own parameter names into one ``ListQuery`` (``frappe_api.query``); here the read gate
chooses the rows and fields (checking ``read`` once), and the query language, given the gate as its DocType
resolver and the site's caps, builds the one query that answers.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from django.core.signals import setting_changed
from django.db import connections
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ..arguments import parse_json_param, query_config
from ..conf import api_settings
from ..exceptions import PermissionError
from ..gate import all_rows_readable, link_target, meta_for, readable_meta, readable_rows
from ..meta import APIField, DocTypeMeta
from ..permissions import check_permission
from ..query import (
    CompiledLists,
    Compiler,
    ListQuery,
    QueryConfig,
    Statement,
    compile_list,
    fetch_rows,
    fetch_rows_with_debug,
    filter_queryset,
)
from ..registry import registry
from .serialize import serialize_rows


class GateResolver:
    """The query language's DocType resolver for one user: every DocType a query reaches is read through the
    read gate (``frappe_api.gate``), with the fields and rows the user may read there. ``reached`` records
    whether a query asked it anything (so depends on the user's rights beyond the DocType listed)."""

    def __init__(self, user: Any) -> None:
        self.user = user
        self.reached = False

    def child_meta(self, doctype: str, parent: DocTypeMeta) -> DocTypeMeta:
        self.reached = True
        return readable_meta(registry.get(doctype), self.user, parent=parent)

    def link_meta(self, api_field: APIField) -> DocTypeMeta:
        self.reached = True
        return link_target(api_field, self.user)

    def rows(self, meta: DocTypeMeta) -> QuerySet:
        self.reached = True
        return readable_rows(meta, self.user)

    def all_rows_readable(self, meta: DocTypeMeta) -> bool:
        self.reached = True
        return all_rows_readable(meta, self.user)

    def documents(self, meta: DocTypeMeta, names: Collection[Any]) -> list[dict[str, Any]]:
        self.reached = True
        return serialize_rows(meta, readable_rows(meta, self.user).filter(**{f"{meta.name.lookup}__in": names}))


@dataclass(frozen=True, slots=True)
class ListScope:
    """What one list may read: its rows, and the DocType with the fields the user may read (a child table's
    judged by the user's rights on the parent it is listed through)."""

    rows: QuerySet
    meta: DocTypeMeta


def list_scope(meta: DocTypeMeta, user: Any, parent: Any = None) -> ListScope:
    """Check read permission for a list (once) and answer the rows and fields it may show (the read gate's).

    Child-table rows are read through a parent DocType the user may read
    (``parent``), and only those under parent documents the user may read; the
    child's field levels are judged by the user's rights on that parent."""
    if not meta.options.istable:
        scope = check_permission(meta, "read", user)
        return ListScope(readable_rows(meta, user, scope=scope), readable_meta(meta, user))
    parent_meta = meta_for(parent, user) if isinstance(parent, str) and parent else None
    if parent_meta is None or readable_meta(parent_meta, user).child_table_for(meta.doctype) is None:
        message = "Parent is required to get child table data"
        raise PermissionError(message, error_message=message)
    check_permission(parent_meta, "read", user)
    whole_parent = registry.get(parent_meta.doctype)
    return ListScope(readable_rows(meta, user, parent=parent_meta),
                     readable_meta(registry.get(meta.doctype), user, parent=whole_parent))


@dataclass(frozen=True, slots=True)
class ListAnswer:
    """A list's rows, its debug lines (when asked by a user allowed to see them), and its count when asked."""

    rows: list[Any]
    debug: list[str] | None = None
    count: int | None = None


QueryReader = Callable[[QueryConfig], ListQuery]
"""How a view reads its parameters into a ``ListQuery``, given the site's caps; called after the permission
check, so that a caller without read access learns nothing from how their parameters are judged."""


def get_list(meta: DocTypeMeta, read_query: QueryReader, user: Any, *, parent: Any = None, count: bool = False
             ) -> ListAnswer:
    """The rows the query asks for, and with ``count`` how many documents match its filters (the permission
    check, the filters and their compilation done once for both). A Single answers its one record."""
    scope = list_scope(meta, user, parent)
    config = query_config()
    if meta.options.issingle:  # a Single is one record, never a list of many
        total = _matching(scope, read_query(config), user, config).count() if count else None
        return ListAnswer([{"name": meta.doctype}], None, total)
    query = read_query(config)
    key = _statement_key("list", scope, query, config) if not count else None
    if key is not None and (statement := compiled_lists.get(key, registry.generation)) is not None:
        return ListAnswer(statement.fetch())
    resolver = GateResolver(user)
    compiled = compile_list(scope.meta, query, resolver, config, scope.rows)
    if key is not None and not resolver.reached and not compiled.time_relative:
        statement = Statement.for_list(compiled, scope.meta)
        if statement is not None:
            compiled_lists.put(key, registry.generation, statement)
            return ListAnswer(statement.fetch())
    rows, lines = fetch_rows_with_debug(compiled) if query.debug and api_settings.DEBUG_PERMISSION(user) else \
        (fetch_rows(compiled), None)
    return ListAnswer(rows, lines, compiled.matching.count() if count else None)


compiled_lists = CompiledLists()
"""This process's compiled list statements (``frappe_api.query.statements``), reused by ``get_list``."""


def _clear_compiled_lists(**kwargs: Any) -> None:
    compiled_lists.clear()


setting_changed.connect(_clear_compiled_lists, weak=False, dispatch_uid="frappe_api_clear_compiled_lists")


def _statement_key(kind: Any, scope: ListScope, query: ListQuery, config: QueryConfig) -> tuple[Any, ...] | None:
    """The key of a list's (or count's) statement, when its SQL depends on nothing else: rows with no condition (none
    of the read gate, so a reader of every row, and none of the DocType's manager), no debug output. The rest
    is judged once compiled: a query that reaches another DocType or filters on today's date is not kept. The
    key names the DocType as the user reads it (its fields), the caps, the time zone (naive datetimes in
    filters) and the database."""
    base = scope.rows.query
    if query.debug or base.where or base.annotations or base.extra:
        return None
    parsed = query.cache_key()
    if parsed is None:
        return None
    return (kind, scope.meta.doctype, id(scope.meta), parsed, config, timezone.get_current_timezone_name(),
            scope.rows.db)


def count_queryset(meta: DocTypeMeta, filters: Any, or_filters: Any, user: Any, *, parent: Any = None) -> QuerySet:
    """The documents the user may read that match ``filters`` (and ``or_filters``; JSON text or decoded), to be
    counted. Read permission is checked before the filters are read."""
    scope = list_scope(meta, user, parent)
    query = ListQuery(filters=_decoded("filters", filters), or_filters=_decoded("or_filters", or_filters))
    return _matching(scope, query, user, query_config())


def _decoded(name: str, value: Any) -> Any:
    """JSON text decoded (a decoded value was checked where it was decoded: a JSON body, or the view)."""
    return parse_json_param(name, value) if isinstance(value, (str, bytes)) else value


def _matching(scope: ListScope, query: ListQuery, user: Any, config: QueryConfig) -> QuerySet:
    """The rows of ``scope`` matching the query's ``filters`` and ``or_filters``."""
    compiler = Compiler(scope.meta, GateResolver(user), config)
    return filter_queryset(scope.rows, query.filters, query.or_filters, compiler)


def get_count(meta: DocTypeMeta, filters: Any, or_filters: Any, user: Any, *, parent: Any = None, limit: int = 0
              ) -> int:
    """How many documents the user may read match ``filters`` (and ``or_filters``), at most ``limit`` when given.
    The count's SQL statement is kept and run again as a list's is (``get_list``)."""
    scope = list_scope(meta, user, parent)
    query = ListQuery(filters=_decoded("filters", filters), or_filters=_decoded("or_filters", or_filters))
    config = query_config()
    key = _statement_key(("count", limit), scope, query, config)
    if key is not None and (statement := compiled_lists.get(key, registry.generation)) is not None:
        return statement.count()
    resolver = GateResolver(user)
    compiler = Compiler(scope.meta, resolver, config)
    matching = filter_queryset(scope.rows, query.filters, query.or_filters, compiler)
    counted = matching[:limit] if limit else matching
    if key is None or resolver.reached or compiler.time_relative:
        return counted.count()
    number, statement = Statement.counting(counted, scope.meta)
    if statement is not None:
        compiled_lists.put(key, registry.generation, statement)
    return number


def count_with_debug(queryset: QuerySet, limit: int = 0) -> tuple[int, list[str]]:
    """How many rows ``queryset`` holds (at most ``limit`` when given), with Frappe's debug lines: the SQL
    run and its execution time."""
    counted = queryset[:limit] if limit else queryset
    with CaptureQueriesContext(connections[queryset.db]) as captured:
        started = time.perf_counter()
        number = counted.count()
        elapsed = time.perf_counter() - started
    return number, [*(query["sql"] for query in captured.captured_queries), f"Execution time: {elapsed:.4f} sec"]
