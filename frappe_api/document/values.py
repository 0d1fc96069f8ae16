"""Writing client values onto a model instance, and Django's validation turned into Frappe's errors."""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import nullcontext
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from ..exceptions import (
    CharacterLengthExceededError,
    DuplicateEntryError,
    LinkValidationError,
    MandatoryError,
    UniqueValidationError,
    ValidationError,
)
from ..fieldvalues import to_python, to_stored
from ..meta import APIField, DocTypeMeta
from ..permissions import user_name
from . import inserts


def resolve_link(api_field: APIField, value: Any) -> models.Model | None:
    """The target instance a Link value names (by the target's ``name``); 417 when there is none."""
    if value in (None, ""):
        return None
    lookup_value = _link_name(api_field, value)
    target = api_field.link_model._default_manager.filter(**{api_field.link_name_field: lookup_value}).first()
    if target is None:
        raise LinkValidationError(f"Could not find {api_field.label}: {value}")
    return target


HOOKS_BEFORE_SAVE = ("autoname", "before_insert", "validate", "before_save", "before_submit", "after_insert",
                     "on_update", "on_submit")


def deferrable_links(meta: DocTypeMeta) -> frozenset[str]:
    """Link fields whose existence check an insert may leave to the database's foreign key.

    A Link stored as a ForeignKey with its constraint, holding the target's name (its primary key), on a
    target read through a plain ``Manager``, with no choices, validators or model checks on it: the INSERT
    (MySQL) or the COMMIT (PostgreSQL, SQLite) refuses a name that does not exist, and the caller writes again
    with ``resolve_link`` to answer Frappe's ``LinkValidationError``. Nothing on a model with controller hooks
    (they may read the target before the database has checked it). The fields are worked out once per meta."""
    model = meta.model
    if any(callable(getattr(model, hook, None)) for hook in HOOKS_BEFORE_SAVE):
        return frozenset()
    return meta.once("deferrable_links", _links_with_foreign_keys)


def _links_with_foreign_keys(meta: DocTypeMeta) -> frozenset[str]:
    """The writable Link fields a foreign key alone can check (see ``deferrable_links``); none when the
    database has no foreign keys."""
    if not connection.features.supports_foreign_keys:
        return frozenset()
    names = set()
    for api_field in meta.fields.values():
        model_field = api_field.model_field
        if not api_field.is_link or not api_field.writable or not isinstance(model_field, models.ForeignKey):
            continue
        target = api_field.link_model
        if not model_field.db_constraint or api_field.link_name_field != target._meta.pk.name \
                or type(target._default_manager) is not models.Manager or model_field.remote_field.limit_choices_to \
                or model_field.validators or model_field.choices or in_model_checks(meta.model, model_field):
            continue
        names.add(api_field.fieldname)
    return frozenset(names)


def _link_name(api_field: APIField, value: Any) -> Any:
    """A Link value as the target's name, in the target name field's Python type (no query)."""
    if isinstance(value, dict):
        value = value.get("name")  # an expanded Link sent back as it was read
    if isinstance(value, (dict, list)) or value is None:
        raise LinkValidationError(f"Could not find {api_field.label}: {value!r}")
    target_field = api_field.link_model._meta.get_field(api_field.link_name_field)
    return to_python(api_field, value, model_field=target_field)


def changed_fields(meta: DocTypeMeta, instance: models.Model, data: Mapping[str, Any]) -> list[APIField]:
    """The writable fields whose value in ``data`` differs from the instance's."""
    changed = []
    for key, value in data.items():
        api_field = meta.fields.get(key)
        if api_field is None or not api_field.writable:
            continue
        if api_field.is_link:
            target = resolve_link(api_field, value)
            new = target.pk if target is not None else None
            current = getattr(instance, api_field.model_field.attname)
        else:
            new, current = to_stored(api_field, value), getattr(instance, api_field.attname)
            if new is None and current == "":
                continue
        if new != current:
            changed.append(api_field)
    return changed


def apply_values(meta: DocTypeMeta, instance: models.Model, data: Mapping[str, Any],
                 only: set[str] | None = None, *, unchecked: set[str] | None = None) -> None:
    """Set every writable field present in ``data`` (or only those in ``only``).

    Unknown, standard and read-only keys are ignored, as Frappe ignores them;
    write-only fields run their setters last. With ``unchecked`` (a set), the ``deferrable_links`` are set
    by name without a query and their model field names added to it (``full_clean`` must exclude them).
    """
    deferred = deferrable_links(meta) if unchecked is not None else frozenset()
    setters = []
    for key, value in data.items():
        if only is not None and key not in only:
            continue
        if key in meta.write_only:
            setters.append((meta.write_only[key], value))
            continue
        if key in meta.hidden_fields:
            raise ValidationError(f"Not allowed to change {meta.hidden_fields[key].label}: insufficient permission "
                                  "level")
        api_field = meta.fields.get(key)
        if api_field is None or not api_field.writable:
            continue
        if api_field.fieldname in deferred and unchecked is not None:
            setattr(instance, api_field.model_field.attname, None if value in (None, "") else _link_name(api_field, value))
            unchecked.add(api_field.model_field.name)
            continue
        if api_field.is_link:
            setattr(instance, api_field.attname, resolve_link(api_field, value))
            continue
        converted = to_stored(api_field, value)
        if converted is None and not api_field.model_field.null and api_field.fieldtype in ("Data", "Text", "Select"):
            converted = ""
        setattr(instance, api_field.attname, converted)
    for setter, value in setters:
        setter(instance, value)


def stamp(meta: DocTypeMeta, instance: models.Model, user: Any, *, creating: bool) -> None:
    """Set the standard fields the server owns (never the client)."""
    now = timezone.now()
    who = user_name(user)
    stamps: dict[str, Any] = {"modified": now, "modified_by": who}
    if creating:
        stamps.update(owner=who, creation=now, docstatus=0, idx=getattr(instance, "idx", 0) or 0)
    for fieldname, value in stamps.items():
        api_field = meta.fields.get(fieldname)
        if api_field is None or api_field.attname is None:
            continue
        if api_field.is_link:
            value = api_field.link_model._default_manager.filter(**{api_field.link_name_field: value}).first()
        setattr(instance, api_field.attname, value)


def _translate_validation(meta: DocTypeMeta, instance: models.Model, exc: DjangoValidationError,
                          prefix: str) -> Exception:
    by_attname = {api_field.attname: api_field for api_field in meta.fields.values() if api_field.attname}
    errors = getattr(exc, "error_dict", None) or {"__all__": exc.error_list}
    missing: list[str] = []
    for model_name, error_list in errors.items():
        api_field = by_attname.get(model_name)
        label = api_field.label if api_field else model_name
        for error in error_list:
            code = getattr(error, "code", None)
            if code in ("blank", "null", "required"):
                missing.append(label)
            elif code == "unique" and model_name == meta.name.attname:
                return DuplicateEntryError(f"{meta.doctype} {getattr(instance, meta.name.attname)} already exists")
            elif code in ("unique", "unique_together"):
                return UniqueValidationError(f"{prefix}{label} must be unique")
            elif code == "max_length":
                return CharacterLengthExceededError(f"{prefix}{label}: {' '.join(error.messages)}")
            elif code == "invalid_choice":
                choices = ", ".join(str(value) for value, _ in (api_field.model_field.choices or [])) \
                    if api_field else ""
                value = getattr(instance, model_name, "")
                return ValidationError(f'{prefix}{label} cannot be "{value}". It should be one of "{choices}"')
            else:
                label_part = f"{label}: " if model_name != "__all__" else ""
                return ValidationError(prefix + label_part + " ".join(error.messages))
    return MandatoryError(f"{prefix}Error: Value missing for {meta.doctype}: {', '.join(missing)}")


def in_model_checks(instance: models.Model | type[models.Model], model_field: models.Field) -> bool:
    """Whether a uniqueness or constraint check of the model involves ``model_field`` (excluding it would skip it)."""
    options = [instance._meta, *(parent._meta for parent in instance._meta.get_parent_list())]
    return model_field.unique or any(
        any(model_field.name in together for together in opts.unique_together)
        or any(not isinstance(constraint, models.UniqueConstraint) or constraint.expressions
               or model_field.name in constraint.fields for constraint in opts.constraints)
        for opts in options)


def loaded_links(meta: DocTypeMeta, instance: models.Model) -> set[str]:
    """Link fields holding a target just read from the database (``resolve_link``): Django's validation would
    only query for that row again. Links with choices, validators or in a model check stay validated."""
    names = set()
    for model_field in meta.once("links_checked_by_loading", _links_checked_by_loading):
        if not model_field.is_cached(instance):
            continue
        target = model_field.get_cached_value(instance)
        if target is None or target._state.adding:
            continue
        if getattr(target, model_field.target_field.attname) == getattr(instance, model_field.attname):
            names.add(model_field.name)
    return names


def _links_checked_by_loading(meta: DocTypeMeta) -> tuple[models.Field, ...]:
    """The Link model fields whose only check is that the target exists (see ``loaded_links``)."""
    return tuple(
        api_field.model_field for api_field in meta.fields.values()
        if api_field.is_link and not (api_field.model_field.remote_field.limit_choices_to
                                      or api_field.model_field.validators or api_field.model_field.choices)
        and not in_model_checks(meta.model, api_field.model_field))


def full_clean(meta: DocTypeMeta, instance: models.Model, exclude: set[str] | None = None, *,
               prefix: str = "", name_checked_by_insert: bool = False) -> None:
    """Django's model validation; its errors become Frappe's (417/409), naming the field.

    ``name_checked_by_insert``: the name's uniqueness is left to the INSERT (``save`` answers the same 409
    from the unique key), so no SELECT looks for it first."""
    excluded = {*(exclude or ()), *loaded_links(meta, instance)}
    try:
        if name_checked_by_insert:
            instance.full_clean(exclude=excluded, validate_unique=False)
            instance.validate_unique(exclude={*excluded, meta.name.model_field.name})
        else:
            instance.full_clean(exclude=excluded)
    except DjangoValidationError as exc:
        raise _translate_validation(meta, instance, exc, prefix) from None


def save(meta: DocTypeMeta, instance: models.Model, *, creating: bool, links_unchecked: bool = False) -> None:
    """Write the row (a new one with its kept INSERT, ``inserts.insert``); a unique violation the checks could not
    foresee (a race) is a 409.

    Every caller writes inside its own atomic block, which a failure rolls back (no savepoint here), except an
    insert that is the whole write (``lifecycle.create_doc``), one statement in autocommit mode. With
    ``links_unchecked`` another integrity error (a foreign key) is raised as it is, for the caller to write
    again with the Link checks."""
    try:
        with transaction.atomic(savepoint=False) if transaction.get_connection().in_atomic_block else nullcontext():
            if creating:
                inserts.insert(instance)
            else:
                instance.save()
    except IntegrityError as exc:
        name = getattr(instance, meta.name.attname, "")
        text = str(exc).lower()
        if "unique" in text or "duplicate" in text:
            raise DuplicateEntryError(f"{meta.doctype} {name} already exists") from None
        if links_unchecked:
            raise
        raise ValidationError(f"Could not save {meta.doctype} {name}: the data breaks a database rule") from None
