"""The DocType registry: which models the API exposes, and under which DocType names.

DocTypes come from two places, both first class:

* code: ``frappe_api.register(Model, doctype="ToDo", ...)`` (also a class
  decorator), read when Django starts (``registration``, kept in ``code``);
* the Django admin: ``frappe_api.models.DocType`` rows, editable without a
  restart (each row gives its options with ``DocType.options()``).

``registry`` (``snapshot``) answers every lookup from a per-process snapshot
of both, rebuilt when the cache's version token changes; ``sync`` keeps the
rows in step with the code and drops every process's snapshot on a change.
The names below stay importable from ``frappe_api.registry``.
"""

from __future__ import annotations

from typing import Any

from ..meta import DocTypeOptions
from .code import _code_options, code_registrations, owner_rights_without_owner  # noqa: F401 - tests patch _code_options
from .registration import register, unregister
from .snapshot import Registry, link_owners, registry
from .sync import invalidate_registry, sync_code_registrations

__all__ = ["Registry", "code_registrations", "invalidate_registry", "link_owners", "options_from_row",
           "owner_rights_without_owner", "register", "registry", "sync_code_registrations", "unregister"]


def options_from_row(row: Any) -> DocTypeOptions | None:
    """Registration options for an admin-managed ``DocType`` row: ``row.options()`` (kept for importers)."""
    return row.options()
