"""The read gate: no path reads a row or field of a DocType that its rules refuse the caller.

A matrix over every way one DocType's data reaches another's answer: ``link.field`` columns, ``expand``
(v2 lists), ``expand_links`` (v1 reads), ``get_value``, aggregates, ``group_by`` and ``order_by`` through a
Link, child rows through ``parent=`` and their counts. Each runs against a target DocType limited by
``if_owner`` and, again, by a ``permission_query``, with a field above the caller's permission level.
"""

import dataclasses
import datetime
import json

import pytest
from django.contrib.auth.models import Group
from django.db.models import Q

from example_project.demo.models import Customer, SalesOrder, SalesOrderItem
from frappe_api import registry as registry_module
from frappe_api.models import DocPerm
from frappe_api.registry import registry

from .conftest import client_for, server_messages
from .factories import CustomerFactory

pytestmark = pytest.mark.django_db


def change_options(doctype, **changes):
    """Re-register a code DocType with some options changed; answers the original options to restore."""
    original = registry_module._code_options[doctype]
    registry_module._code_options[doctype] = dataclasses.replace(original, **changes)
    registry.invalidate()
    return original


def restore_options(doctype, original):
    registry_module._code_options[doctype] = original
    registry.invalidate()


def limit_rows(doctype, role, mode, query=None):
    """Limit ``role``'s read of ``doctype`` to its own rows (``if_owner``) or to ``query`` (``permission_query``)."""
    if mode == "if_owner":
        DocPerm.objects.filter(doctype__name=doctype, role=role).update(if_owner=True)
        registry.invalidate()
        return None
    return change_options(doctype, permission_query=lambda user: query)


@pytest.fixture(params=["if_owner", "permission_query"])
def gated_customers(request):
    """alice (Sales User) may read Customer "Alice Co" but not "Bob Co", and never ``customer_group``;
    she may read both Sales Orders, SO-A (for Alice Co) and SO-B (for Bob Co)."""
    original = change_options("Customer", field_permlevels={"customer_group": 1})
    limit_rows("Customer", "Sales User", request.param, Q(customer_group="Public"))
    CustomerFactory(customer_name="Alice Co", owner="alice", customer_group="Public")
    CustomerFactory(customer_name="Bob Co", owner="bob", customer_group="Secret")
    day = datetime.date(2024, 1, 1)
    for name, customer in (("SO-A", "Alice Co"), ("SO-B", "Bob Co")):
        SalesOrder.objects.create(name=name, customer_id=customer, transaction_date=day, owner="alice")
    yield client_for("alice", "Sales User")
    restore_options("Customer", original)


def rows_of(response):
    assert response.status_code == 200, response.content
    return response.json()["data"]


def test_gate_a_link_column_is_null_on_target_rows_the_caller_may_not_read(gated_customers):
    rows = rows_of(gated_customers.get("/api/resource/Sales Order", {
        "fields": '["name", "customer.customer_name"]', "order_by": "name asc"}))
    assert rows == [{"name": "SO-A", "customer_name": "Alice Co"}, {"name": "SO-B", "customer_name": None}]
    v2 = rows_of(gated_customers.get("/api/v2/document/Sales Order", {
        "fields": '["name", "customer.customer_name"]', "order_by": "name asc"}))
    assert v2 == rows


def test_gate_a_link_column_above_the_callers_permlevel_is_unknown(gated_customers):
    for path in ("/api/resource/Sales Order", "/api/v2/document/Sales Order"):
        for params in ({"fields": '["customer.customer_group"]'}, {"order_by": "customer.customer_group asc"},
                       {"fields": '["count(name) as n"]', "group_by": "customer.customer_group"},
                       {"fields": '["max(customer.customer_group) as g"]'}):
            response = gated_customers.get(path, params)
            assert response.status_code == 417, (path, params, response.content)
    refused = gated_customers.get("/api/resource/Sales Order", {"fields": '["customer.customer_group"]'})
    assert server_messages(refused.json())[0]["message"] == "Field not permitted in query: customer_group"


def test_gate_aggregates_group_by_and_order_by_through_a_link_see_only_readable_rows(gated_customers):
    get = gated_customers.get
    assert rows_of(get("/api/resource/Sales Order", {"fields": '["max(customer.customer_name) as top"]'})) == [
        {"top": "Alice Co"}]
    assert rows_of(get("/api/resource/Sales Order", {"fields": '["count(customer.customer_name) as n"]'})) == [
        {"n": 1}]
    grouped = rows_of(get("/api/resource/Sales Order", {
        "fields": '["customer.customer_name", "count(name) as n"]', "group_by": "customer.customer_name",
        "order_by": "customer.customer_name desc"}))
    assert grouped == [{"customer_name": "Alice Co", "n": 1}, {"customer_name": None, "n": 1}]
    ordered = rows_of(get("/api/resource/Sales Order", {"order_by": "customer.customer_name desc"}))
    assert ordered == [{"name": "SO-A"}, {"name": "SO-B"}]


def test_gate_expand_replaces_only_readable_links_with_readable_fields(gated_customers):
    rows = rows_of(gated_customers.get("/api/v2/document/Sales Order", {
        "fields": '["name", "customer"]', "expand": '["customer"]', "order_by": "name asc"}))
    assert rows[1] == {"name": "SO-B", "customer": "Bob Co"}
    expanded = rows[0]["customer"]
    assert expanded["name"] == "Alice Co" and expanded["customer_name"] == "Alice Co"
    assert "customer_group" not in expanded


def test_gate_expand_links_on_a_single_read(gated_customers):
    theirs = rows_of(gated_customers.get("/api/resource/Sales Order/SO-B", {"expand_links": "1"}))
    assert theirs["customer"] == "Bob Co"
    mine = rows_of(gated_customers.get("/api/resource/Sales Order/SO-A", {"expand_links": "1"}))
    assert mine["customer"]["customer_name"] == "Alice Co" and "customer_group" not in mine["customer"]


def test_gate_get_value_through_a_link(gated_customers):
    def get_value(name, fieldname):
        response = gated_customers.get("/api/method/frappe.client.get_value", {
            "doctype": "Sales Order", "fieldname": fieldname, "filters": json.dumps({"name": name})})
        return response.status_code, response.json()

    assert get_value("SO-B", '["customer.customer_name"]') == (200, {"message": {"customer_name": None}})
    assert get_value("SO-A", '["customer.customer_name"]') == (200, {"message": {"customer_name": "Alice Co"}})
    assert get_value("SO-A", '["customer.customer_group"]')[0] == 417


def test_gate_the_target_doctype_itself(gated_customers):
    assert rows_of(gated_customers.get("/api/resource/Customer")) == [{"name": "Alice Co"}]
    count = gated_customers.get("/api/method/frappe.client.get_count", {"doctype": "Customer"})
    assert count.json() == {"message": 1}
    refused = gated_customers.get("/api/resource/Customer/Bob Co")
    assert refused.status_code == 403
    assert refused.json()["_error_message"] == (
        "You need the 'read' permission on <strong>Customer</strong> Bob Co to perform this action.")
    assert "customer_group" not in rows_of(gated_customers.get("/api/resource/Customer/Alice Co"))
    assert gated_customers.get("/api/v2/document/Customer/Bob Co").status_code == 403
    assert gated_customers.get("/api/method/frappe.client.get", {"doctype": "Customer",
                                                                 "name": "Bob Co"}).status_code == 403


@pytest.fixture(params=["if_owner", "permission_query"])
def gated_orders(request):
    """alice (Sales User) may read her own Sales Order SO-A but not bob's SO-B; each has two item rows."""
    CustomerFactory(customer_name="Acme")
    original = limit_rows("Sales Order", "Sales User", request.param, Q(owner="alice"))
    day = datetime.date(2024, 1, 1)
    for name, owner in (("SO-A", "alice"), ("SO-B", "bob")):
        order = SalesOrder.objects.create(name=name, customer_id="Acme", transaction_date=day, owner=owner)
        for idx in (1, 2):
            SalesOrderItem.objects.create(name=f"{name}-{idx}", parent=order, idx=idx, item_code=f"{owner}-item",
                                          qty=idx, rate=10, amount=10 * idx)
    yield client_for("alice", "Sales User")
    if original is not None:
        restore_options("Sales Order", original)


def test_gate_child_rows_only_under_parents_the_caller_may_read(gated_orders):
    params = {"parent": "Sales Order", "fields": '["name", "parent", "item_code"]', "order_by": "name asc"}
    expected = [{"name": "SO-A-1", "parent": "SO-A", "item_code": "alice-item"},
                {"name": "SO-A-2", "parent": "SO-A", "item_code": "alice-item"}]
    assert rows_of(gated_orders.get("/api/resource/Sales Order Item", params)) == expected
    assert rows_of(gated_orders.get("/api/v2/document/Sales Order Item", params)) == expected
    listed = gated_orders.get("/api/method/frappe.client.get_list", {"doctype": "Sales Order Item", **params})
    assert listed.json() == {"message": expected}
    filtered = gated_orders.get("/api/resource/Sales Order Item", {
        "parent": "Sales Order", "filters": '[["parent", "=", "SO-B"]]'})
    assert rows_of(filtered) == []


def test_gate_child_row_counts_and_aggregates_only_under_readable_parents(gated_orders):
    count = gated_orders.get("/api/method/frappe.client.get_count", {"doctype": "Sales Order Item",
                                                                     "parent": "Sales Order"})
    assert count.json() == {"message": 2}
    v2 = gated_orders.get("/api/v2/doctype/Sales Order Item/count", {"parent": "Sales Order"})
    assert v2.json() == {"data": 2}
    total = rows_of(gated_orders.get("/api/resource/Sales Order Item", {
        "parent": "Sales Order", "fields": '["sum(amount) as total"]'}))
    assert total == [{"total": 30}]


def test_gate_child_columns_and_filters_on_the_parent_list(gated_orders):
    rows = rows_of(gated_orders.get("/api/resource/Sales Order", {
        "fields": '["name", "items.item_code"]', "order_by": "name asc"}))
    assert {row["name"] for row in rows} == {"SO-A"}
    matched = rows_of(gated_orders.get("/api/resource/Sales Order", {
        "filters": '[["Sales Order Item", "item_code", "=", "bob-item"]]'}))
    assert matched == []
    document = rows_of(gated_orders.get("/api/resource/Sales Order/SO-A"))
    assert [row["name"] for row in document["items"]] == ["SO-A-1", "SO-A-2"]
    assert gated_orders.get("/api/resource/Sales Order/SO-B").status_code == 403


def test_gate_a_child_doctype_without_a_readable_parent_is_refused(gated_orders):
    refused = gated_orders.get("/api/resource/Sales Order Item")
    assert refused.status_code == 403
    assert refused.json()["_error_message"] == "Parent is required to get child table data"


def test_gate_superuser_reads_everything_in_one_query(admin_client, gated_orders, django_assert_num_queries):
    params = {"parent": "Sales Order", "fields": '["name"]'}
    admin_client.get("/api/resource/Sales Order Item", params)
    with django_assert_num_queries(3):  # session, user, the rows
        assert len(rows_of(admin_client.get("/api/resource/Sales Order Item", params))) == 4


def test_gate_if_owner_on_a_doctype_without_an_owner_column_denies_every_read_and_write():
    """Role (Django's Group) has no owner column: an ``if_owner`` right grants no row, on lists and reads alike."""
    Group.objects.get_or_create(name="Auditor")
    DocPerm.objects.filter(doctype__name="Role", role="All").update(if_owner=True, write=True)
    registry.invalidate()
    carol = client_for("carol")
    assert rows_of(carol.get("/api/resource/Role")) == []
    for path in ("/api/resource/Role/Auditor", "/api/v2/document/Role/Auditor"):
        response = carol.get(path)
        assert response.status_code == 403, (path, response.content)
    assert carol.get("/api/method/frappe.client.get_value", {
        "doctype": "Role", "fieldname": "name", "filters": '{"name": "Auditor"}'}).json() == {"message": {}}
    assert carol.put_json("/api/resource/Role/Auditor", {"name": "Auditor"}).status_code == 403


def test_gate_child_field_levels_follow_the_rights_held_on_the_parent():
    """A child DocType has no permission rows of its own: its field levels are judged by the parent's (Frappe)."""
    CustomerFactory(customer_name="Acme")
    original = change_options("Sales Order Item", field_permlevels={"rate": 1})
    try:
        order = SalesOrder.objects.create(name="SO-1", customer_id="Acme", transaction_date=datetime.date(2024, 1, 1))
        SalesOrderItem.objects.create(name="SO-1-1", parent=order, idx=1, item_code="A", qty=1, rate=7, amount=7)
        seller = client_for("seller", "Sales User")
        params = {"parent": "Sales Order", "fields": '["name", "rate"]'}
        assert "rate" not in rows_of(seller.get("/api/resource/Sales Order/SO-1"))["items"][0]
        assert seller.get("/api/resource/Sales Order Item", params).status_code == 417
        assert seller.get("/api/resource/Sales Order", {"fields": '["items.rate"]'}).status_code == 417
        DocPerm.objects.create(doctype=DocPerm.objects.get(doctype__name="Sales Order", role="Sales User").doctype,
                               role="Sales User", permlevel=1, read=True)
        registry.invalidate()
        assert rows_of(seller.get("/api/resource/Sales Order/SO-1"))["items"][0]["rate"] == 7
        assert rows_of(seller.get("/api/resource/Sales Order Item", params)) == [{"name": "SO-1-1", "rate": 7}]
        assert rows_of(seller.get("/api/resource/Sales Order", {"fields": '["items.rate"]'})) == [{"rate": 7}]
        count = seller.get("/api/method/frappe.client.get_count", {
            "doctype": "Sales Order Item", "parent": "Sales Order", "filters": '{"rate": 7}'})
        assert count.json() == {"message": 1}
    finally:
        restore_options("Sales Order Item", original)
