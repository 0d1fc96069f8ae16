"""What an admin-made ``DocType`` row may say: checked when the Django admin saves it, before any request
can be served from it.

``row_errors(row)`` answers ``{form field: message}``; empty means the row is servable: a name reachable in a
URL and unique regardless of case, JSON options of the right shape, options that name fields the model has,
and a naming rule that can fill the model's name field.
"""

from __future__ import annotations

import re

from django.core.exceptions import FieldDoesNotExist
from django.db import models

from .meta import build_meta, effective_name_field
from .models import DocType
from .registry import code_registrations

_UNREACHABLE_NAME = re.compile(r"[/\\\x00-\x1f\x7f]")
_INTEGER_FIELDS = (models.IntegerField, models.AutoField, models.BigAutoField, models.SmallAutoField)
_AUTO_FIELDS = (models.AutoField, models.BigAutoField, models.SmallAutoField)


def name_problem(row: DocType) -> str | None:
    """Why ``row.name`` cannot be a DocType name: unreachable in a URL, or another DocType's name in other case."""
    name = row.name or ""
    if _UNREACHABLE_NAME.search(name) or name != name.strip():
        return ("A DocType name cannot contain '/', '\\' or control characters, nor start or end with a space: "
                "it is part of every URL (/api/resource/<DocType>).")
    taken = {other for other in DocType.objects.exclude(pk=row.pk).values_list("name", flat=True)}
    taken |= set(code_registrations()) - {name}
    clash = next((other for other in sorted(taken) if other.lower() == name.lower()), None)
    if clash is not None:
        return f"The DocType {clash!r} already exists; names differing only by case are refused."
    return None


def _json_problems(row: DocType) -> dict[str, str]:
    problems: dict[str, str] = {}
    field_map = row.field_map if row.field_map is not None else {}
    if not isinstance(field_map, dict) or not all(
            isinstance(value, str) or value is None for value in field_map.values()):
        problems["field_map"] = ('The field map must be a JSON object of API field name to model field name, '
                                 'e.g. {"owner": "created_by"}.')
    permlevels = row.field_permlevels if row.field_permlevels is not None else {}
    if not isinstance(permlevels, dict) or not all(
            isinstance(level, int) and not isinstance(level, bool) and 0 <= level <= 9
            for level in permlevels.values()):
        problems["field_permlevels"] = ('Field permission levels must be a JSON object of field name to a level '
                                        'from 0 to 9, e.g. {"salary": 1}.')
    return problems


def naming_rule_problem(row: DocType, model: type[models.Model], name_field: str) -> str | None:
    """Why the row's naming rule cannot name documents of ``model`` whose name lives in ``name_field``."""
    rule = (row.naming_rule or "").strip()
    if not rule:
        return None
    known = rule in ("hash", "autoincrement", "prompt") or rule.startswith(("field:", "format:")) or "#" in rule
    if not known:
        return (f"{rule!r} is not a naming rule: use hash, autoincrement, prompt, field:<fieldname>, a series "
                "such as 'SO-.#####', or format:INV-{customer}-{###}.")
    name_model_field = model._meta.get_field(name_field)
    if rule == "autoincrement" and not isinstance(name_model_field, _AUTO_FIELDS):
        return (f"autoincrement needs a name field the database numbers itself; {model.__name__}.{name_field} "
                "is not an AutoField.")
    if isinstance(name_model_field, _INTEGER_FIELDS) and rule != "autoincrement":
        if rule.startswith("field:"):
            source = rule.split(":", 1)[1].strip()
            try:
                numeric = isinstance(model._meta.get_field(source), _INTEGER_FIELDS)
            except FieldDoesNotExist:
                numeric = True  # reported as a missing field
            if numeric:
                return None
        return (f"The document name lives in {model.__name__}.{name_field}, an integer field: the rule {rule!r} "
                "makes text names, so every insert would fail. Use autoincrement, or a name field that holds "
                "text.")
    return None


def _other_primary(row: DocType, model: type[models.Model]) -> str | None:
    """Another DocType marked primary for ``model`` (or a model sharing its table), if any."""
    concrete = model._meta.concrete_model
    for name, options in code_registrations().items():
        if options.primary and options.model._meta.concrete_model is concrete and name != row.name:
            return name
    for other in DocType.objects.filter(primary_for_model=True).exclude(pk=row.pk).select_related("model"):
        other_model = other.model.model_class()
        if other_model is not None and other_model._meta.concrete_model is concrete:
            return other.name
    return None


def row_errors(row: DocType) -> dict[str, str]:
    """Every reason the admin-made ``row`` cannot be served, by form field (empty when it can)."""
    errors: dict[str, str] = {}
    if (problem := name_problem(row)) is not None:
        errors["name"] = problem
    errors.update(_json_problems(row))
    if errors or not row.model_id:
        return errors
    options = row.options()
    if options is None:
        return {"model": "This model is no longer installed."}
    try:
        meta = build_meta(options, lambda model: model._meta.pk.name)
    except FieldDoesNotExist as exc:
        return {"__all__": str(exc)}
    model_fields = {field.name for field in options.model._meta.get_fields()}
    for api_name, model_name in options.field_map.items():
        if model_name and model_name not in model_fields:
            errors["field_map"] = f"{options.model.__name__} has no field {model_name!r} (for {api_name!r})."
    if options.naming_rule.startswith("field:"):
        fieldname = options.naming_rule.split(":", 1)[1].strip()
        if fieldname not in meta.fields and fieldname not in model_fields:
            errors["naming_rule"] = f"{options.model.__name__} has no field {fieldname!r}."
    if "naming_rule" not in errors and (
            problem := naming_rule_problem(row, options.model, effective_name_field(options))) is not None:
        errors["naming_rule"] = problem
    for option, value in (("sort_field", options.sort_field), ("title_field", options.title_field)):
        for part in filter(None, (value or "").split(",")):
            fieldname = part.split()[0] if part.split() else ""
            if fieldname and fieldname not in meta.fields:
                errors[option] = f"{options.model.__name__} has no field {fieldname!r}."
    if row.primary_for_model and (other := _other_primary(row, options.model)) is not None:
        errors["primary_for_model"] = (f"DocType {other!r} is already primary for {options.model.__name__}; "
                                       "unmark it first.")
    known = model_fields | set(meta.fields) | set(options.field_map)
    for option, names in (("hidden_fields", options.hidden_fields), ("read_only_fields", options.read_only_fields),
                          ("field_permlevels", options.field_permlevels), ("search_fields", options.search_fields)):
        unknown = sorted(name for name in names if name not in known)
        if unknown:
            errors[option] = f"{options.model.__name__} has no field {unknown[0]!r}."
    return errors
