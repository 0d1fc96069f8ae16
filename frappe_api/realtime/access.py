"""Who a socket is, and which rooms it may join: the HTTP API's authenticators and its read gate.

Synchronous (they use the ORM); the server calls them through
``sync_to_async``. Each call sees the registry as the web workers do and
closes its database connections when it ends.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth import get_user_model
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.handlers.wsgi import WSGIRequest
from django.db import connections
from rest_framework.request import Request

from ..conf import api_settings
from ..gate import all_rows_readable
from ..meta import DocTypeMeta
from ..permissions import document_permitted, is_superuser, permission_scope, user_name
from ..registry import registry
from ..document.serialize import name_value
from .rooms import doctype_room, owner_room

SYSTEM_USER, WEBSITE_USER = "System User", "Website User"
T = TypeVar("T")


def database_call(func: Callable[..., T]) -> Callable[..., T]:
    """Run ``func`` with the registry fresh, and close its database connections when it ends: Django keeps
    connections per async context, so one kept open here would stay with the socket (one per connected
    socket); a connect or subscribe costs a new connection instead, as ``CONN_MAX_AGE = 0`` would."""

    @wraps(func)
    def call(*args: Any, **kwargs: Any) -> T:
        try:
            registry.refresh_if_stale()
            return func(*args, **kwargs)
        finally:
            connections.close_all()

    return call


@database_call
def authenticate(environ: dict[str, Any]) -> Any:
    """The user the handshake's ``sid`` cookie or ``Authorization`` header (token, Basic, Bearer) names, by
    the authenticators the HTTP API uses (``AUTHENTICATION_CLASSES``); anonymous when none of them knows it.
    Raises the API's 401/403 for a bad header."""
    request = WSGIRequest({**environ, "wsgi.input": io.BytesIO(b""), "CONTENT_LENGTH": "0"})
    SessionMiddleware(lambda _: None).process_request(request)
    AuthenticationMiddleware(lambda _: None).process_request(request)
    user = Request(request, authenticators=[cls() for cls in api_settings.AUTHENTICATION_CLASSES]).user
    return user if getattr(user, "is_authenticated", False) else AnonymousUser()


def user_type(user: Any) -> str:
    """Frappe's user type: System Users (staff, superusers) also join the ``all`` room."""
    return SYSTEM_USER if is_superuser(user) or getattr(user, "is_staff", False) else WEBSITE_USER


def identity(user: Any) -> dict[str, Any]:
    """What a socket keeps of its user: the key to load it again, its Frappe name and type."""
    return {"pk": user.pk if getattr(user, "is_authenticated", False) else None, "user": user_name(user),
            "user_type": user_type(user)}


def load_user(pk: Any) -> Any:
    """The socket's user as stored now (a user since disabled or deleted is anonymous)."""
    if pk is None:
        return AnonymousUser()
    return get_user_model()._default_manager.filter(pk=pk, is_active=True).first() or AnonymousUser()


def _meta(doctype: Any) -> DocTypeMeta | None:
    if not isinstance(doctype, str):
        return None
    try:
        return registry.get(doctype)
    except Exception:  # noqa: BLE001 - an unknown DocType is a silent refusal
        return None


def doctype_subscription(user: Any, doctype: Any) -> str | None:
    """The room a subscriber of ``doctype`` joins: the DocType's own when ``user`` may read all its documents,
    the room of the user's own documents under ``if_owner``; None (refused) otherwise, and for child tables
    and DocTypes whose readable rows a ``permission_query`` picks."""
    meta = _meta(doctype)
    if meta is None or meta.options.istable:
        return None
    if all_rows_readable(meta, user):
        return doctype_room(meta.doctype)
    if (permission_scope(meta, "read", user) == "owner" and meta.options.permission_query is None
            and "owner" in meta.fields):
        return owner_room(meta.doctype, user_name(user))
    return None


def may_read_document(user: Any, doctype: Any, name: Any) -> bool:
    """Whether ``user`` may read the stored document ``doctype``/``name`` (the read gate's rules)."""
    meta = _meta(doctype)
    if meta is None or meta.options.istable or not isinstance(name, (str, int)):
        return False
    if permission_scope(meta, "read", user) == "none":
        return False
    if meta.options.issingle:
        return str(name) == meta.doctype
    try:
        instance = meta.model._default_manager.filter(**{meta.name.attname: name_value(meta, name)}).first()
    except Exception:  # noqa: BLE001 - a name that cannot exist names nothing
        return False
    return instance is not None and document_permitted(meta, "read", user, instance)


@database_call
def subscription_for(pk: Any, doctype: Any) -> str | None:
    """``doctype_subscription`` for the socket's user."""
    return doctype_subscription(load_user(pk), doctype)


@database_call
def may_read(pk: Any, doctype: Any, name: Any) -> bool:
    """``may_read_document`` for the socket's user."""
    return may_read_document(load_user(pk), doctype, name)
