"""Render responses with orjson in Frappe's formats (datetimes ``YYYY-MM-DD HH:MM:SS.ffffff``)."""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any

import orjson
from django.utils import timezone
from rest_framework.renderers import BaseRenderer

DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


def json_default(value: Any) -> Any:
    """Serialise what orjson leaves to us as Frappe does."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime(DATETIME_FORMAT)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M:%S.%f") if value.microsecond else value.strftime("%H:%M:%S")
    if isinstance(value, datetime.timedelta):
        return str(value)
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def dumps(data: Any) -> bytes:
    """orjson with Frappe's value formats (compact, like Frappe's responses)."""
    return orjson.dumps(data, default=json_default,
                        option=orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS)


class OrjsonRenderer(BaseRenderer):
    """DRF renderer producing compact JSON with orjson."""

    media_type = "application/json"
    format = "json"
    charset = None

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: dict | None = None) -> bytes:
        if data is None:
            return b""
        return dumps(data)
