"""Keeping the database in step: a ``DocType`` row for every code registration (after ``migrate``), and every
process's snapshot dropped when a ``DocType`` or ``DocPerm`` row changes."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType

from ..models import DocPerm, DocType
from ..permissions import SYSTEM_MANAGER
from .code import code_registrations
from .snapshot import registry


def invalidate_registry(**kwargs: Any) -> None:
    """Signal receiver for saves and deletes of ``DocType`` and ``DocPerm`` rows: every process rebuilds."""
    registry.invalidate()


def sync_code_registrations(**kwargs: Any) -> None:
    """Create or update a ``DocType`` row for every code registration (run after ``migrate``)."""
    Group.objects.get_or_create(name=SYSTEM_MANAGER)
    for options in code_registrations().values():
        content_type = ContentType.objects.get_for_model(options.model, for_concrete_model=False)
        row, _ = DocType.objects.update_or_create(
            name=options.doctype,
            defaults={
                "model": content_type,
                "source": DocType.SOURCE_CODE,
                "name_field": options.name_field or "",
                "naming_rule": options.naming_rule,
                "field_map": {k: v for k, v in options.field_map.items() if v},
                "sort_field": options.sort_field or "",
                "sort_order": options.sort_order,
                "title_field": options.title_field or "",
                "search_fields": ", ".join(options.search_fields),
                "show_title_field_in_link": options.show_title_field_in_link,
                "hidden_fields": ", ".join(sorted(options.hidden_fields)),
                "read_only_fields": ", ".join(sorted(options.read_only_fields)),
                "istable": options.istable,
                "is_submittable": options.is_submittable,
                "field_permlevels": dict(options.field_permlevels),
                "primary_for_model": options.primary,
            },
        )
        if options.permissions and not row.permissions.exists():  # code declares defaults; the admin edits them
            DocPerm.objects.bulk_create(
                DocPerm(doctype=row, role=rule.role, permlevel=rule.permlevel, if_owner=rule.if_owner,
                        **{field: right in rule.rights for right, field in DocPerm.RIGHT_FIELDS.items()})
                for rule in options.permissions)
    registry.invalidate()

