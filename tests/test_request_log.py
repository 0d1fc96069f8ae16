"""The API Request Log: rows when enabled, none when not, never failing the request; pruning."""

import datetime

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from frappe_api.models import ApiRequestLog

from .conftest import finish
from .factories import NoteFactory

pytestmark = pytest.mark.django_db


def get(client, path, **extra):
    return finish(client.get(path, **extra))


def test_no_rows_unless_enabled(admin_client):
    get(admin_client, "/api/resource/Note")
    assert ApiRequestLog.objects.count() == 0


@override_settings(FRAPPE_API={"LOG_API_REQUESTS": True})
def test_each_api_call_writes_one_row(admin_client, guest_client):
    NoteFactory(name="n1")
    get(admin_client, "/api/resource/Note/n1", REMOTE_ADDR="10.1.2.3")
    get(guest_client, "/api/resource/Note")
    get(admin_client, "/admin/")
    rows = list(ApiRequestLog.objects.order_by("id").values("path", "method", "user", "status", "ip_address"))
    assert rows == [
        {"path": "/api/resource/Note/n1", "method": "GET", "user": "Administrator", "status": 200,
         "ip_address": "10.1.2.3"},
        {"path": "/api/resource/Note", "method": "GET", "user": "Guest", "status": 403, "ip_address": "127.0.0.1"},
    ]
    assert ApiRequestLog.objects.first().duration_ms >= 0
    log = admin_client.get("/api/resource/API Request Log", {"fields": '["path","status"]'}).json()["data"]
    assert {"path": "/api/resource/Note", "status": 403} in log


@override_settings(FRAPPE_API={"LOG_API_REQUESTS": True})
def test_a_failing_log_write_never_fails_the_request(admin_client, monkeypatch, caplog):
    def broken(**row):
        raise RuntimeError("database is gone")
    monkeypatch.setattr(ApiRequestLog.objects, "create", broken)
    response = get(admin_client, "/api/resource/Note")
    assert response.status_code == 200
    assert "Could not write the API Request Log row" in caplog.text


def test_prune_deletes_old_rows():
    old = ApiRequestLog.objects.create(path="/api/x", method="GET", user="u", status=200, duration_ms=1,
                                       creation=timezone.now() - datetime.timedelta(days=40))
    recent = ApiRequestLog.objects.create(path="/api/y", method="GET", user="u", status=200, duration_ms=1)
    call_command("frappe_api_prune_request_log", "--days", "30")
    assert list(ApiRequestLog.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not ApiRequestLog.objects.filter(pk=old.pk).exists()
