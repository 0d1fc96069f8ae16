"""How the query language reaches DocTypes other than the one listed: the caller's ``DocTypeResolver``.

The query language grabs no registry and knows no user: a caller passes a resolver answering, for the names a
query reaches (a child table, a Link's target, ``expand``), the DocType as the caller may read it and its rows.
The API passes the read gate's (``frappe_api.document.listing.GateResolver``); ``Unrestricted`` reads
everything a DocType source holds (for code with no user, and tests).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any, Protocol

from django.db.models import Model, QuerySet

from ..meta import APIField, DocTypeMeta
from .errors import NameNotPermitted


class DocTypeResolver(Protocol):
    """The DocTypes a query may reach, as its caller may read them."""

    def child_meta(self, doctype: str, parent: DocTypeMeta) -> DocTypeMeta:
        """The child DocType ``doctype`` (a table of ``parent``), with the fields the caller may read there."""

    def link_meta(self, api_field: APIField) -> DocTypeMeta:
        """The DocType a Link field points at, as the caller may read it (an error when they may not)."""

    def rows(self, meta: DocTypeMeta) -> QuerySet:
        """The rows of ``meta`` the caller may read."""

    def all_rows_readable(self, meta: DocTypeMeta) -> bool:
        """Whether the caller may read every stored row of ``meta`` (so no row condition is needed)."""

    def documents(self, meta: DocTypeMeta, names: Collection[Any]) -> list[dict[str, Any]]:
        """The documents of ``meta`` named ``names`` that the caller may read, as a list answers them
        (``expand``)."""


class DocTypeSource(Protocol):
    """Where DocTypes are found by name and by model (``frappe_api.registry.registry`` is one)."""

    def get(self, doctype: str) -> DocTypeMeta: ...

    def for_model(self, model: type[Model]) -> DocTypeMeta | None: ...


class Unrestricted:
    """A resolver for code that acts for no user: every DocType whole, every row; linked documents as
    ``serialize`` answers them."""

    def __init__(self, source: DocTypeSource,
                 serialize: Callable[[DocTypeMeta, QuerySet], list[dict[str, Any]]] | None = None) -> None:
        self.source = source
        self.serialize = serialize

    def child_meta(self, doctype: str, parent: DocTypeMeta) -> DocTypeMeta:
        return self.source.get(doctype)

    def link_meta(self, api_field: APIField) -> DocTypeMeta:
        target = self.source.for_model(api_field.link_model) if api_field.link_model else None
        if target is None:
            raise NameNotPermitted(f"Field not permitted in query: {api_field.fieldname}")
        return target

    def rows(self, meta: DocTypeMeta) -> QuerySet:
        return meta.queryset()

    def all_rows_readable(self, meta: DocTypeMeta) -> bool:
        return True

    def documents(self, meta: DocTypeMeta, names: Collection[Any]) -> list[dict[str, Any]]:
        if self.serialize is None:
            raise NameNotPermitted("expand is not available here")
        return self.serialize(meta, meta.queryset().filter(**{f"{meta.name.lookup}__in": names}))
