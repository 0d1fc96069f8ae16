"""The DocType registry: which models the API exposes, and under which DocType names.

DocTypes come from two places, both first class:

* code: ``frappe_api.register(Model, doctype="ToDo", ...)`` (also a class
  decorator), read when Django starts;
* the Django admin: ``frappe_api.models.DocType`` rows, editable without a
  restart.

Lookups are O(1) dictionary reads on a per-process snapshot. Every change to a
DocType row writes a new version token to Django's cache; each process
compares its snapshot's token with the cache's at most once per request and
rebuilds when they differ, so all workers see an admin change at their next
request (use a shared cache such as Redis in production). While the cache is
unreachable each process rebuilds from the database every
``resilience.RETRY_SECONDS`` instead.
"""

from __future__ import annotations

import dataclasses
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any, TypeVar, overload

from django.apps import apps
from django.db import models, transaction
from django.db.utils import DatabaseError

from . import request_cache
from .conf import api_settings
from .exceptions import DoesNotExistError
from .meta import (DocTypeMeta, DocTypeOptions, build_meta, effective_name_field, has_owner_column,
                   owner_column_error, sensitive_fields)
from .permissions import SYSTEM_MANAGER, PermRule, rules_from
from .resilience import RETRY_SECONDS, log_degraded, shared_cache

ModelT = TypeVar("ModelT", bound=type[models.Model])

_code_options: dict[str, DocTypeOptions] = {}
_lock = threading.Lock()


def _split_names(value: str | Iterable[str] | None) -> frozenset[str]:
    return frozenset(_ordered_names(value))


def _ordered_names(value: str | Iterable[str] | None) -> tuple[str, ...]:
    """Comma-separated (or listed) names in their order, blanks and repeats dropped."""
    if not value:
        return ()
    if isinstance(value, str):
        value = value.split(",")
    return tuple(dict.fromkeys(part.strip() for part in value if part and part.strip()))


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
        doctype = options.pop("doctype", None) or str(model_class._meta.verbose_name).title()
        for key in ("hidden_fields", "read_only_fields", "allow_on_submit_fields"):
            options[key] = _split_names(options.get(key))
        options["search_fields"] = _ordered_names(options.get("search_fields"))
        options["permissions"] = rules_from(options.get("permissions", ()))
        doctype_options = DocTypeOptions(doctype=doctype, model=model_class, source="code", **options)
        if owner_rights_without_owner(doctype_options):
            raise ValueError(owner_column_error(doctype_options))
        with _lock:
            _code_options[doctype] = doctype_options
        registry.invalidate(local_only=True)
        return model_class

    if model is None:
        return decorate
    return decorate(model)


def owner_rights_without_owner(options: DocTypeOptions) -> bool:
    """Whether ``options`` grant an ``if_owner`` right on a DocType whose documents record no owner (checked once
    models are loaded; a registration made while they load is checked by the system check ``frappe_api.E002``)."""
    return (apps.models_ready and any(rule.if_owner for rule in options.permissions)
            and not has_owner_column(options))


def unregister(doctype: str) -> None:
    """Forget a code registration (mostly for tests)."""
    with _lock:
        _code_options.pop(doctype, None)
    registry.invalidate(local_only=True)


def code_registrations() -> dict[str, DocTypeOptions]:
    """The DocTypes registered in code, by name."""
    return dict(_code_options)


def options_from_row(row: Any) -> DocTypeOptions | None:
    """Registration options for an admin-managed ``DocType`` row (None if its model is gone). Fields holding
    credentials (``sensitive_fields``) are hidden unless the field map names them."""
    model = row.model.model_class()
    if model is None:
        return None
    field_map, permlevels = row.field_map or {}, row.field_permlevels or {}
    if not isinstance(field_map, dict) or not all(isinstance(v, str) or v is None for v in field_map.values()):
        raise ValueError(f"the field map {field_map!r} is not an object of field names")
    if not isinstance(permlevels, dict) or not all(
            isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in permlevels.values()):
        raise ValueError(f"the field permission levels {permlevels!r} are not an object of levels")
    field_map = dict(field_map)
    hidden = _split_names(row.hidden_fields)
    if row.source != "code":
        hidden |= sensitive_fields(model) - {value for value in field_map.values() if value}
    return DocTypeOptions(
        doctype=row.name,
        model=model,
        name_field=row.name_field or None,
        naming_rule=row.naming_rule,
        field_map=field_map,
        sort_field=row.sort_field or None,
        sort_order=row.sort_order or "desc",
        title_field=row.title_field or None,
        search_fields=_ordered_names(row.search_fields),
        show_title_field_in_link=row.show_title_field_in_link,
        hidden_fields=hidden,
        read_only_fields=_split_names(row.read_only_fields),
        istable=row.istable,
        is_submittable=row.is_submittable,
        field_permlevels=dict(permlevels),
        permissions=tuple(PermRule.from_mapping(perm.as_mapping()) for perm in row.permissions.all()) if row.pk else (),
        primary=bool(getattr(row, "primary_for_model", False)),
        source=row.source,
    )


class Registry:
    """Per-process snapshot of all enabled DocTypes, refreshed from the cache's version token."""

    def __init__(self) -> None:
        self._metas: dict[str, DocTypeMeta] = {}
        self._by_model: dict[type[models.Model], DocTypeMeta] = {}
        self._version: str | None = None
        self._loaded = False
        self._ad_hoc: dict[type[models.Model], DocTypeMeta] = {}
        self._name_field_of: Callable[[type[models.Model]], str] = lambda model: model._meta.pk.name

    # --- versioning -------------------------------------------------------
    @property
    def _cache_key(self) -> str:
        return f"{api_settings.CACHE_PREFIX}:registry_version"

    def _shared_version(self) -> str:
        version = request_cache.cached(self._cache_key)  # with the runtime settings: one round trip per request
        if version is None:
            shared_cache.add(self._cache_key, uuid.uuid4().hex, timeout=None)
            # Unreachable cache: a token that changes every RETRY_SECONDS, so the snapshot follows the database.
            version = shared_cache.get(self._cache_key) or f"unshared:{int(time.monotonic() // RETRY_SECONDS)}"
            request_cache.remember(self._cache_key, version)
        return version

    def invalidate(self, *, local_only: bool = False) -> None:
        """Drop this process's snapshot; unless ``local_only``, make every other process drop theirs too.

        Inside a transaction the new version is published again at commit: a process that rebuilt in between
        read the rows as they were before the commit, and must rebuild once more."""
        self._loaded = False
        if not local_only:
            self._publish_version()
            if transaction.get_connection().in_atomic_block:
                transaction.on_commit(self._publish_version)

    def _publish_version(self) -> None:
        self._loaded = False
        version = uuid.uuid4().hex
        shared_cache.set(self._cache_key, version, timeout=None)
        request_cache.changed(self._cache_key, version)

    def refresh_if_stale(self) -> None:
        """Rebuild the snapshot when another process (or an admin save) changed the registry."""
        version = self._shared_version()
        if not self._loaded or version != self._version:
            self._rebuild(version)

    # --- building ---------------------------------------------------------
    def _all_options(self) -> tuple[list[DocTypeOptions], bool]:
        """Every enabled DocType's options, and whether the admin's rows could be read."""
        from .models import DocType

        options = dict(_code_options)
        disabled: set[str] = set()
        try:
            rows = list(DocType.objects.select_related("model").prefetch_related("permissions").order_by("pk"))
        except DatabaseError:  # not migrated yet, or the database unreachable: code registrations only, for now
            return list(options.values()), False
        for row in rows:
            if not row.enabled:
                disabled.add(row.name)
                continue
            if row.name in options:
                stored_rules = tuple(PermRule.from_mapping(perm.as_mapping()) for perm in row.permissions.all())
                if stored_rules:  # the admin's rows replace the code's defaults
                    options[row.name] = dataclasses.replace(options[row.name], permissions=stored_rules)
                continue
            try:
                row_options = options_from_row(row)
            except ValueError as exc:  # stored before validation existed: this DocType is not served
                log_degraded(f"doctype:{row.name}", f"DocType {row.name!r} cannot be served ({exc}); correct it in "
                                                    "the admin")
                continue
            if row_options is not None:
                options[row.name] = row_options
        return [opt for name, opt in options.items() if name not in disabled], True

    def _rebuild(self, version: str | None) -> None:
        all_options, complete = self._all_options()
        owner_of = link_owners(all_options)

        def name_field_of(model: type[models.Model]) -> str:
            owner = owner_of(model)
            return effective_name_field(owner) if owner is not None else model._meta.pk.name

        self._name_field_of, self._ad_hoc = name_field_of, {}

        child_doctypes = {opt.model: opt.doctype for opt in all_options if opt.istable}
        metas: dict[str, DocTypeMeta] = {}
        for opt in all_options:
            try:
                metas[opt.doctype] = build_meta(opt, name_field_of, child_doctypes)
            except Exception as exc:  # noqa: BLE001 - one broken stored row must not take every DocType down
                if opt.source == "code":
                    raise
                log_degraded(f"doctype:{opt.doctype}", f"DocType {opt.doctype!r} cannot be served ({exc}); "
                                                       "correct it in the admin", exc)
        by_model: dict[type[models.Model], DocTypeMeta] = {}
        for model in {opt.model for opt in all_options} | {opt.model._meta.concrete_model for opt in all_options}:
            owner = owner_of(model)
            if owner is not None and owner.doctype in metas:
                by_model[model] = metas[owner.doctype]
        self._metas, self._by_model = metas, by_model
        # A snapshot built without the admin's rows is rebuilt at the next request (the database may be back).
        self._version, self._loaded = (version if complete else None), True

    # --- lookups ----------------------------------------------------------
    def get(self, doctype: str) -> DocTypeMeta:
        """The enabled DocType called ``doctype``; DoesNotExistError (404) otherwise."""
        if not self._loaded:
            self.refresh_if_stale()
        try:
            return self._metas[doctype]
        except KeyError:
            raise DoesNotExistError(f"DocType {doctype} not found", doctype="DocType") from None

    def for_model(self, model: type[models.Model]) -> DocTypeMeta | None:
        """The DocType serving ``model``, if any."""
        if not self._loaded:
            self.refresh_if_stale()
        return self._by_model.get(model)

    def describe(self, model: type[models.Model]) -> DocTypeMeta:
        """The DocType serving ``model``, or an ad-hoc description of it when it is not registered."""
        meta = self.for_model(model)
        if meta is None:
            meta = self._ad_hoc.get(model)
            if meta is None:
                options = DocTypeOptions(doctype=str(model._meta.verbose_name).title(), model=model, source="ad hoc")
                meta = self._ad_hoc[model] = build_meta(options, self._name_field_of)
        return meta

    def parents_of(self, child_doctype: str) -> list[DocTypeMeta]:
        """The DocTypes with a table field holding rows of ``child_doctype``."""
        if not self._loaded:
            self.refresh_if_stale()
        return [meta for meta in self._metas.values() if meta.child_table_for(child_doctype) is not None]

    def doctypes(self) -> list[str]:
        """Names of every enabled DocType."""
        if not self._loaded:
            self.refresh_if_stale()
        return sorted(self._metas)


def link_owners(all_options: list[DocTypeOptions]) -> Callable[[type[models.Model]], DocTypeOptions | None]:
    """Which registration answers for a model, when several serve it: Links to the model read and write that
    DocType's name. The one marked ``primary``, else the first (``all_options`` in order: code registrations,
    then admin rows in creation order); a model's proxies count as the model, except a Link to a proxy itself,
    which its own registration answers. Adding a DocType thus never changes what existing ones serve."""
    family: dict[type[models.Model], DocTypeOptions] = {}
    exact: dict[type[models.Model], DocTypeOptions] = {}
    for opt in all_options:
        for key, owners in ((opt.model._meta.concrete_model, family), (opt.model, exact)):
            current = owners.get(key)
            if current is None or (opt.primary and not current.primary):
                owners[key] = opt

    def owner_of(model: type[models.Model]) -> DocTypeOptions | None:
        concrete = model._meta.concrete_model
        if model is not concrete and model in exact:
            return exact[model]
        return family.get(concrete)

    return owner_of


registry = Registry()
request_cache.read_per_request(lambda: registry._cache_key)


def invalidate_registry(**kwargs: Any) -> None:
    """Signal receiver for saves and deletes of ``DocType`` and ``DocPerm`` rows: every process rebuilds."""
    registry.invalidate()


def sync_code_registrations(**kwargs: Any) -> None:
    """Create or update a ``DocType`` row for every code registration (run after ``migrate``)."""
    from django.contrib.contenttypes.models import ContentType

    from django.contrib.auth.models import Group

    from .models import DocPerm, DocType

    Group.objects.get_or_create(name=SYSTEM_MANAGER)
    for options in _code_options.values():
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

