"""Values a client sends, as the Python type of a DocType field (and the few per-value conversions a list needs).

Shared by filters here and by the writer (``frappe_api.fieldvalues`` answers these errors as Frappe's 417):
a value that cannot be converted is an ``InvalidValue`` naming the field.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.utils import timezone

from ..meta import APIField
from .errors import InvalidValue

TRUE_STRINGS = ("1", "true", "yes")
FALSE_STRINGS = ("0", "false", "no", "")

Converter = Callable[[Any], Any]


def to_check(api_field: APIField, value: Any) -> bool:
    """Frappe's Check: 0/1, true/false (any case)."""
    text = str(value).strip().lower()
    if text in TRUE_STRINGS:
        return True
    if text in FALSE_STRINGS:
        return False
    raise InvalidValue(f"Invalid value for {api_field.label}: {value!r}")


def without_nul(api_field: APIField, value: Any) -> Any:
    """``value`` unchanged unless it is text holding a NUL character, which is refused on every database
    (PostgreSQL cannot store or compare it)."""
    if isinstance(value, str) and "\x00" in value:
        raise InvalidValue(f"Invalid value for {api_field.label}: it contains a NUL character")
    return value


def make_aware(value: datetime.datetime) -> datetime.datetime:
    """Read a naive datetime in the site's time zone."""
    if timezone.is_naive(value):
        return timezone.make_aware(value, timezone.get_current_timezone())
    return value


def to_python(api_field: APIField, value: Any, *, model_field: Any = None) -> Any:
    """``value`` as ``api_field``'s Python type (or ``model_field``'s, for a Link's target name).

    A value that cannot be converted is an ``InvalidValue`` naming the field.
    """
    if value is None:
        return None
    if api_field.fieldtype == "Check" and model_field is None:
        return to_check(api_field, value)
    model_field = model_field or api_field.model_field
    if model_field is None:
        return value
    if isinstance(value, (dict, list)) and api_field.fieldtype != "JSON":
        raise InvalidValue(f"Invalid value for {api_field.label}: {value!r}")
    if isinstance(value, float) and isinstance(model_field, models.DecimalField):
        value = repr(value)  # the number the client wrote (19.99), not the binary float's expansion
    if api_field.fieldtype == "Datetime" and isinstance(value, str) and len(value.strip()) == 10:
        value = value.strip() + " 00:00:00"
    try:
        converted = model_field.to_python(value)
    except (DjangoValidationError, TypeError, ValueError, ArithmeticError):
        raise InvalidValue(f"Invalid value for {api_field.label}: {value!r}") from None
    if isinstance(converted, datetime.datetime):
        converted = make_aware(converted)
    if (isinstance(converted, float) and not math.isfinite(converted)) or (
            isinstance(converted, Decimal) and not converted.is_finite()):  # MariaDB cannot hold them
        raise InvalidValue(f"Invalid value for {api_field.label}: {value!r}")
    return without_nul(api_field, converted)


def _to_check(value: Any) -> Any:
    return None if value is None else int(value)


_PLAIN_FIELDS = (models.CharField, models.TextField, models.IntegerField, models.BooleanField, models.FloatField,
                 models.DecimalField, models.UUIDField, models.DateField)


class PlainRows(list):  # type: ignore[type-arg]
    """Rows (dicts or lists) holding no value the renderer must spell for Frappe itself: no datetime, time or
    duration, only text, numbers, booleans, None, dates, Decimals and UUIDs, which JSON writes as Frappe does
    with no per-value call (a list of 500 rows renders about five times faster). Answered by a list whose
    every column is such a field (``plain_column``)."""

    __slots__ = ()


def plain_column(model: type[models.Model], lookup: Any) -> bool:
    """Whether the column ``lookup`` (an ORM path from ``model``, through relations) holds values ``PlainRows``
    may hold: a built-in text, number, boolean, UUID or date field (not a date-time) converting nothing on
    read. Anything else, an annotation or a custom field among them, is not."""
    if not isinstance(lookup, str):
        return False
    model_field: Any = None
    for part in lookup.split("__"):
        if model_field is not None:
            model = model_field.related_model
            if model is None:
                return False
        try:
            model_field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return False
    while model_field.is_relation:
        if not model_field.concrete or model_field.many_to_many or model_field.one_to_many:
            return False
        model_field = model_field.target_field
    return isinstance(model_field, _PLAIN_FIELDS) and not isinstance(model_field, models.DateTimeField) \
        and getattr(type(model_field), "from_db_value", None) is None


def converter_for(api_field: APIField | None) -> Converter | None:
    """A per-value conversion the renderer cannot do itself (Frappe's Check is 0/1, not a JSON boolean)."""
    return _to_check if api_field is not None and api_field.fieldtype == "Check" else None
