"""Convert values a client sends into the Python type of a DocType field, for the writer.

The conversion itself is the query language's (``frappe_api.query.values``); here its ``InvalidValue`` is
Frappe's ``ValidationError`` (417), which the writer's callers (bulk loops among them) expect.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from decimal import ROUND_HALF_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models

from .exceptions import ValidationError
from .meta import APIField
from .query import values
from .query.errors import InvalidValue
from .query.values import FALSE_STRINGS, TRUE_STRINGS, make_aware

__all__ = ["FALSE_STRINGS", "TRUE_STRINGS", "make_aware", "round_decimal", "to_check", "to_python", "to_stored",
           "without_nul"]


def _answered(convert: Callable[..., Any]) -> Callable[..., Any]:
    """``convert`` raising Frappe's 417 (``ValidationError``) where the query language's raises ``InvalidValue``."""
    @functools.wraps(convert)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return convert(*args, **kwargs)
        except InvalidValue as error:
            raise ValidationError(error.message) from None
    return wrapper


to_check = _answered(values.to_check)
without_nul = _answered(values.without_nul)
to_python = _answered(values.to_python)


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
