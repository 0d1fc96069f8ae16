"""Render responses with orjson in Frappe's formats (datetimes ``YYYY-MM-DD HH:MM:SS.ffffff``)."""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any

import orjson
from django.utils import timezone
from rest_framework.renderers import BaseRenderer

from ..query import PlainRows

DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


def frappe_datetime(value: datetime.datetime, zone: datetime.tzinfo | None = None) -> str:
    """``value`` as Frappe spells a datetime, an aware one in ``zone`` (the current time zone when None)."""
    if value.utcoffset() is not None:
        value = value.astimezone(zone or timezone.get_current_timezone())
    if value.year < 1000:  # isoformat pads the year to 4 digits, strftime does not
        return value.strftime(DATETIME_FORMAT)
    return value.replace(tzinfo=None).isoformat(" ", "microseconds")


def json_default(value: Any) -> Any:
    """Serialise what orjson leaves to us as Frappe does."""
    if isinstance(value, datetime.datetime):
        return frappe_datetime(value)
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
    """orjson with Frappe's value formats (compact, like Frappe's responses).

    The current time zone is looked up once per call, at the first aware datetime (a lookup costs a few
    microseconds, a datetime's formatting about one). A dict holding only ``PlainRows`` and scalars (a list's
    answer) has no date-time to spell: orjson writes it with no call per date."""
    if _plain(data):
        return orjson.dumps(data, default=json_default, option=orjson.OPT_NON_STR_KEYS)
    zone: list[datetime.tzinfo] = []

    def default(value: Any) -> Any:
        if isinstance(value, datetime.datetime):
            if not zone:
                zone.append(timezone.get_current_timezone())
            return frappe_datetime(value, zone[0])
        return json_default(value)

    return orjson.dumps(data, default=default, option=orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS)


def _plain(data: Any) -> bool:
    """Whether ``data`` is a dict whose values are all ``PlainRows`` or scalars (no date-time anywhere in it)."""
    return type(data) is dict and all(type(value) in _PLAIN_TYPES for value in data.values())


_PLAIN_TYPES = frozenset((PlainRows, str, int, float, bool, type(None)))


class OrjsonRenderer(BaseRenderer):
    """DRF renderer producing compact JSON with orjson."""

    media_type = "application/json"
    format = "json"
    charset = None

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: dict | None = None) -> bytes:
        if data is None:
            return b""
        return dumps(data)
