"""``frappe.client.set_value`` as frappe-ui's ``documentResource.save()`` and ``setValue`` call it: a dict of values
(the whole document, standard fields included) and child-table rows saved through their parent."""

import pytest

from example_project.demo.models import SalesOrder, SalesOrderItem, ToDo

from .conftest import client_for
from .factories import CustomerFactory, ToDoFactory

pytestmark = pytest.mark.django_db

SET_VALUE = "/api/method/frappe.client.set_value"


def read(client, doctype, name):
    return client.get("/api/method/frappe.client.get", {"doctype": doctype, "name": name}).json()["message"]


@pytest.fixture
def order(admin_client):
    customer = CustomerFactory(customer_name="Acme")
    body = {"customer": customer.name, "transaction_date": "2024-03-01",
            "items": [{"item_code": "Widget", "qty": 2, "rate": 10}, {"item_code": "Gadget", "qty": 1, "rate": 5}]}
    response = admin_client.post_json("/api/resource/Sales Order", body)
    assert response.status_code == 200, response.content
    return response.json()["data"]


def test_set_value_with_the_whole_document_saves_it(admin_client):
    """frappe/client.py set_value: with a dict, the document is updated and saved (no standard-field refusal)."""
    todo = ToDoFactory(description="before")
    doc = read(admin_client, "ToDo", todo.name)
    fieldname = {key: value for key, value in doc.items() if key not in ("doctype", "name")}
    fieldname["description"] = "after"
    response = admin_client.post_json(SET_VALUE, {"doctype": "ToDo", "name": todo.name, "fieldname": fieldname})
    assert response.status_code == 200
    saved = read(admin_client, "ToDo", todo.name)
    assert response.json() == {"message": saved}
    assert saved["description"] == "after" and saved["modified"] != doc["modified"]


def test_set_value_dict_never_stores_standard_fields_as_sent():
    """frappe/client.py set_value: standard fields in the dict (owner, creation, modified_by, idx, name, docstatus)
    are not stored as sent."""
    alice = client_for("alice")
    todo = ToDoFactory(owner="alice", description="x")
    doc = read(alice, "ToDo", todo.name)
    forged = {"owner": "bob", "creation": "2000-01-01 00:00:00", "modified_by": "bob", "idx": 99,
              "name": "other", "doctype": "Note", "docstatus": 0, "modified": doc["modified"], "priority": "High"}
    response = alice.post_json(SET_VALUE, {"doctype": "ToDo", "name": todo.name, "fieldname": forged})
    assert response.status_code == 200
    stored = ToDo.objects.get(name=todo.name)
    assert (stored.owner, stored.modified_by, stored.idx, stored.priority) == ("alice", "alice", 0, "High")
    assert stored.creation == todo.creation and not ToDo.objects.filter(name="other").exists()
    assert response.json() == {"message": read(alice, "ToDo", todo.name)}


def test_set_value_dict_with_a_stale_modified_is_refused():
    """frappe/client.py set_value (document save's check_if_latest): ``modified`` is the optimistic lock."""
    alice = client_for("alice")
    todo = ToDoFactory(owner="alice", description="x")
    response = alice.post_json(SET_VALUE, {"doctype": "ToDo", "name": todo.name,
                                           "fieldname": {"description": "late", "modified": "2000-01-01 00:00:00"}})
    assert response.status_code == 417
    assert response.json()["exc_type"] == "TimestampMismatchError"
    assert ToDo.objects.get(name=todo.name).description == "x"


def test_set_value_string_fieldname_still_refuses_standard_fields(admin_client):
    """frappe/client.py set_value: the standard-field refusal applies when ``fieldname`` is a string."""
    todo = ToDoFactory()
    for field in ("owner", "modified", "docstatus", "name", "parent"):
        refused = admin_client.post_json(SET_VALUE, {"doctype": "ToDo", "name": todo.name, "fieldname": field,
                                                     "value": "x"})
        assert refused.status_code == 417, field
        assert refused.json()["exception"] == "frappe.exceptions.ValidationError: Cannot edit standard fields"


def test_set_value_dict_on_another_users_document_is_refused():
    """frappe/client.py set_value: the document's write right (if_owner) still decides."""
    alice = client_for("alice")
    theirs = ToDoFactory(owner="bob", description="bob's")
    refused = alice.post_json(SET_VALUE, {"doctype": "ToDo", "name": theirs.name,
                                          "fieldname": {"description": "hijacked", "owner": "alice"}})
    assert refused.status_code == 403
    assert ToDo.objects.get(name=theirs.name).description == "bob's"


def test_document_resource_save_of_an_order_with_rows_keeps_standard_fields(admin_client, order):
    """frappe/client.py set_value: frappe-ui's save() sends the whole order, child rows with their own standard
    fields; the rows are updated in place and the parent's validate recomputes totals."""
    doc = read(admin_client, "Sales Order", order["name"])
    fieldname = {key: value for key, value in doc.items() if key not in ("doctype", "name")}
    fieldname["items"][0]["qty"] = 5
    fieldname["items"][1]["parent"] = "SO-forged"
    response = admin_client.post_json(SET_VALUE, {"doctype": "Sales Order", "name": order["name"],
                                                  "fieldname": fieldname})
    assert response.status_code == 200, response.content
    saved = read(admin_client, "Sales Order", order["name"])
    assert response.json() == {"message": saved}
    assert [(row["name"], row["qty"], row["amount"]) for row in saved["items"]] == [
        (doc["items"][0]["name"], 5, 50.0), (doc["items"][1]["name"], 1, 5.0)]
    assert saved["grand_total"] == 55.0


def test_set_value_on_a_child_row_saves_the_parent_and_answers_it(admin_client, order):
    """frappe/client.py set_value: a child row is updated through its parent, which is validated, saved (its
    ``modified`` moves) and answered."""
    before = read(admin_client, "Sales Order", order["name"])
    row = before["items"][0]
    response = admin_client.post_json(SET_VALUE, {"doctype": "Sales Order Item", "name": row["name"],
                                                  "fieldname": "qty", "value": 6})
    assert response.status_code == 200, response.content
    after = read(admin_client, "Sales Order", order["name"])
    assert response.json() == {"message": after}
    assert [(item["name"], item["qty"], item["amount"]) for item in after["items"]] == [
        (row["name"], 6, 60.0), (before["items"][1]["name"], 1, 5.0)]
    assert after["grand_total"] == 65.0 and after["modified"] != before["modified"]
    as_dict = admin_client.post_json(SET_VALUE, {"doctype": "Sales Order Item", "name": row["name"],
                                                 "fieldname": {"rate": 1, "parent": "elsewhere", "idx": 7}})
    assert as_dict.status_code == 200
    assert as_dict.json()["message"]["grand_total"] == 11.0
    assert SalesOrderItem.objects.get(name=row["name"]).parent_id == SalesOrder.objects.get(name=order["name"]).pk
    assert [item["idx"] for item in as_dict.json()["message"]["items"]] == [1, 2]


def test_set_value_on_a_child_row_needs_write_on_the_parent(admin_client, order):
    """frappe/client.py set_value: the parent's save is the write, so its rights apply; a missing row is 404 only
    for those who may write the parent."""
    row = read(admin_client, "Sales Order", order["name"])["items"][0]
    outsider = client_for("outsider")
    refused = outsider.post_json(SET_VALUE, {"doctype": "Sales Order Item", "name": row["name"],
                                             "fieldname": "qty", "value": 9})
    assert refused.status_code == 403
    probe = outsider.post_json(SET_VALUE, {"doctype": "Sales Order Item", "name": "missing", "fieldname": "qty",
                                           "value": 9})
    assert probe.status_code == 403
    missing = admin_client.post_json(SET_VALUE, {"doctype": "Sales Order Item", "name": "missing",
                                                 "fieldname": "qty", "value": 9})
    assert missing.status_code == 404
    seller = client_for("seller", "Sales User")
    SalesOrder.objects.filter(name=order["name"]).update(owner="Administrator")
    allowed = seller.post_json(SET_VALUE, {"doctype": "Sales Order Item", "name": row["name"], "fieldname": "qty",
                                           "value": 3})
    assert allowed.status_code == 200 and allowed.json()["message"]["grand_total"] == 35.0
    assert SalesOrderItem.objects.get(name=row["name"]).qty == 3
