"""The DocType registry end to end: code registrations, the Django admin, and invalidation across workers.

Every check goes through the whole HTTP stack (Django's test client): ``/api/resource/<DocType>`` for the
API and ``/admin/frappe_api/doctype/`` for the admin.
"""

import datetime
import functools

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches

import frappe_api
from example_project.demo.models import Note
from example_project.demo.models import User as DemoUser
from frappe_api.models import DocPerm, DocType
from frappe_api.registry import code_registrations, registry

from .conftest import DOCTYPE_ADD_URL, assert_error, code_doctype_form, doctype_change_url, doctype_form
from .factories import NoteFactory

pytestmark = pytest.mark.django_db

VERSION_KEY = "frappe_api:registry_version"
STAMP = datetime.datetime(2026, 1, 2, 3, 4, 5, 123456, tzinfo=datetime.timezone.utc)
STAMP_TEXT = "2026-01-02 03:04:05.123456"


# --- helpers -----------------------------------------------------------------------------------------
def note(name, title, **extra):
    """A Note with fixed timestamps, so documents can be compared whole."""
    return NoteFactory(name=name, title=title, creation=STAMP, modified=STAMP, **extra)


@functools.cache
def permission_alias_model():
    """A proxy of ``auth.Permission`` (a model no DocType serves), defined once per test session."""

    class PermissionAlias(Permission):
        class Meta:
            proxy = True
            app_label = "demo"

    return PermissionAlias


# --- fixtures ----------------------------------------------------------------------------------------
@pytest.fixture
def memo():
    """Note registered a second time, in code, as ``Memo`` with every field option."""
    returned = frappe_api.register(Note, doctype="Memo", field_map={"heading": "title"}, hidden_fields=["content"],
                                   read_only_fields="public", title_field="heading")
    assert returned is Note
    yield "Memo"
    frappe_api.unregister("Memo")


# --- code registrations ------------------------------------------------------------------------------
def test_code_registered_doctype_is_served_at_its_resource_url(admin_client, memo):
    note("n1", "First", content="secret")
    note("n2", "Second", public=True)

    assert admin_client.get("/api/resource/Memo", {"order_by": "heading asc"}).json() == {
        "data": [{"name": "n1"}, {"name": "n2"}]}
    response = admin_client.get("/api/resource/Memo/n2")
    assert response.status_code == 200
    assert response.json() == {"data": {
        "name": "n2", "owner": "Administrator", "creation": STAMP_TEXT, "modified": STAMP_TEXT,
        "modified_by": "Administrator", "docstatus": 0, "idx": 0, "heading": "Second", "public": 1,
        "doctype": "Memo"}}
    assert "Memo" in registry.doctypes()


def test_code_registered_doctype_is_not_served_after_unregister(admin_client, memo):
    note("n1", "First")
    assert admin_client.get("/api/resource/Memo").status_code == 200

    frappe_api.unregister("Memo")

    assert_error(admin_client.get("/api/resource/Memo"), 404, "DoesNotExistError", "DocType Memo not found")
    assert "Memo" not in registry.doctypes()
    assert admin_client.get("/api/resource/Note").json() == {"data": [{"name": "n1"}]}


def test_hidden_fields_are_absent_from_star_fields(admin_client, memo):
    note("n1", "First", content="secret")

    rows = admin_client.get("/api/resource/Memo", {"fields": '["*"]'}).json()["data"]

    assert rows == [{"name": "n1", "owner": "Administrator", "creation": STAMP_TEXT, "modified": STAMP_TEXT,
                     "modified_by": "Administrator", "docstatus": 0, "idx": 0, "heading": "First", "public": 0}]
    assert "content" not in admin_client.get("/api/resource/Memo/n1").json()["data"]


@pytest.mark.parametrize("params", [
    {"fields": '["content"]'},
    {"fields": '["name", "content"]'},
    {"filters": '[["content", "like", "%secret%"]]'},
    {"filters": '{"content": "secret"}'},
    {"order_by": "content desc"},
])
def test_hidden_fields_are_refused_in_queries(admin_client, memo, params):
    note("n1", "First", content="secret")

    response = admin_client.get("/api/resource/Memo", params)

    assert_error(response, 417, "DataError", "Field not permitted in query: content")


def test_hidden_fields_stay_visible_under_the_models_other_doctype(admin_client, memo):
    note("n1", "First", content="secret")

    response = admin_client.get("/api/resource/Note", {"fields": '["name", "content"]'})

    assert response.status_code == 200
    assert response.json() == {"data": [{"name": "n1", "content": "secret"}]}


def test_hidden_fields_are_not_written(admin_client, memo):
    created = admin_client.post_json("/api/resource/Memo", {"heading": "H", "content": "sneaked in"})
    assert created.status_code == 200
    name = created.json()["data"]["name"]
    assert Note.objects.get(name=name).content == ""

    updated = admin_client.put_json(f"/api/resource/Memo/{name}", {"content": "again"})

    assert updated.status_code == 200
    assert Note.objects.get(name=name).content == ""


def test_read_only_fields_are_shown_but_not_written_on_post(admin_client, memo):
    response = admin_client.post_json("/api/resource/Memo", {"heading": "H", "public": 1})

    assert response.status_code == 200
    data = response.json()["data"]
    assert (data["heading"], data["public"]) == ("H", 0)
    assert Note.objects.get(name=data["name"]).public is False


def test_read_only_fields_are_shown_but_not_written_on_put(admin_client, memo):
    note("n1", "First", public=True)

    response = admin_client.put_json("/api/resource/Memo/n1", {"heading": "Renamed", "public": 0})

    assert response.status_code == 200
    data = response.json()["data"]
    assert (data["heading"], data["public"]) == ("Renamed", 1)
    stored = Note.objects.get(name="n1")
    assert (stored.title, stored.public) == ("Renamed", True)


def test_field_map_renames_a_field_for_reading(admin_client, memo):
    note("n1", "Alpha")
    note("n2", "Beta")

    assert admin_client.get("/api/resource/Memo", {"fields": '["name", "heading"]', "order_by": "heading desc"}
                            ).json() == {"data": [{"name": "n2", "heading": "Beta"}, {"name": "n1", "heading": "Alpha"}]}
    assert admin_client.get("/api/resource/Memo", {"filters": '[["heading", "=", "Alpha"]]'}).json() == {
        "data": [{"name": "n1"}]}
    document = admin_client.get("/api/resource/Memo/n1").json()["data"]
    assert document["heading"] == "Alpha" and "title" not in document
    assert_error(admin_client.get("/api/resource/Memo", {"fields": '["title"]'}), 417, "DataError",
                 "Field not permitted in query: title")


def test_field_map_renames_a_field_for_writing(admin_client, memo):
    created = admin_client.post_json("/api/resource/Memo", {"heading": "Hello"})
    assert created.status_code == 200
    data = created.json()["data"]
    assert data["heading"] == "Hello" and "title" not in data
    assert Note.objects.get(name=data["name"]).title == "Hello"

    updated = admin_client.put_json(f"/api/resource/Memo/{data['name']}", {"heading": "Bye", "title": "ignored"})

    assert updated.status_code == 200
    assert updated.json()["data"]["heading"] == "Bye"
    assert Note.objects.get(name=data["name"]).title == "Bye"


def test_field_map_model_name_is_not_accepted_for_writing(admin_client, memo):
    response = admin_client.post_json("/api/resource/Memo", {"title": "model name, not the API name"})

    assert_error(response, 417, "MandatoryError", "Error: Value missing for Memo: Title")
    assert Note.objects.count() == 0


def test_register_as_a_decorator_serves_the_decorated_model(admin_client, user_client):
    @frappe_api.register(doctype="Decorated Memo", field_map={"heading": "title"}, hidden_fields="content",
                         read_only_fields=["public"], permissions=[{"role": "All", "read": 1}])
    class DecoratedMemo(Note):
        class Meta:
            proxy = True
            app_label = "demo"

    try:
        assert DecoratedMemo.__name__ == "DecoratedMemo" and DecoratedMemo._meta.proxy  # the class itself
        note("n1", "First", content="secret")

        assert admin_client.get("/api/resource/Decorated Memo", {"fields": '["*"]'}).json() == {"data": [{
            "name": "n1", "owner": "Administrator", "creation": STAMP_TEXT, "modified": STAMP_TEXT,
            "modified_by": "Administrator", "docstatus": 0, "idx": 0, "heading": "First", "public": 0}]}
        assert user_client.get("/api/resource/Decorated Memo").json() == {"data": [{"name": "n1"}]}
        assert_error(user_client.post_json("/api/resource/Decorated Memo", {"heading": "x"}), 403,
                     "PermissionError", "No permission for Decorated Memo")
        created = admin_client.post_json("/api/resource/Decorated Memo", {"heading": "Via decorator", "public": 1})
        assert created.status_code == 200
        data = created.json()["data"]
        assert (data["doctype"], data["heading"], data["public"]) == ("Decorated Memo", "Via decorator", 0)
        stored = Note.objects.get(name=data["name"])
        assert (stored.title, stored.public) == ("Via decorator", False)
        assert admin_client.get("/api/resource/Decorated Memo", {"filters": '{"heading": "Via decorator"}'}
                                ).json() == {"data": [{"name": data["name"]}]}
        assert registry.for_model(DecoratedMemo).doctype == "Decorated Memo"
        assert registry.for_model(Note).doctype == "Note"
    finally:
        frappe_api.unregister("Decorated Memo")
    assert_error(admin_client.get("/api/resource/Decorated Memo"), 404, "DoesNotExistError",
                 "DocType Decorated Memo not found")


def test_register_without_doctype_names_it_after_the_models_verbose_name(admin_client):
    @frappe_api.register()
    class ScratchPad(Note):
        class Meta:
            proxy = True
            app_label = "demo"
            verbose_name = "scratch pad entry"

    try:
        note("n1", "First")
        assert admin_client.get("/api/resource/Scratch Pad Entry").json() == {"data": [{"name": "n1"}]}
        assert registry.for_model(ScratchPad).doctype == "Scratch Pad Entry"
    finally:
        frappe_api.unregister("Scratch Pad Entry")


# --- the admin ---------------------------------------------------------------------------------------
def test_admin_registered_doctype_is_served_without_restart(admin_client):
    note("n1", "First")
    note("n2", "Second")
    assert_error(admin_client.get("/api/resource/Memo"), 404, "DoesNotExistError", "DocType Memo not found")

    added = admin_client.post(DOCTYPE_ADD_URL, doctype_form(Note))

    assert added.status_code == 302, added.content[:2000]
    assert added["Location"] == "/admin/frappe_api/doctype/"
    row = DocType.objects.get(name="Memo")
    assert (row.source, row.enabled, row.model.model_class()) == ("admin", True, Note)
    listed = admin_client.get("/api/resource/Memo", {"order_by": "name asc"})
    assert listed.status_code == 200
    assert listed.json() == {"data": [{"name": "n1"}, {"name": "n2"}]}
    assert admin_client.get("/api/resource/Memo/n1").json()["data"]["doctype"] == "Memo"


def test_admin_disabling_a_doctype_stops_serving_it_and_enabling_serves_it_again(admin_client):
    note("n1", "First")
    assert admin_client.post(DOCTYPE_ADD_URL, doctype_form(Note)).status_code == 302
    row = DocType.objects.get(name="Memo")
    assert admin_client.get("/api/resource/Memo").status_code == 200

    disabled = admin_client.post(doctype_change_url(row), doctype_form(Note, enabled=None))

    assert disabled.status_code == 302, disabled.content[:2000]
    assert DocType.objects.get(pk=row.pk).enabled is False
    assert_error(admin_client.get("/api/resource/Memo"), 404, "DoesNotExistError", "DocType Memo not found")
    assert_error(admin_client.get("/api/resource/Memo/n1"), 404, "DoesNotExistError", "DocType Memo not found")

    assert admin_client.post(doctype_change_url(row), doctype_form(Note)).status_code == 302
    assert admin_client.get("/api/resource/Memo").json() == {"data": [{"name": "n1"}]}


def test_admin_deleting_a_doctype_stops_serving_it(admin_client):
    note("n1", "First")
    assert admin_client.post(DOCTYPE_ADD_URL, doctype_form(Note)).status_code == 302
    row = DocType.objects.get(name="Memo")
    assert admin_client.get("/api/resource/Memo").status_code == 200

    deleted = admin_client.post(f"/admin/frappe_api/doctype/{row.pk}/delete/", {"post": "yes"})

    assert deleted.status_code == 302
    assert not DocType.objects.filter(name="Memo").exists()
    assert_error(admin_client.get("/api/resource/Memo"), 404, "DoesNotExistError", "DocType Memo not found")
    assert Note.objects.filter(name="n1").exists()


def test_admin_registered_doctype_applies_its_field_options(admin_client):
    note("n1", "Alpha", content="secret")
    note("n2", "Beta", public=True)

    added = admin_client.post(DOCTYPE_ADD_URL, doctype_form(
        Note, field_map='{"heading": "title"}', hidden_fields="content", read_only_fields="public",
        sort_field="heading", sort_order="asc"))

    assert added.status_code == 302, added.content[:2000]
    assert admin_client.get("/api/resource/Memo", {"fields": '["name", "heading", "public"]'}).json() == {
        "data": [{"name": "n1", "heading": "Alpha", "public": 0}, {"name": "n2", "heading": "Beta", "public": 1}]}
    assert_error(admin_client.get("/api/resource/Memo", {"fields": '["content"]'}), 417, "DataError",
                 "Field not permitted in query: content")
    assert admin_client.get("/api/resource/Memo/n1").json() == {"data": {
        "name": "n1", "owner": "Administrator", "creation": STAMP_TEXT, "modified": STAMP_TEXT,
        "modified_by": "Administrator", "docstatus": 0, "idx": 0, "heading": "Alpha", "public": 0, "doctype": "Memo"}}
    created = admin_client.post_json("/api/resource/Memo", {"heading": "Gamma", "public": 1, "content": "x"})
    assert created.status_code == 200
    stored = Note.objects.get(name=created.json()["data"]["name"])
    assert (stored.title, stored.public, stored.content) == ("Gamma", False, "")


def test_admin_permission_rows_open_an_admin_doctype_to_other_roles(admin_client, user_client):
    note("n1", "First")
    assert admin_client.post(DOCTYPE_ADD_URL, doctype_form(Note)).status_code == 302
    assert_error(user_client.get("/api/resource/Memo"), 403, "PermissionError", "No permission for Memo")
    row = DocType.objects.get(name="Memo")

    changed = admin_client.post(doctype_change_url(row), doctype_form(
        Note, perms=[{"role": "All", "read": "on", "doctype": row.pk}]))

    assert changed.status_code == 302, changed.content[:2000]
    assert list(DocPerm.objects.filter(doctype=row).values_list("role", "read", "write")) == [("All", True, False)]
    assert user_client.get("/api/resource/Memo").json() == {"data": [{"name": "n1"}]}
    assert_error(user_client.post_json("/api/resource/Memo", {"title": "x"}), 403, "PermissionError",
                 "No permission for Memo")


def test_admin_refuses_a_name_field_the_model_lacks(admin_client):
    response = admin_client.post(DOCTYPE_ADD_URL, doctype_form(Note, name_field="nope"))

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == ["Note has no field named 'nope'"]
    assert not DocType.objects.filter(name="Memo").exists()
    assert_error(admin_client.get("/api/resource/Memo"), 404, "DoesNotExistError", "DocType Memo not found")


def test_admin_accepts_a_name_field_the_model_has(admin_client):
    note("n1", "Unique title")

    response = admin_client.post(DOCTYPE_ADD_URL, doctype_form(Note, name_field="title"))

    assert response.status_code == 302, response.content[:2000]
    assert admin_client.get("/api/resource/Memo").json() == {"data": [{"name": "Unique title"}]}


@pytest.mark.parametrize(("option", "error"), [
    ({"field_map": '{"heading": "nope"}'}, "Note has no field 'nope' (for 'heading')."),
    ({"naming_rule": "field:nope"}, "Note has no field 'nope'."),
    ({"sort_field": "nope"}, "Note has no field 'nope'."),
    ({"title_field": "nope"}, "Note has no field 'nope'."),
    ({"hidden_fields": "content, nope"}, "Note has no field 'nope'."),
    ({"read_only_fields": "nope"}, "Note has no field 'nope'."),
    ({"field_permlevels": '{"nope": 1}'}, "Note has no field 'nope'."),
])
def test_admin_refuses_other_options_naming_fields_the_model_lacks(admin_client, option, error):
    response = admin_client.post(DOCTYPE_ADD_URL, doctype_form(Note, **option))

    assert response.status_code == 200
    (field,) = option
    assert response.context["adminform"].form.errors == {field: [error]}
    assert not DocType.objects.filter(name="Memo").exists()


def test_code_registered_doctypes_appear_in_the_admin_changelist(admin_client):
    response = admin_client.get("/admin/frappe_api/doctype/")

    assert response.status_code == 200
    listed = {row.name: row.source for row in response.context["cl"].result_list}
    assert listed == {name: "code" for name in code_registrations()}
    assert {"ToDo", "Note", "User", "Sales Order", "Role"} <= set(listed)


def test_code_registered_doctype_change_page_shows_options_read_only(admin_client):
    row = DocType.objects.get(name="User")

    response = admin_client.get(doctype_change_url(row))

    assert response.status_code == 200
    assert set(response.context["adminform"].form.fields) == {"enabled"}
    page = response.content.decode()
    assert 'name="enabled"' in page
    for option in ("name", "model", "name_field", "naming_rule", "field_map", "hidden_fields", "read_only_fields",
                   "sort_field", "sort_order"):
        assert f'name="{option}"' not in page
    assert '<div class="readonly">username</div>' in page
    assert '<div class="readonly">is_staff, is_superuser, password</div>' in page


def test_code_registered_doctype_has_no_delete_permission(admin_client):
    row = DocType.objects.get(name="ToDo")

    page = admin_client.get(doctype_change_url(row))

    assert page.status_code == 200
    assert page.context["has_delete_permission"] is False
    assert f"/admin/frappe_api/doctype/{row.pk}/delete/" not in page.content.decode()
    assert admin_client.get(f"/admin/frappe_api/doctype/{row.pk}/delete/").status_code == 403
    assert admin_client.post(f"/admin/frappe_api/doctype/{row.pk}/delete/", {"post": "yes"}).status_code == 403
    assert DocType.objects.filter(name="ToDo").exists()


def test_admin_can_delete_an_admin_registered_doctype_but_not_a_code_one(admin_client):
    assert admin_client.post(DOCTYPE_ADD_URL, doctype_form(Note)).status_code == 302
    admin_row = DocType.objects.get(name="Memo")

    assert admin_client.get(f"/admin/frappe_api/doctype/{admin_row.pk}/delete/").status_code == 200
    assert admin_client.get(doctype_change_url(admin_row)).context["has_delete_permission"] is True


def test_admin_change_form_ignores_code_owned_options(admin_client):
    row = DocType.objects.get(name="Note")

    response = admin_client.post(doctype_change_url(row), code_doctype_form(row, name_field="title", sort_order="asc",
                                                                hidden_fields="content", name="Renamed"))

    assert response.status_code == 302, response.content[:2000]
    stored = DocType.objects.get(pk=row.pk)
    assert (stored.name, stored.name_field, stored.sort_order, stored.hidden_fields) == ("Note", "", "desc", "")
    note("n1", "First", content="visible")
    assert admin_client.get("/api/resource/Note/n1").json()["data"]["content"] == "visible"


def test_admin_disabling_a_code_registered_doctype_stops_serving_it(admin_client):
    note("n1", "First")
    row = DocType.objects.get(name="Note")

    response = admin_client.post(doctype_change_url(row), code_doctype_form(row, enabled=None))

    assert response.status_code == 302, response.content[:2000]
    assert_error(admin_client.get("/api/resource/Note"), 404, "DoesNotExistError", "DocType Note not found")
    assert admin_client.post(doctype_change_url(row), code_doctype_form(row)).status_code == 302
    assert admin_client.get("/api/resource/Note").json() == {"data": [{"name": "n1"}]}


def test_admin_permission_rows_replace_a_code_doctypes_defaults(admin_client, user_client):
    note("n1", "First")
    row = DocType.objects.get(name="Note")
    assert list(row.permissions.values_list("role", flat=True)) == ["System Manager"]
    assert_error(user_client.get("/api/resource/Note"), 403, "PermissionError", "No permission for Note")

    data = code_doctype_form(row, add=[{"role": "All", "read": "on"}])
    response = admin_client.post(doctype_change_url(row), data)

    assert response.status_code == 302, response.content[:2000]
    assert user_client.get("/api/resource/Note").json() == {"data": [{"name": "n1"}]}


# --- invalidation across workers ---------------------------------------------------------------------
def test_another_workers_change_is_seen_only_after_the_shared_version_changes(admin_client):
    note("n1", "First")
    assert admin_client.get("/api/resource/Note").status_code == 200  # this process has built its snapshot
    built_version = caches["default"].get(VERSION_KEY)
    assert built_version is not None

    # Another worker writes a row without this process's signals firing.
    DocType.objects.bulk_create([DocType(name="Memo", model=ContentType.objects.get_for_model(Note))])

    assert_error(admin_client.get("/api/resource/Memo"), 404, "DoesNotExistError", "DocType Memo not found")
    assert_error(admin_client.get("/api/resource/Memo"), 404, "DoesNotExistError", "DocType Memo not found")
    assert caches["default"].get(VERSION_KEY) == built_version
    assert "Memo" not in registry.doctypes()

    caches["default"].set(VERSION_KEY, "something-new", timeout=None)  # that worker's bump

    response = admin_client.get("/api/resource/Memo")
    assert response.status_code == 200
    assert response.json() == {"data": [{"name": "n1"}]}
    assert "Memo" in registry.doctypes()


def test_another_workers_disabling_is_seen_only_after_the_shared_version_changes(admin_client):
    note("n1", "First")
    assert admin_client.get("/api/resource/Note").json() == {"data": [{"name": "n1"}]}

    DocType.objects.filter(name="Note").update(enabled=False)  # queryset update: no signal

    assert admin_client.get("/api/resource/Note").json() == {"data": [{"name": "n1"}]}
    caches["default"].set(VERSION_KEY, "something-new", timeout=None)
    assert_error(admin_client.get("/api/resource/Note"), 404, "DoesNotExistError", "DocType Note not found")


def test_a_lost_shared_version_makes_the_next_request_rebuild(admin_client):
    note("n1", "First")
    assert admin_client.get("/api/resource/Note").status_code == 200
    DocType.objects.bulk_create([DocType(name="Memo", model=ContentType.objects.get_for_model(Note))])
    assert admin_client.get("/api/resource/Memo").status_code == 404

    caches["default"].delete(VERSION_KEY)  # evicted, or the cache was flushed

    assert admin_client.get("/api/resource/Memo").json() == {"data": [{"name": "n1"}]}
    assert caches["default"].get(VERSION_KEY) is not None


def test_a_saved_doctype_row_bumps_the_shared_version(admin_client):
    assert admin_client.get("/api/resource/Note").status_code == 200
    before = caches["default"].get(VERSION_KEY)

    DocType.objects.create(name="Memo", model=ContentType.objects.get_for_model(Note))

    assert caches["default"].get(VERSION_KEY) not in (None, before)


# --- lookups by model --------------------------------------------------------------------------------
def test_registry_answers_for_model_for_a_proxy_and_its_concrete_model():
    auth_user = get_user_model()
    assert DemoUser._meta.proxy and DemoUser._meta.concrete_model is auth_user

    by_proxy = registry.for_model(DemoUser)
    by_concrete = registry.for_model(auth_user)

    assert by_proxy is not None and by_proxy.doctype == "User"
    assert by_concrete is by_proxy
    assert by_proxy.model is DemoUser
    assert registry.for_model(Group).doctype == "Role"
    assert registry.for_model(ContentType) is None


def test_for_model_answers_the_first_registration_of_a_model_family_unless_one_is_primary():
    """A proxy's own registration answers for the proxy; the model itself is answered by the first registration
    of the model or its proxies, unless a later one is marked primary (resilience issue, item 10)."""
    alias = permission_alias_model()
    frappe_api.register(alias, doctype="Permission Alias")
    frappe_api.register(Permission, doctype="Permission")
    try:
        assert registry.for_model(alias).doctype == "Permission Alias"
        assert registry.for_model(Permission).doctype == "Permission Alias"
        frappe_api.register(Permission, doctype="Permission", primary=True)
        assert registry.for_model(alias).doctype == "Permission Alias"
        assert registry.for_model(Permission).doctype == "Permission"
    finally:
        frappe_api.unregister("Permission Alias")
        frappe_api.unregister("Permission")
