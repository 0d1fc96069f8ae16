"""A production-like worker process for the multi-process tests, driven line by line over stdin/stdout.

Run with ``DJANGO_SETTINGS_MODULE=tests.worker_settings`` (DEBUG off). Each input line is a JSON command, each
output line its JSON answer:

* ``{"op": "user", "username": "jane", "superuser": false}``: create a user;
* ``{"op": "pk", "model": "frappe_api.DocType", "filter": {"name": "Memo"}}``: primary keys of matching rows;
* ``{"op": "request", "user": "jane", "method": "get", "path": "/api/...", "data": {...}}``: one request
  through Django's whole stack as that user, after ``gc.collect()`` (``"json"`` instead of ``"data"`` sends
  a JSON body); answers ``{"status": ..., "body": ...}``;
* ``{"op": "cache_reads"}``: the keys this process read from frappe_api's shared cache (``get``/``get_many``)
  since the last ``cache_reads``, one list per call.
"""

import gc
import json
import sys

import django

django.setup()

from django.apps import apps  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.test import Client  # noqa: E402

from frappe_api.resilience import shared_cache  # noqa: E402

_cache_reads: list[list[str]] = []
_get, _get_many = shared_cache.get, shared_cache.get_many


def _counted_get(key, **kwargs):
    _cache_reads.append([key])
    return _get(key, **kwargs)


def _counted_get_many(keys):
    _cache_reads.append(sorted(keys))
    return _get_many(keys)


shared_cache.get, shared_cache.get_many = _counted_get, _counted_get_many


def run(command: dict) -> dict:
    """Carry out one command."""
    if command["op"] == "user":
        user = get_user_model().objects.create_user(command["username"], password="secret",
                                                    is_staff=command.get("superuser", False),
                                                    is_superuser=command.get("superuser", False))
        return {"pk": user.pk}
    if command["op"] == "cache_reads":
        reads = list(_cache_reads)
        _cache_reads.clear()
        return {"reads": reads}
    if command["op"] == "pk":
        model = apps.get_model(command["model"])
        return {"pks": list(model.objects.filter(**command["filter"]).order_by("pk").values_list("pk", flat=True))}
    client = Client(raise_request_exception=False)
    if command.get("user"):
        client.force_login(get_user_model().objects.get(username=command["user"]))
    gc.collect()  # what a long-running production worker has done by its next request
    if "json" in command:
        response = getattr(client, command["method"])(command["path"], json.dumps(command["json"]),
                                                      content_type="application/json")
    else:
        response = getattr(client, command["method"])(command["path"], command.get("data") or {})
    try:
        body = response.json()
    except ValueError:
        body = None
    return {"status": response.status_code, "body": body}


for line in sys.stdin:
    print(json.dumps(run(json.loads(line)), default=str), flush=True)
