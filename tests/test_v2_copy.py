"""``GET /api/v2/document/{doctype}/{name}/copy``: what Frappe's ``copy_doc`` leaves out, and posting the copy back."""

import pytest

from example_project.demo.models import SalesOrder

from .factories import CustomerFactory

pytestmark = pytest.mark.django_db

D = "/api/v2/document"
LEFT_OUT = {"name", "owner", "creation", "modified", "modified_by", "docstatus", "amended_from"}


@pytest.fixture
def submitted_order(admin_client):
    CustomerFactory(customer_name="Acme")
    order = admin_client.post_json(f"{D}/Sales Order", {"customer": "Acme", "transaction_date": "2024-01-01",
                                                        "items": [{"item_code": "A", "qty": 2, "rate": 1.5}]})
    name = order.json()["data"]["name"]
    assert admin_client.put_json(f"{D}/Sales Order/{name}", {"docstatus": 1}).status_code == 200
    return name


def test_copy_leaves_out_name_owner_timestamps_and_docstatus_on_parent_and_rows(admin_client, submitted_order):
    response = admin_client.get(f"{D}/Sales Order/{submitted_order}/copy")
    assert response.status_code == 200
    copy = response.json()["data"]
    assert not LEFT_OUT & set(copy)
    assert (copy["doctype"], copy["customer"], copy["grand_total"]) == ("Sales Order", "Acme", 3.0)
    [row] = copy["items"]
    assert not (LEFT_OUT | {"parent"}) & set(row)
    assert (row["item_code"], row["qty"], row["rate"], row["idx"]) == ("A", 2, 1.5, 1)


def test_a_copy_posted_back_is_a_new_draft(admin_client, submitted_order):
    copy = admin_client.get(f"{D}/Sales Order/{submitted_order}/copy").json()["data"]
    created = admin_client.post_json(f"{D}/Sales Order", copy)
    assert created.status_code == 200, created.content
    data = created.json()["data"]
    assert data["name"] != submitted_order and data["docstatus"] == 0
    assert [row["docstatus"] for row in data["items"]] == [0]
    assert SalesOrder.objects.count() == 2
