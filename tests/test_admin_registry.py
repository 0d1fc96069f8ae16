"""The DocType registry through the admin and across workers, and the demo User DocType."""

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches

import frappe_api
from example_project.demo.models import Note
from frappe_api.models import DocType
from frappe_api.registry import registry

from .conftest import server_messages
from .factories import NoteFactory, UserFactory

pytestmark = pytest.mark.django_db


def admin_form(model, name="Memo", **extra):
    content_type = ContentType.objects.get_for_model(model)
    data = {"name": name, "model": content_type.pk, "enabled": "on", "name_field": "", "naming_rule": "",
            "field_map": "{}", "sort_field": "", "sort_order": "desc", "title_field": "", "hidden_fields": "",
            "read_only_fields": "", "field_permlevels": "{}", "permissions-TOTAL_FORMS": "0",
            "permissions-INITIAL_FORMS": "0", "permissions-MIN_NUM_FORMS": "0", "permissions-MAX_NUM_FORMS": "1000"}
    data.update(extra)
    return data


def test_admin_registered_doctype_is_served_without_restart(admin_client):
    NoteFactory(name="n1", title="A")
    assert admin_client.get("/api/resource/Memo").status_code == 404
    response = admin_client.post("/admin/frappe_api/doctype/add/", admin_form(Note, hidden_fields="content"))
    assert response.status_code == 302, response.content[:2000]
    assert admin_client.get("/api/resource/Memo").json() == {"data": [{"name": "n1"}]}
    document = admin_client.get("/api/resource/Memo/n1").json()["data"]
    assert document["doctype"] == "Memo" and "content" not in document
    row = DocType.objects.get(name="Memo")
    changed = admin_client.post(f"/admin/frappe_api/doctype/{row.pk}/change/", {
        **admin_form(Note, hidden_fields="content"), "enabled": ""})
    assert changed.status_code == 302
    assert admin_client.get("/api/resource/Memo").status_code == 404


def test_admin_refuses_a_name_field_the_model_lacks(admin_client):
    response = admin_client.post("/admin/frappe_api/doctype/add/", admin_form(Note, name_field="nope"))
    assert response.status_code == 200
    assert b"nope" in response.content
    assert not DocType.objects.filter(name="Memo").exists()


def test_code_registered_doctypes_are_listed_read_only_in_the_admin(admin_client):
    changelist = admin_client.get("/admin/frappe_api/doctype/")
    assert b"Sales Order" in changelist.content
    row = DocType.objects.get(name="ToDo")
    page = admin_client.get(f"/admin/frappe_api/doctype/{row.pk}/change/").content.decode()
    assert 'name="enabled"' in page and 'name="name_field"' not in page
    assert admin_client.get(f"/admin/frappe_api/doctype/{row.pk}/delete/").status_code == 403


def test_disabling_a_code_registered_doctype_in_the_admin(admin_client):
    DocType.objects.filter(name="Note").update(enabled=False)
    registry.invalidate()
    assert admin_client.get("/api/resource/Note").status_code == 404


def test_other_workers_see_a_change_at_their_next_request(admin_client):
    NoteFactory(name="n1")
    admin_client.get("/api/resource/Note")  # this process has a snapshot
    DocType.objects.bulk_create([DocType(name="Memo", model=ContentType.objects.get_for_model(Note))])  # no signal
    assert admin_client.get("/api/resource/Memo").status_code == 404
    caches["default"].set("frappe_api:registry_version", "bumped-by-another-worker", timeout=None)
    assert admin_client.get("/api/resource/Memo").json() == {"data": [{"name": "n1"}]}


def test_register_as_decorator_and_function_with_options(admin_client):
    @frappe_api.register(doctype="Heading Note", field_map={"heading": "title"}, read_only_fields=["public"])
    class HeadingNote(Note):
        class Meta:
            proxy = True
            app_label = "demo"

    try:
        registry.invalidate()
        created = admin_client.post_json("/api/resource/Heading Note", {"heading": "H", "public": 1}).json()["data"]
        assert (created["heading"], created["public"]) == ("H", 0)
        assert "title" not in created
        assert admin_client.get("/api/resource/Heading Note", {"filters": '{"heading": "H"}'}).json()["data"] == [
            {"name": created["name"]}]
    finally:
        frappe_api.unregister("Heading Note")
    assert registry.for_model(get_user_model()).doctype == "User"


# --- the demo User DocType -------------------------------------------------------------------------
def test_user_doctype_create_with_password_never_read_back(admin_client):
    response = admin_client.post_json("/api/resource/User", {
        "username": "jdoe", "email": "j@doe.com", "first_name": "J.", "last_name": "Doe", "new_password": "s3cret!"})
    assert response.status_code == 200
    data = response.json()["data"]
    assert (data["name"], data["enabled"], data["full_name"]) == ("jdoe", 1, "J. Doe")
    assert not {"password", "new_password", "is_superuser", "is_staff"} & set(data)
    assert authenticate(username="jdoe", password="s3cret!") is not None
    admin_client.put_json("/api/resource/User/jdoe", {"new_password": "changed", "enabled": 0})
    user = get_user_model().objects.get(username="jdoe")
    assert user.check_password("changed") and not user.is_active
    plain = admin_client.post_json("/api/resource/User", {"username": "nopass"}).json()["data"]
    assert not get_user_model().objects.get(username=plain["name"]).has_usable_password()


@pytest.mark.parametrize("params", [{"fields": '["password"]'}, {"filters": '[["password","like","%"]]'},
                                    {"order_by": "password desc"}, {"fields": '["is_superuser"]'}])
def test_user_password_hash_is_never_reachable(admin_client, params):
    response = admin_client.get("/api/resource/User", params)
    assert response.status_code == 417
    assert response.json()["exc_type"] == "DataError"


def test_user_star_fields_and_duplicate_username(admin_client):
    UserFactory(username="taken")
    rows = admin_client.get("/api/resource/User", {"fields": '["*"]'}).json()["data"]
    assert rows and all(not {"password", "is_superuser", "is_staff", "id"} & set(row) for row in rows)
    duplicate = admin_client.post_json("/api/resource/User", {"username": "taken"})
    assert duplicate.status_code == 409
    assert server_messages(duplicate.json())[0]["message"] == "User taken already exists"
