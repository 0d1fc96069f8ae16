"""API v2: documents, copies, methods, meta, count, bulk operations, and the v2 error body."""

import pytest

from example_project.demo.models import Note, SalesOrder, ToDo
from frappe_api.models import Comment

from . import rpc_methods  # noqa: F401 - registers the test methods
from .factories import CustomerFactory, NoteFactory, ToDoFactory

pytestmark = pytest.mark.django_db
D = "/api/v2/document"


@pytest.mark.parametrize("rows, limit, expected_next", [(5, 5, False), (6, 5, True), (4, 5, False)])
def test_list_has_next_page_at_the_boundary(admin_client, rows, limit, expected_next, django_assert_num_queries):
    for index in range(rows):
        NoteFactory(name=f"n{index}")
    admin_client.get(f"{D}/Note")
    with django_assert_num_queries(3):  # session, user, one query of limit + 1 rows (no count)
        body = admin_client.get(f"{D}/Note", {"limit": limit}).json()
    assert len(body["data"]) == min(rows, limit)
    assert body["has_next_page"] is expected_next
    assert "count" not in body


def test_list_start_fields_filters_and_include_count(admin_client):
    for index in range(4):
        NoteFactory(name=f"n{index}", public=index < 3)
    body = admin_client.get(f"{D}/Note", {"fields": '["name","public"]', "filters": '{"public": 1}',
                                          "order_by": "name asc", "start": 1, "limit": 1,
                                          "include": "count"}).json()
    assert body == {"data": [{"name": "n1", "public": 1}], "has_next_page": True, "count": 3}


@pytest.mark.parametrize("params, message", [
    ({"fields": '"name"'}, "'fields' must be a list"),
    ({"filters": '"x"'}, "'filters' must be a list or dictionary"),
    ({"or_filters": "3"}, "'or_filters' must be a list or dictionary"),
])
def test_list_type_errors(admin_client, params, message):
    response = admin_client.get(f"{D}/Note", params)
    assert response.status_code == 417
    assert response.json() == {"errors": [{"type": "ValidationError", "message": message, "title": "Message",
                                           "indicator": "red"}]}


def test_create_honours_the_client_name_and_returns_nulls(admin_client):
    response = admin_client.post_json(f"{D}/ToDo", {"name": "custom-1", "description": "A"})
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["name"] == "custom-1"
    assert data["date"] is None and data["allocated_to"] is None


def test_read_patch_put_delete(admin_client):
    NoteFactory(name="n1", title="A")
    assert admin_client.get(f"{D}/Note/n1").json()["data"]["title"] == "A"
    assert admin_client.patch(f"{D}/Note/n1", '{"title": "B"}', content_type="application/json").json()[
        "data"]["title"] == "B"
    assert admin_client.put_json(f"{D}/Note/n1", {"content": "c"}).json()["data"]["content"] == "c"
    response = admin_client.delete(f"{D}/Note/n1")
    assert (response.status_code, response.json()) == (202, {"data": "ok"})
    missing = admin_client.get(f"{D}/Note/n1")
    assert missing.status_code == 404
    assert missing.json() == {"errors": [{"type": "DoesNotExistError", "message": "Note n1 not found",
                                          "title": "Message", "indicator": "red"}]}


def test_copy_is_an_unsaved_clean_copy(admin_client):
    CustomerFactory(customer_name="Acme")
    order = admin_client.post_json(f"{D}/Sales Order", {"customer": "Acme", "transaction_date": "2024-01-01",
                                                        "items": [{"item_code": "A", "qty": 1, "rate": 1}]})
    name = order.json()["data"]["name"]
    admin_client.put_json(f"{D}/Sales Order/{name}", {"docstatus": 1})
    copy = admin_client.get(f"{D}/Sales Order/{name}/copy").json()["data"]
    assert not {"name", "creation", "modified", "owner", "modified_by", "docstatus"} & set(copy)
    assert copy["customer"] == "Acme"
    assert [row["item_code"] for row in copy["items"]] == ["A"]
    assert "name" not in copy["items"][0] and "parent" not in copy["items"][0]
    assert SalesOrder.objects.count() == 1


def test_document_methods_and_built_ins(admin_client, user_client):
    todo = ToDoFactory(description="Call", status="Open")
    result = admin_client.get(f"{D}/ToDo/{todo.name}/method/summary").json()
    assert result["data"] == "Open: Call" and result["docs"][0]["name"] == todo.name
    assert admin_client.get(f"{D}/ToDo/{todo.name}/method/close").status_code == 403
    assert admin_client.post_json(f"{D}/ToDo/{todo.name}/method/close", {}).json()["data"] == "Closed"
    comment = admin_client.post_json(f"{D}/ToDo/{todo.name}/method/add_comment", {"text": "hello"}).json()["data"]
    assert (comment["reference_doctype"], comment["reference_name"], comment["content"]) == (
        "ToDo", todo.name, "hello")
    assert Comment.objects.filter(reference_name=todo.name).count() == 1
    renamed = admin_client.post_json(f"{D}/ToDo/{todo.name}/method/rename", {"name": "renamed"}).json()
    assert renamed["data"] == "renamed" and renamed["docs"][0]["name"] == "renamed"
    assert user_client.post_json(f"{D}/ToDo/renamed/method/add_comment", {"text": "x"}).status_code == 403


def test_meta_maps_django_fields_to_frappe_fieldtypes(admin_client, guest_client):
    meta = admin_client.get("/api/v2/doctype/Sales Order/meta").json()["data"]
    by_name = {field["fieldname"]: field for field in meta["fields"]}
    assert (by_name["customer"]["fieldtype"], by_name["customer"]["options"]) == ("Link", "Customer")
    assert by_name["customer"]["reqd"] == 1
    assert by_name["transaction_date"]["fieldtype"] == "Date"
    assert by_name["grand_total"]["fieldtype"] == "Currency" and by_name["grand_total"]["read_only"] == 1
    assert by_name["remarks"]["fieldtype"] == "Text"
    assert by_name["delivery_time"]["fieldtype"] == "Time"
    assert (by_name["items"]["fieldtype"], by_name["items"]["options"]) == ("Table", "Sales Order Item")
    assert (meta["is_submittable"], meta["istable"], meta["autoname"]) == (1, 0, "SO-.#####")
    assert {"role": "Sales User", "permlevel": 0, "if_owner": 0, "select": 0, "read": 1, "write": 1,
            "create": 1, "delete": 0, "submit": 1, "cancel": 1, "amend": 1} in meta["permissions"]
    todo = {f["fieldname"]: f for f in admin_client.get("/api/v2/doctype/ToDo/meta").json()["data"]["fields"]}
    assert todo["status"]["fieldtype"] == "Select" and todo["status"]["options"] == "Open\nClosed\nCancelled"
    assert todo["status"]["default"] == "Open"
    assert todo["date"]["fieldtype"] == "Date" and todo["description"]["fieldtype"] == "Text"
    assert todo["reference_name"]["fieldtype"] == "Data" and todo["reference_name"]["length"] == 140
    note = {f["fieldname"]: f for f in admin_client.get("/api/v2/doctype/Note/meta").json()["data"]["fields"]}
    assert note["public"]["fieldtype"] == "Check"
    items = {f["fieldname"]: f for f in admin_client.get("/api/v2/doctype/Sales Order Item/meta").json()[
        "data"]["fields"]}
    assert items["qty"]["fieldtype"] == "Int" and items["discount_percentage"]["fieldtype"] == "Float"
    users = {f["fieldname"]: f for f in admin_client.get("/api/v2/doctype/User/meta").json()["data"]["fields"]}
    assert users["enabled"]["fieldtype"] == "Check" and users["last_login"]["fieldtype"] == "Datetime"
    assert guest_client.get("/api/v2/doctype/Note/meta").status_code == 403


def test_count_and_methods(admin_client):
    NoteFactory(public=True)
    NoteFactory(public=False)
    assert admin_client.get("/api/v2/doctype/Note/count").json() == {"data": 2}
    assert admin_client.get("/api/v2/doctype/Note/count", {"filters": '{"public": 1}'}).json() == {"data": 1}
    assert admin_client.get("/api/v2/method/tests.rpc_methods.who_am_i").json() == {"data": "Administrator"}
    todo = ToDoFactory(description="x", status="Open")
    result = admin_client.post_json("/api/v2/method/run_doc_method", {
        "method": "summary", "document": {"doctype": "ToDo", "name": todo.name}}).json()
    assert result["data"] == "Open: x" and result["docs"][0]["name"] == todo.name
    stale = admin_client.post_json("/api/v2/method/run_doc_method", {
        "method": "summary", "document": {"doctype": "ToDo", "name": todo.name, "modified": "2000-01-01 00:00:00"}})
    assert stale.status_code == 417 and stale.json()["errors"][0]["type"] == "TimestampMismatchError"


def test_bulk_delete_partial_failure_keeps_successes(admin_client):
    NoteFactory(name="a")
    NoteFactory(name="b")
    body = admin_client.post_json(f"{D}/Note/bulk_delete", {"names": ["a", "missing", "b"]}).json()["data"]
    assert body["deleted"] == ["a", "b"] and body["total"] == 3
    assert (body["success_count"], body["failure_count"]) == (2, 1)
    assert body["failed"][0]["name"] == "missing"
    assert not Note.objects.exists()
    refused = admin_client.post_json(f"{D}/Note/bulk_delete", {"names": "a"})
    assert refused.status_code == 417
    assert refused.json()["errors"][0]["message"] == "'names' must be a list"


def test_bulk_update_and_insert_report_per_item(admin_client, settings):
    NoteFactory(name="a", title="old")
    body = admin_client.post_json(f"{D}/Note/bulk_update", {"docs": [
        {"name": "a", "title": "new"}, {"name": "a", "title": ""}, {"name": "zz", "title": "x"}]}).json()["data"]
    assert body["updated"] == ["a"] and body["failure_count"] == 2
    assert Note.objects.get(name="a").title == "new"
    inserted = admin_client.post_json(f"{D}/Note/bulk_insert", {"docs": [
        {"title": "one"}, {"content": "no title"}, {"name": "named", "title": "two"}]}).json()["data"]
    assert inserted["success_count"] == 2 and inserted["failed"][0]["index"] == 1
    assert Note.objects.filter(name="named").exists()
    settings.FRAPPE_API = {"MAX_BULK_ITEMS": 2}
    too_many = admin_client.post_json(f"{D}/Note/bulk_delete", {"names": ["a", "b", "c"]})
    assert too_many.status_code == 417


def test_cross_doctype_bulk_operations(admin_client):
    NoteFactory(name="n")
    ToDoFactory(name="t")
    deleted = admin_client.post_json("/api/v2/method/bulk_delete", {"docs": [
        {"doctype": "Note", "name": "n"}, {"doctype": "ToDo", "name": "t"}]}).json()["data"]
    assert deleted["deleted"] == ["n", "t"]
    NoteFactory(name="n2", title="x")
    updated = admin_client.post_json("/api/v2/method/bulk_update", {"docs": [
        {"doctype": "Note", "name": "n2", "title": "y"}, {"doctype": "Nope", "name": "z"}]}).json()["data"]
    assert updated["updated"] == ["n2"] and updated["failure_count"] == 1


def test_v2_refusals_follow_permissions(user_client):
    ToDoFactory(name="theirs", owner="someone")
    assert user_client.get(f"{D}/ToDo/theirs").status_code == 403
    assert user_client.get(f"{D}/ToDo").json()["data"] == []
    body = user_client.post_json(f"{D}/ToDo/bulk_delete", {"names": ["theirs"]}).json()["data"]
    assert body["failure_count"] == 1 and ToDo.objects.filter(name="theirs").exists()
    assert user_client.get(f"{D}/Note").status_code == 403


def test_comments_are_readable_by_those_who_may_read_the_document(admin_client):
    from .conftest import APIClient
    from .factories import UserFactory

    alice, bob = APIClient(), APIClient()
    alice.force_login(UserFactory(username="alice"))
    bob.force_login(UserFactory(username="bob"))
    mine = alice.post_json(f"{D}/ToDo", {"description": "Alice's"}).json()["data"]["name"]
    comment = alice.post_json(f"{D}/ToDo/{mine}/method/add_comment", {"text": "private thought"}).json()["data"]
    assert alice.get(f"{D}/Comment/{comment['name']}").status_code == 200
    assert [row["name"] for row in alice.get(f"{D}/Comment").json()["data"]] == [comment["name"]]
    assert bob.get(f"{D}/Comment").json()["data"] == []
    assert bob.get(f"{D}/Comment/{comment['name']}").status_code == 403
    assert bob.get("/api/v2/doctype/Comment/count").json() == {"data": 0}
    assert admin_client.get(f"{D}/Comment/{comment['name']}").json()["data"]["content"] == "private thought"
