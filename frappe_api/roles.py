"""Roles over Django's groups: the ``Role`` DocType and a ``roles`` table for the ``User`` DocType.

Register your user model with ``virtual_tables={"roles": user_roles_table()}``
so clients read and write ``roles`` as Frappe's ``[{"role": "<name>"}]``
rows; only System Managers (and superusers) may change them, and only superusers may grant or take away
the ``Administrator`` role.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group

from .exceptions import PermissionError, ValidationError
from .meta import VirtualTable
from .permissions import ADMINISTRATOR, AUTOMATIC_ROLES, SYSTEM_MANAGER, is_superuser, user_roles


def _read(names: list[Any]) -> dict[Any, list[dict[str, Any]]]:
    from django.contrib.auth import get_user_model

    model = get_user_model()
    through = model.groups.through
    user_lookup = f"{through._meta.get_field('user').name}__{model.USERNAME_FIELD}"
    rows: dict[Any, list[dict[str, Any]]] = {}
    for username, role in through.objects.filter(**{f"{user_lookup}__in": names}).order_by(
            "group__name").values_list(user_lookup, "group__name"):
        rows.setdefault(username, []).append({"role": role, "doctype": "Has Role", "parentfield": "roles",
                                              "parenttype": "User", "parent": username,
                                              "idx": len(rows.get(username, [])) + 1})
    return rows


def _write(user: Any, rows: list[dict[str, Any]], acting_user: Any) -> None:
    if not (is_superuser(acting_user) or SYSTEM_MANAGER in user_roles(acting_user)):
        raise PermissionError("Only a System Manager may change roles")
    names = [str(row.get("role", "")).strip() for row in rows]
    names = [name for name in names if name and name not in AUTOMATIC_ROLES]
    groups = list(Group.objects.filter(name__in=names))
    missing = sorted(set(names) - {group.name for group in groups})
    if missing:
        raise ValidationError(f"Could not find Role: {missing[0]}")
    held = user.groups.filter(name=ADMINISTRATOR).exists()
    if held != (ADMINISTRATOR in names) and not is_superuser(acting_user):
        raise PermissionError(f"Only a superuser may grant or take away the {ADMINISTRATOR} role")
    user.groups.set(groups)


def user_roles_table() -> VirtualTable:
    """The ``roles`` table of the ``User`` DocType."""
    return VirtualTable(read=_read, write=_write)
