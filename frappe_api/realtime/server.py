"""The Socket.IO server: Frappe's realtime protocol on python-socketio (Engine.IO 4 / Socket.IO 5).

* One namespace, ``/<SITE_NAME>``; any other is refused.
* Origin: a browser's ``Origin`` must name the same host as ``Host`` (ports
  aside, as Frappe compares them) or be an allowed CORS origin.
* A connection needs the ``sid`` cookie or an ``Authorization`` header, and
  is authenticated in-process by the HTTP API's authenticators; it joins
  ``user:<name>`` and ``website``, and ``all`` for System Users.
* Client events: ``ping``, ``doctype_subscribe``/``unsubscribe``,
  ``doc_subscribe``/``unsubscribe``, ``doc_open``/``doc_close``,
  ``task_subscribe``/``unsubscribe``, ``progress_subscribe``; a refused
  subscription is silent, as in Frappe.
"""

from __future__ import annotations

import asyncio
import logging
import re
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlsplit

import socketio
from asgiref.sync import sync_to_async
from django.conf import settings

from ..conf import api_settings
from . import access
from .publish import attach_local_server, detach_local_server, namespace, redis_options
from .rooms import ALL, WEBSITE, doc_room, doctype_room, open_doc_room, owner_room, task_room, user_room
from .viewers import RedisViewers, Viewers

logger = logging.getLogger("frappe_api.realtime")


def _hostname(value: str | None) -> str | None:
    if not value:
        return None
    return urlsplit(value if "//" in value else f"//{value}").hostname


def origin_allowed(origin: str | None, environ: dict[str, Any]) -> bool:
    """Frappe's rule: the ``Origin`` hostname equals the ``Host`` hostname (any port), or the origin is one
    the site allows for CORS (``CORS_ALLOWED_ORIGINS``, ``CORS_ALLOWED_ORIGIN_REGEXES``). Requests without an
    ``Origin`` (same-origin long-polling, non-browser clients) are not cross-site and pass."""
    if not origin:
        return True
    host = _hostname(environ.get("HTTP_HOST"))
    if host is not None and _hostname(origin) == host:
        return True
    if origin in getattr(settings, "CORS_ALLOWED_ORIGINS", ()):
        return True
    return any(re.match(pattern, origin) for pattern in getattr(settings, "CORS_ALLOWED_ORIGIN_REGEXES", ()))


def _strings(args: tuple[Any, ...], count: int) -> tuple[str, ...] | None:
    """The event's first ``count`` arguments when they are all non-empty strings (or numbers), else None."""
    if len(args) < count or not all(isinstance(arg, (str, int)) and str(arg) for arg in args[:count]):
        return None
    return tuple(str(arg) for arg in args[:count])


class SiteNamespace(socketio.AsyncNamespace):
    """The site's namespace: authentication at connect, rooms, and the client events."""

    def __init__(self, name: str, viewers: Viewers) -> None:
        super().__init__(name)
        self.viewers = viewers

    async def on_connect(self, sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        cookie = SimpleCookie()
        try:
            cookie.load(environ.get("HTTP_COOKIE", ""))
        except Exception:  # noqa: BLE001 - an unreadable cookie header carries no session
            cookie = SimpleCookie()
        session_id = cookie.get(settings.SESSION_COOKIE_NAME)
        if not (session_id and session_id.value) and not environ.get("HTTP_AUTHORIZATION", "").strip():
            raise socketio.exceptions.ConnectionRefusedError(
                "Missing cookie and authorization header, cannot authenticate")
        try:
            user = await sync_to_async(access.authenticate)(environ)
        except Exception as exc:  # noqa: BLE001 - the API's 401/403 (or a bad host) refuses the socket
            raise socketio.exceptions.ConnectionRefusedError(f"Unauthorized: {exc}") from None
        who = access.identity(user)
        await self.save_session(sid, who)
        await self.enter_room(sid, user_room(who["user"]))
        await self.enter_room(sid, WEBSITE)
        if who["user_type"] == access.SYSTEM_USER:
            await self.enter_room(sid, ALL)

    async def on_disconnect(self, sid: str, *args: Any) -> None:
        user = await self._user(sid)
        for doc in await self.viewers.close_all(sid):
            await self._announce_viewers(doc, user)

    async def _user(self, sid: str) -> Any:
        try:
            return await self.get_session(sid)
        except KeyError:
            return {"pk": None, "user": api_settings.GUEST_USER}

    async def on_ping(self, sid: str, *args: Any) -> None:
        await self.emit("pong", to=sid)

    async def on_doctype_subscribe(self, sid: str, *args: Any) -> None:
        found = _strings(args, 1)
        if found:
            room = await sync_to_async(access.subscription_for)((await self._user(sid))["pk"], found[0])
            if room:
                await self.enter_room(sid, room)

    async def on_doctype_unsubscribe(self, sid: str, *args: Any) -> None:
        found = _strings(args, 1)
        if found:
            await self.leave_room(sid, doctype_room(found[0]))
            await self.leave_room(sid, owner_room(found[0], (await self._user(sid))["user"]))

    async def _may_read(self, sid: str, doctype: str, name: str) -> bool:
        return await sync_to_async(access.may_read)((await self._user(sid))["pk"], doctype, name)

    async def on_doc_subscribe(self, sid: str, *args: Any) -> None:
        found = _strings(args, 2)
        if found and await self._may_read(sid, *found):
            await self.enter_room(sid, doc_room(*found))

    async def on_doc_unsubscribe(self, sid: str, *args: Any) -> None:
        found = _strings(args, 2)
        if found:
            await self.leave_room(sid, doc_room(*found))

    async def on_doc_open(self, sid: str, *args: Any) -> None:
        found = _strings(args, 2)
        if found and await self._may_read(sid, *found):
            user = await self._user(sid)
            doc = open_doc_room(*found)
            await self.enter_room(sid, doc)
            await self.viewers.open(doc, sid, user["user"])
            await self._announce_viewers(doc, user)

    async def on_doc_close(self, sid: str, *args: Any) -> None:
        found = _strings(args, 2)
        if found:
            doc = open_doc_room(*found)
            await self.leave_room(sid, doc)
            await self.viewers.close(doc, sid)
            await self._announce_viewers(doc, await self._user(sid))

    async def _announce_viewers(self, doc: str, user: dict[str, Any]) -> None:
        """``doc_viewers {doctype, docname, users}`` to the document's open room (not when its only viewer is
        the user who just opened it, as Frappe)."""
        users = await self.viewers.users(doc)
        if users == [user["user"]]:
            return
        doctype, _, docname = doc.removeprefix("open_doc:").partition("/")
        await self.emit("doc_viewers", {"doctype": doctype, "docname": docname, "users": users}, room=doc)

    async def on_task_subscribe(self, sid: str, *args: Any) -> None:
        found = _strings(args, 1)
        if found:
            await self.enter_room(sid, task_room(found[0]))

    on_progress_subscribe = on_task_subscribe

    async def on_task_unsubscribe(self, sid: str, *args: Any) -> None:
        found = _strings(args, 1)
        if found:
            await self.leave_room(sid, task_room(found[0]))


def create_server(*, redis_url: str | None = None, channel: str | None = None) -> socketio.AsyncServer:
    """A Socket.IO server for this site: through Redis (``redis_url``, ``channel``) when given, so it reaches
    the sockets of every process, else in-process."""
    channel = channel or api_settings.REALTIME_CHANNEL
    if redis_url:
        manager = socketio.AsyncRedisManager(redis_url, channel=channel, redis_options=redis_options())
        viewers: Viewers = RedisViewers(redis_url, f"{channel}:viewers:{namespace()}", redis_options())
    else:
        manager, viewers = None, Viewers()
    # async_handlers=False: a socket's events are handled in the order it sent them (an unsubscribe never
    # overtakes the permission check of the subscribe before it); other sockets are not held up.
    server = socketio.AsyncServer(async_mode="asgi", client_manager=manager, namespaces=[namespace()],
                                  cors_allowed_origins=origin_allowed, cors_credentials=True, async_handlers=False)
    server.register_namespace(SiteNamespace(namespace(), viewers))
    return server


def realtime_application(django_application: Any = None, *, redis_url: str | None = None,
                         channel: str | None = None) -> socketio.ASGIApp:
    """The ASGI application: Socket.IO at ``/socket.io/``, everything else to ``django_application`` (404
    without one). Without Redis it also receives what this process publishes."""
    redis_url = redis_url if redis_url is not None else api_settings.REALTIME_REDIS_URL
    server = create_server(redis_url=redis_url, channel=channel)

    async def startup() -> None:
        if not redis_url:
            attach_local_server(server, asyncio.get_running_loop())

    async def shutdown() -> None:
        detach_local_server(server)

    application = socketio.ASGIApp(server, other_asgi_app=django_application, socketio_path="socket.io",
                                   on_startup=startup, on_shutdown=shutdown)
    application.server = server
    return application
