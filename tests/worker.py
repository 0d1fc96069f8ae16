"""A production-like worker process for the multi-process tests, driven line by line over stdin/stdout.

Run with ``DJANGO_SETTINGS_MODULE=tests.worker_settings`` (DEBUG off). Each input line is a JSON command, each
output line its JSON answer:

* ``{"op": "user", "username": "jane", "superuser": false}``: create a user;
* ``{"op": "pk", "model": "frappe_api.DocType", "filter": {"name": "Memo"}}``: primary keys of matching rows;
* ``{"op": "request", "user": "jane", "method": "get", "path": "/api/...", "data": {...}}``: one request
  through Django's whole stack as that user, after ``gc.collect()`` (``"json"`` instead of ``"data"`` sends
  a JSON body); answers ``{"status": ..., "body": ...}``.
"""

import gc
import json
import sys

import django

django.setup()

from django.apps import apps  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.test import Client  # noqa: E402


def run(command: dict) -> dict:
    """Carry out one command."""
    if command["op"] == "user":
        user = get_user_model().objects.create_user(command["username"], password="secret",
                                                    is_staff=command.get("superuser", False),
                                                    is_superuser=command.get("superuser", False))
        return {"pk": user.pk}
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
