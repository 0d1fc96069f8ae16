"""Frappe filters: normalise every accepted shape into conditions, then compile them to ``Q`` objects.

Accepted shapes (``frappe/utils/data.py: get_filter``): a dict
``{"status": "Open"}`` or ``{"qty": [">", 5]}``; a list of ``[field, op,
value]`` or ``[doctype, field, op, value]`` (``doctype`` this DocType or one
of its child tables); a list of single-key dicts. A missing operator means
``=``. Every field name is resolved against the DocType's API fields; values
are bound parameters, never SQL.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import FieldError
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q

from ..meta import APIField, DocTypeMeta
from . import lookups  # noqa: F401 - registers the frappe_like lookup
from .errors import InvalidFilter, InvalidValue, LimitExceeded, NameNotPermitted
from .params import QueryConfig
from .resolver import DocTypeResolver
from .timespan import date_range
from .values import make_aware, to_python, without_nul

TREE_OPERATORS = ("descendants of", "descendants of (inclusive)", "not descendants of", "ancestors of",
                  "not ancestors of")
OPERATORS = ("=", "!=", ">", "<", ">=", "<=", "like", "not like", "in", "not in", "is", "between",
             "timespan", "previous", "next", *TREE_OPERATORS)
TIME_RELATIVE_OPERATORS = ("between", "timespan", "previous", "next")
"""Operators whose SQL parameters depend on today's date (``between`` fills a missing bound with today)."""
_ALIASES = {"==": "=", "<>": "!=", "=<": "<=", "=>": ">=", "not_like": "not like", "not_in": "not in"}
_TEXT_TYPES = ("Data", "Text", "Select", "Link")
_DATE_TYPES = ("Date", "Datetime")
_PARSED_TYPES = ("Date", "Datetime", "Time")
_BAD_NAME = re.compile(r"[,'();\n`\"\\]")
# The longest ``like`` pattern: SQLite refuses patterns past 50,000 bytes, and this many characters stay under
# that even at four bytes each, so every database answers the same.
MAX_LIKE_LENGTH = 10_000


@dataclass(frozen=True, slots=True)
class Condition:
    """One ``field op value`` condition, field not yet resolved."""

    doctype: str | None
    fieldname: str
    operator: str
    value: Any


def _condition(doctype: Any, fieldname: Any, operator: Any, value: Any) -> Condition:
    if not isinstance(fieldname, str) or not fieldname.strip():
        raise NameNotPermitted(f"Invalid field name {fieldname!r}")
    if _BAD_NAME.search(fieldname):
        raise NameNotPermitted(f"Invalid field name {fieldname}")
    if doctype is not None and not isinstance(doctype, str):
        raise NameNotPermitted(f"Invalid DocType {doctype!r}")
    op = str(operator).strip().lower() if operator not in (None, "") else "="
    op = _ALIASES.get(op, op)
    if op not in OPERATORS:
        raise InvalidFilter(f"Operator must be one of {', '.join(OPERATORS)}")
    return Condition(doctype or None, fieldname.strip(), op, value)


def _from_pair(fieldname: str, value: Any) -> Condition:
    if isinstance(value, list):
        if len(value) != 2:
            raise InvalidFilter(f"Filter for {fieldname} must be [operator, value]")
        return _condition(None, fieldname, value[0], value[1])
    return _condition(None, fieldname, "=", value)


def normalize_filters(raw: Any, *, param: str = "filters", max_filters: int = QueryConfig.max_filters
                      ) -> list[Condition]:
    """Every condition in ``raw`` (already JSON-decoded), in order; bad shapes and more than ``max_filters``
    conditions are refused."""
    if raw is None or raw == "" or raw == [] or raw == {}:
        return []
    conditions: list[Condition] = []
    if isinstance(raw, dict):
        conditions = [_from_pair(key, value) for key, value in raw.items()]
    elif isinstance(raw, list):
        for item in raw:
            if isinstance(item, dict):
                conditions.extend(_from_pair(key, value) for key, value in item.items())
            elif isinstance(item, list) and len(item) == 3:
                conditions.append(_condition(None, *item))
            elif isinstance(item, list) and len(item) >= 4:
                conditions.append(_condition(item[0], item[1], item[2], item[3]))
            elif isinstance(item, list):
                raise InvalidFilter(f"Filter must have 4 values (doctype, fieldname, operator, value): {item!r}")
            else:
                raise InvalidFilter(f"'{param}' must be a list or dictionary")
    else:
        raise InvalidFilter(f"'{param}' must be a list or dictionary")
    if len(conditions) > max_filters:
        raise LimitExceeded(f"Too many conditions in '{param}' (at most {max_filters})")
    return conditions


def resolve_field(meta: DocTypeMeta, fieldname: str, doctype: str | None = None) -> APIField:
    """The API field a client named, or ``NameNotPermitted`` ("Field not permitted in query")."""
    if doctype not in (None, "", meta.doctype):
        raise NameNotPermitted(f"Field not permitted in query: {doctype}.{fieldname}")
    api_field = meta.get_field(fieldname)
    if api_field is None:
        raise NameNotPermitted(f"Field not permitted in query: {fieldname}")
    return api_field


# --- values ----------------------------------------------------------------------------------
_FORM_FIELDS = ((models.DateTimeField, forms.DateTimeField), (models.DateField, forms.DateField),
                (models.TimeField, forms.TimeField))


@functools.lru_cache(maxsize=512)
def _form_field(api_field: APIField) -> forms.Field:
    """Django's form field for a date/time model field: it accepts every input format Django knows."""
    form_class = next(form for model, form in _FORM_FIELDS if isinstance(api_field.model_field, model))
    return form_class(required=False)


def coerce_value(api_field: APIField, value: Any) -> Any:
    """A filter value as the field's Python type (a Link compares the target's name); bad values are an
    ``InvalidValue``."""
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        raise InvalidValue(f"Invalid value for {api_field.label}: {value!r}")
    if api_field.fieldtype in _TEXT_TYPES and not api_field.is_link:
        return without_nul(api_field, str(value))
    if api_field.fieldtype in _PARSED_TYPES and api_field.model_field is not None:
        text = str(value).strip()
        if api_field.fieldtype == "Datetime" and len(text) == 10:
            text += " 00:00:00"
        try:
            converted = _form_field(api_field).clean(text)
        except DjangoValidationError:
            raise InvalidValue(f"Invalid value for {api_field.label}: {value!r}") from None
        return make_aware(converted) if isinstance(converted, datetime.datetime) else converted
    target = None
    if api_field.is_link and api_field.link_model is not None:
        target = api_field.link_model._meta.get_field(api_field.link_name_field)
    converted = to_python(api_field, value, model_field=target)
    if api_field.fieldtype == "Int" and api_field.model_field is not None and converted is not None:
        try:
            api_field.model_field.run_validators(converted)  # the database's integer range
        except DjangoValidationError:
            raise InvalidValue(f"Invalid value for {api_field.label}: {value!r}") from None
    return converted


def _as_list(api_field: APIField, value: Any, config: QueryConfig) -> list[Any]:
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",")]
    if not isinstance(value, (list, tuple)):
        value = [value]
    if len(value) > config.max_in_values:
        raise LimitExceeded(f"Too many values for {api_field.fieldname} (at most {config.max_in_values})")
    return [coerce_value(api_field, item) for item in value]


# --- operators -------------------------------------------------------------------------------
Compile = Callable[[APIField, Any, QueryConfig], Q]
"""One operator: (field, value, caps) to a ``Q``."""


def _not_set(api_field: APIField) -> Q:
    q = Q(**{f"{api_field.lookup}__isnull": True})
    if api_field.fieldtype in _TEXT_TYPES:
        q |= Q(**{api_field.lookup: ""})
    return q


def _equals(api_field: APIField, value: Any, config: QueryConfig) -> Q:
    if value in (None, "") and api_field.fieldtype in _TEXT_TYPES:
        return _not_set(api_field)
    if value in (None, ""):
        return Q(**{f"{api_field.lookup}__isnull": True})
    return Q(**{api_field.lookup: coerce_value(api_field, value)})


def _compare(suffix: str) -> Compile:
    def compile_(api_field: APIField, value: Any, config: QueryConfig) -> Q:
        converted = coerce_value(api_field, value)
        if converted is None:
            raise InvalidValue(f"Invalid value for {api_field.label}: {value!r}")
        return Q(**{f"{api_field.lookup}__{suffix}": converted})
    return compile_


def _range(api_field: APIField, low: Any, high: Any) -> Q:
    if api_field.fieldtype == "Datetime":
        if isinstance(low, datetime.date) and not isinstance(low, datetime.datetime):
            low = make_aware(datetime.datetime.combine(low, datetime.time.min))
        if isinstance(high, datetime.date) and not isinstance(high, datetime.datetime):
            high = make_aware(datetime.datetime.combine(high, datetime.time.max))
        elif isinstance(high, str) and len(high.strip()) == 10:
            high = high.strip() + " 23:59:59.999999"
    return Q(**{f"{api_field.lookup}__gte": coerce_value(api_field, low),
                f"{api_field.lookup}__lte": coerce_value(api_field, high)})


def _between(api_field: APIField, value: Any, config: QueryConfig) -> Q:
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",")] if "," in value else [value]
    if not isinstance(value, (list, tuple)) or not 1 <= len(value) <= 2:
        raise InvalidFilter(f"'between' on {api_field.fieldname} needs [from, to]")
    today = datetime.date.today().isoformat()
    low, high = (list(value) + [today])[:2] if len(value) == 1 else value
    return _range(api_field, low if low not in (None, "") else today, high if high not in (None, "") else today)


def _timespan(operator: str) -> Compile:
    def compile_(api_field: APIField, value: Any, config: QueryConfig) -> Q:
        if api_field.fieldtype not in _DATE_TYPES:
            raise InvalidFilter(f"'{operator}' needs a Date or Datetime field, not {api_field.fieldname}")
        low, high = date_range(operator, value, first_day_of_week=config.first_day_of_week)
        return _range(api_field, low, high)
    return compile_


def _in(api_field: APIField, value: Any, config: QueryConfig) -> Q:
    values = _as_list(api_field, value, config)
    present = [item for item in values if item not in (None, "")]
    q = Q(**{f"{api_field.lookup}__in": present}) if present else Q(pk__in=[])
    if len(present) < len(values) or not values:
        q |= _not_set(api_field)
    return q


def _is(api_field: APIField, value: Any, config: QueryConfig) -> Q:
    text = str(value).strip().lower()
    if text == "set":
        return ~_not_set(api_field)
    if text == "not set":
        return _not_set(api_field)
    raise InvalidFilter(f"'is' on {api_field.fieldname} takes 'set' or 'not set'")


def _like(api_field: APIField, value: Any, config: QueryConfig) -> Q:
    if isinstance(value, (dict, list)) or value is None:
        raise InvalidValue(f"Invalid value for {api_field.label}: {value!r}")
    if len(str(value)) > MAX_LIKE_LENGTH:
        raise LimitExceeded(f"The pattern for {api_field.label} is too long (at most {MAX_LIKE_LENGTH} "
                              "characters)")
    return Q(**{f"{api_field.lookup}__frappe_like": without_nul(api_field, str(value))})


_COMPILERS: dict[str, Compile] = {
    "=": _equals,
    "!=": lambda f, v, c: ~_equals(f, v, c),
    ">": _compare("gt"),
    "<": _compare("lt"),
    ">=": _compare("gte"),
    "<=": _compare("lte"),
    "like": _like,
    "not like": lambda f, v, c: ~_like(f, v, c),
    "in": _in,
    "not in": lambda f, v, c: ~_in(f, v, c),
    "is": _is,
    "between": _between,
    "timespan": _timespan("timespan"),
    "previous": _timespan("previous"),
    "next": _timespan("next"),
}


def _tree_q(meta: DocTypeMeta, api_field: APIField, operator: str, value: Any, resolver: DocTypeResolver) -> Q:
    """``descendants of``/``ancestors of`` over a tree DocType: one query reads the tree's edges, from the
    rows the resolver gives (those the caller may read) through a parent field it lets them read."""
    tree_meta = meta if api_field.fieldname == "name" else (
        resolver.link_meta(api_field) if api_field.is_link else None)
    if tree_meta is None or not tree_meta.options.tree_parent_field:
        raise InvalidFilter(f"'{operator}' needs a Link to a tree DocType, not {api_field.fieldname}")
    parent_field = resolve_field(tree_meta, tree_meta.options.tree_parent_field)
    edges = list(resolver.rows(tree_meta).values_list(tree_meta.name.lookup, parent_field.lookup))
    node = coerce_value(tree_meta.name, value) if tree_meta.name.model_field else value
    if operator.startswith(("descendants", "not descendants")):
        children: dict[Any, list[Any]] = {}
        for name, parent in edges:
            children.setdefault(parent, []).append(name)
        found, stack = set(), list(children.get(node, []))
        while stack:
            current = stack.pop()
            if current not in found:
                found.add(current)
                stack.extend(children.get(current, []))
        if operator == "descendants of (inclusive)":
            found.add(node)
    else:
        parents = dict(edges)
        found, current = set(), parents.get(node)
        while current is not None and current not in found:
            found.add(current)
            current = parents.get(current)
    q = Q(**{f"{api_field.lookup}__in": sorted(found, key=str)})
    return ~q if operator.startswith("not ") else q


ORM_VALUE_ERRORS = (ValueError, TypeError, FieldError, DjangoValidationError)
"""What the ORM raises at ``filter()`` time for a value a field cannot hold."""


def compile_conditions(meta: DocTypeMeta, conditions: list[Condition], resolver: DocTypeResolver,
                       config: QueryConfig, *, join_or: bool = False, check_values: bool = False) -> Q:
    """One ``Q`` for all conditions, ANDed (or ORed with ``join_or``).

    A condition on a child-table DocType becomes ``EXISTS`` (a parent matches
    once, however many of its rows match); ``resolver`` gives that child
    DocType, a Link's target and its readable rows for tree operators.
    ``check_values`` has the ORM try each condition alone, so that a value it
    refuses is an ``InvalidValue`` naming the field.
    """
    combined = Q()
    for condition in conditions:
        target_meta, table = meta, None
        if condition.doctype not in (None, meta.doctype):
            table = meta.child_table_for(condition.doctype)
            if table is None:
                raise NameNotPermitted(f"Field not permitted in query: {condition.doctype}.{condition.fieldname}")
            target_meta = resolver.child_meta(table.doctype, meta)
        api_field = resolve_field(target_meta, condition.fieldname)
        try:
            if condition.operator in TREE_OPERATORS:
                q = _tree_q(target_meta, api_field, condition.operator, condition.value, resolver)
            else:
                q = _COMPILERS[condition.operator](api_field, condition.value, config)
            if table is not None:
                rows = target_meta.queryset().filter(**{table.parent_attname: OuterRef("pk")}).filter(q)
                q = Q(Exists(rows))
            elif check_values:
                target_meta.queryset().none().filter(q)
        except ORM_VALUE_ERRORS:
            raise InvalidValue(f"Invalid value for {api_field.label}: {condition.value!r}") from None
        combined = (combined | q) if join_or else (combined & q)
    return combined
