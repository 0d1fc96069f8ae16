"""Frappe's realtime protocol (Socket.IO) on python-socketio, fanned out through Redis.

An optional app. Enable it with ``INSTALLED_APPS += ["frappe_api.realtime"]``
and serve ``frappe_api.realtime.asgi.application`` (uvicorn) at
``/socket.io/``; set ``FRAPPE_API["SITE_NAME"]`` (the namespace clients
connect to) and, for more than one process, ``FRAPPE_API["REALTIME_REDIS_URL"]``.

* ``publish.py``: ``publish_realtime`` / ``publish_progress`` with Frappe's
  routing rules, after commit, de-duplicated per transaction;
* ``events.py``: ``doc_update``, ``list_update``, ``doc_rename`` and
  ``docinfo_update`` from the document service's signals;
* ``server.py``: the Socket.IO server (origin rule, authentication, rooms,
  client events); ``access.py``: who may join which room;
* ``viewers.py``: who has a document open, across processes;
* ``asgi.py``: the ASGI application (alone, or in front of Django).
"""
