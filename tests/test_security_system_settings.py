"""System Settings (login lockout, tracebacks, request budget) belong to System Managers, as in Frappe, on every
surface; the time zone stays public through ``frappe.client.get_time_zone``."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group

from frappe_api.models import ApiSettings, DocPerm, DocType

from .conftest import logged_in
from .factories import UserFactory

pytestmark = pytest.mark.django_db

DOCUMENT = "/api/resource/System Settings/System Settings"
SINGLE_VALUE = {"doctype": "System Settings", "field": "allow_consecutive_login_attempts"}
GET_VALUE = {"doctype": "System Settings", "fieldname": "allow_error_traceback", "filters": "System Settings"}
GET = {"doctype": "System Settings", "name": "System Settings"}


def reads_of_system_settings(client):
    """The status of every way to read System Settings."""
    return {
        "v1 document": client.get(DOCUMENT).status_code,
        "v1 list": client.get("/api/resource/System Settings").status_code,
        "v2 document": client.get("/api/v2/document/System Settings/System Settings").status_code,
        "get_single_value": client.get("/api/method/frappe.client.get_single_value", SINGLE_VALUE).status_code,
        "get_value": client.get("/api/method/frappe.client.get_value", GET_VALUE).status_code,
        "get": client.get("/api/method/frappe.client.get", GET).status_code,
        "v2 get_single_value": client.get("/api/v2/method/frappe.client.get_single_value", SINGLE_VALUE).status_code,
        "cmd get_single_value": client.post("/", {"cmd": "frappe.client.get_single_value", **SINGLE_VALUE}).status_code,
        "cmd get": client.get("/", {"cmd": "frappe.client.get", **GET}).status_code,
    }


def test_a_logged_in_user_without_system_manager_cannot_read_system_settings_anywhere(user_client):
    ApiSettings.objects.create(allow_consecutive_login_attempts=3, allow_error_traceback=False)
    statuses = reads_of_system_settings(user_client)
    assert statuses == dict.fromkeys(statuses, 403)
    response = user_client.get("/api/method/frappe.client.get_single_value", SINGLE_VALUE)
    assert response.json()["exc_type"] == "PermissionError" and "message" not in response.json()


def test_a_system_manager_reads_system_settings_everywhere():
    ApiSettings.objects.create(allow_consecutive_login_attempts=3)
    manager = UserFactory(username="manager")
    manager.groups.add(Group.objects.get(name="System Manager"))
    client = logged_in(manager)
    statuses = reads_of_system_settings(client)
    assert statuses == dict.fromkeys(statuses, 200)
    assert client.get("/api/method/frappe.client.get_single_value", SINGLE_VALUE).json() == {"message": 3}


def test_the_time_zone_stays_readable_by_users_and_guests(user_client, guest_client):
    for client in (user_client, guest_client):
        assert client.get("/api/method/frappe.client.get_time_zone").json() == {"message": {"time_zone": "UTC"}}


def test_system_settings_defaults_grant_system_manager_only():
    rows = DocPerm.objects.filter(doctype__name="System Settings")
    assert [(row.role, row.read, row.write) for row in rows] == [("System Manager", True, True)]


def test_the_migration_removes_the_old_all_read_row_of_an_existing_install():
    row = DocType.objects.get(name="System Settings")
    old_default = DocPerm.objects.create(doctype=row, role="All", read=True)
    shaped_by_operator = DocPerm.objects.create(doctype=row, role="All", permlevel=1, read=True)
    elsewhere = DocPerm.objects.create(doctype=DocType.objects.get(name="Note"), role="All", read=True)
    migration = importlib.import_module("frappe_api.migrations.0010_system_settings_for_system_managers")

    migration.remove_all_read_row(apps, None)

    remaining = set(DocPerm.objects.values_list("pk", flat=True))
    assert old_default.pk not in remaining
    assert {shaped_by_operator.pk, elsewhere.pk} <= remaining
