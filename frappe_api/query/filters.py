"""Frappe filters: normalise every accepted shape into conditions, then compile them to ``Q`` objects.

Accepted shapes (``frappe/utils/data.py: get_filter``): a dict
``{"status": "Open"}`` or ``{"qty": [">", 5]}``; a list of ``[field, op,
value]`` or ``[doctype, field, op, value]``; a list of single-key dicts. A
missing operator means ``=``. Every field name is resolved against the
DocType's API fields; values are bound parameters, never SQL.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from ..conf import api_settings
from ..exceptions import DataError, ValidationError
from ..fieldvalues import to_python
from ..meta import APIField, DocTypeMeta
from . import lookups  # noqa: F401 - registers the frappe_like lookup

OPERATORS = ("=", "!=", ">", "<", ">=", "<=", "like", "not like", "in", "not in", "is", "between")
_ALIASES = {"==": "=", "<>": "!=", "=<": "<=", "=>": ">=", "not_like": "not like", "not_in": "not in"}
_TEXT_TYPES = ("Data", "Text", "Select", "Link")


@dataclass(frozen=True, slots=True)
class Condition:
    """One ``field op value`` condition, field not yet resolved."""

    doctype: str | None
    fieldname: str
    operator: str
    value: Any


def _condition(doctype: str | None, fieldname: Any, operator: Any, value: Any) -> Condition:
    if not isinstance(fieldname, str) or not fieldname:
        raise DataError(f"Invalid field name {fieldname!r}")
    op = (str(operator).strip().lower() if operator not in (None, "") else "=")
    op = _ALIASES.get(op, op)
    if op not in OPERATORS:
        raise ValidationError(f"Operator must be one of {', '.join(OPERATORS)}")
    return Condition(doctype, fieldname, op, value)


def _from_pair(fieldname: str, value: Any) -> Condition:
    if isinstance(value, list):
        if len(value) != 2:
            raise ValidationError(f"Filter for {fieldname} must be [operator, value]")
        return _condition(None, fieldname, value[0], value[1])
    return _condition(None, fieldname, "=", value)


def normalize_filters(raw: Any, *, param: str = "filters") -> list[Condition]:
    """Every condition in ``raw`` (already JSON-decoded), in order. Bad shapes are a 417."""
    if raw is None or raw == "" or raw == [] or raw == {}:
        return []
    conditions: list[Condition] = []
    if isinstance(raw, dict):
        conditions = [_from_pair(key, value) for key, value in raw.items()]
    elif isinstance(raw, list):
        for item in raw:
            if isinstance(item, dict):
                conditions.extend(_from_pair(key, value) for key, value in item.items())
            elif isinstance(item, list):
                if len(item) == 3:
                    conditions.append(_condition(None, *item))
                elif len(item) >= 4:
                    conditions.append(_condition(item[0], item[1], item[2], item[3]))
                else:
                    raise ValidationError(
                        f"Filter must have 4 values (doctype, fieldname, operator, value): {item!r}")
            else:
                raise ValidationError(f"'{param}' must be a list or dictionary")
    else:
        raise ValidationError(f"'{param}' must be a list or dictionary")
    if len(conditions) > api_settings.MAX_FILTERS:
        raise ValidationError(f"Too many conditions in '{param}' (at most {api_settings.MAX_FILTERS})")
    return conditions


def resolve_field(meta: DocTypeMeta, fieldname: str, doctype: str | None = None) -> APIField:
    """The API field a client named, or a 417 "Field not permitted in query"."""
    if doctype not in (None, "", meta.doctype):
        raise DataError(f"Field not permitted in query: {doctype}.{fieldname}")
    api_field = meta.get_field(fieldname)
    if api_field is None:
        raise DataError(f"Field not permitted in query: {fieldname}")
    return api_field


def coerce_value(api_field: APIField, value: Any) -> Any:
    """A filter value as the field's Python type; a Link compares the target's name."""
    if value is None:
        return None
    if api_field.fieldtype in _TEXT_TYPES and not api_field.is_link:
        if isinstance(value, (dict, list)):
            raise ValidationError(f"Invalid value for {api_field.fieldname}: {value!r}")
        return str(value)
    target = None
    if api_field.is_link and api_field.link_model is not None:
        target = api_field.link_model._meta.get_field(api_field.link_name_field)
    return to_python(api_field, value, model_field=target)


def _as_list(api_field: APIField, value: Any) -> list[Any]:
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",")]
    if not isinstance(value, (list, tuple)):
        value = [value]
    if len(value) > api_settings.MAX_IN_VALUES:
        raise ValidationError(f"Too many values for {api_field.fieldname} (at most {api_settings.MAX_IN_VALUES})")
    return [coerce_value(api_field, item) for item in value]


def _not_set(api_field: APIField) -> Q:
    q = Q(**{f"{api_field.lookup}__isnull": True})
    if api_field.fieldtype in _TEXT_TYPES:
        q |= Q(**{api_field.lookup: ""})
    return q


def _equals(api_field: APIField, value: Any) -> Q:
    if value in (None, "") and api_field.fieldtype in _TEXT_TYPES:
        return _not_set(api_field)
    if value is None:
        return Q(**{f"{api_field.lookup}__isnull": True})
    return Q(**{api_field.lookup: coerce_value(api_field, value)})


def _between(api_field: APIField, value: Any) -> Q:
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        raise ValidationError(f"'between' on {api_field.fieldname} needs [from, to]")
    low, high = value
    if api_field.fieldtype == "Datetime":
        if isinstance(high, str) and len(high.strip()) == 10:
            high = high.strip() + " 23:59:59.999999"
    return Q(**{f"{api_field.lookup}__gte": coerce_value(api_field, low),
                f"{api_field.lookup}__lte": coerce_value(api_field, high)})


def _in(api_field: APIField, value: Any) -> Q:
    values = _as_list(api_field, value)
    q = Q(**{f"{api_field.lookup}__in": [v for v in values if v not in (None, "")]})
    if any(v in (None, "") for v in values) or not values:
        q |= _not_set(api_field)
    return q


_COMPILERS: dict[str, Callable[[APIField, Any], Q]] = {
    "=": _equals,
    "!=": lambda f, v: ~_equals(f, v),
    ">": lambda f, v: Q(**{f"{f.lookup}__gt": coerce_value(f, v)}),
    "<": lambda f, v: Q(**{f"{f.lookup}__lt": coerce_value(f, v)}),
    ">=": lambda f, v: Q(**{f"{f.lookup}__gte": coerce_value(f, v)}),
    "<=": lambda f, v: Q(**{f"{f.lookup}__lte": coerce_value(f, v)}),
    "like": lambda f, v: Q(**{f"{f.lookup}__frappe_like": str(v)}),
    "not like": lambda f, v: ~Q(**{f"{f.lookup}__frappe_like": str(v)}),
    "in": _in,
    "not in": lambda f, v: ~_in(f, v),
    "is": lambda f, v: _is(f, v),
    "between": _between,
}


def _is(api_field: APIField, value: Any) -> Q:
    text = str(value).strip().lower()
    if text == "set":
        return ~_not_set(api_field)
    if text == "not set":
        return _not_set(api_field)
    raise ValidationError(f"'is' on {api_field.fieldname} takes 'set' or 'not set'")


def compile_conditions(meta: DocTypeMeta, conditions: list[Condition], *, join_or: bool = False) -> Q:
    """One ``Q`` for all conditions, ANDed (or ORed with ``join_or``)."""
    combined = Q()
    for condition in conditions:
        api_field = resolve_field(meta, condition.fieldname, condition.doctype)
        q = _COMPILERS[condition.operator](api_field, condition.value)
        combined = (combined | q) if join_or else (combined & q)
    return combined
