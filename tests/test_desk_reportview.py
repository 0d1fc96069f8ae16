"""``frappe.desk.reportview.get`` / ``get_list`` / ``get_count`` (Frappe's list view calls, read from
frappe/desk/reportview.py), ``debug`` on ``frappe.client.get_list`` / ``get_count``, and the answer for an
unknown method beside registered ones (frappe/handler.py)."""

import dataclasses
import json

import pytest

from frappe_api import registry as registry_module
from frappe_api.models import DocPerm
from frappe_api.registry import registry

from .conftest import APIClient, client_for
from .factories import CustomerFactory

pytestmark = pytest.mark.django_db

RV = "/api/method/frappe.desk.reportview"


@pytest.fixture
def customers():
    CustomerFactory(customer_name="Alice Co", owner="sam", customer_group="Retail")
    CustomerFactory(customer_name="Bob Co", owner="bob", customer_group="Retail")
    CustomerFactory(customer_name="Carol Co", owner="sam", customer_group="Wholesale")


@pytest.fixture
def group_at_level_one():
    original = registry_module._code_options["Customer"]
    registry_module._code_options["Customer"] = dataclasses.replace(original, field_permlevels={"customer_group": 1})
    registry.invalidate()
    yield
    registry_module._code_options["Customer"] = original
    registry.invalidate()


def test_reportview_get_answers_keys_and_values(admin_client, customers):
    """frappe/desk/reportview.py get + compress: {keys, values, user_info}; start/page_length page it."""
    response = admin_client.get(f"{RV}.get", {"doctype": "Customer", "fields": '["name", "customer_group"]',
                                              "filters": '[["customer_group", "=", "Retail"]]',
                                              "order_by": "name asc", "start": 0, "page_length": 20})
    assert response.status_code == 200, response.content
    assert response.json() == {"message": {"keys": ["name", "customer_group"],
                                           "values": [["Alice Co", "Retail"], ["Bob Co", "Retail"]],
                                           "user_info": {}}}
    page = admin_client.post_json(f"{RV}.get", {"doctype": "Customer", "fields": ["name"], "order_by": "name asc",
                                                "start": 1, "page_length": 1})
    assert page.json() == {"message": {"keys": ["name"], "values": [["Bob Co"]], "user_info": {}}}


def test_reportview_get_answers_an_empty_list_when_nothing_matches(admin_client):
    """frappe/desk/reportview.py compress: no rows -> the empty data itself."""
    assert admin_client.get(f"{RV}.get", {"doctype": "Customer", "fields": '["name"]'}).json() == {"message": []}


def test_reportview_get_list_and_get_count(admin_client, customers):
    """frappe/desk/reportview.py get_list (dicts) and get_count (limit caps the count)."""
    rows = admin_client.get(f"{RV}.get_list", {"doctype": "Customer", "fields": '["name"]',
                                               "filters": '{"customer_group": "Retail"}', "order_by": "name desc"})
    assert rows.json() == {"message": [{"name": "Bob Co"}, {"name": "Alice Co"}]}
    assert admin_client.get(f"{RV}.get_count", {"doctype": "Customer"}).json() == {"message": 3}
    assert admin_client.get(f"{RV}.get_count", {"doctype": "Customer", "limit": 2}).json() == {"message": 2}
    assert admin_client.post_json(f"{RV}.get_count", {"doctype": "Customer",
                                                      "filters": [["customer_group", "=", "Wholesale"]]}
                                  ).json() == {"message": 1}


def test_reportview_shows_only_rows_the_caller_may_read(customers):
    """frappe/desk/reportview.py runs DatabaseQuery with the user's permissions (if_owner here)."""
    DocPerm.objects.filter(doctype__name="Customer", role="Sales User").update(if_owner=True)
    registry.invalidate()
    sam = client_for("sam", "Sales User")
    assert sam.get(f"{RV}.get", {"doctype": "Customer", "fields": '["name"]', "order_by": "name asc"}).json() == {
        "message": {"keys": ["name"], "values": [["Alice Co"], ["Carol Co"]], "user_info": {}}}
    assert sam.get(f"{RV}.get_list", {"doctype": "Customer", "filters": '{"name": "Bob Co"}'}).json() == {
        "message": []}
    assert sam.get(f"{RV}.get_count", {"doctype": "Customer"}).json() == {"message": 2}


def test_reportview_refuses_who_may_not_read_the_doctype(customers):
    """frappe/desk/reportview.py: DatabaseQuery refuses a DocType without read (403)."""
    nobody = client_for("nobody")
    for method in ("get", "get_list", "get_count"):
        refused = nobody.get(f"{RV}.{method}", {"doctype": "Customer", "fields": '["name"]'})
        assert refused.status_code == 403, method
        assert refused.json()["_error_message"] == "No permission for Customer"
    assert APIClient().get(f"{RV}.get_count", {"doctype": "Customer"}).status_code == 403


def test_reportview_leaves_out_fields_above_the_callers_permlevel(customers, group_at_level_one):
    """frappe/desk/reportview.py validate_fields removes a field of a permission level the user lacks."""
    sam = client_for("sam", "Sales User")
    body = sam.get(f"{RV}.get", {"doctype": "Customer", "fields": '["name", "customer_group"]',
                                 "order_by": "name asc", "page_length": 1}).json()
    assert body == {"message": {"keys": ["name"], "values": [["Alice Co"]], "user_info": {}}}
    assert sam.get(f"{RV}.get_list", {"doctype": "Customer", "fields": '["`tabCustomer`.`customer_group`"]',
                                      "order_by": "name asc", "page_length": 1}).json() == {
        "message": [{"name": "Alice Co"}]}
    filtered = sam.get(f"{RV}.get_count", {"doctype": "Customer", "filters": '{"customer_group": "Retail"}'})
    assert filtered.status_code == 417


def test_client_get_list_and_get_count_answer_debug_as_the_list_endpoints(admin_client, customers):
    """frappe/handler.py + frappe.client.get_list(debug=1): the SQL comes back in exc/_debug_messages, for
    the users allowed to see it only."""
    listed = admin_client.post_json("/api/method/frappe.client.get_list",
                                    {"doctype": "Customer", "fields": ["name"], "debug": 1}).json()
    assert len(listed["message"]) == 3
    lines = json.loads(listed["_debug_messages"])
    assert listed["exc"] == listed["_debug_messages"] and "demo_customer" in lines[0]
    assert lines[-1].startswith("Execution time: ")
    counted = admin_client.get("/api/method/frappe.client.get_count", {"doctype": "Customer", "debug": "true"}
                               ).json()
    assert counted["message"] == 3
    assert "COUNT" in json.loads(counted["_debug_messages"])[0].upper()
    reportview = admin_client.get(f"{RV}.get_count", {"doctype": "Customer", "debug": 1}).json()
    assert reportview["message"] == 3 and "_debug_messages" in reportview
    sales = client_for("sam", "Sales User")  # debug lines are for DEBUG_PERMISSION users only
    assert sorted(sales.get("/api/method/frappe.client.get_list", {"doctype": "Customer", "debug": 1}).json()) \
        == ["message"]
    assert sales.get("/api/method/frappe.client.get_count", {"doctype": "Customer", "debug": 1}).json() == {
        "message": 3}


def test_an_unknown_method_beside_registered_ones_fails_without_an_invented_module_error(admin_client):
    """frappe/handler.py: "Failed to get method for command ..." (417); the module exists here, so no
    "No module named" is claimed for it."""
    response = admin_client.post_json("/api/method/frappe.core.doctype.user.user.sign_up_twice", {"user": "x"})
    assert response.status_code == 417
    assert response.json()["exception"] == ("frappe.exceptions.ValidationError: Failed to get method for command "
                                            "frappe.core.doctype.user.user.sign_up_twice")
    handler = admin_client.get("/api/method/frappe.handler.nothing").json()["exception"]
    assert handler.endswith("Failed to get method for command frappe.handler.nothing")
    unknown = admin_client.get("/api/method/myapp.api.nothing").json()["exception"]
    assert unknown.endswith("Failed to get method for command myapp.api.nothing with No module named 'myapp.api'")
