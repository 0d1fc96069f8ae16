"""The whole OpenAPI 3.1 document, built from the registry and the whitelist, and cached.

``build_document(user)`` describes what ``user`` may use (``user=None``: everything). ``document_json`` answers
it encoded, from a per-process cache keyed by what decides its content: the registry's DocTypes as they now
stand (a DocType added, changed or disabled in the admin gives a new key at the next request), the caller's
rights and permission levels on each, whether the caller is logged in, and the whitelisted methods.
"""

from __future__ import annotations

import threading
from typing import Any

import orjson

from .. import __version__ as package_version
from ..conf import api_settings
from ..meta import DocTypeMeta
from ..permissions import RIGHTS, has_permission, is_superuser, levels
from ..registry import registry
from ..rpc.whitelist import registered_methods
from .components import Perspective, doctype_schemas, error_components
from .methods import method_paths
from .paths import doctype_paths, envelope, errors, json_response, operation
from .security import security_requirements, security_schemes

OPENAPI_VERSION = "3.1.0"
CACHE_SIZE = 64

DESCRIPTION = """The Frappe Framework's REST API: v1 (`/api/resource`, `/api/method`) and v2 (`/api/v2/document`,
`/api/v2/doctype`, `/api/v2/method`), served by django-frappe-api.

This document lists what the caller may use: the DocTypes it may read (with the operations its rights allow)
and the whitelisted methods it may call. v1 errors answer `exc_type`, `exception`, `exc` and `_server_messages`;
v2 errors answer `{"errors": [...]}`, with the same status codes."""


def _session_paths() -> dict[str, Any]:
    credentials = {"type": "object", "required": ["usr", "pwd"], "properties": {
        "usr": {"type": "string", "description": "User name or email."},
        "pwd": {"type": "string", "format": "password"}}}
    logged_in = envelope("message", {"const": "Logged In"}, home_page={"type": "string"}, full_name={"type": "string"})
    return {
        "/api/method/login": {"post": {**operation(
            "Session", "login", "Log in: starts a session (the sid cookie)",
            {"200": json_response("Logged in; sets the sid cookie and the front-end cookies", logged_in),
             **errors(1)}, body={"required": True, "content": {"application/json": {"schema": credentials},
                                                              "application/x-www-form-urlencoded": {
                                                                  "schema": credentials}}}), "security": [{}]}},
        "/api/method/logout": {"post": {**operation(
            "Session", "logout", "Log out: ends the session and clears its cookies",
            {"200": json_response("Logged out", {"type": "object"}), **errors(1)}), "security": [{}]}},
    }


def build_document(user: Any = None, *, base_url: str = "") -> dict[str, Any]:
    """The OpenAPI document as ``user`` may use the API (None: all of it). ``base_url`` (e.g.
    ``https://example.com``) is the server's URL; without it, paths are relative to where the document is served."""
    perspective = Perspective(user)
    metas = perspective.readable_doctypes()
    schemas = doctype_schemas(perspective, metas)
    error_schemas, responses = error_components()
    paths = _session_paths()
    for meta in metas:
        paths.update(doctype_paths(perspective, meta))
    authenticated = perspective.everything or bool(getattr(user, "is_authenticated", False))
    paths.update(method_paths(authenticated))
    security = security_requirements()
    if not authenticated:
        security = [{}, *security]
    tags = [{"name": "Session"}, *({"name": meta.doctype, "description": f"The {meta.doctype} DocType"}
                                   for meta in metas), {"name": "Methods", "description": "Whitelisted methods"}]
    return {
        "openapi": OPENAPI_VERSION,
        "info": {"title": api_settings.OPENAPI_TITLE, "version": package_version, "description": DESCRIPTION},
        "servers": [{"url": base_url or "/"}],
        "security": security,
        "tags": tags,
        "paths": paths,
        "components": {"schemas": {**schemas, **error_schemas}, "responses": responses,
                       "securitySchemes": security_schemes(base_url)},
    }


def _rights_signature(user: Any) -> Any:
    """What of ``user``'s rights the document depends on (None: everything is described)."""
    if user is None or is_superuser(user):
        return None
    signature = []
    for doctype in registry.doctypes():
        meta = registry.get(doctype)
        rights = tuple(right for right in RIGHTS if has_permission(meta, right, user))
        if rights:
            signature.append((doctype, rights, levels(meta, user, "read"), levels(meta, user, "write")))
    return (bool(getattr(user, "is_authenticated", False)), tuple(signature))


_cache: dict[Any, tuple[tuple[DocTypeMeta, ...], bytes]] = {}
_lock = threading.Lock()


def document_json(user: Any = None, *, base_url: str = "") -> bytes:
    """``build_document`` encoded as JSON, from the cache when the registry and the caller's rights are unchanged."""
    metas = tuple(registry.get(doctype) for doctype in registry.doctypes())
    key = (_rights_signature(user), tuple(registered_methods()), base_url)
    cached = _cache.get(key)
    if cached is not None and len(cached[0]) == len(metas) and all(a is b for a, b in zip(cached[0], metas)):
        return cached[1]
    encoded = orjson.dumps(build_document(user, base_url=base_url))
    with _lock:
        if len(_cache) >= CACHE_SIZE:
            _cache.clear()
        _cache[key] = (metas, encoded)
    return encoded
