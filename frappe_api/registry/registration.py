"""The registration API: ``frappe_api.register`` (also a class decorator) and ``frappe_api.unregister``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, overload

from django.db import models

from .code import forget, keep, options_from_code
from .snapshot import registry

ModelT = TypeVar("ModelT", bound=type[models.Model])


@overload
def register(model: ModelT, /, **options: Any) -> ModelT: ...
@overload
def register(model: None = None, /, **options: Any) -> Callable[[ModelT], ModelT]: ...


def register(model: ModelT | None = None, /, **options: Any) -> ModelT | Callable[[ModelT], ModelT]:
    """Expose ``model`` as a DocType; usable as ``register(Model, doctype=...)`` or ``@register(doctype=...)``.

    Options: ``doctype`` (default: the model's verbose name in title case),
    ``name_field``, ``naming_rule`` (``hash``, ``autoincrement``, ``prompt``,
    ``field:<fieldname>``), ``field_map`` (API name -> model field, e.g.
    ``{"enabled": "is_active"}``), ``sort_field``, ``sort_order``,
    ``title_field``, ``search_fields`` (fields a Link search matches and shows
    besides the name and title, e.g. ``["customer_group", "territory"]``),
    ``show_title_field_in_link`` (Link search results carry the title as
    ``label``), ``hidden_fields``, ``read_only_fields``,
    ``computed_fields`` (API name -> ORM expression, read-only),
    ``write_only_fields`` (API name -> ``setter(instance, value)``),
    ``permissions`` (default permission rows, e.g. ``[{"role": "Sales User",
    "read": 1, "write": 1, "create": 1}]``; the admin edits them afterwards),
    ``field_permlevels`` (``{"salary": 1}``), ``permission_query`` (``fn(user) -> Q``,
    an extra row filter for non-superusers), ``virtual_tables`` (table fields
    not backed by a child model, e.g. ``{"roles": user_roles_table()}``),
    ``istable``, ``is_submittable``, ``allow_on_submit_fields`` (editable
    after submit), ``issingle`` (one record named after the DocType),
    ``allow_rename``, ``tree_parent_field`` (the Link to the parent node,
    making the DocType a tree for the ``descendants of`` family of filter
    operators).
    """

    def decorate(model_class: ModelT) -> ModelT:
        keep(options_from_code(model_class, options))
        registry.invalidate(local_only=True)
        return model_class

    if model is None:
        return decorate
    return decorate(model)


def unregister(doctype: str) -> None:
    """Forget a code registration (mostly for tests)."""
    forget(doctype)
    registry.invalidate(local_only=True)
