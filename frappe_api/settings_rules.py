"""What a valid ``API Settings`` value is: checks shared by the row's validation and the runtime's reads.

Each ``*_problem`` function answers why a value is refused, or None when it is valid (empty means "the
``FRAPPE_API`` default applies" and is always valid).
"""

from __future__ import annotations

import re
import zoneinfo
from typing import Any

_SESSION_EXPIRY = re.compile(r"^(\d{1,6}):([0-5]\d)$")


def time_zone_problem(value: Any) -> str | None:
    """Why ``value`` is not an IANA time zone name (``Asia/Kolkata``), or None."""
    if value in (None, ""):
        return None
    text = str(value)
    try:
        zoneinfo.ZoneInfo(text)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return f"{text!r} is not a known time zone; use an IANA name such as 'Europe/Berlin' or 'UTC'."
    return None


def session_expiry_seconds(value: Any) -> int | None:
    """``"hours:minutes"`` in seconds (None when empty or malformed; see ``session_expiry_problem``)."""
    match = _SESSION_EXPIRY.match(str(value or "").strip())
    if match is None:
        return None
    return int(match.group(1)) * 3600 + int(match.group(2)) * 60


def session_expiry_problem(value: Any) -> str | None:
    """Why ``value`` is not a session lifetime ``HH:MM`` of at least one minute, or None."""
    if value in (None, ""):
        return None
    seconds = session_expiry_seconds(value)
    if seconds is None:
        return f'{str(value)!r} is not "hours:minutes" (for example "170:00" or "06:30").'
    if seconds < 60:
        return "A session must live at least one minute."
    return None


def positive_problem(value: Any) -> str | None:
    """Why ``value`` is not a whole number of at least 1, or None (also for an empty value)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        return "Must be at least 1 (leave it empty for the default)."
    return None


def budget_problem(limit: Any, window: Any) -> str | None:
    """Why a request budget of ``limit`` calls per ``window`` seconds is refused: both or neither, or None."""
    if (limit is None) != (window is None):
        return "Set both the request budget limit and its window, or neither (then the default applies)."
    return positive_problem(limit) or positive_problem(window)
