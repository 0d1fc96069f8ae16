"""``if_owner`` on a DocType whose documents record no owner: refused in the admin and at code registration, and a
row stored anyway grants no document on any surface (the list is empty, a single read answers 403)."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core import checks

import frappe_api
from example_project.demo.models import Note, ToDo
from frappe_api.models import DocPerm, DocType
from frappe_api.registry import code_registrations, unregister

pytestmark = pytest.mark.django_db

MANAGEMENT = {"permissions-MIN_NUM_FORMS": "0", "permissions-MAX_NUM_FORMS": "1000"}
OWNER_ONLY = [{"role": "All", "if_owner": 1, "read": 1}]


def new_doctype_form(model, **extra):
    """The admin's add form of a DocType ``Memo`` serving ``model``, with one ``All`` if_owner read row."""
    return {"name": "Memo", "model": str(ContentType.objects.get_for_model(model).pk), "enabled": "on",
            "name_field": "", "naming_rule": "", "field_map": "{}", "sort_field": "", "sort_order": "desc",
            "title_field": "", "hidden_fields": "", "read_only_fields": "", "field_permlevels": "{}",
            "permissions-TOTAL_FORMS": "1", "permissions-INITIAL_FORMS": "0", **MANAGEMENT,
            "permissions-0-role": "All", "permissions-0-permlevel": "0", "permissions-0-read": "on",
            "permissions-0-if_owner": "on", **extra}


def test_admin_refuses_an_if_owner_row_on_a_new_doctype_without_owner_column(admin_client):
    response = admin_client.post("/admin/frappe_api/doctype/add/", new_doctype_form(Group))

    assert response.status_code == 200
    assert "has no owner column" in response.content.decode()
    assert not DocType.objects.filter(name="Memo").exists()


def test_admin_refuses_an_if_owner_row_on_a_code_doctype_without_owner_column(admin_client):
    row = DocType.objects.get(name="Role")
    before = list(row.permissions.values_list("pk", flat=True))
    form = {"enabled": "on", "permissions-TOTAL_FORMS": "1", "permissions-INITIAL_FORMS": "0", **MANAGEMENT,
            "permissions-0-doctype": str(row.pk), "permissions-0-role": "Support", "permissions-0-permlevel": "0",
            "permissions-0-read": "on", "permissions-0-if_owner": "on"}

    response = admin_client.post(f"/admin/frappe_api/doctype/{row.pk}/change/", form)

    assert response.status_code == 200
    assert "has no owner column" in response.content.decode()
    assert list(row.permissions.values_list("pk", flat=True)) == before


def test_admin_accepts_if_owner_where_the_documents_have_an_owner(admin_client):
    response = admin_client.post("/admin/frappe_api/doctype/add/", new_doctype_form(Note))
    assert response.status_code == 302
    assert DocPerm.objects.get(doctype__name="Memo").if_owner


def test_admin_accepts_if_owner_where_the_field_map_names_the_owner(admin_client):
    response = admin_client.post("/admin/frappe_api/doctype/add/",
                                 new_doctype_form(Group, field_map='{"owner": "name"}'))
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
