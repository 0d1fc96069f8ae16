"""Compile a ``ListQuery`` against a DocType into one queryset read with ``values_list()``.

Field expressions accepted in ``fields`` (``frappe/model/db_query.py``):
``field``, ``*``, ``field as alias``, ``link_field.target_field`` (joined;
the target DocType's read permission is checked), ``table_field.child_field``
and ```tabChild DocType`.child_field`` (one row per child row, as Frappe
does), and the aggregates ``count``, ``sum``, ``avg``, ``min``, ``max``
(``count(distinct x)`` too), each with an optional alias. Anything else is a
417; no text from the client reaches SQL.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import connections, models
from django.db.models import Avg, Case, Count, F, Max, Min, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Cast
from django.test.utils import CaptureQueriesContext

from ..conf import api_settings
from ..exceptions import DataError, ValidationError
from ..gate import all_rows_readable, link_target, readable_meta, readable_rows
from ..meta import APIField, DocTypeMeta
from ..registry import registry
from .children import ChildColumn, attach_child_rows, child_columns
from .filters import ORM_VALUE_ERRORS, compile_conditions, normalize_filters, resolve_field
from .params import ChildFields, ListQuery

_ALIAS_RE = re.compile(r"^(?P<expr>.+?)\s+as\s+(?P<alias>[A-Za-z_][A-Za-z0-9_]*)$", re.IGNORECASE | re.DOTALL)
_QUALIFIED_RE = re.compile(r"^`?tab(?P<doctype>[^`.]+)`?\.`?(?P<field>[^`.]+)`?$")
_AGGREGATE_RE = re.compile(r"^(?P<fn>count|sum|avg|min|max)\s*\(\s*(?P<distinct>distinct\s+)?(?P<arg>[^()]*?)\s*\)$",
                           re.IGNORECASE)
_FUNCTION_RE = re.compile(r"^\s*(?P<fn>[A-Za-z_][A-Za-z0-9_]*)\s*\(")
_SORT_CHARS = re.compile(r"^[A-Za-z0-9_\- ,`'\".()]*$")
_AGGREGATES = {"count": Count, "sum": Sum, "avg": Avg, "min": Min, "max": Max}
_NUMBERS = (models.IntegerField, models.FloatField, models.DecimalField, models.DurationField)

Converter = Callable[[Any], Any]


def _to_check(value: Any) -> Any:
    return None if value is None else int(value)


def converter_for(api_field: APIField | None) -> Converter | None:
    """A per-value conversion the renderer cannot do itself (Frappe's Check is 0/1, not a JSON boolean)."""
    return _to_check if api_field is not None and api_field.fieldtype == "Check" else None


@dataclass(frozen=True, slots=True)
class SelectItem:
    """One output column: its result key and either an ORM path or an aggregate."""

    key: str
    lookup: str | None = None
    aggregate: Any = None
    api_field: APIField | None = None


@dataclass(frozen=True)
class CompiledList:
    """A ready queryset and how to turn its tuples into Frappe rows."""

    queryset: QuerySet
    keys: tuple[str, ...]
    converters: tuple[tuple[int, Converter], ...]
    as_dict: bool
    expand: tuple[tuple[int, DocTypeMeta, QuerySet], ...] = field(default_factory=tuple)
    """(column, linked DocType as the user reads it, the linked rows the user may read) per expanded Link."""
    children: tuple[ChildColumn, ...] = ()
    """Child-row columns (``{table: [fields]}``), read after the parent rows (whose pk ends each tuple)."""


class Compiler:
    """Resolves names for one DocType on behalf of one user (Links and child tables through the registry).

    With a ``user``, every other DocType a name reaches passes the read gate: a
    child table's or Link target's fields are those the user may read there,
    and a column read through a Link is NULL on rows whose target the user may
    not read (``annotations`` holds those guarded columns)."""

    def __init__(self, meta: DocTypeMeta, user: Any = None, *, parent: DocTypeMeta | None = None) -> None:
        self.meta = readable_meta(meta, user, parent=parent) if user is not None else meta
        self.user = user
        self.registry = registry
        self.annotations: dict[str, Any] = {}

    # --- names ----------------------------------------------------------------------------
    def child_meta(self, doctype: str) -> DocTypeMeta:
        meta = self.registry.get(doctype)
        return readable_meta(meta, self.user, parent=self.meta) if self.user is not None else meta

    def link_meta(self, api_field: APIField) -> DocTypeMeta:
        return link_target(api_field, self.user)

    def rows(self, meta: DocTypeMeta) -> QuerySet:
        """The rows of ``meta`` the user may read (all of them without a user)."""
        return readable_rows(meta, self.user) if self.user is not None else meta.queryset()

    def _guarded(self, link: APIField, target: DocTypeMeta, path: str) -> str:
        """``path`` (a column of a Link's target), or an annotation that is NULL where the user may not read
        the target row."""
        if self.user is None or all_rows_readable(target, self.user):
            return path
        alias = f"_gate_{path}"
        if alias not in self.annotations:
            readable = readable_rows(target, self.user).values("pk")
            self.annotations[alias] = Case(When(Q(**{f"{link.attname}__in": readable}), then=F(path)))
        return alias

    def column(self, text: str) -> tuple[str, APIField]:
        """(ORM path, field) for ``field``, ``link.field``, ``table.field`` or ```tabChild`.field``."""
        text = text.strip()
        qualified = _QUALIFIED_RE.match(text)
        if qualified:
            doctype, fieldname = qualified.group("doctype"), qualified.group("field")
            if doctype == self.meta.doctype:
                api_field = resolve_field(self.meta, fieldname)
                return api_field.lookup, api_field
            table = self.meta.child_table_for(doctype)
            if table is None:
                raise DataError(f"Field not permitted in query: {text}")
            child_field = resolve_field(self.child_meta(table.doctype), fieldname)
            return self._through(table.query_name, child_field, text), child_field
        head, dot, tail = text.partition(".")
        if dot and head in self.meta.child_tables:
            table = self.meta.child_tables[head]
            child_field = resolve_field(self.child_meta(table.doctype), tail.strip("`"))
            return self._through(table.query_name, child_field, text), child_field
        if dot and (link := self.meta.get_field(head)) is not None and link.is_link:
            target = self.link_meta(link)
            target_field = resolve_field(target, tail.strip("`"))
            return self._guarded(link, target, self._through(link.attname, target_field, text)), target_field
        api_field = resolve_field(self.meta, text.strip("`"))
        return api_field.lookup, api_field

    @staticmethod
    def _through(prefix: str, api_field: APIField, text: str) -> str:
        if api_field.attname is None:
            raise DataError(f"Field not permitted in query: {text}")
        return f"{prefix}__{api_field.lookup}"

    # --- fields ----------------------------------------------------------------------------
    def select_item(self, raw: Any) -> list[SelectItem]:
        if not isinstance(raw, str) or not raw.strip():
            raise DataError(f"Field not permitted in query: {raw!r}")
        text = raw.strip()
        lowered = text.lower()
        if "/*" in lowered or "union" in lowered.split():
            raise ValidationError("Illegal SQL Query")
        if text == "*":
            return [SelectItem(name, api_field.lookup, api_field=api_field) for name, api_field in
                    self.meta.fields.items()]
        alias = None
        if match := _ALIAS_RE.match(text):
            text, alias = match.group("expr").strip(), match.group("alias")
        if match := _AGGREGATE_RE.match(text):
            function, argument = match.group("fn").lower(), match.group("arg").strip()
            if argument in ("*", "1") and function == "count":
                lookup = self.meta.name.lookup
            else:
                lookup, api_field = self.column(argument)
                if function != "count":
                    lookup = _aggregated(function, lookup, api_field, text)
            expression = _AGGREGATES[function](lookup, distinct=bool(match.group("distinct")))
            return [SelectItem(alias or text, aggregate=expression)]
        if "(" in text:
            function = _FUNCTION_RE.match(text)
            if function and " " not in function.group("fn") and "select" not in lowered:
                raise DataError(f"Use of function {function.group('fn')} in field is restricted")
            raise DataError("Use of sub-query or function is restricted")
        lookup, api_field = self.column(text)
        return [SelectItem(alias or text.split(".")[-1].strip("`"), lookup, api_field=api_field)]

    # --- order_by / group_by ---------------------------------------------------------------
    def sort_terms(self, text: str, kind: str, aliases: dict[str, Any]) -> list[tuple[Any, str]]:
        """(ORM expression or path, direction) per comma-separated term, checked as Frappe checks them."""
        if not _SORT_CHARS.match(text):
            raise ValidationError("Illegal SQL Query")
        lowered = text.lower()
        if re.search(r"\b(union|intersect)\b", lowered) or ("select" in lowered and " from " in lowered):
            raise ValidationError("Cannot use sub-query here.")
        terms = []
        for part in text.split(","):
            part = part.strip()
            if not part:
                continue
            head, _, last = part.rpartition(" ")
            direction = last.lower() if head and last.lower() in ("asc", "desc") else ("asc" if kind else "")
            expression = head.strip() if head and last.lower() in ("asc", "desc") else part
            if "(" in expression:
                raise ValidationError(f"Cannot use {expression} in order/group by")
            if expression in aliases:
                terms.append((aliases[expression], direction))
            else:
                terms.append((self.column(expression)[0], direction))
        return terms


def _aggregated(function: str, lookup: str, api_field: APIField, text: str) -> Any:
    """What ``sum``/``avg``/``min``/``max`` run over, so every database accepts it: a Check as 0/1, sum and avg
    only numbers, min and max anything but JSON (a 417 otherwise)."""
    model_field = api_field.model_field
    if isinstance(model_field, models.BooleanField):
        return Cast(lookup, models.IntegerField())
    if (function in ("sum", "avg") and not isinstance(model_field, _NUMBERS)) or isinstance(model_field,
                                                                                           models.JSONField):
        raise ValidationError(f"Cannot use {text}: {api_field.label} is not a number")
    return lookup


def _never_null(meta: DocTypeMeta, target: Any) -> bool:
    """Whether ``target`` is a NOT NULL column of the DocType's own table (not a join, annotation or aggregate)."""
    if not isinstance(target, str) or "__" in target:
        return False
    try:
        model_field = meta.model._meta.get_field(target)
    except FieldDoesNotExist:
        return False
    return model_field.concrete and not model_field.null


def _ordering(meta: DocTypeMeta, terms: list[tuple[Any, str]]) -> list[Any]:
    """NULLs last when descending, first when ascending (as Frappe's MariaDB sorts). A NOT NULL column gets no
    NULLS clause: no row moves, and PostgreSQL can then read the order from an index instead of sorting."""
    ordering = []
    for target, direction in terms:
        expression = F(target) if isinstance(target, str) else target
        nulls = None if _never_null(meta, target) else True
        ordering.append(expression.desc(nulls_last=nulls) if direction == "desc" else expression.asc(nulls_first=nulls))
    return ordering


def page_bounds(query: ListQuery, cap: int | None = None) -> tuple[int, int]:
    """(start, stop) of the page; a page length of 0 means every row, up to ``cap`` (``MAX_PAGE_LENGTH``)."""
    cap = cap or api_settings.MAX_PAGE_LENGTH
    length = query.limit_page_length or cap
    return query.limit_start, query.limit_start + min(length, cap)


def filter_queryset(meta: DocTypeMeta, queryset: QuerySet, filters: Any, or_filters: Any = None,
                    compiler: Compiler | None = None) -> QuerySet:
    """``queryset`` narrowed by Frappe ``filters`` (ANDed) and ``or_filters`` (one ORed group).

    A value the ORM refuses is found again condition by condition (on that error path only) and answered
    as a 417 naming its field."""
    compiler = compiler or Compiler(meta)
    meta = compiler.meta
    resolvers = {"get_meta": compiler.child_meta, "link_meta": compiler.link_meta, "rows_of": compiler.rows}
    groups = [(normalize_filters(filters), False), (normalize_filters(or_filters, param="or_filters"), True)]
    where = Q()
    for conditions, join_or in groups:
        if conditions:
            where &= compile_conditions(meta, conditions, join_or=join_or, **resolvers)
    try:
        return queryset.filter(where) if where else queryset
    except ORM_VALUE_ERRORS:
        for conditions, join_or in groups:
            compile_conditions(meta, conditions, join_or=join_or, check_values=True, **resolvers)
        raise


def ordering_for(meta: DocTypeMeta, order_by: str, compiler: Compiler, aliases: dict[str, Any] | None = None,
                 *, grouped: bool = False) -> list[Any]:
    """The ORM ordering for Frappe's ``order_by``, or the DocType's default order when it is empty (none when
    grouped); the document name ends every ungrouped order so that pages are stable."""
    if order_by:
        terms = compiler.sort_terms(order_by, "order", aliases or {})
    elif grouped:
        return []
    else:
        terms = [(meta.fields[name].lookup, direction) for name, direction in meta.default_order]
    if terms and not grouped and all(target != meta.name.lookup for target, _ in terms):
        terms.append((meta.name.lookup, "desc"))  # a stable order for paging
    return _ordering(meta, terms)


def order_queryset(meta: DocTypeMeta, queryset: QuerySet, order_by: str) -> QuerySet:
    """``queryset`` in Frappe's ``order_by`` order, or the DocType's default order when it is empty."""
    return order_queryset_for(Compiler(meta), queryset, order_by)


def order_queryset_for(compiler: Compiler, queryset: QuerySet, order_by: str) -> QuerySet:
    """``queryset`` in Frappe's ``order_by`` order, names resolved by ``compiler`` (so as its user may read)."""
    ordering = ordering_for(compiler.meta, order_by, compiler)
    if compiler.annotations:  # columns read through a Link whose target rows the user may not all read
        queryset = queryset.annotate(**compiler.annotations)
    return queryset.order_by(*ordering)


def compile_list(meta: DocTypeMeta, query: ListQuery, base: QuerySet | None = None, *, user: Any = None,
                 parent: DocTypeMeta | None = None, max_page_length: int | None = None) -> CompiledList:
    """Validate ``query`` against ``meta`` and build the single queryset that answers it.

    With ``user``, every name reaching another DocType passes the read gate
    (``frappe_api.gate``): Link targets and child tables show only the fields
    and rows the user may read there. ``base`` holds the rows of ``meta`` itself
    the list may show; ``parent`` is the DocType a child DocType's rows are listed through, whose rights
    decide the child's field levels. ``max_page_length`` caps the page (default ``MAX_PAGE_LENGTH``).
    """
    compiler = Compiler(meta, user, parent=parent)
    meta = compiler.meta
    children = child_columns(compiler, query.fields, converter_for)
    items = [item for raw in query.fields if not isinstance(raw, ChildFields) for item in compiler.select_item(raw)]
    expand_targets: list[tuple[str, DocTypeMeta]] = []
    for fieldname in query.expand:
        link = meta.get_field(fieldname) if isinstance(fieldname, str) else None
        if link is None or not link.is_link:
            raise DataError(f"Field not permitted in query: {fieldname}")
        expand_targets.append((fieldname, compiler.link_meta(link)))
        if not any(item.key == fieldname for item in items):
            items.append(SelectItem(fieldname, link.lookup, api_field=link))

    aggregates = {f"_agg{index}": item.aggregate for index, item in enumerate(items) if item.aggregate is not None}
    grouped = bool(aggregates or query.group_by)
    if children and grouped:
        raise ValidationError("Child table fields cannot be combined with group_by or aggregates")
    group_lookups = [target for target, _ in compiler.sort_terms(query.group_by, "", {})] if query.group_by else []
    aliases = {item.key: f"_agg{index}" for index, item in enumerate(items) if item.aggregate is not None}
    ordering = ordering_for(meta, query.order_by, compiler, aliases, grouped=grouped)

    queryset = base if base is not None else meta.queryset()
    if compiler.annotations:  # columns read through a Link whose target rows the user may not all read
        queryset = queryset.annotate(**compiler.annotations)
    queryset = filter_queryset(meta, queryset, query.filters, query.or_filters, compiler)
    if grouped:
        for item in items:
            if item.aggregate is None and item.lookup not in group_lookups:
                raise ValidationError(f"Field {item.key} must be in group_by, or wrapped in an aggregate")
        if not group_lookups:  # one row over the whole table: group on a constant, which adds no GROUP BY
            queryset = queryset.annotate(_frappe_all=Value(1))
            group_lookups = ["_frappe_all"]
        queryset = queryset.values(*group_lookups).annotate(**aggregates) if aggregates else \
            queryset.values(*group_lookups).distinct()
    queryset = queryset.order_by(*ordering)
    start, stop = page_bounds(query, max_page_length)
    columns = [f"_agg{index}" if item.aggregate is not None else item.lookup for index, item in enumerate(items)]
    columns += ["pk"] if children else []
    queryset = queryset.values_list(*columns)[start:stop]
    converters = tuple((index, convert) for index, item in enumerate(items)
                       if (convert := converter_for(item.api_field)) is not None)
    keys = tuple(item.key for item in items) + tuple(column.key for column in children)
    expand_at = tuple((keys.index(fieldname), target,
                       readable_rows(target, user) if user is not None else target.queryset())
                      for fieldname, target in expand_targets)
    return CompiledList(queryset, keys, converters, query.as_dict, expand_at, children)


def _expand(rows: list[list[Any]], expand: tuple[tuple[int, DocTypeMeta, QuerySet], ...]) -> None:
    """Replace Link values by the linked documents the user may read: one query per expanded field."""
    from ..document import serialize_rows

    for index, target, readable in expand:
        names = {row[index] for row in rows if row[index] is not None}
        if not names:
            continue
        documents = {doc["name"]: doc for doc in serialize_rows(
            target, readable.filter(**{f"{target.name.lookup}__in": names}))}
        for row in rows:
            if row[index] is not None:
                row[index] = documents.get(row[index], row[index])


def fetch_rows(compiled: CompiledList) -> list[dict[str, Any]] | list[list[Any]]:
    """Run the query once and shape its rows as Frappe does (dicts, or lists with ``as_dict=0``)."""
    rows: list[Any] = list(compiled.queryset)
    if compiled.children:
        rows = attach_child_rows(rows, compiled.children)
    if compiled.converters or compiled.expand:
        rows = [list(row) for row in rows]
        for row in rows:
            for index, convert in compiled.converters:
                row[index] = convert(row[index])
        _expand(rows, compiled.expand)
    if not compiled.as_dict:
        return [list(row) for row in rows]
    keys = compiled.keys
    return [dict(zip(keys, row)) for row in rows]


def fetch_rows_with_debug(compiled: CompiledList) -> tuple[list[Any], list[str]]:
    """``fetch_rows`` plus Frappe's debug lines: the SQL (parameters shown inline) and its execution time."""
    started = time.perf_counter()
    rows = fetch_rows(compiled)
    elapsed = time.perf_counter() - started
    return rows, [str(compiled.queryset.query), f"Execution time: {elapsed:.4f} sec"]


def count_with_debug(queryset: QuerySet, limit: int = 0) -> tuple[int, list[str]]:
    """How many rows ``queryset`` holds (at most ``limit`` when given), with Frappe's debug lines: the SQL
    run and its execution time."""
    counted = queryset[:limit] if limit else queryset
    with CaptureQueriesContext(connections[queryset.db]) as captured:
        started = time.perf_counter()
        count = counted.count()
        elapsed = time.perf_counter() - started
    return count, [*(query["sql"] for query in captured.captured_queries), f"Execution time: {elapsed:.4f} sec"]
