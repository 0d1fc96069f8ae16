"""Run the demo app in this process with its cache or its database unreachable, and print what it answered.

``python -m tests.outage_app cache <sqlite file>``: Redis at a closed port (``REDIS_URL`` set by the caller).
``python -m tests.outage_app database``: ``DATABASE_URL`` at a closed port (set by the caller); then, when
``RECOVERY_DATABASE_URL`` names a reachable PostgreSQL database, the same process pointed back at it.
Prints one JSON object: status, content type and body of each request, and the ERROR lines logged.
"""

import json
import logging
import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "example_project.settings")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client, override_settings  # noqa: E402

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.name}: {record.getMessage()}" + (" [traceback]" if record.exc_info else ""))


def answer(response) -> dict:
    body = response.content.decode(errors="replace")
    try:
        data = json.loads(body)
    except ValueError:
        data = None
    return {"status": response.status_code, "type": response.get("Content-Type", ""), "json": data,
            "html": None if data is not None else body[:200], "retry_after": response.get("Retry-After"),
            "budget": response.get("X-RateLimit-Limit")}


def collector() -> Collect:
    handler = Collect()
    for name in ("frappe_api", "django.request"):
        logging.getLogger(name).addHandler(handler)
    return handler


def cache_outage() -> dict:
    from django.contrib.auth import get_user_model

    import redis.connection

    from frappe_api.models import ApiRequestLog, ApiSettings

    from . import rpc_methods  # noqa: F401 - registers tests.rpc_methods.limited
    from .factories import ToDoFactory, UserFactory

    with override_settings(CACHES=LOCMEM):  # the schema and rows, before the cache goes away
        call_command("migrate", verbosity=0)
        UserFactory(username="jane", is_staff=True, is_superuser=True)
        ToDoFactory(description="first")
        ApiSettings.objects.create(log_api_requests=True, allow_consecutive_login_attempts=3)
    log = collector()
    out: dict = {"redis_connects": 0}
    connect = redis.connection.AbstractConnection.connect

    def counted_connect(self):
        out["redis_connects"] += 1
        return connect(self)

    redis.connection.AbstractConnection.connect = counted_connect
    guest = Client(raise_request_exception=False)
    started = time.perf_counter()
    out["ping"] = [answer(guest.get("/api/method/ping")) for _ in range(5)]
    out["ping_seconds"] = time.perf_counter() - started
    jane = Client(raise_request_exception=False)
    out["login"] = answer(jane.post("/api/method/login", {"usr": "jane", "pwd": "secret"}))
    out["list"] = answer(jane.get("/api/resource/ToDo", {"fields": '["description"]'}))
    out["v2_list"] = answer(jane.get("/api/v2/document/ToDo"))
    out["rpc"] = answer(jane.get("/api/method/frappe.client.get_count", {"doctype": "ToDo"}))
    out["logged_user"] = answer(jane.get("/api/method/frappe.auth.get_logged_user"))
    out["logout"] = answer(jane.post("/api/method/logout"))
    out["after_logout"] = answer(jane.get("/api/method/frappe.auth.get_logged_user"))
    out["rate_limited"] = [answer(guest.get("/api/method/tests.rpc_methods.limited")) for _ in range(4)]
    with override_settings(FRAPPE_API={"REQUEST_BUDGET": {"limit": 1, "window": 60}}):
        out["budget"] = [answer(guest.get("/api/method/ping")) for _ in range(3)]
    out["failed_logins"] = [answer(guest.post("/api/method/login", {"usr": "jane", "pwd": "wrong"}))
                            for _ in range(4)]
    out["request_log_rows"] = ApiRequestLog.objects.count()
    out["users"] = get_user_model().objects.count()
    out["errors"] = log.lines
    return out


def database_outage() -> dict:
    from django.db import close_old_connections, connection

    log = collector()
    out: dict = {}
    client = Client(raise_request_exception=False)
    client.cookies["sid"] = "a-session-key-the-database-would-be-asked-for"
    out["list"] = answer(client.get("/api/resource/ToDo"))
    out["v2_list"] = answer(client.get("/api/v2/document/ToDo"))
    out["login"] = answer(client.post("/api/method/login", {"usr": "jane", "pwd": "secret"}))
    recovery = os.environ.get("RECOVERY_DATABASE_URL")
    if recovery:
        import dj_database_url

        connection.close()
        connection.settings_dict.update({key: value for key, value in dj_database_url.parse(recovery).items()
                                         if key in ("NAME", "USER", "PASSWORD", "HOST", "PORT")})
        with override_settings(CACHES=LOCMEM):
            call_command("migrate", verbosity=0)
        started = time.perf_counter()
        out["recovered"] = answer(client.get("/api/resource/ToDo"))
        out["recovery_seconds"] = time.perf_counter() - started
        # A kept connection the server dropped (a restart): the next request must not fail on it.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        client.get("/api/method/ping")
        killer = django.db.connections.create_connection("default")
        with killer.cursor() as other:
            other.execute("SELECT pg_terminate_backend(%s)", [pid])
        killer.close()
        close_old_connections()  # what Django's WSGI handler does at each request start (the test client does not)
        out["after_restart"] = answer(client.get("/api/resource/ToDo"))
    out["errors"] = log.lines
    return out


if __name__ == "__main__":
    print(json.dumps(cache_outage() if sys.argv[1] == "cache" else database_outage()))
