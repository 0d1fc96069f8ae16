"""Naming rules: how a new document gets its ``name``.

Rules (Frappe's ``autoname``): ``hash`` (10 lowercase alphanumerics),
``autoincrement`` (the database's id), ``prompt`` (the client sends
``name``) and ``field:<fieldname>`` (the value of a field).
"""

from __future__ import annotations

import secrets
import string
from typing import Any

from .exceptions import MandatoryError, NameError, ValidationError
from .meta import DocTypeMeta

HASH_ALPHABET = string.ascii_lowercase + string.digits
HASH_LENGTH = 10
HASH_ATTEMPTS = 5


def make_hash() -> str:
    """A random 10-character name of lowercase letters and digits, like Frappe's hash names."""
    return "".join(secrets.choice(HASH_ALPHABET) for _ in range(HASH_LENGTH))


def validate_name(meta: DocTypeMeta, name: Any) -> str:
    """Strip and check a document name; Frappe's refusals answer 409 NameError."""
    text = str(name).strip()
    if not text:
        raise ValidationError(f"No Name Specified for {meta.doctype}")
    if "<" in text or ">" in text:
        raise NameError("Name cannot contain special characters like '<', '>'")
    if text == meta.doctype:
        raise NameError(f"{meta.doctype} is not a valid name")
    return text


def new_name(meta: DocTypeMeta, values: dict[str, Any], client_name: Any, *, honour_client_name: bool) -> Any:
    """The name a new document takes, or None when the database assigns it (autoincrement).

    ``values`` are the API values being inserted; ``client_name`` is the
    ``name`` the client sent, kept only for ``prompt`` or when
    ``honour_client_name`` (API v2) is set.
    """
    rule = meta.naming_rule
    if rule == "autoincrement":
        return None
    if client_name not in (None, "") and (rule == "prompt" or honour_client_name):
        return validate_name(meta, client_name)
    if rule == "prompt":
        raise ValidationError("Please set the document name")
    if rule.startswith("field:"):
        fieldname = rule.split(":", 1)[1].strip()
        value = values.get(fieldname)
        if value in (None, ""):
            api_field = meta.get_field(fieldname)
            label = api_field.label if api_field else fieldname
            raise MandatoryError(f"{label} is required")
        return validate_name(meta, value)
    return make_hash()
