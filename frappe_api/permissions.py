"""Who may do what to which DocType: Frappe's role permissions on Django's own pieces.

* Roles are Django groups (by name). Every logged-in user also has ``All``;
  everyone, anonymous included, has ``Guest``. Superusers are Frappe's
  ``Administrator`` and may do everything.
* Each DocType has permission rows (``DocPerm``): a role, a permission level
  and the rights ``select``, ``read``, ``write``, ``create``, ``delete``,
  ``submit``, ``cancel``, ``amend``, optionally ``if_owner`` (the rights then
  apply only to documents whose ``owner`` is the user; ``create`` never is).
* Deny by default: a DocType without rows is reachable by superusers only.
* Fields at a permission level above 0 are seen (and written) only by roles
  with rows at that level.
* Only a superuser may change a superuser (write, delete, rename, run a
  method on, generate keys for), or make a user one: whatever the DocType
  rows grant, as Frappe lets only Administrator edit Administrator. The
  ``Administrator`` role (its group) is the same: only a superuser creates,
  changes or deletes it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from .conf import api_settings
from .exceptions import PermissionError
from .meta import DocTypeMeta

RIGHTS = ("select", "read", "write", "create", "delete", "submit", "cancel", "amend")
AUTOMATIC_ROLES = ("All", "Guest")
SYSTEM_MANAGER = "System Manager"
ADMINISTRATOR = "Administrator"

Scope = Literal["all", "owner", "none"]


@dataclass(frozen=True, slots=True)
class PermRule:
    """One permission row, as the registry keeps it."""

    role: str
    permlevel: int
    rights: frozenset[str]
    if_owner: bool = False

    @classmethod
    def from_mapping(cls, row: dict[str, Any]) -> PermRule:
        """A rule from ``{"role": ..., "read": 1, "write": 1, "if_owner": 0, "permlevel": 0}``."""
        return cls(role=str(row["role"]), permlevel=int(row.get("permlevel", 0) or 0),
                   rights=frozenset(right for right in RIGHTS if row.get(right, right == "read" and "read" not in row)),
                   if_owner=bool(row.get("if_owner", False)))


def user_name(user: Any) -> str:
    """The Frappe user name of a Django user: ``Guest`` when anonymous, else the username."""
    if user is None or not getattr(user, "is_authenticated", False):
        return api_settings.GUEST_USER
    return user.get_username()


def is_superuser(user: Any) -> bool:
    """Frappe's Administrator: an active Django superuser."""
    return bool(getattr(user, "is_active", False) and getattr(user, "is_superuser", False))


def holds_superuser(instance: Any) -> bool:
    """Whether ``instance`` is a user whose stored flags make it a superuser (disabled or not)."""
    return isinstance(instance, get_user_model()) and bool(getattr(instance, "is_superuser", False))


def superuser_only(instance: Any) -> bool:
    """Whether only a superuser may change ``instance``: a superuser, or the ``Administrator`` role itself
    (deleting or creating its group would take it from, or give it to, every holder at once)."""
    if isinstance(instance, Group):
        return instance.name == ADMINISTRATOR
    return holds_superuser(instance)


def may_change_user(user: Any, instance: Any) -> bool:
    """Only a superuser may change a superuser (or the Administrator role); anything else may be changed by
    whoever the DocType's rights allow."""
    return is_superuser(user) or not superuser_only(instance)


def check_makes_no_superuser(user: Any, instance: Any) -> None:
    """403 unless ``user`` is a superuser, when ``instance`` (about to be saved) would be a superuser: no field,
    setter or hook may make one for a non-superuser."""
    if not may_change_user(user, instance):
        raise PermissionError("Only a superuser may change a superuser or make a user one")


def is_owner(owner: Any, user: Any) -> bool:
    """Whether ``owner`` (a stored owner value) names ``user``: exactly, as the owner filter of
    ``permitted_queryset`` compares, so a user whose name differs only in case owns nothing of another's."""
    return owner is not None and str(owner) == user_name(user)


def user_roles(user: Any) -> frozenset[str]:
    """The user's role names (groups plus ``All``/``Guest``), read once per request and kept on the user."""
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset({"Guest"})
    roles = getattr(user, "_frappe_roles", None)
    if roles is None:
        roles = frozenset({*user.groups.values_list("name", flat=True), *AUTOMATIC_ROLES})
        if is_superuser(user):
            roles |= {ADMINISTRATOR, SYSTEM_MANAGER}
        user._frappe_roles = roles
    return roles


def _applicable(meta: DocTypeMeta, ptype: str, user: Any, permlevel: int = 0) -> list[PermRule]:
    roles = user_roles(user)
    if ptype in ("submit", "cancel", "amend") and not meta.options.is_submittable:
        return []
    return [rule for rule in meta.permissions
            if rule.permlevel == permlevel and rule.role in roles and ptype in rule.rights]


def permission_scope(meta: DocTypeMeta, ptype: str, user: Any) -> Scope:
    """``all`` documents, only those the user ``owner``s, or ``none``."""
    if is_superuser(user):
        return "all"
    rules = _applicable(meta, ptype, user)
    if ptype == "select":
        rules += _applicable(meta, "read", user)
    if not rules:
        return "none"
    if ptype == "create" or any(not rule.if_owner for rule in rules):
        return "all"
    return "owner"


def has_permission(meta: DocTypeMeta, ptype: str, user: Any, owner: Any = None) -> bool:
    """Whether ``user`` holds ``ptype`` on the DocType (and, with ``owner``, on a document so owned)."""
    scope = permission_scope(meta, ptype, user)
    if scope == "owner" and owner is not None:
        return is_owner(owner, user)
    return scope != "none"


def _doctype_refusal(meta: DocTypeMeta) -> PermissionError:
    message = f"No permission for {meta.doctype}"
    return PermissionError(message, error_message=message)


def check_permission(meta: DocTypeMeta, ptype: str, user: Any, *, name: Any = None, owner: Any = None) -> Scope:
    """Raise Frappe's 403 unless ``user`` holds ``ptype``: "No permission for {doctype}" at DocType level,
    "You need the '{ptype}' permission on {doctype} {name} ..." for a document the user does not own.
    Answers the scope found (``all`` or ``owner``), for a caller that goes on to read rows."""
    scope = permission_scope(meta, ptype, user)
    if scope == "none":
        raise _doctype_refusal(meta)
    if scope == "owner" and owner is not None and not is_owner(owner, user):
        message = (f"You need the '{ptype}' permission on <strong>{meta.doctype}</strong> {name} "
                   "to perform this action.")
        raise PermissionError(message, error_message=message)
    return scope


def rows_restricted(meta: DocTypeMeta, user: Any, ptype: str = "read") -> bool:
    """Whether some stored documents of the DocType are outside what ``user`` may ``ptype``
    (an ``if_owner``-only right, a ``permission_query``, or no right at all)."""
    if is_superuser(user):
        return False
    return permission_scope(meta, ptype, user) != "all" or meta.options.permission_query is not None


def document_permitted(meta: DocTypeMeta, ptype: str, user: Any, instance: Any) -> bool:
    """Whether ``user`` holds ``ptype`` on the stored document ``instance``: the DocType's rights, ``if_owner``
    (denied where the DocType has no owner column) and ``permission_query`` all apply; any right but reading
    a superuser belongs to superusers alone. At most one query."""
    if permission_scope(meta, ptype, user) == "none":
        return False
    if ptype not in ("read", "select") and not may_change_user(user, instance):
        return False
    if not rows_restricted(meta, user, ptype):
        return True
    if meta.options.permission_query is None and "owner" in meta.fields:
        return is_owner(owner_of(meta, instance), user)
    return permitted_queryset(meta, user, ptype).filter(pk=instance.pk).exists()


def check_document(meta: DocTypeMeta, ptype: str, user: Any, instance: Any, name: Any = None) -> None:
    """Raise Frappe's 403 unless ``user`` holds ``ptype`` on the stored document ``instance``:
    "No permission for {doctype}" at DocType level, "You need the '{ptype}' permission on ..." otherwise."""
    if permission_scope(meta, ptype, user) == "none":
        raise _doctype_refusal(meta)
    if not document_permitted(meta, ptype, user, instance):
        shown = name if name is not None else getattr(instance, meta.name.attname, instance.pk)
        message = (f"You need the '{ptype}' permission on <strong>{meta.doctype}</strong> {shown} "
                   "to perform this action.")
        raise PermissionError(message, error_message=message)


def owner_of(meta: DocTypeMeta, instance: Any) -> Any:
    """The owner of a model instance (None when the DocType has no owner field)."""
    api_field = meta.fields.get("owner") or meta.hidden_fields.get("owner")
    return getattr(instance, api_field.attname, None) if api_field and api_field.attname else None


def levels(meta: DocTypeMeta, user: Any, ptype: str) -> frozenset[int] | None:
    """Permission levels whose fields ``user`` may ``read``/``write`` (None: every level, for superusers)."""
    if is_superuser(user):
        return None
    roles = user_roles(user)
    return frozenset(rule.permlevel for rule in meta.permissions if rule.role in roles and ptype in rule.rights)


def meta_for_user(meta: DocTypeMeta, user: Any, *, rights_from: DocTypeMeta | None = None) -> DocTypeMeta:
    """``meta`` as ``user`` sees it: fields above the levels the user may read are gone entirely
    (from reads, lists, filters, order_by and group_by); those it may read but not write are read-only.
    ``rights_from`` (a child table's parent) supplies the permission rows, as Frappe judges child fields."""
    if not meta.field_permlevels:
        return meta
    source = rights_from if rights_from is not None else meta
    readable, writable = levels(source, user, "read"), levels(source, user, "write")
    if readable is None:
        return meta
    cache = meta.user_variants
    key = (readable, writable)
    if key not in cache:
        fields, hidden = {}, dict(meta.hidden_fields)
        for fieldname, api_field in meta.fields.items():
            level = meta.field_permlevels.get(fieldname, 0)
            if level and level not in readable:
                hidden[fieldname] = api_field
            elif level and level not in (writable or frozenset()):
                fields[fieldname] = dataclasses.replace(api_field, read_only=True)
            else:
                fields[fieldname] = api_field
        cache[key] = dataclasses.replace(meta, fields=fields, hidden_fields=hidden, user_variants={})
    return cache[key]


def permitted_queryset(meta: DocTypeMeta, user: Any, ptype: str = "read", *, scope: Scope | None = None) -> Any:
    """The documents ``user`` may ``ptype`` (read also grants select): all, only their own, or none.
    ``scope``: the user's ``permission_scope`` for ``ptype``, when the caller has it already."""
    queryset = meta.queryset()
    scope = scope or permission_scope(meta, ptype, user)
    if meta.options.permission_query is not None and not is_superuser(user) and scope != "none":
        queryset = queryset.filter(meta.options.permission_query(user))
    if scope == "all":
        return queryset
    owner = meta.fields.get("owner")
    if scope == "none" or owner is None:
        return queryset.none()
    return queryset.filter(**{owner.lookup: user_name(user)})


def rules_from(rows: Iterable[dict[str, Any]]) -> tuple[PermRule, ...]:
    """Permission rules from code-declared rows."""
    return tuple(PermRule.from_mapping(row) for row in rows)
