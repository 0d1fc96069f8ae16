"""Compile a ``ListQuery`` against a DocType into one queryset read with ``values_list()``."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import F, QuerySet

from ..conf import api_settings
from ..exceptions import DataError, ValidationError
from ..meta import APIField, DocTypeMeta
from .filters import compile_conditions, normalize_filters, resolve_field
from .params import ListQuery

_ALIAS_RE = re.compile(r"^(?P<expr>.+?)\s+as\s+(?P<alias>[A-Za-z_][A-Za-z0-9_ ]*)$", re.IGNORECASE)
_QUALIFIED_RE = re.compile(r"^`?tab(?P<doctype>[^`.]+)`?\.`?(?P<field>[^`]+)`?$")

Converter = Callable[[Any], Any]


def _to_check(value: Any) -> Any:
    return None if value is None else int(value)


def converter_for(api_field: APIField) -> Converter | None:
    """A per-value conversion the renderer cannot do itself (Frappe's Check is 0/1, not a JSON boolean)."""
    return _to_check if api_field.fieldtype == "Check" else None


@dataclass(frozen=True, slots=True)
class CompiledList:
    """A ready queryset and how to turn its tuples into Frappe rows."""

    queryset: QuerySet
    keys: tuple[str, ...]
    converters: tuple[tuple[int, Converter], ...]
    as_dict: bool


def _strip_table(meta: DocTypeMeta, text: str) -> str:
    match = _QUALIFIED_RE.match(text.strip())
    if match:
        if match.group("doctype") != meta.doctype:
            raise DataError(f"Field not permitted in query: {text}")
        return match.group("field")
    return text.strip().strip("`")


def resolve_select(meta: DocTypeMeta, fields: tuple[str, ...]) -> list[tuple[str, APIField]]:
    """(result key, field) for every requested field, ``*`` expanded to every readable field."""
    selected: list[tuple[str, APIField]] = []
    for raw in fields:
        if not isinstance(raw, str) or not raw.strip():
            raise DataError(f"Field not permitted in query: {raw!r}")
        text = raw.strip()
        if text == "*":
            selected.extend((name, api_field) for name, api_field in meta.fields.items())
            continue
        alias = None
        match = _ALIAS_RE.match(text)
        if match:
            text, alias = match.group("expr").strip(), match.group("alias").strip()
        fieldname = _strip_table(meta, text)
        api_field = resolve_field(meta, fieldname)
        selected.append((alias or fieldname, api_field))
    return selected


def resolve_order(meta: DocTypeMeta, order_by: str) -> list[Any]:
    """ORM ordering for Frappe's ``order_by`` (``field [asc|desc], ...``); the DocType's default when empty."""
    terms: list[tuple[APIField, str]] = []
    if order_by:
        for part in order_by.split(","):
            part = part.strip()
            if not part:
                continue
            head, _, last = part.rpartition(" ")
            direction = last.lower() if head and last.lower() in ("asc", "desc") else None
            fieldname = head.strip() if direction else part
            api_field = resolve_field(meta, _strip_table(meta, fieldname))
            terms.append((api_field, direction or "asc"))
    elif meta.default_order:
        fieldname, direction = meta.default_order
        terms.append((meta.fields[fieldname], direction))
    ordering: list[Any] = []
    for api_field, direction in terms:
        expression = F(api_field.lookup)
        ordering.append(expression.desc(nulls_last=True) if direction == "desc" else expression.asc(nulls_first=True))
    if terms and all(api_field.fieldname != "name" for api_field, _ in terms):
        ordering.append(F(meta.name.lookup).desc())  # a stable order for paging
    return ordering


def page_bounds(query: ListQuery) -> tuple[int, int]:
    """(start, stop) of the page; a page length of 0 means every row, up to ``MAX_PAGE_LENGTH``."""
    cap = api_settings.MAX_PAGE_LENGTH
    length = query.limit_page_length or cap
    return query.limit_start, query.limit_start + min(length, cap)


def compile_list(meta: DocTypeMeta, query: ListQuery, base: QuerySet | None = None) -> CompiledList:
    """Validate ``query`` against ``meta`` and build the single queryset that answers it."""
    selected = resolve_select(meta, query.fields)
    queryset = base if base is not None else meta.queryset()
    where = compile_conditions(meta, normalize_filters(query.filters))
    or_conditions = normalize_filters(query.or_filters, param="or_filters")
    if or_conditions:
        where &= compile_conditions(meta, or_conditions, join_or=True)
    if where:
        queryset = queryset.filter(where)
    if query.group_by:
        raise ValidationError("group_by is not supported yet")
    queryset = queryset.order_by(*resolve_order(meta, query.order_by))
    start, stop = page_bounds(query)
    queryset = queryset.values_list(*(api_field.lookup for _, api_field in selected))[start:stop]
    converters = tuple(
        (index, converter)
        for index, (_, api_field) in enumerate(selected)
        if (converter := converter_for(api_field)) is not None
    )
    return CompiledList(queryset, tuple(key for key, _ in selected), converters, query.as_dict)


def fetch_rows(compiled: CompiledList) -> list[dict[str, Any]] | list[list[Any]]:
    """Run the query once and shape its rows as Frappe does (dicts, or lists with ``as_dict=0``)."""
    rows = list(compiled.queryset)
    if compiled.converters:
        converted = []
        for row in rows:
            values = list(row)
            for index, convert in compiled.converters:
                values[index] = convert(values[index])
            converted.append(values)
        rows = converted
    if not compiled.as_dict:
        return [list(row) for row in rows]
    keys = compiled.keys
    return [dict(zip(keys, row)) for row in rows]
