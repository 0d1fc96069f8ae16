"""API v2 lists with frappe-ui's child-table field spec ``fields: [{"items": ["item_code", "qty"]}]``: each row
carries the list of its child rows with those fields, only under parents the user may read."""

import json

import pytest

from frappe_api.models import DocPerm

from .conftest import APIClient, client_for
from .factories import CustomerFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v2/document/Sales Order"


def create_order(client, customer, items):
    body = {"customer": customer, "transaction_date": "2024-03-01", "items": items}
    response = client.post_json("/api/resource/Sales Order", body)
    assert response.status_code == 200, response.content
    return response.json()["data"]["name"]


@pytest.fixture
def orders(admin_client):
    CustomerFactory(customer_name="Acme")
    first = create_order(admin_client, "Acme", [{"item_code": "Widget", "qty": 2, "rate": 10},
                                                {"item_code": "Gadget", "qty": 1, "rate": 5}])
    second = create_order(admin_client, "Acme", [])
    return first, second


def test_v2_list_answers_child_rows_per_parent_for_a_table_field_spec(admin_client, orders):
    """frappe/api/v2.py document_list with frappe/database/query.py's child-table field: a list of child dicts
    (ordered by idx) under each parent row."""
    first, second = orders
    fields = json.dumps(["name", {"items": ["item_code", "qty"]}])
    response = admin_client.get(LIST, {"fields": fields, "order_by": "name asc"})
    assert response.status_code == 200, response.content
    assert response.json() == {"data": [
        {"name": first, "items": [{"item_code": "Widget", "qty": 2}, {"item_code": "Gadget", "qty": 1}]},
        {"name": second, "items": []},
    ], "has_next_page": False}


def test_child_field_spec_works_on_v1_and_get_list_too(admin_client, orders):
    """frappe/model/db_query.py (get_list): the same spec on /api/resource and frappe.client.get_list."""
    first, _ = orders
    fields = json.dumps(["name", {"items": ["item_code"]}])
    v1 = admin_client.get("/api/resource/Sales Order", {"fields": fields, "filters": json.dumps({"name": first})})
    assert v1.json() == {"data": [{"name": first, "items": [{"item_code": "Widget"}, {"item_code": "Gadget"}]}]}
    rpc = admin_client.post_json("/api/method/frappe.client.get_list",
                                 {"doctype": "Sales Order", "fields": ["name", {"items": ["qty"]}],
                                  "filters": {"name": first}, "as_dict": 0})
    assert rpc.json() == {"message": [[first, [{"qty": 2}, {"qty": 1}]]]}


def test_child_field_spec_refuses_unknown_tables_fields_and_grouping(admin_client, orders):
    """frappe/database/query.py: a child spec names a table field of the DocType and that child's fields."""
    for fields, message in (
            ([{"nope": ["item_code"]}], "Field not permitted in query: nope"),
            ([{"items": ["secret_column"]}], "Field not permitted in query: secret_column"),
            ([{"customer": ["name"]}], "Field not permitted in query: customer"),
            ([{"items": []}], "'fields' must be a list of strings or {table field: [field names]}"),
            ([{"items": [1]}], "'fields' must be a list of strings or {table field: [field names]}"),
            (["count(name) as n", {"items": ["qty"]}],
             "Child table fields cannot be combined with group_by or aggregates")):
        response = admin_client.get(LIST, {"fields": json.dumps(fields)})
        assert response.status_code == 417, fields
        assert response.json()["errors"][0]["message"] == message


def test_child_rows_only_under_parents_the_user_may_read():
    """frappe/api/v2.py document_list: parent rows are the read gate's (if_owner here), and so are their rows."""
    CustomerFactory(customer_name="Acme")
    seller, other = client_for("seller", "Sales User"), client_for("other", "Sales User")
    DocPerm.objects.filter(doctype__name="Sales Order", role="Sales User").update(if_owner=1)
    mine = create_order(seller, "Acme", [{"item_code": "Mine", "qty": 1, "rate": 1}])
    create_order(other, "Acme", [{"item_code": "Theirs", "qty": 9, "rate": 1}])
    response = seller.get(LIST, {"fields": json.dumps(["name", {"items": ["item_code"]}])})
    assert response.json() == {"data": [{"name": mine, "items": [{"item_code": "Mine"}]}], "has_next_page": False}
    assert "Theirs" not in response.content.decode()
    guest = APIClient().get(LIST, {"fields": json.dumps([{"items": ["item_code"]}])})
    assert guest.status_code == 403
