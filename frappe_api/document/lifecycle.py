"""Insert, save, submit, cancel, amend and delete, with Frappe's controller hooks and docstatus rules.

Hooks are model methods with Frappe's names, run inside the write's
transaction: insert runs ``before_insert``, ``validate``, ``before_save``
(``before_submit`` when inserting submitted), then ``after_insert`` and
``on_update``; a save runs ``validate``, ``before_save``, then
``on_update``; a submit ``validate``, ``before_submit``, then ``on_update``,
``on_submit``; a cancel ``before_cancel``, then ``on_cancel``; an update
after submit ``before_update_after_submit``, then ``on_update_after_submit``.
Raising ``frappe_api.ValidationError`` (or Django's) in any of them rolls the
whole write back and answers 417.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, OperationalError, models, transaction
from django.db.models import ProtectedError, RestrictedError

from .. import naming, signals
from ..exceptions import (
    DocstatusTransitionError,
    DuplicateEntryError,
    LinkExistsError,
    UpdateAfterSubmitError,
    ValidationError,
)
from ..meta import DocTypeMeta
from ..permissions import (SYSTEM_MANAGER, check_document, check_makes_no_superuser, check_permission, is_superuser,
                           user_roles)
from ..registry import registry
from ..transactions import write_first_transaction
from . import attachments, inserts, tables, values
from .loading import name_value, not_found, writable

DRAFT, SUBMITTED, CANCELLED = 0, 1, 2
_STATUS_LABEL = {DRAFT: "Draft", SUBMITTED: "Submitted", CANCELLED: "Cancelled"}
BEFORE = {"save": ("validate", "before_save"), "submit": ("validate", "before_submit"),
          "cancel": ("before_cancel",), "update_after_submit": ("before_update_after_submit",)}
AFTER = {"save": ("on_update",), "submit": ("on_update", "on_submit"), "cancel": ("on_cancel",),
         "update_after_submit": ("on_update_after_submit",)}


def run_hooks(instance: models.Model, names: tuple[str, ...]) -> None:
    """Call the controller methods ``names`` that ``instance`` defines; Django's ValidationError is a 417."""
    for hook_name in names:
        hook = getattr(instance, hook_name, None)
        if callable(hook):
            try:
                hook()
            except DjangoValidationError as exc:
                raise ValidationError("; ".join(exc.messages)) from None


def docstatus_of(meta: DocTypeMeta, instance: models.Model) -> int:
    api_field = meta.fields.get("docstatus")
    return int(getattr(instance, api_field.attname) or 0) if api_field else DRAFT


def _action(meta: DocTypeMeta, current: int, target: int) -> str:
    """Frappe's docstatus transition table: the action a save performs, or Frappe's refusal."""
    if current == CANCELLED:
        if target == SUBMITTED:
            raise DocstatusTransitionError("Cannot change docstatus from 2 (Cancelled) to 1 (Submitted)")
        raise ValidationError("Cannot edit cancelled document")
    if target == current:
        return "save" if current == DRAFT else "update_after_submit"
    if (current, target) == (DRAFT, SUBMITTED):
        return "submit"
    if (current, target) == (SUBMITTED, CANCELLED):
        return "cancel"
    raise DocstatusTransitionError(f"Cannot change docstatus from {current} ({_STATUS_LABEL[current]}) "
                                   f"to {target} ({_STATUS_LABEL.get(target, target)})")


def _target_docstatus(meta: DocTypeMeta, data: Mapping[str, Any], current: int) -> int:
    if "docstatus" not in data or not meta.options.is_submittable:
        return current
    try:
        target = int(data["docstatus"])
    except (TypeError, ValueError):
        raise ValidationError(f"Invalid value for docstatus: {data['docstatus']!r}") from None
    if target not in _STATUS_LABEL:
        raise ValidationError(f"Invalid value for docstatus: {target}")
    return target


def _amend(meta: DocTypeMeta, data: Mapping[str, Any], user: Any) -> str | None:
    """The amended name when ``amended_from`` names a cancelled document (needs ``amend``)."""
    original = data.get("amended_from")
    if original in (None, "") or "amended_from" not in meta.fields or not meta.options.is_submittable:
        return None
    check_permission(meta, "amend", user)
    source = meta.model._default_manager.filter(**{meta.name.attname: name_value(meta, original)}).first()
    if source is None:
        raise not_found(meta, original)
    check_document(meta, "amend", user, source, original)
    if docstatus_of(meta, source) != CANCELLED:
        raise ValidationError(f"{meta.doctype} {original} must be cancelled before it can be amended")
    amended_field = meta.fields["amended_from"]
    return naming.amended_name(str(original), getattr(source, amended_field.model_field.attname))


DEADLOCK_CODES = (1213, 1205, "40P01", "40001")
RETRIES = 3


def _is_deadlock(exc: OperationalError) -> bool:
    cause = exc.__cause__
    code = getattr(cause, "sqlstate", None) or (cause.args[0] if getattr(cause, "args", None) else None)
    return code in DEADLOCK_CODES


def retry_on_deadlock(write: Callable[[], Any], *, writes_first: bool = False, one_statement: bool = False) -> Any:
    """Run ``write`` in its own transaction, again (up to three times) if the database resolved a deadlock
    by aborting it. Inside a caller's transaction it runs once: only the outermost writer may retry.

    ``writes_first``: the first statement of ``write`` writes (see ``transactions.write_first_transaction``).
    ``one_statement``: ``write`` runs one statement, which is a transaction of its own (no BEGIN, no COMMIT)."""
    for attempt in range(RETRIES):
        try:
            if one_statement:
                return write()
            with write_first_transaction() if writes_first else transaction.atomic():
                return write()
        except OperationalError as exc:
            if transaction.get_connection().in_atomic_block or attempt == RETRIES - 1 or not _is_deadlock(exc):
                raise
    raise AssertionError("unreachable")


class _GeneratedNameTaken(Exception):
    """The INSERT of a generated name (hash or series) failed on a unique key (``error``): maybe another row
    has the name."""

    def __init__(self, name: Any, error: DuplicateEntryError) -> None:
        super().__init__(name)
        self.name, self.error = name, error


def may_set_names(user: Any) -> bool:
    """Whether ``user`` may choose the name of a document the naming rule would generate from a counter or a
    field: superusers and System Managers (anyone may name a document under ``prompt`` or ``hash``)."""
    return is_superuser(user) or SYSTEM_MANAGER in user_roles(user)


def insert_doc(meta: DocTypeMeta, data: Mapping[str, Any], user: Any, *, honour_client_name: bool = False) -> Any:
    """Create a document (and its child rows) from a client's dict and answer its name. Needs ``create``.

    ``honour_client_name`` (API v2) keeps a client's ``name`` under the ``hash`` rule, or for a user who
    ``may_set_names``. A generated name is not looked up first: when another row already has it, the
    rolled-back write runs again, with a new hash, or with the series counter moved past the taken names."""
    return create_doc(meta, data, user, honour_client_name=honour_client_name)[0]


def create_doc(meta: DocTypeMeta, data: Mapping[str, Any], user: Any, *, honour_client_name: bool = False
               ) -> tuple[Any, models.Model | None]:
    """``insert_doc``, answering the name and the instance written (None for a Single, which is saved).

    In a transaction of its own, the write is optimistic: the Links ``values.deferrable_links`` names are left
    to the database's foreign keys (no SELECT per Link), and the new rows of a child table go in one INSERT
    (``tables.save`` with ``bulk``); when the database refuses, the write runs again with every Link looked up
    and row by row, which answers Frappe's ``LinkValidationError`` or the error of the row at fault.

    There, when the model runs no controller hook before the INSERT (``_hooks_before_insert``), the document is
    built and validated before its transaction begins (``_draft``): the transaction holds only the writes, so
    a database that locks for writing at ``BEGIN`` (SQLite in ``IMMEDIATE`` mode) is locked for them alone.
    When the drafted document's INSERT is its whole write (``_written_alone``), that one statement runs without
    BEGIN and COMMIT around it: in autocommit mode it is a transaction of its own, stored whole or not at all."""
    check_permission(meta, "create", user)
    if meta.options.issingle:
        return update_doc(meta, meta.doctype, data, user), None
    honour_client_name = honour_client_name and (meta.naming_rule == "hash" or may_set_names(user))
    optimistic = not transaction.get_connection().in_atomic_block
    drafts = [_draft(meta, data, user, honour_client_name, skip_taken=False, optimistic=True)] \
        if optimistic and not _hooks_before_insert(meta.model) else []

    def insert(skip_taken: bool, optimistic: bool) -> tuple[Any, models.Model]:
        draft = drafts.pop() if drafts else _draft(meta, data, user, honour_client_name, skip_taken=skip_taken,
                                                   optimistic=optimistic)
        return _write_new(meta, data, user, draft)

    for attempt in range(naming.HASH_ATTEMPTS):
        try:
            try:
                if drafts and _written_alone(meta, data, drafts[0]):
                    draft = drafts.pop()
                    return retry_on_deadlock(lambda: _write_new(meta, data, user, draft), one_statement=True)
                return retry_on_deadlock(lambda: insert(attempt > 0, optimistic),
                                         writes_first=bool(drafts) and inserts.saved_by_django(meta.model))
            except IntegrityError:
                if not optimistic:
                    raise
                optimistic = False
                return retry_on_deadlock(lambda: insert(attempt > 0, False))
        except _GeneratedNameTaken as taken:
            exists = meta.model._default_manager.filter(**{meta.name.attname: taken.name}).exists()
            if attempt == naming.HASH_ATTEMPTS - 1 or not exists:
                raise taken.error from None
    raise AssertionError("unreachable")


@dataclass
class _Draft:
    """A new document built from a client's dict and checked, ready for its INSERT: ``exclude`` holds the fields
    left to the database (Links left to the foreign keys, a generated name), ``late_name`` the series name taken
    just before the INSERT (the counter's row lock is held from then on, for the writes only); ``optimistic``:
    child rows written in bulk and database errors raised as they are (see ``create_doc``)."""

    instance: models.Model
    rows: dict[str, tables.TableRows]
    exclude: set[str]
    late_name: Callable[[], Any] | None
    optimistic: bool
    links_unchecked: bool


def _draft(meta: DocTypeMeta, data: Mapping[str, Any], user: Any, honour_client_name: bool, *,
           skip_taken: bool, optimistic: bool) -> _Draft:
    """Build the new document and its child rows, name it, run the hooks before its INSERT and validate it
    (``skip_taken``: look up series names first; ``optimistic``: Links left to the foreign keys, child rows to
    be written in bulk, database errors raised as they are)."""
    instance = meta.model()
    attachments.check_write(meta, instance, data, user)
    unchecked: set[str] | None = set() if optimistic else None
    values.apply_values(meta, instance, data, unchecked=unchecked)
    values.stamp(meta, instance, user, creating=True)
    rows = tables.prepare(meta, instance, data, user, creating=True)
    exclude: set[str] = set(unchecked or ())
    late_name: Callable[[], Any] | None = None
    name = _amend(meta, data, user)
    if name is None:
        autoname = getattr(instance, "autoname", None)
        if callable(autoname) and meta.naming_rule != "autoincrement":
            run_hooks(instance, ("autoname",))
            name = getattr(instance, meta.name.attname) or None
        else:
            client_name = data.get("name")
            generated = naming.generated(meta) and not naming.client_name_kept(
                meta, client_name, honour_client_name=honour_client_name)

            def next_name() -> Any:
                return naming.new_name(meta, dict(data), client_name, honour_client_name=honour_client_name,
                                       is_taken=_name_taken(meta) if skip_taken else None)

            if generated:
                exclude.add(meta.name.attname)
            if generated and "#" in meta.naming_rule and not _hooks_before_insert(type(instance)):
                late_name = next_name  # the counter's row lock is held from the INSERT on, not for the checks
            else:
                name = next_name()
    if name is not None:
        setattr(instance, meta.name.attname, name_value(meta, naming.validate_name(meta, name)))
    run_hooks(instance, ("before_insert", *BEFORE["save"]))
    check_makes_no_superuser(user, instance)
    values.full_clean(meta, instance, exclude, name_checked_by_insert=True)
    tables.check(rows)
    return _Draft(instance, rows, exclude, late_name, optimistic, links_unchecked=bool(unchecked))


def _write_new(meta: DocTypeMeta, data: Mapping[str, Any], user: Any, draft: _Draft) -> tuple[Any, models.Model]:
    """Write a drafted document (and its child rows), inside its transaction, and run the hooks after it."""
    instance = draft.instance
    if draft.late_name is not None:
        setattr(instance, meta.name.attname, name_value(meta, naming.validate_name(meta, draft.late_name())))
    try:
        values.save(meta, instance, creating=True, links_unchecked=draft.links_unchecked)
    except DuplicateEntryError as exc:
        if meta.name.attname in draft.exclude:
            raise _GeneratedNameTaken(getattr(instance, meta.name.attname), exc) from None
        raise
    tables.save(meta, instance, draft.rows, bulk=draft.optimistic)
    _write_virtual_tables(meta, instance, data, user)
    run_hooks(instance, ("after_insert", *AFTER["save"]))
    name = getattr(instance, meta.name.attname)
    signals.doc_changed.send(sender=meta.model, meta=meta, instance=instance, name=name, action="insert", user=user)
    return name, instance


def _written_alone(meta: DocTypeMeta, data: Mapping[str, Any], draft: _Draft) -> bool:
    """Whether the drafted document's INSERT is the whole of its write: one statement (``inserts.one_statement``),
    no series counter to move, no child rows, no virtual table sent, no hook after the INSERT (``after_insert``,
    ``on_update``) and no ``doc_changed`` receiver (receivers run inside the write's transaction)."""
    model = meta.model
    return draft.late_name is None and inserts.one_statement(model) \
        and not any(entry.rows for entry in draft.rows.values()) \
        and not any(fieldname in data for fieldname in meta.options.virtual_tables) \
        and not any(callable(getattr(model, hook, None)) for hook in ("after_insert", *AFTER["save"])) \
        and not signals.doc_changed.has_listeners(model)


def _hooks_before_insert(model: type[models.Model]) -> bool:
    """Whether ``model`` defines a controller hook that runs before its INSERT (``autoname``, ``before_insert``,
    ``validate``, ``before_save``): it may read the name or write, so it runs inside the insert's transaction."""
    return any(callable(getattr(model, hook, None)) for hook in ("autoname", "before_insert", *BEFORE["save"]))


def _name_taken(meta: DocTypeMeta) -> Callable[[str], bool]:
    def taken(name: str) -> bool:
        return meta.model._default_manager.filter(**{meta.name.attname: name_value(meta, name)}).exists()
    return taken


def update_doc(meta: DocTypeMeta, name: Any, data: Mapping[str, Any], user: Any, *,
               instance: models.Model | None = None) -> Any:
    """Apply a partial update, and the docstatus transition it asks for, and answer the name.

    Needs ``write`` (``submit`` to submit or update after submit, ``cancel``
    to cancel). Only the keys sent change; a table field sent replaces its rows.
    """
    with writable(meta, name, user, ("write",), modified=data.get("modified"), instance=instance) as instance:
        current = docstatus_of(meta, instance)
        target = _target_docstatus(meta, data, current)
        action = _action(meta, current, target)
        if action in ("submit", "update_after_submit", "cancel"):
            check_document(meta, "cancel" if action == "cancel" else "submit", user, instance, name)
        if action == "update_after_submit":
            allowed = meta.options.allow_on_submit_fields
            refused = [f for f in values.changed_fields(meta, instance, data) if f.fieldname not in allowed]
            refused_tables = [t for t in meta.child_tables if t in data and t not in allowed]
            if refused or refused_tables:
                label = refused[0].label if refused else refused_tables[0]
                raise UpdateAfterSubmitError(f"Not allowed to change {label} after submission")
        attachments.check_write(meta, instance, data, user)
        if action != "cancel":
            values.apply_values(meta, instance, data)
        rows = tables.prepare(meta, instance, data if action != "cancel" else {}, user, creating=False)
        values.stamp(meta, instance, user, creating=False)
        if "docstatus" in meta.fields:
            instance.docstatus = target
        run_hooks(instance, BEFORE[action])
        check_makes_no_superuser(user, instance)
        values.full_clean(meta, instance)
        values.save(meta, instance, creating=False)
        tables.save(meta, instance, rows, docstatus=target if target != current else None)
        _write_virtual_tables(meta, instance, data, user)
        run_hooks(instance, AFTER[action])
        saved = meta.doctype if meta.options.issingle else getattr(instance, meta.name.attname)
        signals.doc_changed.send(sender=meta.model, meta=meta, instance=instance, name=saved, action=action,
                                 user=user)
        return saved


def _write_virtual_tables(meta: DocTypeMeta, instance: models.Model, data: Mapping[str, Any], user: Any) -> None:
    for fieldname, virtual in meta.options.virtual_tables.items():
        if fieldname in data:
            rows = data[fieldname] or []
            if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
                raise ValidationError(f"{fieldname} must be a list of rows")
            virtual.write(instance, rows, user)


def submit_doc(meta: DocTypeMeta, name: Any, user: Any, modified: Any = None, *,
               instance: models.Model | None = None) -> Any:
    """Submit a draft (docstatus 0 -> 1). Needs ``write`` and ``submit``."""
    data = {"docstatus": SUBMITTED, **({"modified": modified} if modified else {})}
    return update_doc(meta, name, data, user, instance=instance)


def cancel_doc(meta: DocTypeMeta, name: Any, user: Any, modified: Any = None, *,
               instance: models.Model | None = None) -> Any:
    """Cancel a submitted document (docstatus 1 -> 2). Needs ``cancel``."""
    data = {"docstatus": CANCELLED, **({"modified": modified} if modified else {})}
    return update_doc(meta, name, data, user, instance=instance)


def delete_doc(meta: DocTypeMeta, name: Any, user: Any, *, instance: models.Model | None = None) -> None:
    """Delete one document and its child rows. Needs ``delete``; submitted or still-linked ones are refused."""
    with writable(meta, name, user, ("delete",), instance=instance) as instance:
        if docstatus_of(meta, instance) == SUBMITTED:
            raise ValidationError(
                f"{meta.doctype} {name}: Submitted Record cannot be deleted. You must Cancel it first.")
        run_hooks(instance, ("on_trash",))
        stored_name = getattr(instance, meta.name.attname)  # Django clears a primary key on delete
        attachments.remove_attachments(meta, instance)
        try:
            with transaction.atomic():
                instance.delete()
        except (ProtectedError, RestrictedError) as exc:
            raise _link_exists(meta, name, exc) from None
        run_hooks(instance, ("after_delete",))
        signals.doc_changed.send(sender=meta.model, meta=meta, instance=instance, name=stored_name, action="delete",
                                 user=user)


def _link_exists(meta: DocTypeMeta, name: Any, exc: ProtectedError | RestrictedError) -> LinkExistsError:
    linked = next(iter(getattr(exc, "protected_objects", None) or getattr(exc, "restricted_objects", None) or []),
                  None)
    if linked is None:
        return LinkExistsError(f"Cannot delete or cancel because {meta.doctype} {name} is linked")
    linked_meta = registry.for_model(type(linked))
    linked_doctype = linked_meta.doctype if linked_meta else type(linked)._meta.verbose_name.title()
    linked_name = getattr(linked, linked_meta.name.attname) if linked_meta else linked.pk
    return LinkExistsError(
        f"Cannot delete or cancel because {meta.doctype} {name} is linked with {linked_doctype} {linked_name}")
