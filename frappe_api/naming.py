"""Naming rules: how a new document gets its ``name``.

Rules (Frappe's ``autoname``): ``hash`` (10 lowercase alphanumerics),
``autoincrement`` (the database's id), ``prompt`` (the client sends
``name``), ``field:<fieldname>`` (the value of a field), a series such as
``SO-.#####`` or ``TODO-.YYYY.-.####``, ``format:INV-{customer}-{###}``, and
a controller's own ``autoname()`` method. Series counters live in the
``Series`` table and are incremented atomically, so concurrent inserts never
share a name on any database.
"""

from __future__ import annotations

import re
import secrets
import string
from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, connections, router, transaction
from django.db.models import F
from django.utils import timezone

from .conf import api_settings
from .exceptions import MandatoryError, NameError, ValidationError
from .meta import DocTypeMeta
from .models import Series

HASH_ALPHABET = string.ascii_lowercase + string.digits
HASH_LENGTH = 10
_HASH_NAMES = len(HASH_ALPHABET) ** HASH_LENGTH
HASH_ATTEMPTS = 5
SERIES_SKIPS = 100
_FORMAT_PART = re.compile(r"\{([^{}]+)\}")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def make_hash() -> str:
    """A random 10-character name of lowercase letters and digits, like Frappe's hash names.

    One draw from the system's random source, below the number of such names, spelt in base 36: every name is
    as likely as with a draw per character, at one ``urandom`` call (rarely two) instead of ten."""
    number = secrets.randbelow(_HASH_NAMES)
    characters = []
    for _ in range(HASH_LENGTH):
        number, index = divmod(number, len(HASH_ALPHABET))
        characters.append(HASH_ALPHABET[index])
    return "".join(characters)


def validate_name(meta: DocTypeMeta, name: Any) -> str:
    """Strip and check a document name; Frappe's refusals answer 409 NameError."""
    text = str(name).strip()
    if not text:
        raise ValidationError(f"No Name Specified for {meta.doctype}")
    if "<" in text or ">" in text:
        raise NameError("Name cannot contain special characters like '<', '>'")
    if CONTROL_CHARACTERS.search(text):
        raise ValidationError("Name cannot contain control characters")
    if text == meta.doctype and not meta.options.issingle:
        raise NameError(f"{meta.doctype} is not a valid name")
    if len(text) > 140:
        raise NameError("Name is too long (at most 140 characters)")
    if text.lower() == api_settings.GUEST_USER.lower() and \
            meta.model._meta.concrete_model is get_user_model()._meta.concrete_model:
        raise NameError(f"{text} is a reserved user name")  # anonymous requests act as Guest
    return text


def next_in_series(prefix: str) -> int:
    """Increment and answer the counter of ``prefix`` (row-locked until the transaction ends).

    One statement where the database answers the new value from the UPDATE itself (``RETURNING`` on
    PostgreSQL and SQLite, ``LAST_INSERT_ID(expr)`` on MySQL and MariaDB); the row is created the first time."""
    with transaction.atomic(using=_series_db(), savepoint=False):
        value = _increment(prefix)
        if value is None:
            try:
                with transaction.atomic(using=_series_db()):
                    Series.objects.create(name=prefix, current=1)
                return 1
            except IntegrityError:  # another transaction created it first
                value = _increment(prefix)
        if value is None:
            raise AssertionError(f"series {prefix!r} vanished")
        return value


def _series_db() -> str:
    return router.db_for_write(Series)


def _increment(prefix: str) -> int | None:
    """Add one to the counter of ``prefix`` and answer it; None when there is no row yet."""
    connection = connections[_series_db()]
    quote = connection.ops.quote_name
    table, current, name = quote(Series._meta.db_table), quote("current"), quote("name")
    with connection.cursor() as cursor:
        if connection.vendor == "mysql":
            cursor.execute(f"UPDATE {table} SET {current} = LAST_INSERT_ID({current} + 1) WHERE {name} = %s",
                           [prefix])
            return int(cursor.lastrowid) if cursor.rowcount else None
        if connection.features.can_return_columns_from_insert:
            cursor.execute(f"UPDATE {table} SET {current} = {current} + 1 WHERE {name} = %s RETURNING {current}",
                           [prefix])
            row = cursor.fetchone()
            return int(row[0]) if row else None
    if not Series.objects.filter(name=prefix).update(current=F("current") + 1):
        return None
    return Series.objects.filter(name=prefix).values_list("current", flat=True).get()


def _date_part(part: str) -> str | None:
    today = timezone.localdate()
    return {"YYYY": f"{today.year:04d}", "YY": f"{today.year % 100:02d}", "MM": f"{today.month:02d}",
            "DD": f"{today.day:02d}"}.get(part)


def _field_text(meta: DocTypeMeta, values: dict[str, Any], fieldname: str) -> str:
    value = values.get(fieldname)
    if value in (None, ""):
        api_field = meta.get_field(fieldname)
        raise MandatoryError(f"{api_field.label if api_field else fieldname} is required")
    return str(value)


def series_name(meta: DocTypeMeta, pattern: str, values: dict[str, Any]) -> str:
    """Evaluate a dotted series (``SO-.#####``, ``TODO-.YYYY.-.####``); the counter is per prefix."""
    prefix, name = "", ""
    for part in pattern.split("."):
        if part and set(part) == {"#"}:
            prefix = name
            name += f"{next_in_series(prefix):0{len(part)}d}"
        elif (date := _date_part(part)) is not None:
            name += date
        elif part in values or (meta.get_field(part) is not None and part not in ("name",)):
            name += _field_text(meta, values, part)
        else:
            name += part
    return name


def format_name(meta: DocTypeMeta, template: str, values: dict[str, Any]) -> str:
    """Evaluate ``format:INV-{customer}-{###}``: fields, dates and one counter per evaluated prefix."""
    parts = _FORMAT_PART.split(template)
    name = ""
    for index, part in enumerate(parts):
        if index % 2 == 0:
            name += part
        elif set(part) == {"#"}:
            name += f"{next_in_series(name):0{len(part)}d}"
        elif (date := _date_part(part)) is not None:
            name += date
        else:
            name += _field_text(meta, values, part)
    return name


def amended_name(original: str, original_amended_from: Any) -> str:
    """``SO-00001`` amended becomes ``SO-00001-1``; ``SO-00001-1`` amended becomes ``SO-00001-2``."""
    if original_amended_from:
        head, _, tail = original.rpartition("-")
        if tail.isdigit():
            return f"{head}-{int(tail) + 1}"
    return f"{original}-1"


def client_name_kept(meta: DocTypeMeta, client_name: Any, *, honour_client_name: bool) -> bool:
    """Whether the ``name`` a client sent becomes the document's name: under ``prompt``, or when the caller
    asks for it (``honour_client_name``: API v2, for a user allowed to set names)."""
    return client_name not in (None, "") and meta.naming_rule not in ("autoincrement",) \
        and not meta.options.issingle and (meta.naming_rule == "prompt" or honour_client_name)


def generated(meta: DocTypeMeta) -> bool:
    """Whether the naming rule generates names no one chose (a hash, or a counter of a series or format),
    so that a name already taken is skipped rather than refused."""
    rule = meta.naming_rule
    return rule == "hash" or (not rule.startswith("field:") and "#" in rule)


def new_name(meta: DocTypeMeta, values: dict[str, Any], client_name: Any, *, honour_client_name: bool,
             is_taken: Callable[[str], bool] | None = None) -> Any:
    """The name a new document takes, or None when the database assigns it (autoincrement).

    ``values`` are the API values being inserted; ``client_name`` is the
    ``name`` the client sent (see ``client_name_kept``). With ``is_taken``, a
    series or format counter moves past the names it says are taken (at most
    ``SERIES_SKIPS`` of them).
    """
    rule = meta.naming_rule
    if rule == "autoincrement":
        return None
    if meta.options.issingle:
        return meta.doctype
    if client_name_kept(meta, client_name, honour_client_name=honour_client_name):
        return validate_name(meta, client_name)
    if rule == "prompt":
        raise ValidationError("Please set the document name")
    if rule.startswith("field:"):
        return validate_name(meta, _field_text(meta, values, rule.split(":", 1)[1].strip()))
    if "#" in rule:
        for _ in range(SERIES_SKIPS):
            name = validate_name(meta, format_name(meta, rule.split(":", 1)[1], values) if rule.startswith(
                "format:") else series_name(meta, rule, values))
            if is_taken is None or not is_taken(name):
                return name
        return name
    if rule.startswith("format:"):
        return validate_name(meta, format_name(meta, rule.split(":", 1)[1], values))
    return make_hash()
