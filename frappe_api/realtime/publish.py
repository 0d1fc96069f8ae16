"""Publishing realtime messages: Frappe's routing rules, after commit, de-duplicated per transaction.

A message goes to one room of the site's namespace. Where it travels:

* with ``REALTIME_REDIS_URL``: a write-only Redis manager publishes it on
  ``REALTIME_CHANNEL``, and every realtime process delivers it to its own
  sockets in that room (this works from web workers and from background
  workers alike);
* without it: straight to the Socket.IO server running in this process
  (``make run``), or nowhere when there is none.

A message published ``after_commit`` waits for the transaction to commit and
is dropped with it when it rolls back; the same event, message and room
queued twice in one transaction go out once. A failure to publish is logged
and never fails the write.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any

import orjson
from django.db import transaction

from ..api.renderers import json_default
from ..conf import api_settings
from ..permissions import user_name
from ..rpc.context import current_user

logger = logging.getLogger("frappe_api.realtime")

_local_server: tuple[Any, asyncio.AbstractEventLoop] | None = None
_managers: dict[tuple[str, str], Any] = {}
_managers_lock = threading.Lock()


def namespace() -> str:
    """The Socket.IO namespace of this site: ``/<SITE_NAME>``."""
    return "/" + str(api_settings.SITE_NAME).strip("/")


def attach_local_server(server: Any, loop: asyncio.AbstractEventLoop) -> None:
    """Deliver messages published in this process to ``server`` (running on ``loop``) when no Redis is set."""
    global _local_server
    _local_server = (server, loop)


def detach_local_server(server: Any) -> None:
    """Stop delivering to ``server`` (it is shutting down)."""
    global _local_server
    if _local_server is not None and _local_server[0] is server:
        _local_server = None


def redis_options() -> dict[str, Any]:
    """Short timeouts: an unreachable Redis costs a write milliseconds, not a hang."""
    return {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}


def _redis_manager(url: str, channel: str) -> Any:
    import socketio

    with _managers_lock:
        if (url, channel) not in _managers:
            _managers[(url, channel)] = socketio.RedisManager(url, channel=channel, write_only=True,
                                                              redis_options=redis_options())
        return _managers[(url, channel)]


def send(event: str, message: Any, room: str | None) -> None:
    """Publish now: to every realtime process through Redis, or to this process's server. Never raises."""
    try:
        url = api_settings.REALTIME_REDIS_URL
        if url:
            _redis_manager(url, api_settings.REALTIME_CHANNEL).emit(event, message, room=room,
                                                                     namespace=namespace())
        elif _local_server is not None:
            server, loop = _local_server
            if not loop.is_closed():
                asyncio.run_coroutine_threadsafe(server.emit(event, message, room=room, namespace=namespace()),
                                                 loop)
    except Exception:  # noqa: BLE001 - the write is done; a lost message must not undo it
        logger.exception("Realtime: could not publish %s to %s", event, room)


class _Pending:
    """A message waiting for the commit (its key identifies duplicates in the same transaction)."""

    def __init__(self, event: str, message: Any, room: str | None) -> None:
        self.event, self.message, self.room = event, message, room
        self.key = (event, orjson.dumps(message, option=orjson.OPT_SORT_KEYS), room)

    def __call__(self) -> None:
        send(self.event, self.message, self.room)


def queue(event: str, message: Any, room: str | None, *, after_commit: bool = True) -> None:
    """Publish ``message`` to ``room`` now, or once the current transaction commits (once per transaction)."""
    if not after_commit:
        send(event, message, room)
        return
    pending = _Pending(event, message, room)
    connection = transaction.get_connection()
    # Django drops the callbacks of a rolled-back savepoint from this list, so a duplicate is looked for only
    # among messages that will still go out.
    if connection.in_atomic_block and any(getattr(entry[1], "key", None) == pending.key
                                          for entry in connection.run_on_commit):
        return
    transaction.on_commit(pending, robust=True)


def jsonable(message: Any) -> Any:
    """``message`` as JSON values, dates and datetimes formatted as the REST API formats them."""
    return orjson.loads(orjson.dumps(message, default=json_default,
                                     option=orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS))


def _current_user_name() -> str | None:
    user = current_user()
    return user_name(user) if getattr(user, "is_authenticated", False) else None


def _name(user: Any) -> str | None:
    if user is None or isinstance(user, str):
        return user or None
    return user_name(user)


def route(event: str | None, message: Any, *, user: Any = None, doctype: str | None = None,
          docname: Any = None, room: str | None = None, task_id: Any = None) -> tuple[str, str, bool]:
    """Frappe's routing: (event, room, whether the message may wait for the commit)."""
    if event is None:
        event = "task_progress" if task_id else "global"
    user = _name(user)
    if event == "msgprint" and not user:
        user = _current_user_name()
    if event == "list_update":
        room = f"doctype:{doctype or (message.get('doctype') if isinstance(message, dict) else None)}"
    elif event == "docinfo_update":
        room = f"doc:{doctype}/{docname}"
    if room:
        return event, room, True
    if task_id:
        return event, f"task_progress:{task_id}", False
    if user:
        return event, f"user:{user}", True
    if doctype and docname:
        return event, f"doc:{doctype}/{docname}", True
    return event, "all", True


def publish_realtime(event: str | None = None, message: Any = None, *, user: Any = None,
                     doctype: str | None = None, docname: Any = None, room: str | None = None,
                     task_id: Any = None, after_commit: bool = True) -> None:
    """Send ``event`` with ``message`` to the sockets of a room, with Frappe's rules for choosing it.

    ``list_update`` goes to the DocType's readers, ``docinfo_update`` to the
    document's; otherwise ``room`` when given, else the task's room
    (``task_progress:<task_id>``, at once), else the user's (``user:<name>``;
    ``msgprint`` defaults to the current user), else the document's
    (``doc:<doctype>/<docname>``), else ``all`` (System Users). With
    ``after_commit`` (the default) it goes out when the current transaction
    commits, and not at all when it rolls back::

        frappe_api.publish_realtime("msgprint", {"message": "Import done"}, user="jane")
    """
    message = jsonable({} if message is None else message)
    event, room, may_wait = route(event, message, user=user, doctype=doctype, docname=docname, room=room,
                                  task_id=task_id)
    if task_id and room == f"task_progress:{task_id}" and isinstance(message, dict):
        message.setdefault("task_id", task_id)
    queue(event, message, room, after_commit=after_commit and may_wait)


def publish_progress(percent: float, title: str | None = None, doctype: str | None = None,
                     docname: Any = None, description: str | None = None, *, task_id: Any = None,
                     user: Any = None) -> None:
    """Frappe's ``progress`` event ``{percent, title, description}``, at once (not after commit): to the
    document's room when ``doctype`` and ``docname`` are given, else to the task's room, else to ``user``'s
    (the current user by default)::

        for done, row in enumerate(rows, 1):
            frappe_api.publish_progress(done * 100 / len(rows), title="Importing", task_id=job_id)
    """
    message = {"percent": percent, "title": title, "description": description}
    if doctype and docname:
        publish_realtime("progress", message, doctype=doctype, docname=docname, after_commit=False)
    else:
        publish_realtime("progress", message, user=user or _current_user_name(), task_id=task_id,
                         after_commit=False)
