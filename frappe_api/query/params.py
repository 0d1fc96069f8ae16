"""Parse Frappe list parameters (strings from a query string, or decoded JSON) into a ``ListQuery``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from ..conf import api_settings
from ..exceptions import ValidationError

# Offsets and page lengths are clamped here: past it there are no rows anyway, and every database still
# accepts it with a page added (SQL's BIGINT stops at 2**63 - 1).
MAX_INT_PARAM = 2**62


@dataclass(frozen=True, slots=True)
class ListQuery:
    """A list request in Frappe's terms, before any name is checked against a DocType."""

    fields: tuple[Any, ...] = ("name",)
    """Field expressions (strings) and ``ChildFields``."""
    filters: Any = None
    or_filters: Any = None
    order_by: str = ""
    group_by: str = ""
    limit_start: int = 0
    limit_page_length: int = 20
    as_dict: bool = True
    debug: bool = False
    expand: tuple[str, ...] = ()


def _depth(value: Any, limit: int, level: int = 1) -> None:
    if level > limit:
        raise ValidationError(f"JSON nested deeper than {limit} levels")
    if isinstance(value, dict):
        for item in value.values():
            _depth(item, limit, level + 1)
    elif isinstance(value, list):
        for item in value:
            _depth(item, limit, level + 1)


def parse_json_param(name: str, value: Any) -> Any:
    """Decode a JSON parameter sent as a string; decoded values pass through. Bad JSON is a 417."""
    if not isinstance(value, (str, bytes)):
        _depth(value, api_settings.MAX_JSON_DEPTH)
        return value
    text = value.strip() if isinstance(value, str) else value
    if not text:
        return None
    try:
        decoded = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise ValidationError(f"Invalid JSON in parameter '{name}': {exc}") from None
    _depth(decoded, api_settings.MAX_JSON_DEPTH)
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
    """A non-negative integer parameter (Frappe's ``cint``, but a non-number is a 417); numbers past any
    database's integers are clamped to ``MAX_INT_PARAM``."""
    if value is None or value == "":
        return default
    try:
        number = int(value) if not isinstance(value, str) else int(float(value.strip()))
    except (TypeError, ValueError, OverflowError):
        raise ValidationError(f"'{name}' must be an integer, got {value!r}") from None
    if number < 0:
        raise ValidationError(f"'{name}' must not be negative")
    return min(number, MAX_INT_PARAM)


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
            raise ValidationError("'fields' must be a list of strings or {table field: [field names]}")
        specs.append(ChildFields(table, tuple(names)))
    return specs


def parse_fields(value: Any) -> tuple[str | ChildFields, ...]:
    """``fields`` as Frappe clients send it: a JSON list (of names, and ``{table field: [names]}`` for child
    rows), a bare ``*``, or a single field name."""
    if value is None or value == "":
        return ("name",)
    if isinstance(value, str) and value.strip() in ("*", '"*"'):
        return ("*",)
    decoded = parse_json_param("fields", value) if isinstance(value, str) and value.strip()[:1] in "[\"" else value
    if decoded is None:
        return ("name",)
    if isinstance(decoded, str):  # a bare "name, status" (older Frappe split it on commas)
        decoded = [part.strip() for part in decoded.split(",") if part.strip()] if "(" not in decoded else [decoded]
    if not isinstance(decoded, list) or not all(isinstance(item, (str, dict)) for item in decoded):
        raise ValidationError("'fields' must be a list of strings")
    fields: list[str | ChildFields] = []
    for item in decoded:
        fields.extend(_child_fields(item) if isinstance(item, dict) else [item])
    return tuple(fields) or ("name",)


def parse_list_params(params: Mapping[str, Any], *, start_key: str = "limit_start",
                      length_keys: tuple[str, ...] = ("limit_page_length", "limit")) -> ListQuery:
    """Read Frappe's list parameters; unknown parameters are ignored as Frappe ignores them."""
    length_raw = next((params.get(key) for key in length_keys if params.get(key) not in (None, "")), None)
    order_by = params.get("order_by") or ""
    group_by = params.get("group_by") or ""
    if not isinstance(order_by, str):
        raise ValidationError("'order_by' must be a string")
    if not isinstance(group_by, str):
        raise ValidationError("'group_by' must be a string")
    return ListQuery(
        fields=parse_fields(params.get("fields")),
        filters=parse_json_param("filters", params.get("filters")),
        or_filters=parse_json_param("or_filters", params.get("or_filters")),
        order_by=order_by.strip(),
        group_by=group_by.strip(),
        limit_start=parse_int(start_key, params.get(start_key), 0),
        limit_page_length=parse_int("limit_page_length", length_raw, api_settings.DEFAULT_PAGE_LENGTH),
        as_dict=parse_bool("as_dict", params.get("as_dict"), True),
        debug=parse_bool("debug", params.get("debug"), False),
        expand=parse_names("expand", params.get("expand")),
    )


def parse_names(name: str, value: Any) -> tuple[str, ...]:
    """A list of field names sent as JSON (``["a", "b"]``), a JSON string, or a bare name."""
    if value in (None, ""):
        return ()
    decoded = parse_json_param(name, value) if isinstance(value, str) and value.strip()[:1] in '["' else value
    if isinstance(decoded, str):
        decoded = [decoded]
    if not isinstance(decoded, list) or not all(isinstance(item, str) for item in decoded):
        raise ValidationError(f"'{name}' must be a list of field names")
    return tuple(decoded)
