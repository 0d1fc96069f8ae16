"""Frappe field types as JSON Schema (OpenAPI 3.1): one function, ``field_schema``, for every field of every DocType.

Values are described as the API renders them: Check as 0/1, Currency as a JSON number, dates and times as strings
in Frappe's formats (``2024-01-31``, ``2024-01-31 13:45:00.000000``, ``13:45:00``), a Link as the linked
document's name with ``x-frappe-link`` naming its DocType.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from ..meta import APIField

DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
DATETIME_PATTERN = r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?$"
TIME_PATTERN = r"^\d{2}:\d{2}:\d{2}(\.\d{1,6})?$"

DOCSTATUS_DESCRIPTION = "0 Draft, 1 Submitted, 2 Cancelled"

_INTEGER_FIELDS = (models.AutoField, models.BigAutoField, models.SmallAutoField, models.IntegerField)

_BASE: dict[str, dict[str, Any]] = {
    "Data": {"type": "string"},
    "Text": {"type": "string"},
    "Attach": {"type": "string", "description": "A file URL (/files/... or /private/files/...)."},
    "Int": {"type": "integer"},
    "Check": {"type": "integer", "enum": [0, 1]},
    "Float": {"type": "number"},
    "Currency": {"type": "number"},
    "Date": {"type": "string", "format": "date", "pattern": DATE_PATTERN, "examples": ["2024-01-31"]},
    "Datetime": {"type": "string", "pattern": DATETIME_PATTERN, "examples": ["2024-01-31 13:45:00.000000"],
                 "x-frappe-format": "YYYY-MM-DD HH:mm:ss.SSSSSS"},
    "Time": {"type": "string", "pattern": TIME_PATTERN, "examples": ["13:45:00"], "x-frappe-format": "HH:mm:ss"},
    "Duration": {"type": "string", "description": "A duration as Python writes a timedelta (e.g. '1 day, 2:00:00')."},
    "JSON": {},
}


def json_type(model_field: models.Field | None) -> str | None:
    """``integer`` for a model field holding whole numbers, ``string`` for any other concrete field."""
    if model_field is None:
        return None
    return "integer" if isinstance(model_field, _INTEGER_FIELDS) else "string"


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    kind = schema.get("type")
    if kind is None:
        return schema
    nullable = dict(schema)
    nullable["type"] = [kind, "null"]
    if "enum" in nullable:
        nullable["enum"] = [*nullable["enum"], None]
    return nullable


def field_schema(api_field: APIField, *, link_doctype: str | None = None) -> dict[str, Any]:
    """The JSON Schema of ``api_field``'s value (``link_doctype``: the DocType a Link points at)."""
    model_field = api_field.model_field
    fieldtype = api_field.fieldtype
    if model_field is None:  # a computed field: an ORM expression of any type
        schema: dict[str, Any] = {"readOnly": True}
    elif fieldtype == "Select":
        values = [value for value, _ in model_field.choices]
        if getattr(model_field, "blank", False) and "" not in values:
            values.append("")
        schema = {"type": json_type(model_field) if isinstance(model_field, _INTEGER_FIELDS) else "string",
                  "enum": values}
    elif fieldtype == "Link":
        target_field = api_field.link_model._meta.get_field(api_field.link_name_field)  # type: ignore[union-attr]
        schema = {"type": json_type(target_field), "x-frappe-link": link_doctype}
        if link_doctype:
            schema["description"] = f"The name of a {link_doctype}."
    else:
        schema = dict(_BASE.get(fieldtype, {"type": "string"}))
        if api_field.fieldname == "name" and isinstance(model_field, _INTEGER_FIELDS):
            schema = {"type": "integer"}
    if fieldtype in ("Data", "Select") and getattr(model_field, "max_length", None) and schema.get("type") == "string":
        schema["maxLength"] = model_field.max_length
    if api_field.fieldname == "docstatus":
        schema.update({"enum": [0, 1, 2], "description": DOCSTATUS_DESCRIPTION})
    if api_field.label and "title" not in schema:
        schema["title"] = api_field.label
    schema["x-frappe-fieldtype"] = fieldtype
    if model_field is not None and getattr(model_field, "null", False) and api_field.fieldname != "name":
        schema = _nullable(schema)
    return schema
