"""What the admin refuses (resilience issue, items 7-13): every form POSTed as a superuser through the real
admin, asserting the form's error, that nothing was saved and that the API keeps serving."""

import logging

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType

from example_project.demo.models import Note
from frappe_api import runtime
from frappe_api.models import ApiRequestLog, ApiSettings, DocPerm, DocType
from frappe_api.resilience import shared_cache

from .conftest import DOCTYPE_ADD_URL, assert_error, doctype_form
from .factories import NoteFactory, ToDoFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]
SETTINGS_ADD = "/admin/frappe_api/apisettings/add/"


def settings_form(**extra):
    data = {"session_expiry": "", "allow_consecutive_login_attempts": "", "allow_login_after_fail": "",
            "time_zone": "", "max_page_length": "", "allow_error_traceback": "unknown",
            "allow_guests_to_upload_files": "unknown", "log_api_requests": "unknown", "request_budget_limit": "",
            "request_budget_window": ""}
    data.update(extra)
    return data


def form_errors(response):
    assert response.status_code == 200, response.status_code
    return response.context["adminform"].form.errors


def settings_url():
    row = ApiSettings.objects.first()
    return f"/admin/frappe_api/apisettings/{row.pk}/change/" if row else SETTINGS_ADD


# --- item 7: API Settings ----------------------------------------------------------------------------------

def test_an_unknown_time_zone_is_refused_by_the_settings_form_and_the_api_keeps_serving(admin_client):
    ToDoFactory(name="t1")
    errors = form_errors(admin_client.post(settings_url(), settings_form(time_zone="Mars/Olympus")))
    assert errors == {"time_zone": ["'Mars/Olympus' is not a known time zone; use an IANA name such as 'Europe/Berlin' "
                                    "or 'UTC'."]}
    assert not ApiSettings.objects.filter(time_zone="Mars/Olympus").exists()
    assert admin_client.get("/api/resource/ToDo").status_code == 200
    assert admin_client.get("/api/v2/document/ToDo").status_code == 200


NOT_HOURS_MINUTES = 'is not "hours:minutes" (for example "170:00" or "06:30").'


@pytest.mark.parametrize(("field", "value", "error"), [
    ("session_expiry", "12", f"'12' {NOT_HOURS_MINUTES}"),
    ("session_expiry", "1:75", f"'1:75' {NOT_HOURS_MINUTES}"),
    ("session_expiry", "abc", f"'abc' {NOT_HOURS_MINUTES}"),
    ("session_expiry", "0:00", "A session must live at least one minute."),
    ("max_page_length", "0", "Must be at least 1 (leave it empty for the default)."),
])
def test_malformed_session_expiry_and_a_zero_page_length_are_refused(admin_client, field, value, error):
    errors = form_errors(admin_client.post(settings_url(), settings_form(**{field: value})))
    assert errors == {field: [error]}
    assert not ApiSettings.objects.exclude(**{field: None if field == "max_page_length" else ""}).filter(
        **{field: value if field == "session_expiry" else 0}).exists()


def test_a_request_budget_needs_both_its_limit_and_its_window(admin_client):
    errors = form_errors(admin_client.post(settings_url(), settings_form(request_budget_limit="100")))
    assert errors == {"request_budget_window": [
        "Set both the request budget limit and its window, or neither (then the default applies)."]}
    assert not ApiSettings.objects.filter(request_budget_limit=100).exists()
    response = admin_client.post(settings_url(), settings_form(request_budget_limit="100",
                                                               request_budget_window="60", session_expiry="170:00",
                                                               time_zone="Asia/Kolkata", max_page_length="50"))
    assert response.status_code == 302
    assert ApiSettings.objects.get().request_budget_window == 60


def test_the_settings_form_shows_each_empty_fields_effective_default(admin_client):
    form = admin_client.get(settings_url()).context["adminform"].form
    assert "Empty: UTC" in form.fields["time_zone"].help_text
    assert "Empty: 10000 (FRAPPE_API MAX_PAGE_LENGTH)" in form.fields["max_page_length"].help_text
    assert "SESSION_COOKIE_AGE" in form.fields["session_expiry"].help_text


def test_system_settings_written_through_the_api_refuse_an_unknown_time_zone(admin_client):
    url = "/api/resource/System Settings/System Settings"
    response = admin_client.put_json(url, {"time_zone": "Mars/Olympus"})
    assert_error(response, 417, "ValidationError", "Time zone: 'Mars/Olympus' is not a known time zone; use an IANA "
                                                   "name such as 'Europe/Berlin' or 'UTC'.")
    assert admin_client.get("/api/method/frappe.client.get_time_zone").json() == {"message": {"time_zone": "UTC"}}


def test_bad_values_already_stored_fall_back_to_the_defaults_and_are_logged_once(admin_client, caplog):
    ToDoFactory(name="t1")
    ToDoFactory(name="t2")
    ApiSettings.objects.all().delete()
    ApiSettings.objects.bulk_create([ApiSettings(time_zone="Mars/Olympus", session_expiry="soon", max_page_length=0,
                                                 request_budget_limit=5)])
    runtime.invalidate()
    shared_cache.reset()
    with caplog.at_level(logging.ERROR, logger="frappe_api"):
        for _ in range(2):
            assert admin_client.get("/api/resource/ToDo", {"limit_page_length": 0}).status_code == 200
        assert len(admin_client.get("/api/resource/ToDo", {"limit_page_length": 0}).json()["data"]) == 2
        assert admin_client.get("/api/v2/document/ToDo").status_code == 200
        assert admin_client.post_json("/api/method/frappe.client.get_list", {"doctype": "ToDo"}).status_code == 200
        assert admin_client.get("/api/method/frappe.client.get_time_zone").json() == {
            "message": {"time_zone": "UTC"}}
        login = get_user_model().objects.create_user("jim", password="pw-jim")
        assert admin_client.post("/api/method/login", {"usr": login.username, "pwd": "pw-jim"}).status_code == 200
    messages = [record.getMessage() for record in caplog.records if record.levelno == logging.ERROR]
    assert sum("time_zone" in message for message in messages) == 1
    assert sum("session_expiry" in message for message in messages) == 1
    assert sum("max_page_length" in message for message in messages) == 1


# --- item 8: JSON options ----------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["[1,2,3]", '"x"', "42", "true", '{"title": 5}'])
def test_a_field_map_that_is_not_an_object_of_names_is_refused(admin_client, value):
    errors = form_errors(admin_client.post(DOCTYPE_ADD_URL, doctype_form(Note, field_map=value)))
    assert "JSON object" in errors["field_map"][0]
    assert not DocType.objects.filter(name="Memo").exists()


def test_an_empty_or_null_field_map_means_no_mapping(admin_client):
    NoteFactory(name="n1")
    assert admin_client.post(DOCTYPE_ADD_URL, doctype_form(Note, field_map="null")).status_code == 302
    assert DocType.objects.get(name="Memo").field_map == {}
    assert admin_client.get("/api/resource/Memo/n1").status_code == 200


@pytest.mark.parametrize("value", ["[1]", '{"title": "high"}', '{"title": -1}', '{"title": true}',
                                   '{"title": 1.5}', "3"])
def test_field_permlevels_must_map_fields_to_levels(admin_client, value):
    errors = form_errors(admin_client.post(DOCTYPE_ADD_URL, doctype_form(Note, field_permlevels=value)))
    assert "level" in errors["field_permlevels"][0]
    assert not DocType.objects.filter(name="Memo").exists()


def test_a_stored_row_with_bad_json_is_not_served_and_other_doctypes_keep_serving(admin_client, caplog):
    ToDoFactory(name="t1")
    DocType.objects.create(name="Memo", model=ContentType.objects.get_for_model(Note), field_map=[1, 2, 3])
    DocType.objects.create(name="Memo2", model=ContentType.objects.get_for_model(Note),
                           field_permlevels={"title": "high"})
    with caplog.at_level(logging.ERROR, logger="frappe_api"):
        assert admin_client.get("/api/resource/ToDo").status_code == 200
        assert admin_client.get("/api/resource/Memo").status_code == 404
        assert admin_client.get("/api/resource/Memo2").status_code == 404
        assert admin_client.get("/api/v2/document/ToDo").status_code == 200
    assert any("Memo" in record.getMessage() for record in caplog.records)


# --- item 9: naming rule against the model -----------------------------------------------------------------

@pytest.mark.parametrize("rule", ["hash", "prompt", "LOG-.#####", "format:LOG-{###}"])
def test_a_text_naming_rule_on_an_integer_primary_key_is_refused(admin_client, rule):
    errors = form_errors(admin_client.post(DOCTYPE_ADD_URL, doctype_form(ApiRequestLog, name="Logs", naming_rule=rule)))
    assert "integer field" in errors["naming_rule"][0]
    assert not DocType.objects.filter(name="Logs").exists()


def test_autoincrement_on_an_integer_key_saves_and_not_on_a_text_key(admin_client):
    assert admin_client.post(DOCTYPE_ADD_URL, doctype_form(ApiRequestLog, name="Logs",
                                                       naming_rule="autoincrement")).status_code == 302
    errors = form_errors(admin_client.post(DOCTYPE_ADD_URL, doctype_form(Note, naming_rule="autoincrement")))
    assert "AutoField" in errors["naming_rule"][0]
    errors = form_errors(admin_client.post(DOCTYPE_ADD_URL, doctype_form(Note, naming_rule="Hash")))
    assert "is not a naming rule" in errors["naming_rule"][0]
    assert not DocType.objects.filter(name="Memo").exists()


# --- item 10: a second DocType on a registered model --------------------------------------------------------

def test_a_second_doctype_on_the_user_model_changes_no_existing_doctype(admin_client):
    jane = UserFactory(username="jane")
    ToDoFactory(name="t1", allocated_to=jane)
    before = admin_client.get("/api/resource/ToDo/t1").json()["data"]
    assert before["allocated_to"] == "jane"
    user_model = get_user_model()
    assert admin_client.post(DOCTYPE_ADD_URL, doctype_form(user_model, name="Person")).status_code == 302
    assert admin_client.get("/api/resource/ToDo/t1").json()["data"] == before
    listed = admin_client.get("/api/resource/ToDo", {"filters": '[["allocated_to", "=", "jane"]]'}).json()
    assert listed == {"data": [{"name": "t1"}]}
    assert admin_client.get("/api/v2/document/ToDo/t1").json()["data"]["allocated_to"] == "jane"
    person = admin_client.get(f"/api/resource/Person/{jane.pk}").json()["data"]
    assert person["username"] == "jane" and "password" not in person
    assert admin_client.get("/api/resource/Person", {"fields": '["password"]'}).status_code == 417
    assert admin_client.get("/api/resource/User/jane").status_code == 200


def test_a_doctype_marked_primary_owns_its_models_links_and_only_one_may_be(admin_client):
    jane = UserFactory(username="jane")
    ToDoFactory(name="t1", allocated_to=jane)
    user_model = get_user_model()
    assert admin_client.post(DOCTYPE_ADD_URL, doctype_form(user_model, name="Person",
                                                       primary_for_model="on")).status_code == 302
    assert admin_client.get("/api/resource/ToDo/t1").json()["data"]["allocated_to"] == jane.pk
    errors = form_errors(admin_client.post(DOCTYPE_ADD_URL, doctype_form(user_model, name="Person 2",
                                                                     primary_for_model="on")))
    assert "already primary" in errors["primary_for_model"][0]


def test_a_password_field_is_served_only_when_the_field_map_names_it(admin_client):
    jane = UserFactory(username="jane")
    assert admin_client.post(DOCTYPE_ADD_URL, doctype_form(get_user_model(), name="Person",
                                                       field_map='{"password": "password"}')).status_code == 302
    assert "password" in admin_client.get(f"/api/resource/Person/{jane.pk}").json()["data"]


# --- item 11: DocType names --------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["todo", "TODO", "sales order"])
def test_a_name_differing_from_a_code_doctype_only_by_case_is_refused(admin_client, name):
    errors = form_errors(admin_client.post(DOCTYPE_ADD_URL, doctype_form(Note, name=name)))
    assert "already exists" in errors["name"][0]  # MariaDB's case-insensitive collation: Django's unique check
    assert name not in list(DocType.objects.values_list("name", flat=True))


def test_a_name_differing_from_an_admin_doctype_only_by_case_is_refused(admin_client):
    assert admin_client.post(DOCTYPE_ADD_URL, doctype_form(Note, name="Memo")).status_code == 302
    errors = form_errors(admin_client.post(DOCTYPE_ADD_URL, doctype_form(Note, name="MEMO")))
    assert "already exists" in errors["name"][0]
    assert list(DocType.objects.filter(name__iexact="memo").values_list("name", flat=True)) == ["Memo"]


@pytest.mark.parametrize("name", ["A/B", "A\\B", "Me\tmo"])
def test_a_name_no_url_can_reach_is_refused(admin_client, name):
    errors = form_errors(admin_client.post(DOCTYPE_ADD_URL, doctype_form(Note, name=name)))
    assert "URL" in errors["name"][0]
    assert not DocType.objects.filter(name=name).exists()


# --- item 12: a model field called `name` ------------------------------------------------------------------

def test_a_unique_model_field_called_name_is_the_document_name(admin_client):
    Group.objects.create(name="Staff")
    assert admin_client.post(DOCTYPE_ADD_URL, doctype_form(Group, name="Team")).status_code == 302
    assert admin_client.get("/api/resource/Team/Staff").json()["data"]["name"] == "Staff"
    created = admin_client.post_json("/api/resource/Team", {"name": "Ops"})
    assert created.status_code == 200, created.content
    assert Group.objects.filter(name="Ops").exists()


def test_a_non_unique_model_field_called_name_is_served_as_model_name(admin_client):
    assert admin_client.post(DOCTYPE_ADD_URL, doctype_form(Permission, name="Perm")).status_code == 302
    permission = Permission.objects.order_by("pk").first()
    document = admin_client.get(f"/api/resource/Perm/{permission.pk}").json()["data"]
    assert document["name"] == permission.pk and document["permission_name"] == permission.name
    listed = admin_client.get("/api/resource/Perm", {"fields": '["permission_name"]',
                                                      "filters": f'[["permission_name", "=", "{permission.name}"]]'})
    assert {"permission_name": permission.name} in listed.json()["data"]
    assert admin_client.put_json(f"/api/resource/Perm/{permission.pk}",
                                 {"permission_name": "Renamed"}).status_code == 200
    permission.refresh_from_db()
    assert permission.name == "Renamed"


def test_the_doctype_form_explains_how_a_name_field_is_mapped(admin_client):
    page = admin_client.get(DOCTYPE_ADD_URL)
    assert page.status_code == 200
    assert "&lt;model&gt;_name" in page.content.decode()


# --- item 13: permission rows ------------------------------------------------------------------------------

def test_a_permission_row_for_a_missing_role_is_refused(admin_client):
    response = admin_client.post(DOCTYPE_ADD_URL, doctype_form(Note, perms=[{"role": "Sales Usr", "read": "on"}]))
    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert "role" in formset.forms[0].errors
    assert not DocType.objects.filter(name="Memo").exists()


def test_a_permission_row_offers_existing_roles_and_saves_one(admin_client):
    Group.objects.create(name="Sales User")
    page = admin_client.get(DOCTYPE_ADD_URL)
    choices = dict(page.context["inline_admin_formsets"][0].formset.forms[0].fields["role"].choices)
    assert {"Sales User", "System Manager", "All", "Guest"} <= set(choices)
    added = admin_client.post(DOCTYPE_ADD_URL, doctype_form(Note, perms=[{"role": "Sales User", "read": "on"}]))
    assert added.status_code == 302
    assert list(DocPerm.objects.filter(doctype__name="Memo").values_list("role", flat=True)) == ["Sales User"]


def test_duplicate_permission_rows_are_refused(admin_client):
    perms = [{"role": "All", "read": "on"}, {"role": "All", "read": "on", "write": "on"}]
    response = admin_client.post(DOCTYPE_ADD_URL, doctype_form(Note, perms=perms))
    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert "already has a row at level 0" in str(formset.forms[1].errors["role"])
    assert not DocType.objects.filter(name="Memo").exists()


def test_change_and_add_pages_render(admin_client):
    assert admin_client.get(DOCTYPE_ADD_URL).status_code == 200
    for name in ("ToDo", "User", "Role"):
        row = DocType.objects.get(name=name)
        assert admin_client.get(f"/admin/frappe_api/doctype/{row.pk}/change/").status_code == 200
    assert admin_client.post(DOCTYPE_ADD_URL, doctype_form(Note)).status_code == 302
    memo = DocType.objects.get(name="Memo")
    assert admin_client.get(f"/admin/frappe_api/doctype/{memo.pk}/change/").status_code == 200
    assert admin_client.get(settings_url()).status_code == 200


# --- legacy `cmd` form: an error while reading the form is Frappe JSON -------------------------------------

def test_an_oversized_legacy_cmd_form_answers_frappe_json(admin_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = admin_client.post("/", {"cmd": "frappe.client.get_list", "doctype": "ToDo", "pad": "x" * 5000})
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json()["exc_type"]


def test_a_legacy_cmd_form_with_too_many_fields_answers_frappe_json(admin_client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    response = admin_client.post("/", {"cmd": "frappe.client.get_list", **{f"f{i}": "1" for i in range(20)}})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "exc_type" in response.json()
