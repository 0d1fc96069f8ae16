"""``if_owner`` on a DocType whose documents record no owner: refused in the admin and at code registration, and a
row stored anyway grants no document on any surface (the list is empty, a single read answers 403)."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core import checks

import frappe_api
from example_project.demo.models import Note, ToDo
from frappe_api.models import DocPerm, DocType
from frappe_api.registry import code_registrations, unregister

from .conftest import DOCTYPE_ADD_URL, code_doctype_form, doctype_change_url, doctype_form

pytestmark = pytest.mark.django_db

OWNER_ONLY = [{"role": "All", "if_owner": 1, "read": 1}]
OWNER_ONLY_ROW = {"role": "All", "read": "on", "if_owner": "on"}
"""The same row as the admin's form sends it."""


def no_owner_column(doctype):
    return (f"DocType '{doctype}' has no owner column (Group has no 'owner' field and its field map names none), so "
            "an 'if_owner' (Only if creator) permission would match no document. Map \"owner\" to the field holding "
            "the creator's user name, or grant the right without if_owner.")


def permission_row_errors(response):
    """The errors of each inline permission row of the re-rendered form."""
    assert response.status_code == 200
    return [form.errors for form in response.context["inline_admin_formsets"][0].formset.forms]


def test_admin_refuses_an_if_owner_row_on_a_new_doctype_without_owner_column(admin_client):
    response = admin_client.post(DOCTYPE_ADD_URL, doctype_form(Group, perms=[OWNER_ONLY_ROW]))

    assert permission_row_errors(response) == [{"if_owner": [no_owner_column("Memo")]}]
    assert not DocType.objects.filter(name="Memo").exists()


def test_admin_refuses_an_if_owner_row_on_a_code_doctype_without_owner_column(admin_client):
    row = DocType.objects.get(name="Role")
    before = list(row.permissions.values_list("pk", flat=True))
    Group.objects.create(name="Support")
    form = code_doctype_form(row, add=[{"role": "Support", "read": "on", "if_owner": "on"}])

    response = admin_client.post(doctype_change_url(row), form)

    assert permission_row_errors(response) == [{}] * len(before) + [{"if_owner": [no_owner_column("Role")]}]
    assert list(row.permissions.values_list("pk", flat=True)) == before


def test_admin_accepts_if_owner_where_the_documents_have_an_owner(admin_client):
    response = admin_client.post(DOCTYPE_ADD_URL, doctype_form(Note, perms=[OWNER_ONLY_ROW]))
    assert response.status_code == 302
    assert DocPerm.objects.get(doctype__name="Memo").if_owner


def test_admin_accepts_if_owner_where_the_field_map_names_the_owner(admin_client):
    response = admin_client.post(DOCTYPE_ADD_URL,
                                 doctype_form(Group, perms=[OWNER_ONLY_ROW], field_map='{"owner": "name"}'))
    assert response.status_code == 302


def test_code_registration_refuses_if_owner_without_owner_column():
    class GroupAlias(Group):
        class Meta:
            proxy = True
            app_label = "demo"

    with pytest.raises(ValueError, match="has no owner column"):
        frappe_api.register(GroupAlias, doctype="Group Alias", permissions=OWNER_ONLY)
    with pytest.raises(ValueError, match="has no owner column"):
        frappe_api.register(ToDo, doctype="Unowned ToDo", field_map={"owner": None}, permissions=OWNER_ONLY)
    assert "Group Alias" not in code_registrations() and "Unowned ToDo" not in code_registrations()


def test_a_registration_made_while_models_load_is_reported_by_the_system_check(monkeypatch):
    monkeypatch.setattr(apps, "models_ready", False)
    frappe_api.register(ToDo, doctype="Unowned ToDo", field_map={"owner": None}, permissions=OWNER_ONLY)
    monkeypatch.undo()
    try:
        errors = [error for error in checks.run_checks() if error.id == "frappe_api.E002"]
    finally:
        unregister("Unowned ToDo")
    assert [error.msg.split(" has no owner column")[0] for error in errors] == ["DocType 'Unowned ToDo'"]


def test_a_stored_if_owner_row_without_owner_column_grants_no_document_on_any_surface(jane_client):
    Group.objects.create(name="Support")
    row = DocType.objects.get(name="Role")
    row.permissions.filter(role="All").delete()
    DocPerm.objects.create(doctype=row, role="All", read=True, if_owner=True)  # stored past the admin's check

    assert jane_client.get("/api/resource/Role").json() == {"data": []}
    assert jane_client.get("/api/resource/Role/Support").status_code == 403
    assert jane_client.get("/api/v2/document/Role/Support").status_code == 403
    assert jane_client.get("/api/method/frappe.client.get", {"doctype": "Role", "name": "Support"}).status_code == 403
    assert jane_client.get("/", {"cmd": "frappe.client.get", "doctype": "Role", "name": "Support"}).status_code == 403
