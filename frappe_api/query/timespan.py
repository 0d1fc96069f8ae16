"""Date ranges for Frappe's ``timespan``, ``previous`` and ``next`` operators (``frappe/utils/data.py``)."""

from __future__ import annotations

import calendar
import datetime

from django.utils import timezone

from .errors import InvalidFilter

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_PERIOD_OF = {"1 week": "week", "1 month": "month", "3 months": "quarter", "6 months": "6 months", "1 year": "year"}

TIMESPANS = ("today", "yesterday", "tomorrow",
             "this week", "this month", "this quarter", "this year",
             "last week", "last month", "last quarter", "last year",
             "next week", "next month", "next quarter", "next year",
             "last 7 days", "last 14 days", "last 30 days", "last 90 days", "last 6 months",
             "next 7 days", "next 14 days", "next 30 days", "next 90 days", "next 6 months")


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def _period(day: datetime.date, unit: str, first_day_of_week: str) -> tuple[datetime.date, datetime.date]:
    if unit == "week":
        first_weekday = _WEEKDAYS.index(str(first_day_of_week).lower())
        start = day - datetime.timedelta(days=(day.weekday() - first_weekday) % 7)
        return start, start + datetime.timedelta(days=6)
    if unit == "month":
        start = day.replace(day=1)
    elif unit == "quarter":
        start = day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    else:
        start = day.replace(month=1, day=1)
    months = {"month": 1, "quarter": 3, "year": 12}[unit]
    return start, _add_months(start, months) - datetime.timedelta(days=1)


def _shift(day: datetime.date, unit: str, step: int) -> datetime.date:
    if unit == "week":
        return day + datetime.timedelta(weeks=step)
    return _add_months(day, step * {"month": 1, "quarter": 3, "year": 12}[unit])


def date_range(operator: str, value: object, today: datetime.date | None = None, *,
               first_day_of_week: str = "Sunday") -> tuple[datetime.date, datetime.date]:
    """The inclusive ``(from, to)`` dates a ``timespan``/``previous``/``next`` condition covers (weeks starting
    on ``first_day_of_week``)."""
    text = str(value).strip().lower()
    if operator in ("previous", "next"):
        if text not in _PERIOD_OF:
            raise InvalidFilter(f"'{operator}' takes one of: {', '.join(_PERIOD_OF)}")
        text = f"{'last' if operator == 'previous' else 'next'} {_PERIOD_OF[text]}"
    if text not in TIMESPANS:
        raise InvalidFilter(f"'timespan' takes one of: {', '.join(TIMESPANS)}")
    today = today or timezone.localdate()
    if text in ("today", "yesterday", "tomorrow"):
        day = today + datetime.timedelta(days={"today": 0, "yesterday": -1, "tomorrow": 1}[text])
        return day, day
    direction, _, unit = text.partition(" ")
    if unit.endswith("days"):
        days = int(unit.split()[0])
        return ((today - datetime.timedelta(days=days), today) if direction == "last"
                else (today, today + datetime.timedelta(days=days)))
    if unit == "6 months":
        return (_add_months(today, -6), today) if direction == "last" else (today, _add_months(today, 6))
    step = {"this": 0, "last": -1, "next": 1}[direction]
    return _period(_shift(today, unit, step), unit, first_day_of_week)
