"""Admin changes made in one production worker (DEBUG off, after ``gc.collect()``) reach another at its next request.

Both workers are separate processes (``tests/worker.py``) sharing one database and one file cache: the test
database itself on PostgreSQL and MariaDB, a fresh file database on SQLite (whose test database lives in this
process's memory).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from .conftest import doctype_form

ROOT = Path(__file__).resolve().parent.parent


class Worker:
    """One worker process, sent JSON commands one line at a time."""

    def __init__(self, env: dict, log: Path) -> None:
        self.log = log
        self.process = subprocess.Popen([sys.executable, "-m", "tests.worker"], cwd=ROOT, env=env, text=True,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log.open("w"))

    def send(self, **command):
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        assert line, self.log.read_text()[-3000:]
        return json.loads(line)

    def request(self, user, method, path, data=None, **extra):
        return self.send(op="request", user=user, method=method, path=path, data=data, **extra)

    def pk(self, model_label, **filters):
        return self.send(op="pk", model=model_label, filter=filters)["pks"]

    def stop(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=30)


def shared_database_url(tmp_path: Path, env: dict) -> str:
    """The test database when other processes can open it, else a migrated SQLite file."""
    if connection.vendor == "sqlite":
        url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, check=True,
                       env={**env, "DATABASE_URL": url})
        return url
    db = connection.settings_dict
    scheme = "postgres" if connection.vendor == "postgresql" else "mysql"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"{scheme}://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT']}/{db['NAME']}"


@pytest.fixture
def two_workers(tmp_path):
    """An admin's worker and an API worker, both with DEBUG off, sharing the database and the cache."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.worker_settings", "DJANGO_DEBUG": "0",
           "WORKER_CACHE_DIR": str(tmp_path / "cache"), "DATABASE_CONN_MAX_AGE": "0", "PYTHONPATH": str(ROOT)}
    env["DATABASE_URL"] = shared_database_url(tmp_path, env)
    admin_worker = Worker(env, tmp_path / "admin_worker.log")
    api_worker = Worker(env, tmp_path / "api_worker.log")
    yield admin_worker, api_worker
    admin_worker.stop()
    api_worker.stop()


@pytest.mark.django_db(transaction=True)
def test_admin_changes_in_one_worker_reach_another_worker_at_its_next_request(two_workers):
    admin_worker, api_worker = two_workers
    admin_worker.send(op="user", username="boss", superuser=True)
    admin_worker.send(op="user", username="jane")
    created = admin_worker.request("boss", "post", "/api/resource/Note", json={"title": "Hello", "content": "secret"})
    assert created["status"] == 200, created
    note = created["body"]["data"]["name"]
    note_type = admin_worker.pk("contenttypes.ContentType", app_label="demo", model="note")[0]
    all_read = {"role": "All", "permlevel": 0, "read": "on"}

    added = admin_worker.request("boss", "post", "/admin/frappe_api/doctype/add/",
                                 doctype_form(note_type, perms=[all_read]))
    assert added["status"] == 302
    doctype_pk = admin_worker.pk("frappe_api.DocType", name="Memo")[0]
    change_url = f"/admin/frappe_api/doctype/{doctype_pk}/change/"
    perm_pk = admin_worker.pk("frappe_api.DocPerm", doctype__name="Memo")[0]
    saved_row = {**all_read, "id": perm_pk, "doctype": doctype_pk}
    first = api_worker.request("jane", "get", f"/api/resource/Memo/{note}")
    assert first["status"] == 200 and first["body"]["data"]["content"] == "secret", first

    # A DocType change: a field hidden.
    hidden = admin_worker.request("boss", "post", change_url, doctype_form(note_type, perms=[saved_row],
                                                                          hidden_fields="content"))
    assert hidden["status"] == 302
    document = api_worker.request("jane", "get", f"/api/resource/Memo/{note}")
    assert document["status"] == 200 and "content" not in document["body"]["data"]

    # A permission row change: the read right taken away, then given back.
    revoked = admin_worker.request("boss", "post", change_url, doctype_form(
        note_type, perms=[{**saved_row, "read": ""}], hidden_fields="content"))
    assert revoked["status"] == 302
    assert api_worker.request("jane", "get", f"/api/resource/Memo/{note}")["status"] == 403
    assert api_worker.request("jane", "get", "/api/resource/Memo")["status"] == 403
    admin_worker.request("boss", "post", change_url,
                         doctype_form(note_type, perms=[saved_row], hidden_fields="content"))
    assert api_worker.request("jane", "get", "/api/resource/Memo")["body"] == {"data": [{"name": note}]}

    # A permission row deleted.
    row_deleted = admin_worker.request("boss", "post", change_url, doctype_form(
        note_type, perms=[{**saved_row, "DELETE": "on"}], hidden_fields="content"))
    assert row_deleted["status"] == 302
    assert admin_worker.pk("frappe_api.DocPerm", doctype__name="Memo") == []
    assert api_worker.request("jane", "get", "/api/resource/Memo")["status"] == 403

    # The DocType deleted.
    assert api_worker.request("boss", "get", "/api/resource/Memo")["body"] == {"data": [{"name": note}]}
    deleted = admin_worker.request("boss", "post", f"/admin/frappe_api/doctype/{doctype_pk}/delete/", {"post": "yes"})
    assert deleted["status"] == 302
    assert api_worker.request("boss", "get", "/api/resource/Memo")["status"] == 404


@pytest.mark.django_db(transaction=True)
def test_system_settings_saved_in_one_worker_reach_another_worker_at_its_next_request(two_workers):
    admin_worker, api_worker = two_workers
    admin_worker.send(op="user", username="boss", superuser=True)
    time_zone_url = "/api/method/frappe.client.get_time_zone"
    assert api_worker.request(None, "get", time_zone_url)["body"] == {"message": {"time_zone": "UTC"}}
    form = {"session_expiry": "", "allow_consecutive_login_attempts": "", "allow_login_after_fail": "",
            "time_zone": "Asia/Kolkata", "max_page_length": "", "allow_error_traceback": "unknown",
            "allow_guests_to_upload_files": "unknown", "log_api_requests": "unknown", "request_budget_limit": "",
            "request_budget_window": ""}
    added = admin_worker.request("boss", "post", "/admin/frappe_api/apisettings/add/", form)
    assert added["status"] == 302
    assert api_worker.request(None, "get", time_zone_url)["body"] == {"message": {"time_zone": "Asia/Kolkata"}}
    settings_pk = admin_worker.pk("frappe_api.ApiSettings")[0]
    changed = admin_worker.request("boss", "post", f"/admin/frappe_api/apisettings/{settings_pk}/change/",
                                   {**form, "time_zone": "Europe/Paris"})
    assert changed["status"] == 302
    assert api_worker.request(None, "get", time_zone_url)["body"] == {"message": {"time_zone": "Europe/Paris"}}
