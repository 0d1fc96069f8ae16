"""System checks: every registered DocType must describe real fields of its model, and grant ``if_owner`` rights
only where its documents record an owner."""

from __future__ import annotations

from typing import Any

from django.core import checks
from django.core.exceptions import FieldDoesNotExist

from .meta import has_owner_column, owner_column_error
from .registry import code_registrations


@checks.register()
def check_code_registrations(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Report registrations naming fields their model lacks, or granting if_owner rights with no owner column."""
    errors: list[checks.CheckMessage] = []
    for doctype, options in code_registrations().items():
        model_fields = [options.name_field, *(v for v in options.field_map.values() if v)]
        for fieldname in filter(None, model_fields):
            try:
                options.model._meta.get_field(fieldname)
            except FieldDoesNotExist:
                errors.append(checks.Error(
                    f"DocType {doctype!r} names field {fieldname!r}, which {options.model.__name__} lacks.",
                    id="frappe_api.E001",
                ))
        if any(rule.if_owner for rule in options.permissions) and not has_owner_column(options):
            errors.append(checks.Error(owner_column_error(options), id="frappe_api.E002"))
    return errors
