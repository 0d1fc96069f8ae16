"""The query language through GET /api/resource: operators per field type, NULLs, joins, aggregates, refusals."""

import datetime
import json
from decimal import Decimal

import pytest
from django.utils import timezone

from example_project.demo.models import SalesOrder, SalesOrderItem, Territory

from .conftest import assert_error, server_messages
from .factories import CustomerFactory, NoteFactory, ToDoFactory, UserFactory

pytestmark = pytest.mark.django_db


def query(client, doctype, **params):
    encoded = {key: json.dumps(value) if not isinstance(value, str) else value for key, value in params.items()}
    response = client.get(f"/api/resource/{doctype}", encoded)
    assert response.status_code == 200, response.content
    return response.json()["data"]


def names(client, doctype, filters=None, **params):
    params.setdefault("limit_page_length", 0)
    params.setdefault("order_by", "name asc")
    if filters is not None:
        params["filters"] = filters
    return [row["name"] for row in query(client, doctype, **params)]


@pytest.fixture
def todos():
    today = timezone.localdate()
    bob = UserFactory(username="bob")
    return {
        "t1": ToDoFactory(name="t1", description="Buy milk", status="Open", priority="High", date=today,
                          reference_name="REF-1", allocated_to=bob),
        "t2": ToDoFactory(name="t2", description="Sell bread", status="Closed", priority="Low",
                          date=today - datetime.timedelta(days=40), reference_name=""),
        "t3": ToDoFactory(name="t3", description="Milk shake 100%", status="Cancelled", priority="Medium",
                          date=None, reference_name="REF-3"),
        "t4": ToDoFactory(name="t4", description="Call back", status="Open", priority="Low",
                          date=today + datetime.timedelta(days=3), reference_name=""),
    }


@pytest.mark.parametrize("filters, expected", [
    ([["status", "=", "Open"]], ["t1", "t4"]),
    ([["status", "!=", "Open"]], ["t2", "t3"]),
    ([["status", "in", ["Open", "Closed"]]], ["t1", "t2", "t4"]),
    ([["status", "in", "Open, Closed"]], ["t1", "t2", "t4"]),
    ([["status", "not in", ["Open"]]], ["t2", "t3"]),
    ([["status", "IN", ["Cancelled"]]], ["t3"]),
    ([["description", "like", "%MILK%"]], ["t1", "t3"]),
    ([["description", "not like", "%milk%"]], ["t2", "t4"]),
    ([["description", "like", "%100\\%"]], []),
    ([["description", "like", "Call%"]], ["t4"]),
    ([["reference_name", "=", ""]], ["t2", "t4"]),
    ([["reference_name", "is", "set"]], ["t1", "t3"]),
    ([["reference_name", "is", "not set"]], ["t2", "t4"]),
    ([["reference_name", "!=", "REF-1"]], ["t2", "t3", "t4"]),
    ({"priority": "Low", "status": "Open"}, ["t4"]),
    ({"priority": ["!=", "Low"]}, ["t1", "t3"]),
    ([{"status": "Open"}, {"priority": "High"}], ["t1"]),
    ([["ToDo", "status", "=", "Closed"]], ["t2"]),
    ([["status", "", "Closed"]], ["t2"]),
])
def test_text_and_select_operators(admin_client, todos, filters, expected):
    assert names(admin_client, "ToDo", filters) == expected


def test_date_operators_and_nulls(admin_client, todos):
    today = timezone.localdate()
    iso = today.isoformat()
    assert names(admin_client, "ToDo", [["date", "=", iso]]) == ["t1"]
    assert names(admin_client, "ToDo", [["date", ">", iso]]) == ["t4"]
    assert names(admin_client, "ToDo", [["date", ">=", iso]]) == ["t1", "t4"]
    assert names(admin_client, "ToDo", [["date", "<", iso]]) == ["t2"]
    assert names(admin_client, "ToDo", [["date", "<=", iso]]) == ["t1", "t2"]
    assert names(admin_client, "ToDo", [["date", "!=", iso]]) == ["t2", "t3", "t4"]
    assert names(admin_client, "ToDo", [["date", "is", "not set"]]) == ["t3"]
    assert names(admin_client, "ToDo", [["date", "is", "set"]]) == ["t1", "t2", "t4"]
    week_ago = (today - datetime.timedelta(days=7)).isoformat()
    assert names(admin_client, "ToDo", [["date", "between", [week_ago, iso]]]) == ["t1"]
    assert names(admin_client, "ToDo", [["date", "timespan", "today"]]) == ["t1"]
    assert names(admin_client, "ToDo", [["date", "timespan", "last 90 days"]]) == ["t1", "t2"]
    assert names(admin_client, "ToDo", [["date", "timespan", "next 7 days"]]) == ["t1", "t4"]
    assert names(admin_client, "ToDo", [["date", "next", "1 year"]]) == names(
        admin_client, "ToDo", [["date", "timespan", "next year"]])


def test_datetime_between_with_date_bounds_covers_whole_days(admin_client):
    day = datetime.datetime(2024, 1, 31, 23, 59, 59, tzinfo=datetime.timezone.utc)
    ToDoFactory(name="late", creation=day)
    ToDoFactory(name="next-day", creation=day + datetime.timedelta(seconds=2))
    assert names(admin_client, "ToDo", [["creation", "between", ["2024-01-01", "2024-01-31"]]]) == ["late"]
    assert names(admin_client, "ToDo", [["creation", ">", "2024-01-31 23:59:59"]]) == ["next-day"]
    assert names(admin_client, "ToDo", [["creation", "timespan", "today"]]) == []


def test_link_filters_compare_the_target_name_and_keep_nulls_for_negations(admin_client, todos):
    assert names(admin_client, "ToDo", [["allocated_to", "=", "bob"]]) == ["t1"]
    assert names(admin_client, "ToDo", [["allocated_to", "!=", "bob"]]) == ["t2", "t3", "t4"]
    assert names(admin_client, "ToDo", [["allocated_to", "is", "not set"]]) == ["t2", "t3", "t4"]
    assert names(admin_client, "ToDo", [["allocated_to", "not in", ["bob"]]]) == ["t2", "t3", "t4"]
    assert names(admin_client, "ToDo", [["allocated_to", "like", "b%"]]) == ["t1"]


def test_check_fields_compare_as_zero_and_one(admin_client):
    NoteFactory(name="n-public", public=True)
    NoteFactory(name="n-private", public=False)
    assert names(admin_client, "Note", [["public", "=", 1]]) == ["n-public"]
    assert names(admin_client, "Note", [["public", "=", "0"]]) == ["n-private"]
    assert names(admin_client, "Note", {"public": True}) == ["n-public"]
    assert query(admin_client, "Note", fields=["public"], order_by="public desc") == [{"public": 1}, {"public": 0}]


@pytest.fixture
def orders():
    asia = Territory.objects.create(name="Asia", territory_name="Asia", is_group=True)
    india = Territory.objects.create(name="India", territory_name="India", parent_territory=asia)
    Territory.objects.create(name="Mumbai", territory_name="Mumbai", parent_territory=india)
    europe = Territory.objects.create(name="Europe", territory_name="Europe", is_group=True)
    acme = CustomerFactory(customer_name="Acme", territory=india, customer_group="Commercial")
    zeta = CustomerFactory(customer_name="Zeta", territory=europe, customer_group="Individual")
    day = datetime.date(2024, 3, 1)
    so1 = SalesOrder.objects.create(name="SO-1", customer=acme, transaction_date=day, grand_total=Decimal("150.50"))
    so2 = SalesOrder.objects.create(name="SO-2", customer=zeta, transaction_date=day, grand_total=Decimal("20"),
                                    docstatus=1)
    SalesOrder.objects.create(name="SO-3", customer=acme, transaction_date=day, grand_total=Decimal("0"))
    for order, idx, code, qty in ((so1, 1, "Widget", 2), (so1, 2, "Widget", 5), (so1, 3, "Gadget", 1),
                                  (so2, 1, "Gadget", 7)):
        SalesOrderItem.objects.create(name=f"{order.name}-{idx}", parent=order, idx=idx, item_code=code, qty=qty,
                                      rate=Decimal("10"), amount=Decimal("10") * qty)
    return so1, so2


@pytest.mark.parametrize("filters, expected", [
    ([["grand_total", ">", 100]], ["SO-1"]),
    ([["grand_total", "<=", "20"]], ["SO-2", "SO-3"]),
    ([["grand_total", "=", 20.0]], ["SO-2"]),
    ([["grand_total", "between", [10, 200]]], ["SO-1", "SO-2"]),
    ([["grand_total", "in", [0, 20]]], ["SO-2", "SO-3"]),
    ([["grand_total", "not in", "0"]], ["SO-1", "SO-2"]),
    ([["docstatus", "=", 1]], ["SO-2"]),
    ([["docstatus", "!=", 1]], ["SO-1", "SO-3"]),
    ([["customer", "=", "Acme"]], ["SO-1", "SO-3"]),
])
def test_number_and_link_operators(admin_client, orders, filters, expected):
    assert names(admin_client, "Sales Order", filters) == expected


def test_child_table_filter_returns_each_parent_once(admin_client, orders):
    assert names(admin_client, "Sales Order", [["Sales Order Item", "item_code", "=", "Widget"]]) == ["SO-1"]
    assert names(admin_client, "Sales Order", [["Sales Order Item", "qty", ">", 1]]) == ["SO-1", "SO-2"]
    assert names(admin_client, "Sales Order", [["Sales Order Item", "item_code", "=", "Widget"],
                                               ["Sales Order Item", "qty", "=", 7]]) == []
    assert names(admin_client, "Sales Order", or_filters=[["Sales Order Item", "item_code", "=", "Widget"],
                                                          ["grand_total", "=", 0]]) == ["SO-1", "SO-3"]


def test_child_table_fields_give_one_row_per_child(admin_client, orders):
    rows = query(admin_client, "Sales Order", fields=["name", "items.item_code", "`tabSales Order Item`.qty"],
                 filters=[["name", "=", "SO-1"]], order_by="name asc")
    assert sorted((row["item_code"], row["qty"]) for row in rows) == [("Gadget", 1), ("Widget", 2), ("Widget", 5)]
    assert {row["name"] for row in rows} == {"SO-1"}


def test_link_field_columns_join_the_target(admin_client, orders):
    rows = query(admin_client, "Sales Order", fields=["name", "customer.customer_group", "customer.territory as t"],
                 order_by="name asc")
    assert rows == [{"name": "SO-1", "customer_group": "Commercial", "t": "India"},
                    {"name": "SO-2", "customer_group": "Individual", "t": "Europe"},
                    {"name": "SO-3", "customer_group": "Commercial", "t": "India"}]


def test_tree_operators(admin_client, orders):
    assert names(admin_client, "Customer", [["territory", "descendants of", "Asia"]]) == ["Acme"]
    assert names(admin_client, "Customer", [["territory", "descendants of (inclusive)", "Europe"]]) == ["Zeta"]
    assert names(admin_client, "Customer", [["territory", "not descendants of", "Asia"]]) == ["Zeta"]
    assert names(admin_client, "Territory", [["name", "descendants of", "Asia"]]) == ["India", "Mumbai"]
    assert names(admin_client, "Territory", [["name", "ancestors of", "Mumbai"]]) == ["Asia", "India"]
    assert names(admin_client, "Territory", [["name", "not ancestors of", "Mumbai"]]) == ["Europe", "Mumbai"]


def test_tree_operator_on_a_field_that_is_not_a_tree_is_417(admin_client, orders):
    response = admin_client.get("/api/resource/Customer", {"filters": '[["customer_group","descendants of","x"]]'})
    assert_error(response, 417, "ValidationError", "'descendants of' needs a Link to a tree DocType, not customer_group")


def test_aggregates_with_and_without_group_by(admin_client, orders):
    assert query(admin_client, "Sales Order", fields=["count(name) as n", "sum(grand_total) as total"]) == [
        {"n": 3, "total": 170.5}]
    assert query(admin_client, "Sales Order", fields=["count(name)"]) == [{"count(name)": 3}]
    grouped = query(admin_client, "Sales Order", fields=["customer", "count(name) as n", "max(grand_total) as top"],
                    group_by="customer", order_by="n desc")
    assert grouped == [{"customer": "Acme", "n": 2, "top": 150.5}, {"customer": "Zeta", "n": 1, "top": 20.0}]
    assert query(admin_client, "Sales Order", fields=["count(distinct customer) as c"]) == [{"c": 2}]
    assert query(admin_client, "Sales Order", fields=["avg(grand_total) as a", "min(grand_total) as m"],
                 filters=[["docstatus", "=", 0]]) == [{"a": 75.25, "m": 0.0}]
    assert query(admin_client, "Sales Order", fields=["customer"], group_by="customer", order_by="customer asc") == [
        {"customer": "Acme"}, {"customer": "Zeta"}]


def test_aggregate_with_ungrouped_field_is_417(admin_client, orders):
    response = admin_client.get("/api/resource/Sales Order", {"fields": '["customer", "count(name)"]'})
    assert response.status_code == 417
    assert server_messages(response.json())[0]["message"] == (
        "Field customer must be in group_by, or wrapped in an aggregate")


def test_expand_replaces_links_with_documents_in_one_extra_query(admin_client, orders, django_assert_num_queries):
    admin_client.get("/api/resource/Sales Order")
    with django_assert_num_queries(4):  # session, user, the rows, the expanded customers
        rows = query(admin_client, "Sales Order", expand=["customer"], order_by="name asc")
    assert [row["customer"]["name"] for row in rows] == ["Acme", "Zeta", "Acme"]
    assert rows[0]["customer"]["doctype"] == "Customer"
    assert rows[0]["customer"]["territory"] == "India"


def test_expand_of_a_field_that_is_not_a_link_is_417(admin_client, orders):
    response = admin_client.get("/api/resource/Sales Order", {"expand": '["grand_total"]'})
    assert response.status_code == 417
    assert response.json()["exc_type"] == "DataError"


def test_expand_links_on_a_single_document(admin_client, orders):
    data = admin_client.get("/api/resource/Sales Order/SO-1", {"expand_links": "True"}).json()["data"]
    assert data["customer"]["name"] == "Acme"
    assert data["customer"]["customer_group"] == "Commercial"
    plain = admin_client.get("/api/resource/Sales Order/SO-1").json()["data"]
    assert plain["customer"] == "Acme"


def test_a_list_with_a_child_table_filter_and_a_link_column_is_one_query_after_session_and_user(
        admin_client, orders, django_assert_num_queries):
    admin_client.get("/api/resource/Sales Order")
    with django_assert_num_queries(3) as captured:
        rows = query(admin_client, "Sales Order", filters=[["Sales Order Item", "item_code", "=", "Widget"]],
                     fields=["name", "customer.customer_group"], order_by="name asc")

    assert rows == [{"name": "SO-1", "customer_group": "Commercial"}]
    session, user, listing = (entry["sql"].lower() for entry in captured.captured_queries)
    assert "from `django_session`" in session.replace('"', "`") and "from `auth_user`" in user.replace('"', "`")
    # The rows, the joined customer and the child-table condition in that one statement (no query per row).
    assert all(table in listing for table in ("demo_salesorder", "demo_customer", "demo_salesorderitem"))


def test_debug_answers_the_sql_for_administrators_only(admin_client, user, user_client, todos):
    body = admin_client.get("/api/resource/ToDo", {"debug": "1", "limit": "1"}).json()
    lines = json.loads(body["exc"])
    assert "SELECT" in lines[0].upper() and "LIMIT 1" in lines[0].upper()
    assert lines[1].startswith("Execution time: ")
    assert body["_debug_messages"] == body["exc"]
    assert len(body["data"]) == 1
    plain = admin_client.get("/api/resource/ToDo", {"limit": "1"}).json()
    assert set(plain) == {"data"}
    ToDoFactory(name="own", owner=user.username)
    assert user_client.get("/api/resource/ToDo", {"debug": "1"}).json() == {"data": [{"name": "own"}]}


def test_or_filters_alone_and_combined(admin_client, todos):
    assert names(admin_client, "ToDo", or_filters=[["status", "=", "Closed"], ["priority", "=", "High"]]) == [
        "t1", "t2"]
    assert names(admin_client, "ToDo", {"status": "Open"},
                 or_filters={"priority": "High", "reference_name": ""}) == ["t1", "t4"]


@pytest.mark.parametrize("params, exc_type, message", [
    ({"filters": '[["date", "=", "31/02/2024"]]'}, "ValidationError", "Invalid value for Date: '31/02/2024'"),
    ({"filters": '[["date", "timespan", "someday"]]'}, "ValidationError", "'timespan' takes one of"),
    ({"filters": '[["status", "timespan", "today"]]'}, "ValidationError", "'timespan' needs a Date or Datetime"),
    ({"filters": '[["status", "is", "maybe"]]'}, "ValidationError", "'is' on status takes 'set' or 'not set'"),
    ({"filters": '[["status", "between", [1, 2, 3]]]'}, "ValidationError", "'between' on status needs"),
    ({"filters": '[["status", "in", %s]]' % json.dumps(["x"] * 1001)}, "ValidationError", "Too many values"),
    ({"filters": json.dumps([["status", "=", "x"]] * 51)}, "ValidationError", "Too many conditions"),
    ({"filters": '{"status": ["=", "a", "b"]}'}, "ValidationError", "Filter for status must be [operator, value]"),
    ({"filters": '[["idx", "in", 9223372036854775808000]]'}, "ValidationError", "Invalid value for Idx"),
    ({"filters": '[["status", "=", "Open"]]',
      "or_filters": '[["priority", "=", "High"], ["idx", "in", 9223372036854775808000]]'},
     "ValidationError", "Invalid value for Idx"),
    ({"fields": '["items.item_code"]'}, "DataError", "Field not permitted in query: items.item_code"),
    ({"fields": '["allocated_to.password"]'}, "DataError", "Field not permitted in query: password"),
    ({"fields": '["sleep(5)"]'}, "DataError", "Use of function sleep in field is restricted"),
    ({"fields": '["count(nonexistent)"]'}, "DataError", "Field not permitted in query: nonexistent"),
    ({"fields": '[{"a": 1}]'}, "ValidationError", "'fields' must be a list of strings"),
    ({"group_by": "status; drop"}, "ValidationError", "Illegal SQL Query"),
    ({"order_by": "`tabUser`.`username` desc"}, "DataError", "Field not permitted in query: `tabUser`.`username`"),
    ({"filters": '[["Sales Order Item", "qty", "=", 1]]'}, "DataError",
     "Field not permitted in query: Sales Order Item.qty"),
])
def test_refusals_are_417_naming_the_offending_item(admin_client, todos, params, exc_type, message):
    response = admin_client.get("/api/resource/ToDo", params)
    assert response.status_code == 417, response.content
    body = response.json()
    assert body["exc_type"] == exc_type
    assert server_messages(body)[0]["message"].startswith(message)


def test_link_column_needs_read_permission_on_the_target(admin_client, todos, monkeypatch):
    from frappe_api import gate

    monkeypatch.setattr(gate, "has_permission", lambda meta, ptype, user: meta.doctype != "User")
    response = admin_client.get("/api/resource/ToDo", {"fields": '["allocated_to.email"]'})
    assert response.status_code == 403
    assert response.json()["_error_message"] == "No permission for User"


@pytest.fixture
def timed_orders():
    customer = CustomerFactory(customer_name="Acme")
    day = datetime.date(2024, 3, 1)
    for name, at, discounts in (("T1", datetime.time(9, 30), (5.5, None)), ("T2", datetime.time(14, 0), (12.25,)),
                                ("T3", None, (None,))):
        order = SalesOrder.objects.create(name=name, customer=customer, transaction_date=day, delivery_time=at)
        for idx, discount in enumerate(discounts, start=1):
            SalesOrderItem.objects.create(name=f"{name}-{idx}", parent=order, idx=idx, item_code="A",
                                          discount_percentage=discount)


@pytest.mark.parametrize("filters, expected", [
    ([["delivery_time", "=", "09:30"]], ["T1"]),
    ([["delivery_time", "!=", "09:30:00"]], ["T2", "T3"]),
    ([["delivery_time", ">", "10:00"]], ["T2"]),
    ([["delivery_time", "<=", "14:00:00"]], ["T1", "T2"]),
    ([["delivery_time", "between", ["09:00", "10:00"]]], ["T1"]),
    ([["delivery_time", "in", ["09:30", "14:00"]]], ["T1", "T2"]),
    ([["delivery_time", "not in", ["09:30"]]], ["T2", "T3"]),
    ([["delivery_time", "is", "set"]], ["T1", "T2"]),
    ([["delivery_time", "is", "not set"]], ["T3"]),
])
def test_time_operators(admin_client, timed_orders, filters, expected):
    assert names(admin_client, "Sales Order", filters) == expected


@pytest.mark.parametrize("filters, expected", [
    ([["discount_percentage", "=", 5.5]], ["T1-1"]),
    ([["discount_percentage", "!=", "5.5"]], ["T1-2", "T2-1", "T3-1"]),
    ([["discount_percentage", ">", 6]], ["T2-1"]),
    ([["discount_percentage", "<", "6"]], ["T1-1"]),
    ([["discount_percentage", ">=", 5.5]], ["T1-1", "T2-1"]),
    ([["discount_percentage", "between", [5, 13]]], ["T1-1", "T2-1"]),
    ([["discount_percentage", "in", "5.5, 12.25"]], ["T1-1", "T2-1"]),
    ([["discount_percentage", "not in", [12.25]]], ["T1-1", "T1-2", "T3-1"]),
    ([["discount_percentage", "is", "not set"]], ["T1-2", "T3-1"]),
])
def test_float_operators(admin_client, timed_orders, filters, expected):
    assert names(admin_client, "Sales Order Item", filters, parent="Sales Order") == expected


def test_float_and_time_values_that_do_not_fit_are_417(admin_client, timed_orders):
    for doctype, filters, message in (
            ("Sales Order", '[["delivery_time", "=", "25:99"]]', "Invalid value for Delivery time: '25:99'"),
            ("Sales Order Item", '[["discount_percentage", ">", "lots"]]',
             "Invalid value for Discount percentage: 'lots'")):
        response = admin_client.get(f"/api/resource/{doctype}", {"filters": filters, "parent": "Sales Order"})
        assert_error(response, 417, "ValidationError", message)


def test_nulls_sort_last_descending_and_first_ascending_but_not_null_columns_get_no_nulls_clause(admin_client,
                                                                                                  todos):
    def listed(order_by):
        body = admin_client.get("/api/resource/ToDo", {"fields": '["name"]', "order_by": order_by, "debug": "1"})
        sql = json.loads(body.json()["exc"])[0].upper()
        return [row["name"] for row in body.json()["data"]], sql.partition("ORDER BY")[2]

    assert listed("date desc")[0] == ["t4", "t1", "t2", "t3"]
    assert listed("date asc")[0] == ["t3", "t2", "t1", "t4"]
    names, order = listed("status asc")  # NOT NULL: the database's plain order, which an index can serve
    assert names == ["t3", "t2", "t4", "t1"] and "NULL" not in order
    assert "NULL" not in listed("modified desc")[1]
