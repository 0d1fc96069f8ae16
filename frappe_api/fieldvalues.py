"""Convert values a client sends into the Python type of a DocType field."""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable
from decimal import ROUND_HALF_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.utils import timezone

from .exceptions import ValidationError
from .meta import APIField

Converter = Callable[[Any], Any]


def _to_check(value: Any) -> Any:
    return None if value is None else int(value)


def converter_for(api_field: APIField | None) -> Converter | None:
    """A per-value conversion the renderer cannot do itself (Frappe's Check is 0/1, not a JSON boolean)."""
    return _to_check if api_field is not None and api_field.fieldtype == "Check" else None

TRUE_STRINGS = ("1", "true", "yes")
FALSE_STRINGS = ("0", "false", "no", "")


def to_check(api_field: APIField, value: Any) -> bool:
    """Frappe's Check: 0/1, true/false (any case)."""
    text = str(value).strip().lower()
    if text in TRUE_STRINGS:
        return True
    if text in FALSE_STRINGS:
        return False
    raise ValidationError(f"Invalid value for {api_field.label}: {value!r}")


def without_nul(api_field: APIField, value: Any) -> Any:
    """``value`` unchanged unless it is text holding a NUL character, which is a 417 on every database
    (PostgreSQL cannot store or compare it)."""
    if isinstance(value, str) and "\x00" in value:
        raise ValidationError(f"Invalid value for {api_field.label}: it contains a NUL character")
    return value


def make_aware(value: datetime.datetime) -> datetime.datetime:
    """Read a naive datetime in the site's time zone."""
    if timezone.is_naive(value):
        return timezone.make_aware(value, timezone.get_current_timezone())
    return value


def to_python(api_field: APIField, value: Any, *, model_field: Any = None) -> Any:
    """``value`` as ``api_field``'s Python type (or ``model_field``'s, for a Link's target name).

    A value that cannot be converted is a 417 naming the field.
    """
    if value is None:
        return None
    if api_field.fieldtype == "Check" and model_field is None:
        return to_check(api_field, value)
    model_field = model_field or api_field.model_field
    if model_field is None:
        return value
    if isinstance(value, (dict, list)) and api_field.fieldtype != "JSON":
        raise ValidationError(f"Invalid value for {api_field.label}: {value!r}")
    if isinstance(value, float) and isinstance(model_field, models.DecimalField):
        value = repr(value)  # the number the client wrote (19.99), not the binary float's expansion
    if api_field.fieldtype == "Datetime" and isinstance(value, str) and len(value.strip()) == 10:
        value = value.strip() + " 00:00:00"
    try:
        converted = model_field.to_python(value)
    except (DjangoValidationError, TypeError, ValueError, ArithmeticError):
        raise ValidationError(f"Invalid value for {api_field.label}: {value!r}") from None
    if isinstance(converted, datetime.datetime):
        converted = make_aware(converted)
    if (isinstance(converted, float) and not math.isfinite(converted)) or (
            isinstance(converted, Decimal) and not converted.is_finite()):  # MariaDB cannot hold them
        raise ValidationError(f"Invalid value for {api_field.label}: {value!r}")
    return without_nul(api_field, converted)


def round_decimal(value: Decimal, places: int) -> Decimal:
    """``value`` rounded to ``places`` decimals as Frappe's ``flt(value, precision)`` does by default
    ("Banker's Rounding (legacy)"): a half rounds up (towards +infinity), a half to a whole number to even."""
    if places <= 0:
        rounding = ROUND_HALF_EVEN
    else:
        rounding = ROUND_HALF_UP if value >= 0 else ROUND_HALF_DOWN
    context = Context(prec=max(value.adjusted() + 1, 1) + places + 1)
    rounded = value.quantize(Decimal(1).scaleb(-places), rounding=rounding, context=context)
    return rounded.copy_abs() if rounded.is_zero() else rounded


def to_stored(api_field: APIField, value: Any) -> Any:
    """``value`` as written to ``api_field``: ``to_python``, then a decimal rounded to the field's precision.

    A number with more whole digits than the field holds is a 417 at once (before any controller computes
    with it), with Django's message.
    """
    converted = to_python(api_field, value)
    model_field = api_field.model_field
    if not isinstance(converted, Decimal) or not isinstance(model_field, models.DecimalField):
        return converted
    places = model_field.decimal_places
    whole_digits = model_field.max_digits - places
    if converted.adjusted() < whole_digits:
        converted = round_decimal(converted, places)
    if converted.adjusted() >= whole_digits:  # too large, or rounded up past the largest value it holds
        try:
            model_field.run_validators(converted)
        except DjangoValidationError as error:
            raise ValidationError(f"{api_field.label}: {' '.join(error.messages)}") from None
    return converted
