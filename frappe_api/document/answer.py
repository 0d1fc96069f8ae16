"""What a write answers: the saved document, as the caller may read it."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models

from ..exceptions import PermissionError
from ..gate import all_rows_readable, readable_meta
from ..meta import APIField, DocTypeMeta
from ..permissions import has_permission
from ..query.values import Converter, converter_for
from ..registry import registry
from .lifecycle import create_doc
from .serialize import get_doc


def written_doc(meta: DocTypeMeta, name: Any, user: Any, *, include_nulls: bool = False) -> dict[str, Any]:
    """The document just written, through the read gate (``document.get_doc``): fields above the user's
    permission levels left out, and only ``name`` and ``doctype`` when the user may write it but not read it."""
    try:
        return get_doc(meta, name, user, include_nulls=include_nulls)
    except PermissionError:
        return {"name": name, "doctype": meta.doctype}


def created_doc(meta: DocTypeMeta, data: Mapping[str, Any], user: Any, *, honour_client_name: bool = False,
                include_nulls: bool = False) -> dict[str, Any]:
    """Insert a document (``insert_doc``) and answer it as ``written_doc`` does.

    As Frappe answers the document it has just inserted, the values (and child rows) are taken from the
    instances written (no read back) when the user may read every row of the DocType and every value is
    known without a query; otherwise the stored document is read through the read gate."""
    name, instance = create_doc(meta, data, user, honour_client_name=honour_client_name)
    if instance is not None and has_permission(meta, "read", user) and all_rows_readable(meta, user) \
            and not meta.options.virtual_tables:
        document = instance_document(readable_meta(meta, user), instance, include_nulls=include_nulls)
        if document is not None and _attach_rows(meta, instance, document, user, include_nulls):
            return document
    return written_doc(meta, name, user, include_nulls=include_nulls)


def _attach_rows(meta: DocTypeMeta, instance: models.Model, document: dict[str, Any], user: Any,
                 include_nulls: bool) -> bool:
    """Put the child rows just written inline, as ``attach_children`` reads them; False when one is not known
    without a query."""
    written = getattr(instance, "frappe_tables", {})
    for fieldname, table in meta.child_tables.items():
        child_meta = readable_meta(registry.get(table.doctype), user, parent=meta)
        rows = []
        for row in sorted(written.get(fieldname, []), key=lambda row: getattr(row, "idx", 0) or 0) \
                if "idx" in child_meta.fields else written.get(fieldname, []):
            answered = instance_document(child_meta, row, include_nulls=include_nulls)
            if answered is None:
                return False
            doctype = answered.pop("doctype")
            answered["parentfield"], answered["parenttype"], answered["doctype"] = fieldname, meta.doctype, doctype
            rows.append(answered)
        doctype = document.pop("doctype")
        document[fieldname] = rows
        document["doctype"] = doctype
    return True


def _as_stored(model_field: models.Field, value: Any) -> Any:
    """``value`` as the database answers it for ``model_field``: its Python type, a decimal at the field's
    places, an aware datetime in UTC."""
    value = model_field.to_python(value)
    if isinstance(value, Decimal) and isinstance(model_field, models.DecimalField) and value.is_finite():
        return value.quantize(Decimal(1).scaleb(-model_field.decimal_places))
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return value.astimezone(datetime.timezone.utc)
    return value


def instance_document(meta: DocTypeMeta, instance: models.Model, *, include_nulls: bool = False
                      ) -> dict[str, Any] | None:
    """The document ``serialize_rows`` would read for ``instance`` just saved, from its attributes; None when
    a value is not known without a query (a computed field, an expression, a Link target not loaded) or the
    database may spell it otherwise (JSON, whose keys PostgreSQL reorders)."""
    fields = meta.once("answered_fields", _answered_fields)
    if fields is None:
        return None
    document: dict[str, Any] = {}
    for api_field, model_field, through_target, convert in fields:
        value = getattr(instance, model_field.attname)
        if hasattr(value, "resolve_expression"):
            return None
        if through_target and value is not None:
            if not model_field.is_cached(instance):
                return None
            target = model_field.get_cached_value(instance)
            if target is None:
                return None
            value, model_field = getattr(target, api_field.link_name_field), \
                target._meta.get_field(api_field.link_name_field)
        if value is None:
            if include_nulls:
                document[api_field.fieldname] = None
            continue
        try:
            value = _as_stored(model_field, value)
        except (DjangoValidationError, TypeError, ValueError):
            return None
        document[api_field.fieldname] = convert(value) if convert else value
    document["doctype"] = meta.doctype
    return document


def _answered_fields(meta: DocTypeMeta) -> tuple[tuple[APIField, models.Field, bool, Converter | None], ...] | None:
    """Per field ``instance_document`` answers: the API field, its model field, whether the value is read from
    the Link's target (a name other than its key) and the value's conversion; None when a field has no value on
    the instance (computed) or one the database may spell otherwise (JSON)."""
    fields = []
    for api_field in meta.fields.values():
        model_field = api_field.model_field
        if model_field is None or isinstance(model_field, models.JSONField):
            return None
        fields.append((api_field, model_field, api_field.is_link and api_field.lookup != model_field.attname,
                       converter_for(api_field)))
    return tuple(fields)
