"""/api/method: the whitelist, argument merging and checks, verbs, transactions, and frappe.client."""

import json

import pytest
from django.test import override_settings

from example_project.demo.models import Note, SalesOrder, ToDo

from . import rpc_methods  # noqa: F401 - registers the test methods
from .conftest import server_messages
from .factories import CustomerFactory, NoteFactory, ToDoFactory

pytestmark = pytest.mark.django_db
M = "/api/method/tests.rpc_methods"


def test_guest_method_and_argument_merging(guest_client):
    response = guest_client.get(f"{M}.echo", {"text": "ab", "times": "2", "flag": "true", "unknown": "x"})
    assert response.status_code == 200
    assert response.json() == {"message": {"text": "abab", "flag": True, "items": None, "extra": ["unknown"]}}
    form = guest_client.post(f"{M}.echo?text=from-query", {"times": "3", "text": "f"})
    assert form.json()["message"]["text"] == "fff"
    body = guest_client.post_json(f"{M}.echo?text=ignored", {"text": "j", "items": [1, 2]})
    assert body.json()["message"] == {"text": "j", "flag": False, "items": [1, 2], "extra": []}


def test_framework_names_cannot_be_injected(guest_client):
    response = guest_client.get(f"{M}.echo", {"user": "Administrator", "ignore_permissions": "1", "flags": "x",
                                              "request": "r"})
    assert response.json()["message"]["extra"] == []


@pytest.mark.parametrize("params, message", [
    ({"times": "many"}, "Argument 'times' should be of type int but got 'str'"),
    ({"flag": "perhaps"}, "Argument 'flag' should be of type bool but got 'str'"),
    ({"items": "{not json"}, "Argument 'items' should be of type"),
])
def test_argument_types_are_checked(guest_client, params, message):
    response = guest_client.get(f"{M}.echo", params)
    assert response.status_code == 417
    assert response.json()["exc_type"] == "FrappeTypeError"
    assert server_messages(response.json())[0]["message"].startswith(message)


def test_missing_required_argument_is_417(admin_client):
    response = admin_client.get(f"{M}.needs_arg")
    assert response.status_code == 417
    assert response.json()["exc_type"] == "FrappeTypeError"


def test_non_guest_method_refuses_guest(guest_client, admin_client):
    assert guest_client.get(f"{M}.who_am_i").status_code == 403
    assert admin_client.get(f"{M}.who_am_i").json() == {"message": "Administrator"}


def test_unknown_and_unwhitelisted_methods(admin_client, monkeypatch):
    unknown = admin_client.get("/api/method/frappe.nonexistent_fn")
    assert unknown.status_code == 417
    assert server_messages(unknown.json())[0]["message"].startswith(
        "Failed to get method for command frappe.nonexistent_fn")
    called = []
    monkeypatch.setattr(rpc_methods, "not_whitelisted", lambda: called.append(1))
    refused = admin_client.get(f"{M}.not_whitelisted")
    assert refused.status_code == 403
    assert "is not whitelisted" in server_messages(refused.json())[0]["message"]
    assert called == []
    import django.core.management

    monkeypatch.setattr(django.core.management, "call_command", lambda *a, **k: called.append(a))
    assert admin_client.post("/api/method/django.core.management.call_command",
                             {"command_name": "flush"}).status_code == 403
    assert admin_client.get("/api/method/os.system", {"command": "true"}).status_code == 403
    assert called == []
    assert admin_client.get("/api/method/never.imported.module.fn").status_code == 417


def test_verbs_outside_methods_are_403_not_permitted(admin_client):
    response = admin_client.get(f"{M}.post_only")
    assert response.status_code == 403
    assert server_messages(response.json())[0]["message"] == "Not permitted"
    assert admin_client.post(f"{M}.post_only").json() == {"message": "posted"}
    assert admin_client.patch(f"{M}.who_am_i").status_code == 403


def test_writes_in_a_get_are_rolled_back_and_a_post_commits(admin_client):
    assert admin_client.get(f"{M}.write_note", {"title": "from-get"}).json() == {"message": "from-get"}
    assert not Note.objects.filter(name="from-get").exists()
    assert admin_client.post(f"{M}.write_note", {"title": "from-post"}).status_code == 200
    assert Note.objects.filter(name="from-post").exists()


def test_none_is_an_empty_object_and_responses_pass_through(admin_client):
    assert admin_client.get(f"{M}.nothing").json() == {}
    response = admin_client.get(f"{M}.raw_response")
    assert response.content == b"plain text" and response["Content-Type"] == "text/plain"


def test_v1_and_v2_prefixes(admin_client):
    assert admin_client.get("/api/v1/method/tests.rpc_methods.who_am_i").json() == {"message": "Administrator"}
    assert admin_client.get("/api/v2/method/tests.rpc_methods.who_am_i").json() == {"data": "Administrator"}
    assert admin_client.get(f"{M}.who_am_i/ignored/tail").json() == {"message": "Administrator"}


def test_method_aliases_setting_exposes_a_function_under_a_frappe_name(admin_client):
    from frappe_api.rpc.whitelist import load_method_settings

    with override_settings(FRAPPE_API={"METHOD_MODULES": ["tests.rpc_methods"],
                                       "METHOD_ALIASES": {"erpnext.api.whoami": "tests.rpc_methods.who_am_i"}}):
        load_method_settings()
    assert admin_client.get("/api/method/erpnext.api.whoami").json() == {"message": "Administrator"}


# --- frappe.client ----------------------------------------------------------------------------
C = "/api/method/frappe.client"


@pytest.fixture
def notes():
    return [NoteFactory(name=f"n{i}", title=f"Note {i}", public=i % 2 == 0) for i in range(3)]


def test_get_list_and_get_count(admin_client, notes):
    response = admin_client.get(f"{C}.get_list", {"doctype": "Note", "fields": '["name"]', "limit_page_length": 2,
                                                  "order_by": "name asc"})
    assert response.json() == {"message": [{"name": "n0"}, {"name": "n1"}]}
    assert admin_client.get(f"{C}.get_count", {"doctype": "Note"}).json() == {"message": 3}
    assert admin_client.get(f"{C}.get_count", {"doctype": "Note", "filters": '{"public": 1}'}).json() == {
        "message": 2}
    assert admin_client.get(f"{C}.get_count", {"doctype": "Note", "filters": '{"public": 1}',
                                               "or_filters": '[["name","=","n0"],["name","=","n1"]]'}).json() == {
        "message": 1}


def test_read_only_methods_answer_a_get_in_one_query_without_a_transaction(admin_client, notes,
                                                                           django_assert_num_queries):
    params = {"doctype": "Note", "filters": '{"public": 1}'}
    admin_client.get(f"{C}.get_count", params)
    with django_assert_num_queries(3):  # session, user, the count: no transaction to open and roll back
        assert admin_client.get(f"{C}.get_count", params).json() == {"message": 2}
    with django_assert_num_queries(3):
        assert len(admin_client.get(f"{C}.get_list", params).json()["message"]) == 2
    with django_assert_num_queries(6):  # without read_only a GET runs in a savepoint (here) rolled back
        assert admin_client.get(f"{C}.get", {"doctype": "Note", "name": "n1"}).status_code == 200


def test_get_and_get_value(admin_client, notes):
    assert admin_client.get(f"{C}.get", {"doctype": "Note", "name": "n1"}).json()["message"]["title"] == "Note 1"
    by_filter = admin_client.get(f"{C}.get", {"doctype": "Note", "filters": '{"title": "Note 2"}'})
    assert by_filter.json()["message"]["name"] == "n2"
    assert admin_client.get(f"{C}.get", {"doctype": "Note", "name": "missing"}).status_code == 404
    value = admin_client.get(f"{C}.get_value", {"doctype": "Note", "fieldname": "title", "filters": "n1"})
    assert value.json() == {"message": {"title": "Note 1"}}
    several = admin_client.get(f"{C}.get_value", {"doctype": "Note", "fieldname": '["title","public"]',
                                                  "filters": '{"name": "n2"}', "as_dict": "0"})
    assert several.json() == {"message": ["Note 2", 1]}
    assert admin_client.get(f"{C}.get_value", {"doctype": "Note", "fieldname": "title",
                                               "filters": "missing"}).json() == {"message": {}}


def test_get_value_needs_read_permission(user_client, notes):
    response = user_client.get(f"{C}.get_value", {"doctype": "Customer", "fieldname": "customer_name",
                                                  "filters": "x"})
    assert response.status_code == 403
    assert response.json()["_error_message"] == "No permission for Customer"


def test_set_value_insert_save_delete(admin_client, notes):
    assert admin_client.get(f"{C}.set_value", {"doctype": "Note", "name": "n1", "fieldname": "title",
                                               "value": "Z"}).status_code == 403
    updated = admin_client.post(f"{C}.set_value", {"doctype": "Note", "name": "n1", "fieldname": "title",
                                                   "value": "Z"})
    assert updated.json()["message"]["title"] == "Z"
    many = admin_client.post(f"{C}.set_value", {"doctype": "Note", "name": "n1",
                                                "fieldname": '{"title": "Y", "content": "c"}'})
    assert (many.json()["message"]["title"], many.json()["message"]["content"]) == ("Y", "c")
    refused = admin_client.post(f"{C}.set_value", {"doctype": "Note", "name": "n1", "fieldname": "owner",
                                                   "value": "x"})
    assert refused.status_code == 417
    assert server_messages(refused.json())[0]["message"] == "Cannot edit standard fields"
    inserted = admin_client.post(f"{C}.insert", {"doc": json.dumps({"doctype": "Note", "title": "Q"})})
    assert inserted.json()["message"]["title"] == "Q"
    doc = inserted.json()["message"]
    saved = admin_client.post_json(f"{C}.save", {"doc": {**doc, "title": "Q2"}})
    assert saved.json()["message"]["title"] == "Q2"
    stale = admin_client.post_json(f"{C}.save", {"doc": {**doc, "title": "Q3"}})
    assert stale.status_code == 417 and stale.json()["exc_type"] == "TimestampMismatchError"
    assert admin_client.post(f"{C}.delete", {"doctype": "Note", "name": doc["name"]}).json() == {}
    assert not Note.objects.filter(name=doc["name"]).exists()


def test_insert_many_is_all_or_nothing_and_capped(admin_client):
    names = admin_client.post_json(f"{C}.insert_many", {"docs": [{"doctype": "Note", "title": "a"},
                                                                 {"doctype": "Note", "title": "b"}]})
    assert len(names.json()["message"]) == 2
    failing = admin_client.post_json(f"{C}.insert_many", {"docs": [{"doctype": "Note", "title": "c"},
                                                                   {"doctype": "Note"}]})
    assert failing.status_code == 417
    assert Note.objects.count() == 2
    capped = admin_client.post_json(f"{C}.insert_many", {"docs": [{"doctype": "Note", "title": "x"}] * 201})
    assert server_messages(capped.json())[0]["message"] == "Only 200 inserts allowed in one request"


def test_submit_with_doclist_cancel_rename(admin_client):
    CustomerFactory(customer_name="Acme")
    order = admin_client.post_json(f"{C}.insert", {"doc": {
        "doctype": "Sales Order", "customer": "Acme", "transaction_date": "2024-01-01",
        "items": [{"item_code": "A", "qty": 1, "rate": 2}]}}).json()["message"]
    submitted = admin_client.post(f"{C}.submit", {"doclist": json.dumps(order)})
    assert submitted.json()["message"]["docstatus"] == 1
    cancelled = admin_client.post(f"{C}.cancel", {"doctype": "Sales Order", "name": order["name"]})
    assert cancelled.json()["message"]["docstatus"] == 2
    todo = ToDoFactory(name="old")
    assert admin_client.post(f"{C}.rename_doc", {"doctype": "ToDo", "old_name": todo.name,
                                                 "new_name": "new"}).json() == {"message": "new"}
    assert ToDo.objects.filter(name="new").exists()
    assert SalesOrder.objects.get(name=order["name"]).docstatus == 2


def test_insert_of_a_child_row_appends_to_its_parent(admin_client):
    CustomerFactory(customer_name="Acme")
    order = admin_client.post_json(f"{C}.insert", {"doc": {
        "doctype": "Sales Order", "customer": "Acme", "transaction_date": "2024-01-01", "items": []}}).json()
    parent = admin_client.post_json(f"{C}.insert", {"doc": {
        "doctype": "Sales Order Item", "parenttype": "Sales Order", "parent": order["message"]["name"],
        "parentfield": "items", "item_code": "B", "qty": 2, "rate": 3}}).json()["message"]
    assert [(row["item_code"], row["amount"]) for row in parent["items"]] == [("B", 6.0)]
    assert parent["grand_total"] == 6.0


def test_bulk_update_reports_failures(admin_client, notes):
    response = admin_client.post_json(f"{C}.bulk_update", {"docs": [
        {"doctype": "Note", "docname": "n0", "title": "bulk"}, {"doctype": "Note", "docname": "missing"}]})
    failed = response.json()["message"]["failed_docs"]
    assert len(failed) == 1 and failed[0]["exc"].startswith("DoesNotExistError")
    assert Note.objects.get(name="n0").title == "bulk"


def test_permission_helpers_and_validate_link(admin_client, user_client, notes):
    assert admin_client.get(f"{C}.has_permission", {"doctype": "Note", "docname": "n0",
                                                    "perm_type": "write"}).json() == {
        "message": {"has_permission": True}}
    permissions = admin_client.get(f"{C}.get_doc_permissions", {"doctype": "Note", "docname": "n0"}).json()
    assert permissions["message"]["permissions"]["read"] == 1
    assert user_client.get(f"{C}.has_permission", {"doctype": "Note", "docname": "n0"}).json() == {
        "message": {"has_permission": False}}
    link = admin_client.get(f"{C}.validate_link", {"doctype": "Note", "docname": "n1", "fields": '["title"]'})
    assert link.json() == {"message": {"name": "n1", "title": "Note 1"}}
    assert admin_client.get(f"{C}.validate_link", {"doctype": "Note", "docname": "zz"}).json() == {
        "message": {"name": None}}
    assert user_client.get(f"{C}.validate_link", {"doctype": "Customer", "docname": "x"}).status_code == 403


def test_single_value_and_time_zone(admin_client, guest_client):
    assert admin_client.get(f"{C}.get_single_value", {"doctype": "Selling Settings",
                                                      "field": "customer_group"}).json() == {"message": "Commercial"}
    assert admin_client.post(f"{C}.set_value", {"doctype": "Selling Settings", "name": "Selling Settings",
                                                "fieldname": "so_required", "value": "1"}).status_code == 200
    with override_settings(TIME_ZONE="Asia/Kolkata"):
        assert guest_client.get(f"{C}.get_time_zone").json() == {"message": {"time_zone": "Asia/Kolkata"}}
