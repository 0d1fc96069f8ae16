"""Compile a ``ListQuery`` against a DocType into one queryset read with ``values_list()``.

Field expressions accepted in ``fields`` (``frappe/model/db_query.py``):
``field``, ``*``, ``field as alias``, ``link_field.target_field`` (joined;
the target DocType comes from the caller's resolver, which may refuse it),
``table_field.child_field`` and ```tabChild DocType`.child_field`` (one row
per child row, as Frappe does), and the aggregates ``count``, ``sum``,
``avg``, ``min``, ``max`` (``count(distinct x)`` too), each with an optional
alias. Anything else is a ``QueryError``; no text from the client reaches SQL.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Avg, Case, Count, F, Max, Min, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Cast

from ..meta import APIField, DocTypeMeta
from .children import ChildColumn, attach_child_rows, child_columns
from .errors import IllegalQuery, InvalidParameter, NameNotPermitted
from .filters import ORM_VALUE_ERRORS, TIME_RELATIVE_OPERATORS, compile_conditions, normalize_filters, resolve_field
from .params import ChildFields, ListQuery, QueryConfig
from .resolver import DocTypeResolver
from .values import Converter, PlainRows, converter_for, plain_column

_ALIAS_RE = re.compile(r"^(?P<expr>.+?)\s+as\s+(?P<alias>[A-Za-z_][A-Za-z0-9_]*)$", re.IGNORECASE | re.DOTALL)
_QUALIFIED_RE = re.compile(r"^`?tab(?P<doctype>[^`.]+)`?\.`?(?P<field>[^`.]+)`?$")
_AGGREGATE_RE = re.compile(r"^(?P<fn>count|sum|avg|min|max)\s*\(\s*(?P<distinct>distinct\s+)?(?P<arg>[^()]*?)\s*\)$",
                           re.IGNORECASE)
_FUNCTION_RE = re.compile(r"^\s*(?P<fn>[A-Za-z_][A-Za-z0-9_]*)\s*\(")
_SORT_CHARS = re.compile(r"^[A-Za-z0-9_\- ,`'\".()]*$")
_AGGREGATES = {"count": Count, "sum": Sum, "avg": Avg, "min": Min, "max": Max}
_NUMBERS = (models.IntegerField, models.FloatField, models.DecimalField, models.DurationField)

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
    resolver: DocTypeResolver
    matching: QuerySet
    """The rows matching ``filters`` and ``or_filters``, before grouping, ordering and paging: what a count
    counts."""
    expand: tuple[tuple[int, DocTypeMeta], ...] = field(default_factory=tuple)
    """(column, linked DocType as the caller reads it) per expanded Link."""
    children: tuple[ChildColumn, ...] = ()
    """Child-row columns (``{table: [fields]}``), read after the parent rows (whose pk ends each tuple)."""
    time_relative: bool = False
    """Whether a filter's SQL parameters depend on today's date (``timespan``, ``between``...)."""
    plain: bool = False
    """Whether every column holds values ``PlainRows`` may hold (``plain_column``; a count too): its rows are
    answered as ``PlainRows``."""


class Compiler:
    """Resolves names for one DocType (``meta``, as the caller may read it) for one caller.

    Every other DocType a name reaches comes from ``resolver``: a child
    table's or Link target's fields are those the caller may read there, and a
    column read through a Link is NULL on rows whose target the caller may not
    read (``annotations`` holds those guarded columns). ``config`` holds the
    caps filters run with."""

    def __init__(self, meta: DocTypeMeta, resolver: DocTypeResolver, config: QueryConfig) -> None:
        self.meta = meta
        self.resolver = resolver
        self.config = config
        self.annotations: dict[str, Any] = {}
        self.time_relative = False
        """Whether a filter compiled so far depends on today's date."""

    # --- names ----------------------------------------------------------------------------
    def child_meta(self, doctype: str) -> DocTypeMeta:
        return self.resolver.child_meta(doctype, self.meta)

    def link_meta(self, api_field: APIField) -> DocTypeMeta:
        return self.resolver.link_meta(api_field)

    def rows(self, meta: DocTypeMeta) -> QuerySet:
        """The rows of ``meta`` the caller may read."""
        return self.resolver.rows(meta)

    def _guarded(self, link: APIField, target: DocTypeMeta, path: str) -> str:
        """``path`` (a column of a Link's target), or an annotation that is NULL where the caller may not read
        the target row."""
        if self.resolver.all_rows_readable(target):
            return path
        alias = f"_gate_{path}"
        if alias not in self.annotations:
            readable = self.resolver.rows(target).values("pk")
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
                raise NameNotPermitted(f"Field not permitted in query: {text}")
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
            raise NameNotPermitted(f"Field not permitted in query: {text}")
        return f"{prefix}__{api_field.lookup}"

    # --- fields ----------------------------------------------------------------------------
    def select_item(self, raw: Any) -> list[SelectItem]:
        if not isinstance(raw, str) or not raw.strip():
            raise NameNotPermitted(f"Field not permitted in query: {raw!r}")
        text = raw.strip()
        lowered = text.lower()
        if "/*" in lowered or "union" in lowered.split():
            raise IllegalQuery("Illegal SQL Query")
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
                raise NameNotPermitted(f"Use of function {function.group('fn')} in field is restricted")
            raise NameNotPermitted("Use of sub-query or function is restricted")
        lookup, api_field = self.column(text)
        return [SelectItem(alias or text.split(".")[-1].strip("`"), lookup, api_field=api_field)]

    # --- order_by / group_by ---------------------------------------------------------------
    def sort_terms(self, text: str, kind: str, aliases: dict[str, Any]) -> list[tuple[Any, str]]:
        """(ORM expression or path, direction) per comma-separated term, checked as Frappe checks them."""
        if not _SORT_CHARS.match(text):
            raise IllegalQuery("Illegal SQL Query")
        lowered = text.lower()
        if re.search(r"\b(union|intersect)\b", lowered) or ("select" in lowered and " from " in lowered):
            raise IllegalQuery("Cannot use sub-query here.")
        terms = []
        for part in text.split(","):
            part = part.strip()
            if not part:
                continue
            head, _, last = part.rpartition(" ")
            direction = last.lower() if head and last.lower() in ("asc", "desc") else ("asc" if kind else "")
            expression = head.strip() if head and last.lower() in ("asc", "desc") else part
            if "(" in expression:
                raise IllegalQuery(f"Cannot use {expression} in order/group by")
            if expression in aliases:
                terms.append((aliases[expression], direction))
            else:
                terms.append((self.column(expression)[0], direction))
        return terms


def _aggregated(function: str, lookup: str, api_field: APIField, text: str) -> Any:
    """What ``sum``/``avg``/``min``/``max`` run over, so every database accepts it: a Check as 0/1, sum and avg
    only numbers, min and max anything but JSON (an ``InvalidParameter`` otherwise)."""
    model_field = api_field.model_field
    if isinstance(model_field, models.BooleanField):
        return Cast(lookup, models.IntegerField())
    if (function in ("sum", "avg") and not isinstance(model_field, _NUMBERS)) or isinstance(model_field,
                                                                                           models.JSONField):
        raise InvalidParameter(f"Cannot use {text}: {api_field.label} is not a number")
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


def filter_queryset(queryset: QuerySet, filters: Any, or_filters: Any, compiler: Compiler) -> QuerySet:
    """``queryset`` (rows of ``compiler.meta``) narrowed by Frappe ``filters`` (ANDed) and ``or_filters`` (one
    ORed group), both already JSON-decoded.

    A value the ORM refuses is found again condition by condition (on that error path only) and raised as an
    ``InvalidValue`` naming its field."""
    meta, config = compiler.meta, compiler.config
    groups = [(normalize_filters(filters, max_filters=config.max_filters), False),
              (normalize_filters(or_filters, param="or_filters", max_filters=config.max_filters), True)]
    where = Q()
    for conditions, join_or in groups:
        if any(condition.operator in TIME_RELATIVE_OPERATORS for condition in conditions):
            compiler.time_relative = True
        if conditions:
            where &= compile_conditions(meta, conditions, compiler.resolver, config, join_or=join_or)
    try:
        return queryset.filter(where) if where else queryset
    except ORM_VALUE_ERRORS:
        for conditions, join_or in groups:
            compile_conditions(meta, conditions, compiler.resolver, config, join_or=join_or, check_values=True)
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


def order_queryset_for(compiler: Compiler, queryset: QuerySet, order_by: str) -> QuerySet:
    """``queryset`` in Frappe's ``order_by`` order, names resolved by ``compiler`` (so as its caller may read)."""
    ordering = ordering_for(compiler.meta, order_by, compiler)
    if compiler.annotations:  # columns read through a Link whose target rows the caller may not all read
        queryset = queryset.annotate(**compiler.annotations)
    return queryset.order_by(*ordering)


def compile_list(meta: DocTypeMeta, query: ListQuery, resolver: DocTypeResolver, config: QueryConfig,
                 base: QuerySet | None = None) -> CompiledList:
    """Validate ``query`` against ``meta`` and build the single queryset that answers it.

    ``meta`` is the DocType as the caller may read it (a name it lacks is
    unknown); every name reaching another DocType goes through ``resolver``
    (the API's is the read gate's: Link targets and child tables show only
    the fields and rows the user may read there). ``base`` holds the rows of
    ``meta`` itself the list may show (every row without it); ``config`` the
    caps filters run with.
    """
    compiler = Compiler(meta, resolver, config)
    children = child_columns(compiler, query.fields, converter_for)
    items = [item for raw in query.fields if not isinstance(raw, ChildFields) for item in compiler.select_item(raw)]
    expand_targets: list[tuple[str, DocTypeMeta]] = []
    for fieldname in query.expand:
        link = meta.get_field(fieldname) if isinstance(fieldname, str) else None
        if link is None or not link.is_link:
            raise NameNotPermitted(f"Field not permitted in query: {fieldname}")
        expand_targets.append((fieldname, compiler.link_meta(link)))
        if not any(item.key == fieldname for item in items):
            items.append(SelectItem(fieldname, link.lookup, api_field=link))

    aggregates = {f"_agg{index}": item.aggregate for index, item in enumerate(items) if item.aggregate is not None}
    grouped = bool(aggregates or query.group_by)
    if children and grouped:
        raise InvalidParameter("Child table fields cannot be combined with group_by or aggregates")
    group_lookups = [target for target, _ in compiler.sort_terms(query.group_by, "", {})] if query.group_by else []
    aliases = {item.key: f"_agg{index}" for index, item in enumerate(items) if item.aggregate is not None}
    ordering = ordering_for(meta, query.order_by, compiler, aliases, grouped=grouped)

    matching = filter_queryset(base if base is not None else meta.queryset(), query.filters, query.or_filters,
                               compiler)
    queryset = matching
    if compiler.annotations:  # columns read through a Link whose target rows the caller may not all read
        queryset = queryset.annotate(**compiler.annotations)
    if grouped:
        for item in items:
            if item.aggregate is None and item.lookup not in group_lookups:
                raise InvalidParameter(f"Field {item.key} must be in group_by, or wrapped in an aggregate")
        if not group_lookups:  # one row over the whole table: group on a constant, which adds no GROUP BY
            queryset = queryset.annotate(_frappe_all=Value(1))
            group_lookups = ["_frappe_all"]
        queryset = queryset.values(*group_lookups).annotate(**aggregates) if aggregates else \
            queryset.values(*group_lookups).distinct()
    queryset = queryset.order_by(*ordering)
    columns = [f"_agg{index}" if item.aggregate is not None else item.lookup for index, item in enumerate(items)]
    columns += ["pk"] if children else []
    queryset = queryset.values_list(*columns)[query.start:query.start + query.page_length]
    converters = tuple((index, convert) for index, item in enumerate(items)
                       if (convert := converter_for(item.api_field)) is not None)
    keys = tuple(item.key for item in items) + tuple(column.key for column in children)
    expand_at = tuple((keys.index(fieldname), target) for fieldname, target in expand_targets)
    plain = not children and not expand_at and all(
        isinstance(item.aggregate, Count) if item.aggregate is not None else plain_column(meta.model, item.lookup)
        for item in items)
    return CompiledList(queryset, keys, converters, query.as_dict, resolver, matching, expand_at, children,
                        compiler.time_relative, plain)


def _expand(rows: list[list[Any]], expand: tuple[tuple[int, DocTypeMeta], ...], resolver: DocTypeResolver) -> None:
    """Replace Link values by the linked documents the caller may read: one query per expanded field."""
    for index, target in expand:
        names = {row[index] for row in rows if row[index] is not None}
        if not names:
            continue
        documents = {doc["name"]: doc for doc in resolver.documents(target, names)}
        for row in rows:
            if row[index] is not None:
                row[index] = documents.get(row[index], row[index])


def fetch_rows(compiled: CompiledList) -> list[dict[str, Any]] | list[list[Any]]:
    """Run the query once and shape its rows as Frappe does (dicts, or lists with ``as_dict=0``)."""
    rows: list[Any] = list(compiled.queryset)
    if compiled.children:
        rows = attach_child_rows(rows, compiled.children)
    if compiled.expand:
        rows = [list(row) for row in rows]
        _convert(rows, compiled.converters)
        _expand(rows, compiled.expand, compiled.resolver)
    return shape_rows(rows, compiled.keys, () if compiled.expand else compiled.converters, compiled.as_dict,
                      plain=compiled.plain)


def _convert(rows: list[list[Any]], converters: tuple[tuple[int, Converter], ...]) -> None:
    for row in rows:
        for index, convert in converters:
            row[index] = convert(row[index])


def shape_rows(rows: list[Any], keys: tuple[str, ...], converters: tuple[tuple[int, Converter], ...],
               as_dict: bool, *, plain: bool = False) -> list[dict[str, Any]] | list[list[Any]]:
    """``values_list()`` rows as Frappe answers them: each value converted (``converters``), then dicts of
    ``keys``, or lists with ``as_dict=0``; a ``PlainRows`` when ``plain``."""
    if converters:
        rows = [list(row) for row in rows]
        _convert(rows, converters)
    shaped = [list(row) for row in rows] if not as_dict else [dict(zip(keys, row)) for row in rows]
    return PlainRows(shaped) if plain else shaped


def fetch_rows_with_debug(compiled: CompiledList) -> tuple[list[Any], list[str]]:
    """``fetch_rows`` plus Frappe's debug lines: the SQL (parameters shown inline) and its execution time."""
    started = time.perf_counter()
    rows = fetch_rows(compiled)
    elapsed = time.perf_counter() - started
    return rows, [str(compiled.queryset.query), f"Execution time: {elapsed:.4f} sec"]
