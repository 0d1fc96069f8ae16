"""JSON numbers on decimal fields: rounded to the field's precision as Frappe's ``flt`` does, on every write path."""

import json
from decimal import Decimal

import pytest
from django.db import connection

import frappe_api
from example_project.demo.models import SalesOrder, SalesOrderItem
from frappe_api.registry import registry

from .conftest import server_messages
from .factories import CustomerFactory

pytestmark = pytest.mark.django_db

SO = "/api/resource/Sales Order"


@pytest.fixture
def customer():
    return CustomerFactory(customer_name="Acme")


def order(customer, rate, qty=1):
    return {"customer": customer.name, "transaction_date": "2024-03-01",
            "items": [{"item_code": "Widget", "qty": qty, "rate": rate}]}


def stored_rate(name):
    return SalesOrderItem.objects.get(parent__name=name).rate


@pytest.mark.parametrize(("sent", "stored"), [
    (19.99, Decimal("19.99")),
    (0.1, Decimal("0.10")),
    (1e-7, Decimal("0.00")),
    (2.675, Decimal("2.68")),
    (2.665, Decimal("2.67")),
    (-2.675, Decimal("-2.67")),
    (-0.001, Decimal("0.00")),
    ("19.99", Decimal("19.99")),
    ("2.675", Decimal("2.68")),
    (7, Decimal("7.00")),
    (1e15, Decimal("1000000000000000.00")),
])
def test_json_numbers_on_a_currency_field_are_rounded_to_its_precision(admin_client, customer, sent, stored):
    response = admin_client.post_json(SO, order(customer, sent))
    assert response.status_code == 200, response.content
    data = response.json()["data"]
    assert stored_rate(data["name"]) == stored
    assert data["items"][0]["rate"] == float(stored)
    assert data["grand_total"] == float(stored)


@pytest.mark.parametrize(("sent", "message"), [
    (1e20, "Rate: Ensure that there are no more than 18 digits in total."),
    ("1e20", "Rate: Ensure that there are no more than 18 digits in total."),
    (123456789012345678.0, "Rate: Ensure that there are no more than 16 digits before the decimal point."),
    ("9999999999999999.995", "Rate: Ensure that there are no more than 18 digits in total."),
    ("1e999999999", "Rate: Ensure that there are no more than 18 digits in total."),
    ("-1e999999999", "Rate: Ensure that there are no more than 18 digits in total."),
])
def test_a_number_beyond_max_digits_is_refused_before_any_controller_computes(admin_client, customer, sent, message):
    response = admin_client.post_json(SO, order(customer, sent))
    assert response.status_code == 417
    body = response.json()
    assert body["exc_type"] == "ValidationError"
    assert server_messages(body)[0]["message"] == message
    assert not SalesOrder.objects.exists()


@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite keeps decimals as REAL: 18 digits do not read back")
@pytest.mark.parametrize("sent", ["9999999999999999.99", "-9999999999999999.99", "9999999999999999.994"])
def test_the_largest_number_the_field_holds_is_stored(admin_client, customer, sent):
    response = admin_client.post_json(SO, order(customer, sent))
    assert response.status_code == 200, response.content
    assert abs(stored_rate(response.json()["data"]["name"])) == Decimal("9999999999999999.99")


@pytest.mark.parametrize("sent", ["abc", "NaN", "Infinity", [1], {"a": 1}])
def test_a_value_that_is_no_number_is_refused(admin_client, customer, sent):
    response = admin_client.post_json(SO, order(customer, sent))
    assert response.status_code == 417
    assert server_messages(response.json())[0]["message"] == f"Invalid value for Rate: {sent!r}"
    assert not SalesOrder.objects.exists()


def test_update_put_rounds_child_rows(admin_client, customer):
    name = admin_client.post_json(SO, order(customer, 1)).json()["data"]["name"]
    response = admin_client.put_json(f"{SO}/{name}", {"items": [{"item_code": "Widget", "qty": 3, "rate": 0.1}]})
    assert response.status_code == 200, response.content
    assert response.json()["data"]["grand_total"] == 0.3
    assert stored_rate(name) == Decimal("0.10")


def test_v2_insert_patch_and_bulk_round(admin_client, customer):
    created = admin_client.post_json("/api/v2/document/Sales Order", order(customer, 19.99))
    assert created.status_code == 200, created.content
    name = created.json()["data"]["name"]
    assert stored_rate(name) == Decimal("19.99")
    patched = admin_client.patch(f"/api/v2/document/Sales Order/{name}",
                                 json.dumps({"items": [{"item_code": "Widget", "qty": 1, "rate": 2.675}]}),
                                 content_type="application/json")
    assert patched.status_code == 200, patched.content
    assert stored_rate(name) == Decimal("2.68")
    bulk = admin_client.post_json("/api/v2/document/Sales Order/bulk_update", {"docs": [
        {"name": name, "items": [{"item_code": "Widget", "qty": 1, "rate": 0.1}]}]})
    assert bulk.json()["data"]["updated"] == [name]
    assert stored_rate(name) == Decimal("0.10")
    inserted = admin_client.post_json("/api/v2/document/Sales Order/bulk_insert", {"docs": [order(customer, 19.99)]})
    assert inserted.json()["data"]["success_count"] == 1
    assert SalesOrderItem.objects.filter(rate=Decimal("19.99")).count() == 1


def test_rpc_insert_save_bulk_update_and_child_insert_round(admin_client, customer):
    rpc = "/api/method/frappe.client"
    inserted = admin_client.post_json(f"{rpc}.insert", {"doc": {"doctype": "Sales Order", **order(customer, 19.99)}})
    assert inserted.status_code == 200, inserted.content
    doc = inserted.json()["message"]
    assert stored_rate(doc["name"]) == Decimal("19.99")
    doc["items"][0]["rate"] = 0.1
    saved = admin_client.post_json(f"{rpc}.save", {"doc": doc})
    assert saved.status_code == 200, saved.content
    assert stored_rate(doc["name"]) == Decimal("0.10")
    bulk = admin_client.post_json(f"{rpc}.bulk_update", {"docs": json.dumps([
        {"doctype": "Sales Order", "docname": doc["name"], "items": [{"item_code": "Widget", "rate": 2.675}]}])})
    assert bulk.json()["message"] == {"failed_docs": []}
    assert stored_rate(doc["name"]) == Decimal("2.68")
    row = admin_client.post_json(f"{rpc}.insert", {"doc": {
        "doctype": "Sales Order Item", "parenttype": "Sales Order", "parent": doc["name"], "parentfield": "items",
        "item_code": "Gadget", "qty": 1, "rate": 0.1}})
    assert row.status_code == 200, row.content
    assert sorted(SalesOrderItem.objects.filter(parent__name=doc["name"]).values_list("rate", flat=True)) == \
        [Decimal("0.10"), Decimal("2.68")]


def test_legacy_cmd_insert_rounds(admin_client, customer):
    doc = json.dumps({"doctype": "Sales Order", **order(customer, 19.99)})
    response = admin_client.post("/", {"cmd": "frappe.client.insert", "doc": doc})
    assert response.status_code == 200, response.content
    assert stored_rate(response.json()["message"]["name"]) == Decimal("19.99")


@pytest.fixture
def open_order():
    """Sales Order registered again with a writable grand total, to resend it after submission."""
    frappe_api.register(SalesOrder, doctype="Open Order", naming_rule="OO-.#####", is_submittable=True,
                        allow_on_submit_fields=["remarks"])
    registry.invalidate()
    yield "/api/resource/Open Order"
    frappe_api.unregister("Open Order")


def test_resending_a_submitted_total_as_read_is_no_change(admin_client, customer, open_order):
    data = admin_client.post_json(open_order, order(customer, 19.99)).json()["data"]
    submitted = admin_client.put_json(f"{open_order}/{data['name']}", {"docstatus": 1}).json()["data"]
    assert submitted["grand_total"] == 19.99
    response = admin_client.put_json(f"{open_order}/{data['name']}",
                                     {"grand_total": submitted["grand_total"], "remarks": "paid"})
    assert response.status_code == 200, response.content
    assert response.json()["data"]["remarks"] == "paid"
    changed = admin_client.put_json(f"{open_order}/{data['name']}", {"grand_total": 19.98})
    assert changed.status_code == 417
    assert server_messages(changed.json())[0]["message"] == "Not allowed to change Grand total after submission"


def test_filters_compare_a_json_float_with_the_number_written(admin_client, customer):
    admin_client.post_json(SO, order(customer, 19.99))
    response = admin_client.get("/api/resource/Sales Order Item", {
        "filters": json.dumps([["rate", "=", 19.99]]), "fields": '["rate"]', "parent": "Sales Order"})
    assert response.status_code == 200, response.content
    assert response.json()["data"] == [{"rate": 19.99}]
