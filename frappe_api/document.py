"""The document service: the one place that reads, inserts, updates and deletes documents.

Every write runs in one transaction, checks the caller's permission, ignores
the standard fields a client sends (``name`` unless the naming rule allows it,
``owner``, ``creation``, ``modified``, ``modified_by``, ``docstatus``,
``idx``), runs the model's own validation and Frappe's controller hooks, and
answers Frappe's errors (417, 404, 409...) for whatever goes wrong.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from . import naming
from .exceptions import (
    CharacterLengthExceededError,
    DoesNotExistError,
    DuplicateEntryError,
    LinkExistsError,
    LinkValidationError,
    MandatoryError,
    TimestampMismatchError,
    UniqueValidationError,
    ValidationError,
)
from .fieldvalues import make_aware, to_python
from .meta import APIField, DocTypeMeta
from .permissions import check_permission, user_name
from .query.compile import converter_for

HOOKS_BEFORE_INSERT = ("before_insert", "validate", "before_save")
HOOKS_AFTER_INSERT = ("after_insert", "on_update")
HOOKS_BEFORE_UPDATE = ("validate", "before_save")
HOOKS_AFTER_UPDATE = ("on_update",)


def _run_hooks(instance: models.Model, names: tuple[str, ...]) -> None:
    for hook_name in names:
        hook = getattr(instance, hook_name, None)
        if callable(hook):
            try:
                hook()
            except DjangoValidationError as exc:
                raise ValidationError("; ".join(exc.messages)) from None


def _name_value(meta: DocTypeMeta, name: Any) -> Any:
    """The document name in the name field's Python type; a name that cannot exist is a 404."""
    try:
        return meta.name.model_field.to_python(name)
    except (DjangoValidationError, TypeError, ValueError):
        raise DoesNotExistError(f"{meta.doctype} {name} not found", doctype=meta.doctype) from None


def _not_found(meta: DocTypeMeta, name: Any) -> DoesNotExistError:
    return DoesNotExistError(f"{meta.doctype} {name} not found", doctype=meta.doctype)


# --- reading ---------------------------------------------------------------------------
def serialize_rows(meta: DocTypeMeta, queryset: models.QuerySet, *, include_nulls: bool = False
                   ) -> list[dict[str, Any]]:
    """Documents of ``queryset`` as Frappe serialises them, read in one query with ``values_list()``.

    Keys: every readable field (null ones left out unless ``include_nulls``), then ``doctype``.
    """
    api_fields = list(meta.fields.values())
    converters = [converter_for(api_field) for api_field in api_fields]
    documents = []
    for row in queryset.values_list(*(api_field.lookup for api_field in api_fields)):
        document: dict[str, Any] = {}
        for api_field, convert, value in zip(api_fields, converters, row):
            if value is None:
                if include_nulls:
                    document[api_field.fieldname] = None
                continue
            document[api_field.fieldname] = convert(value) if convert else value
        document["doctype"] = meta.doctype
        documents.append(document)
    return documents


def read_values(meta: DocTypeMeta, name: Any, *, include_nulls: bool = False) -> dict[str, Any]:
    """The stored document as Frappe serialises it, in one query; 404 when missing."""
    documents = serialize_rows(meta, meta.queryset().filter(**{meta.name.lookup: _name_value(meta, name)})[:1],
                               include_nulls=include_nulls)
    if not documents:
        raise _not_found(meta, name)
    return documents[0]


def get_doc(meta: DocTypeMeta, name: Any, user: Any, *, include_nulls: bool = False,
            expand_links: bool = False) -> dict[str, Any]:
    """Read one document after checking ``read`` permission.

    With ``expand_links`` every Link value the user may read becomes the
    linked document (one query per Link field).
    """
    check_permission(meta, "read", user)
    document = read_values(meta, name, include_nulls=include_nulls)
    if expand_links:
        _expand_links(meta, document, user)
    return document


def _expand_links(meta: DocTypeMeta, document: dict[str, Any], user: Any) -> None:
    from .permissions import has_permission
    from .registry import registry

    for api_field in meta.fields.values():
        value = document.get(api_field.fieldname)
        if not api_field.is_link or value is None:
            continue
        target = registry.for_model(api_field.link_model)
        if target is None or not has_permission(target, "read", user):
            continue
        linked = serialize_rows(target, target.queryset().filter(**{target.name.lookup: value})[:1])
        if linked:
            document[api_field.fieldname] = linked[0]


# --- writing ---------------------------------------------------------------------------
def _resolve_link(api_field: APIField, value: Any) -> models.Model | None:
    if value in (None, ""):
        return None
    if isinstance(value, (dict, list)):
        raise LinkValidationError(f"Could not find {api_field.label}: {value!r}")
    target_field = api_field.link_model._meta.get_field(api_field.link_name_field)
    lookup_value = to_python(api_field, value, model_field=target_field)
    target = api_field.link_model._default_manager.filter(**{api_field.link_name_field: lookup_value}).first()
    if target is None:
        raise LinkValidationError(f"Could not find {api_field.label}: {value}")
    return target


def _apply_values(meta: DocTypeMeta, instance: models.Model, data: Mapping[str, Any]) -> None:
    """Set every writable field present in ``data``; unknown, standard and read-only keys are ignored."""
    setters = []
    for key, value in data.items():
        if key in meta.write_only:
            setters.append((meta.write_only[key], value))
            continue
        api_field = meta.fields.get(key)
        if api_field is None or not api_field.writable:
            continue
        if api_field.is_link:
            setattr(instance, api_field.attname, _resolve_link(api_field, value))
            continue
        converted = to_python(api_field, value)
        if converted is None and not api_field.model_field.null and api_field.fieldtype in ("Data", "Text", "Select"):
            converted = ""
        setattr(instance, api_field.attname, converted)
    for setter, value in setters:
        setter(instance, value)


def _stamp(meta: DocTypeMeta, instance: models.Model, user: Any, *, creating: bool) -> None:
    """Set the standard fields the server owns."""
    now = timezone.now()
    who = user_name(user)
    stamps = {"modified": now, "modified_by": who}
    if creating:
        stamps.update(owner=who, creation=now, docstatus=0, idx=0)
    for fieldname, value in stamps.items():
        api_field = meta.fields.get(fieldname)
        if api_field is None or api_field.attname is None:
            continue
        if api_field.is_link:
            value = api_field.link_model._default_manager.filter(**{api_field.link_name_field: value}).first()
        setattr(instance, api_field.attname, value)


def _model_to_api(meta: DocTypeMeta) -> dict[str, APIField]:
    return {api_field.attname: api_field for api_field in meta.fields.values() if api_field.attname}


def _translate_validation(meta: DocTypeMeta, instance: models.Model, exc: DjangoValidationError) -> Exception:
    """Turn Django's ``full_clean`` errors into the Frappe error a client expects, naming the field."""
    by_attname = _model_to_api(meta)
    errors = getattr(exc, "error_dict", None) or {"__all__": exc.error_list}
    missing: list[str] = []
    for model_name, error_list in errors.items():
        api_field = by_attname.get(model_name)
        label = api_field.label if api_field else model_name
        for error in error_list:
            code = getattr(error, "code", None)
            if code in ("blank", "null", "required"):
                missing.append(label)
            elif code == "unique" and api_field is not None and api_field.fieldname == "name":
                name = getattr(instance, meta.name.attname)
                return DuplicateEntryError(f"{meta.doctype} {name} already exists")
            elif code in ("unique", "unique_together"):
                return UniqueValidationError(f"{label} must be unique")
            elif code == "max_length":
                return CharacterLengthExceededError(f"{label}: {' '.join(error.messages)}")
            elif code == "invalid_choice":
                choices = ", ".join(str(value) for value, _ in (api_field.model_field.choices or [])) if api_field else ""
                value = getattr(instance, model_name, "")
                return ValidationError(f'{label} cannot be "{value}". It should be one of "{choices}"')
            else:
                prefix = f"{label}: " if model_name != "__all__" else ""
                return ValidationError(prefix + " ".join(error.messages))
    return MandatoryError(f"Error: Value missing for {meta.doctype}: {', '.join(missing)}")


def _full_clean(meta: DocTypeMeta, instance: models.Model, exclude: set[str] | None = None) -> None:
    try:
        instance.full_clean(exclude=exclude)
    except DjangoValidationError as exc:
        raise _translate_validation(meta, instance, exc) from None


def _save(meta: DocTypeMeta, instance: models.Model, *, creating: bool) -> None:
    try:
        with transaction.atomic():
            instance.save(force_insert=creating)
    except IntegrityError as exc:
        name = getattr(instance, meta.name.attname, "")
        text = str(exc).lower()
        if "unique" in text or "duplicate" in text:
            raise DuplicateEntryError(f"{meta.doctype} {name} already exists") from None
        raise ValidationError(f"Could not save {meta.doctype} {name}: the data breaks a database rule") from None


def insert_doc(meta: DocTypeMeta, data: Mapping[str, Any], user: Any, *, honour_client_name: bool = False) -> Any:
    """Create a document from a client's dict and answer its name. Needs ``create``."""
    check_permission(meta, "create", user)
    instance = meta.model()
    with transaction.atomic():
        _apply_values(meta, instance, data)
        _stamp(meta, instance, user, creating=True)
        exclude: set[str] = set()
        client_name = data.get("name")
        name = naming.new_name(meta, data, client_name, honour_client_name=honour_client_name)
        generated = meta.naming_rule == "hash" and not (honour_client_name and client_name not in (None, ""))
        if generated:
            for _ in range(naming.HASH_ATTEMPTS):
                if not meta.model._default_manager.filter(**{meta.name.attname: name}).exists():
                    break
                name = naming.make_hash()
            exclude.add(meta.name.attname)
        if name is not None:
            setattr(instance, meta.name.attname, _name_value(meta, name))
        _run_hooks(instance, HOOKS_BEFORE_INSERT)
        _full_clean(meta, instance, exclude)
        _save(meta, instance, creating=True)
        _run_hooks(instance, HOOKS_AFTER_INSERT)
        return getattr(instance, meta.name.attname)


def _parse_modified(value: Any) -> datetime.datetime | None:
    if isinstance(value, datetime.datetime):
        return make_aware(value)
    parsed = parse_datetime(str(value).strip()) if value not in (None, "") else None
    return make_aware(parsed) if parsed else None


def _check_if_latest(meta: DocTypeMeta, instance: models.Model, sent: Any) -> None:
    """Frappe's optimistic lock: a client that sends ``modified`` must send the stored one."""
    api_field = meta.fields.get("modified")
    if api_field is None or sent in (None, ""):
        return
    stored = getattr(instance, api_field.attname)
    if _parse_modified(sent) != stored:
        local = timezone.localtime(stored).replace(tzinfo=None) if stored else stored
        raise TimestampMismatchError(
            f"Error: Document has been modified after you have opened it ({local}, {sent}). "
            "Please refresh to get the latest document.")


def load_for_update(meta: DocTypeMeta, name: Any) -> models.Model:
    """The stored model instance, row-locked until the transaction ends; 404 when missing."""
    try:
        return meta.model._default_manager.select_for_update().get(**{meta.name.attname: _name_value(meta, name)})
    except ObjectDoesNotExist:
        raise _not_found(meta, name) from None


def update_doc(meta: DocTypeMeta, name: Any, data: Mapping[str, Any], user: Any) -> Any:
    """Apply a partial update (only the keys sent change) and answer the name. Needs ``write``."""
    check_permission(meta, "write", user)
    with transaction.atomic():
        instance = load_for_update(meta, name)
        _check_if_latest(meta, instance, data.get("modified"))
        _apply_values(meta, instance, data)
        _stamp(meta, instance, user, creating=False)
        _run_hooks(instance, HOOKS_BEFORE_UPDATE)
        _full_clean(meta, instance)
        _save(meta, instance, creating=False)
        _run_hooks(instance, HOOKS_AFTER_UPDATE)
        return getattr(instance, meta.name.attname)


def delete_doc(meta: DocTypeMeta, name: Any, user: Any) -> None:
    """Delete one document. Needs ``delete``; a submitted or still-linked document is refused (417)."""
    check_permission(meta, "delete", user)
    with transaction.atomic():
        instance = load_for_update(meta, name)
        docstatus = meta.fields.get("docstatus")
        if docstatus is not None and getattr(instance, docstatus.attname) == 1:
            raise ValidationError(
                f"{meta.doctype} {name}: Submitted Record cannot be deleted. You must Cancel it first.")
        _run_hooks(instance, ("on_trash",))
        try:
            with transaction.atomic():
                instance.delete()
        except (ProtectedError, RestrictedError) as exc:
            raise _link_exists(meta, name, exc) from None
        _run_hooks(instance, ("after_delete",))


def _link_exists(meta: DocTypeMeta, name: Any, exc: ProtectedError | RestrictedError) -> LinkExistsError:
    from .registry import registry

    linked = next(iter(getattr(exc, "protected_objects", None) or getattr(exc, "restricted_objects", None) or []),
                  None)
    if linked is None:
        return LinkExistsError(f"Cannot delete or cancel because {meta.doctype} {name} is linked")
    linked_meta = registry.for_model(type(linked))
    linked_doctype = linked_meta.doctype if linked_meta else type(linked)._meta.verbose_name.title()
    linked_name = getattr(linked, linked_meta.name.attname) if linked_meta else linked.pk
    return LinkExistsError(
        f"Cannot delete or cancel because {meta.doctype} {name} is linked with {linked_doctype} {linked_name}")
