"""The per-process snapshot of every enabled DocType, and the one ``registry`` every request reads.

Lookups are O(1) dictionary reads. Every change to a DocType row writes a new
version token to Django's cache; each process compares its snapshot's token
with the cache's at most once per request and rebuilds when they differ, so all
workers see an admin change at their next request (use a shared cache such as
Redis in production). While the cache is unreachable each process rebuilds from
the database every ``resilience.RETRY_SECONDS`` instead.
"""

from __future__ import annotations

import dataclasses
import time
import uuid
from collections.abc import Callable

from django.db import models, transaction
from django.db.utils import DatabaseError

from .. import request_cache
from ..conf import api_settings
from ..exceptions import DoesNotExistError
from ..meta import DocTypeMeta, DocTypeOptions, build_meta, effective_name_field
from ..models import DocType
from ..permissions import PermRule
from ..resilience import RETRY_SECONDS, log_degraded, shared_cache
from .code import code_registrations


class Registry:
    """Per-process snapshot of all enabled DocTypes, refreshed from the cache's version token."""

    def __init__(self) -> None:
        self._metas: dict[str, DocTypeMeta] = {}
        self._by_model: dict[type[models.Model], DocTypeMeta] = {}
        self._version: str | None = None
        self._loaded = False
        self._ad_hoc: dict[type[models.Model], DocTypeMeta] = {}
        self._name_field_of: Callable[[type[models.Model]], str] = lambda model: model._meta.pk.name
        self.generation = 0
        """Counts the snapshots built: anything derived from one is stale once it changes."""

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
        options = code_registrations()
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
                row_options = row.options()
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
        self.generation += 1
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

    def meta_for_model(self, model: type[models.Model]) -> DocTypeMeta:
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
