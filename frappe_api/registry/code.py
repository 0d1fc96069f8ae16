"""The DocTypes registered in code (``frappe_api.register``): their options, checked and kept by name."""

from __future__ import annotations

import threading
from typing import Any

from django.apps import apps
from django.db import models

from ..meta import DocTypeOptions, has_owner_column, names_in_order, names_set, owner_column_error
from ..permissions import rules_from

_code_options: dict[str, DocTypeOptions] = {}
_lock = threading.Lock()


def options_from_code(model: type[models.Model], options: dict[str, Any]) -> DocTypeOptions:
    """The options of a ``register(model, **options)`` call (the DocType name defaults to the model's verbose
    name in title case); ValueError when they grant an owner's right on a DocType without owners."""
    options = dict(options)
    doctype = options.pop("doctype", None) or str(model._meta.verbose_name).title()
    for key in ("hidden_fields", "read_only_fields", "allow_on_submit_fields"):
        options[key] = names_set(options.get(key))
    options["search_fields"] = names_in_order(options.get("search_fields"))
    options["permissions"] = rules_from(options.get("permissions", ()))
    doctype_options = DocTypeOptions(doctype=doctype, model=model, source="code", **options)
    if owner_rights_without_owner(doctype_options):
        raise ValueError(owner_column_error(doctype_options))
    return doctype_options


def owner_rights_without_owner(options: DocTypeOptions) -> bool:
    """Whether ``options`` grant an ``if_owner`` right on a DocType whose documents record no owner (checked once
    models are loaded; a registration made while they load is checked by the system check ``frappe_api.E002``)."""
    return (apps.models_ready and any(rule.if_owner for rule in options.permissions)
            and not has_owner_column(options))


def keep(options: DocTypeOptions) -> None:
    """Store (or replace) a code registration."""
    with _lock:
        _code_options[options.doctype] = options


def forget(doctype: str) -> None:
    """Drop a code registration, if there is one."""
    with _lock:
        _code_options.pop(doctype, None)


def code_registrations() -> dict[str, DocTypeOptions]:
    """The DocTypes registered in code, by name."""
    return dict(_code_options)
