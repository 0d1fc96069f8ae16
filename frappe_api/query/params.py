"""A list request as the query language takes it (``ListQuery``), the caps a caller sets (``QueryConfig``), and
the readers of Frappe's parameter values (JSON, integers, booleans, field lists).

The API's views resolve their own parameter names (v1's ``limit_start``/``limit_page_length``, v2's
``start``/``limit``) and hand over one ``ListQuery``; nothing here reads settings.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import orjson

from .errors import InvalidParameter, LimitExceeded

# Offsets and page lengths are clamped here: past it there are no rows anyway, and every database still
# accepts it with a page added (SQL's BIGINT stops at 2**63 - 1).
MAX_INT_PARAM = 2**62


@dataclass(frozen=True, slots=True)
class QueryConfig:
    """The caps and conventions a caller runs the query language with (the API passes its settings)."""

    max_page_length: int = 10000
    """The most rows one list answers (also for a page length of 0)."""
    default_page_length: int = 20
    max_filters: int = 50
    """Most conditions in one ``filters`` or ``or_filters``."""
    max_in_values: int = 1000
    """Most values in one ``in``/``not in``."""
    max_json_depth: int = 8
    """Deepest nesting accepted in a JSON parameter."""
    first_day_of_week: str = "Sunday"
    """Where ``timespan``'s weeks start."""


@dataclass(frozen=True, slots=True)
class ListQuery:
    """A list request in Frappe's terms, before any name is checked against a DocType."""

    fields: tuple[Any, ...] = ("name",)
    """Field expressions (strings) and ``ChildFields``."""
    filters: Any = None
    """Decoded ``filters`` (a list or dict), checked when compiled."""
    or_filters: Any = None
    order_by: str = ""
    group_by: str = ""
    start: int = 0
    page_length: int = 20
    """Rows to answer, the caller's cap already applied."""
    as_dict: bool = True
    debug: bool = False
    expand: tuple[str, ...] = ()

    def cache_key(self) -> Hashable | None:
        """Everything that shapes this query's SQL and rows except ``debug``, each value with its type (``1``,
        ``1.0``, ``true`` and ``"1"`` differ), or None when a value cannot be hashed."""
        key = _typed((self.fields, self.filters, self.or_filters, self.order_by, self.group_by, self.start,
                      self.page_length, self.as_dict, self.expand))
        try:
            hash(key)
        except TypeError:
            return None
        return key


def _typed(value: Any) -> Any:
    """``value`` as nested tuples that name every type (JSON's ``true`` equals ``1`` in Python, ``-0.0`` equals
    ``0.0``)."""
    if isinstance(value, dict):
        return ("dict", tuple((_typed(name), _typed(item)) for name, item in value.items()))
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(_typed(item) for item in value))
    if isinstance(value, float):
        return ("float", repr(value))  # -0.0 == 0.0, but str() tells them apart
    return (type(value).__name__, value)


def _depth(value: Any, limit: int, level: int = 1) -> None:
    if level > limit:
        raise LimitExceeded(f"JSON nested deeper than {limit} levels")
    if isinstance(value, dict):
        for item in value.values():
            _depth(item, limit, level + 1)
    elif isinstance(value, list):
        for item in value:
            _depth(item, limit, level + 1)


def parse_json_param(name: str, value: Any, max_depth: int) -> Any:
    """Decode a JSON parameter sent as a string; decoded values pass through. Bad JSON, or JSON nested deeper
    than ``max_depth``, is an error."""
    if not isinstance(value, (str, bytes)):
        _depth(value, max_depth)
        return value
    text = value.strip() if isinstance(value, str) else value
    if not text:
        return None
    try:
        decoded = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise InvalidParameter(f"Invalid JSON in parameter '{name}': {exc}") from None
    _depth(decoded, max_depth)
    return decoded


def parse_bool(name: str, value: Any, default: bool) -> bool:
    """Frappe's ``sbool``: true/1 and false/0 (any case); anything else keeps the default."""
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return bool(value)
    text = str(value).strip().lower()
    if text in ("true", "1", "yes"):
        return True
    if text in ("false", "0", "no"):
        return False
    return default


def parse_int(name: str, value: Any, default: int) -> int:
    """A non-negative integer parameter (Frappe's ``cint``, but a non-number is an error); numbers past any
    database's integers are clamped to ``MAX_INT_PARAM``."""
    if value is None or value == "":
        return default
    try:
        number = int(value) if not isinstance(value, str) else int(float(value.strip()))
    except (TypeError, ValueError, OverflowError):
        raise InvalidParameter(f"'{name}' must be an integer, got {value!r}") from None
    if number < 0:
        raise InvalidParameter(f"'{name}' must not be negative")
    return min(number, MAX_INT_PARAM)


def first_given(*values: Any) -> Any:
    """The first of ``values`` that is neither None nor empty (a parameter sent under one of several names)."""
    return next((value for value in values if value not in (None, "")), None)


@dataclass(frozen=True)
class ChildFields:
    """``{"items": ["item_code", "qty"]}`` in ``fields``: the rows of table field ``table`` of each document,
    with those fields (frappe-ui's ``ChildTableField``)."""

    table: str
    fields: tuple[str, ...]


def _child_fields(item: dict[Any, Any]) -> list[ChildFields]:
    specs = []
    for table, names in item.items():
        if isinstance(names, str):
            names = [names]
        if not isinstance(table, str) or not isinstance(names, list) or not names \
                or not all(isinstance(name, str) for name in names):
            raise InvalidParameter("'fields' must be a list of strings or {table field: [field names]}")
        specs.append(ChildFields(table, tuple(names)))
    return specs


def parse_fields(value: Any, max_depth: int) -> tuple[str | ChildFields, ...]:
    """``fields`` as Frappe clients send it: a JSON list (of names, and ``{table field: [names]}`` for child
    rows), a bare ``*``, or a single field name."""
    if value is None or value == "":
        return ("name",)
    if isinstance(value, str) and value.strip() in ("*", '"*"'):
        return ("*",)
    decoded = parse_json_param("fields", value, max_depth) if isinstance(value, str) and value.strip()[:1] in "[\"" \
        else value
    if decoded is None:
        return ("name",)
    if isinstance(decoded, str):  # a bare "name, status" (older Frappe split it on commas)
        decoded = [part.strip() for part in decoded.split(",") if part.strip()] if "(" not in decoded else [decoded]
    if not isinstance(decoded, (list, tuple)) or not all(isinstance(item, (str, dict)) for item in decoded):
        raise InvalidParameter("'fields' must be a list of strings")
    fields: list[str | ChildFields] = []
    for item in decoded:
        fields.extend(_child_fields(item) if isinstance(item, dict) else [item])
    return tuple(fields) or ("name",)


def parse_names(name: str, value: Any, max_depth: int) -> tuple[str, ...]:
    """A list of field names sent as JSON (``["a", "b"]``), a JSON string, or a bare name."""
    if value in (None, ""):
        return ()
    decoded = parse_json_param(name, value, max_depth) if isinstance(value, str) and value.strip()[:1] in '["' \
        else value
    if isinstance(decoded, str):
        decoded = [decoded]
    if not isinstance(decoded, list) or not all(isinstance(item, str) for item in decoded):
        raise InvalidParameter(f"'{name}' must be a list of field names")
    return tuple(decoded)


def _decoded(name: str, value: Any, config: QueryConfig) -> Any:
    return parse_json_param(name, value, config.max_json_depth) if isinstance(value, (str, bytes)) else value


def list_query(config: QueryConfig, *, fields: Any = None, filters: Any = None, or_filters: Any = None,
               order_by: Any = None, group_by: Any = None, start: int = 0, page_length: int | None = None,
               as_dict: Any = None, debug: Any = None, expand: Any = None) -> ListQuery:
    """A ``ListQuery`` from the values of Frappe's list parameters: JSON text (from a query string or a form),
    decoded here once, or values already decoded (from a JSON body, whose depth its parser checked, or by the
    view). ``start`` and ``page_length`` are the caller's, already read under its own parameter names; a page
    length of 0 (or None: ``default_page_length``) is every row, and none is longer than ``max_page_length``."""
    order_by = order_by or ""
    group_by = group_by or ""
    if not isinstance(order_by, str):
        raise InvalidParameter("'order_by' must be a string")
    if not isinstance(group_by, str):
        raise InvalidParameter("'group_by' must be a string")
    length = config.default_page_length if page_length is None else page_length
    return ListQuery(
        fields=parse_fields(fields, config.max_json_depth),
        filters=_decoded("filters", filters, config),
        or_filters=_decoded("or_filters", or_filters, config),
        order_by=order_by.strip(),
        group_by=group_by.strip(),
        start=start,
        page_length=min(length or config.max_page_length, config.max_page_length),
        as_dict=parse_bool("as_dict", as_dict, True),
        debug=parse_bool("debug", debug, False),
        expand=parse_names("expand", expand, config.max_json_depth),
    )
