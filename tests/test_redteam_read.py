"""Red-team pass on the read side: each test is one way a caller read a row, a field or a name the read gate
refuses them, now closed (comments, tree operators, table fields above the caller's level, the host filter
backend, ``frappe.client.has_permission``)."""

import datetime
import json

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Q

from example_project.demo.models import SalesOrder, SalesOrderItem, Territory
from frappe_api.models import Comment, DocPerm, DocType, File
from frappe_api.registry import registry

from .conftest import APIClient
from .factories import CustomerFactory, NoteFactory, ToDoFactory
from .test_read_gate import change_options, client_for, restore_options

pytestmark = pytest.mark.django_db


def rows_of(response):
    assert response.status_code == 200, response.content
    return response.json()["data"]


# --- comments ----------------------------------------------------------------------------------------
@pytest.fixture
def comments_on_hidden_customers():
    """alice (Sales User) reads Customer "Alice Co" but, through a ``permission_query``, not "Bob Co"; each
    has one comment."""
    original = change_options("Customer", permission_query=lambda user: Q(customer_group="Public"))
    CustomerFactory(customer_name="Alice Co", customer_group="Public")
    CustomerFactory(customer_name="Bob Co", customer_group="Secret")
    Comment.objects.create(name="on-bob", reference_doctype="Customer", reference_name="Bob Co",
                           content="bob's credit is bad")
    Comment.objects.create(name="on-alice", reference_doctype="Customer", reference_name="Alice Co",
                           content="fine")
    yield client_for("alice", "Sales User")
    restore_options("Customer", original)


def test_comments_on_documents_a_permission_query_hides_are_hidden(comments_on_hidden_customers):
    alice = comments_on_hidden_customers
    fields = {"fields": '["name", "reference_name", "content"]'}
    expected = [{"name": "on-alice", "reference_name": "Alice Co", "content": "fine"}]
    assert rows_of(alice.get("/api/resource/Comment", fields)) == expected
    assert rows_of(alice.get("/api/v2/document/Comment", fields)) == expected
    assert alice.get("/api/method/frappe.client.get_count", {"doctype": "Comment"}).json() == {"message": 1}
    assert alice.get("/api/v2/doctype/Comment/count").json() == {"data": 1}
    assert rows_of(alice.get("/api/resource/Comment", {"filters": '{"content": ["like", "%credit%"]}'})) == []
    for path in ("/api/resource/Comment/on-bob", "/api/v2/document/Comment/on-bob"):
        assert alice.get(path).status_code == 403, path
    value = alice.get("/api/method/frappe.client.get_value", {
        "doctype": "Comment", "fieldname": "content", "filters": '{"name": "on-bob"}'})
    assert value.json() == {"message": {}}


# --- tree operators ----------------------------------------------------------------------------------
@pytest.fixture
def territory_tree():
    """World > Secret > Leaf; customer "Alice Co" sits in Leaf."""
    world = Territory.objects.create(name="World", territory_name="World")
    secret = Territory.objects.create(name="Secret", territory_name="Secret", parent_territory=world)
    Territory.objects.create(name="Leaf", territory_name="Leaf", parent_territory=secret)
    CustomerFactory(customer_name="Alice Co", territory_id="Leaf")


def test_tree_operators_walk_only_the_tree_rows_the_caller_may_read(territory_tree, admin_client):
    """The "Secret" territory (and so its parent) is hidden from alice: no tree filter may tell her where it
    hangs, neither on the tree itself nor through a Link to it."""
    under_world = {"filters": '[["territory", "descendants of", "World"]]'}
    above_leaf = {"filters": '[["name", "ancestors of", "Leaf"]]'}
    assert rows_of(admin_client.get("/api/resource/Customer", under_world)) == [{"name": "Alice Co"}]
    assert {row["name"] for row in rows_of(admin_client.get("/api/resource/Territory", above_leaf))} == {
        "World", "Secret"}
    original = change_options("Territory", permission_query=lambda user: ~Q(name="Secret"))
    try:
        alice = client_for("alice", "Sales User")
        assert rows_of(alice.get("/api/resource/Customer", under_world)) == []
        assert rows_of(alice.get("/api/v2/document/Customer", under_world)) == []
        assert alice.get("/api/method/frappe.client.get_count", {"doctype": "Customer", **under_world}).json() \
            == {"message": 0}
        assert rows_of(alice.get("/api/resource/Territory", above_leaf)) == []
        assert rows_of(alice.get("/api/resource/Territory", {
            "filters": '[["name", "descendants of", "World"]]'})) == []
        # what a readable row shows is still usable: Leaf's own parent is Secret
        assert rows_of(alice.get("/api/resource/Customer", {
            "filters": '[["territory", "descendants of", "Secret"]]'})) == [{"name": "Alice Co"}]
    finally:
        restore_options("Territory", original)


def test_tree_operator_through_a_link_to_a_doctype_the_caller_cannot_read_is_refused(territory_tree):
    DocPerm.objects.filter(doctype__name="Territory", role="Sales User").delete()
    registry.invalidate()
    alice = client_for("alice", "Sales User")
    for path in ("/api/resource/Customer", "/api/v2/document/Customer"):
        response = alice.get(path, {"filters": '[["territory", "descendants of", "World"]]'})
        assert response.status_code == 403, response.content
    refused = alice.get("/api/resource/Customer", {"filters": '[["territory", "descendants of", "World"]]'})
    assert refused.json()["_error_message"] == "No permission for Territory"


def test_tree_operator_over_a_parent_field_above_the_callers_level_is_417_not_500(territory_tree):
    original = change_options("Territory", field_permlevels={"parent_territory": 1})
    try:
        alice = client_for("alice", "Sales User")
        for path, params in (("/api/resource/Territory", '[["name", "descendants of", "World"]]'),
                             ("/api/resource/Customer", '[["territory", "descendants of", "World"]]')):
            response = alice.get(path, {"filters": params})
            assert response.status_code == 417, (path, response.content)
            assert "parent_territory" in response.json()["exception"]
    finally:
        restore_options("Territory", original)


# --- table fields above the caller's permission level --------------------------------------------------
@pytest.fixture
def hidden_items_table():
    """Sales Order's ``items`` table is at permission level 1, which alice (Sales User) does not hold."""
    CustomerFactory(customer_name="Acme")
    order = SalesOrder.objects.create(name="SO-A", customer_id="Acme", transaction_date=datetime.date(2024, 1, 1),
                                      owner="alice")
    SalesOrderItem.objects.create(name="SO-A-1", parent=order, idx=1, item_code="secret-item", qty=1, rate=10,
                                  amount=10)
    original = change_options("Sales Order", field_permlevels={"items": 1})
    yield client_for("alice", "Sales User")
    restore_options("Sales Order", original)


def test_a_table_field_above_the_callers_level_is_left_out_of_reads(hidden_items_table, admin_client):
    alice = hidden_items_table
    for path in ("/api/resource/Sales Order/SO-A", "/api/v2/document/Sales Order/SO-A",
                 "/api/v2/document/Sales Order/SO-A/copy"):
        document = rows_of(alice.get(path))
        assert "items" not in document and "secret-item" not in json.dumps(document), path
        assert rows_of(admin_client.get(path))["items"][0]["item_code"] == "secret-item"
    got = alice.get("/api/method/frappe.client.get", {"doctype": "Sales Order", "name": "SO-A"})
    assert "items" not in got.json()["message"]
    meta = rows_of(alice.get("/api/v2/doctype/Sales Order/meta"))
    assert "items" not in [field["fieldname"] for field in meta["fields"]]


def test_a_table_field_above_the_callers_level_is_unknown_to_lists_filters_and_child_reads(hidden_items_table):
    alice = hidden_items_table
    for params in ({"fields": '["items.item_code"]'}, {"fields": '["`tabSales Order Item`.item_code"]'},
                   {"order_by": "items.item_code asc"}, {"fields": '["count(items.item_code) as n"]'},
                   {"filters": '[["Sales Order Item", "item_code", "=", "secret-item"]]'},
                   {"or_filters": '[["Sales Order Item", "item_code", "like", "secret%"]]'}):
        for path in ("/api/resource/Sales Order", "/api/v2/document/Sales Order"):
            response = alice.get(path, params)
            assert response.status_code == 417, (path, params, response.content)
    count = alice.get("/api/method/frappe.client.get_count", {
        "doctype": "Sales Order", "filters": '[["Sales Order Item", "item_code", "=", "secret-item"]]'})
    assert count.status_code == 417
    child = {"parent": "Sales Order", "fields": '["item_code"]'}
    for response in (alice.get("/api/resource/Sales Order Item", child),
                     alice.get("/api/v2/document/Sales Order Item", child),
                     alice.get("/api/method/frappe.client.get_list", {"doctype": "Sales Order Item", **child}),
                     alice.get("/api/method/frappe.client.get_count", {"doctype": "Sales Order Item",
                                                                       "parent": "Sales Order"}),
                     alice.get("/api/v2/doctype/Sales Order Item/meta")):
        assert response.status_code == 403, response.content


# --- the host project's filter backend -------------------------------------------------------------------
@pytest.mark.urls("tests.urls")
def test_filter_backend_orders_through_a_link_only_as_the_caller_may_read(client):
    """A Guest on a host view may not order ToDos by their assignees' e-mail addresses (User is not theirs to
    read), nor filter on fields above their level."""
    zed = get_user_model().objects.create(username="zed", email="zed@example.com")
    ToDoFactory(name="t1", allocated_to=zed)
    ToDoFactory(name="t2")
    response = client.get("/host/todos", {"order_by": "allocated_to.email desc"})
    assert response.status_code == 403, response.content
    original = change_options("ToDo", field_permlevels={"priority": 1})
    try:
        for params in ({"filters": '{"priority": "Medium"}'}, {"order_by": "priority desc"}):
            assert client.get("/host/todos", params).status_code == 417, params
        assert client.get("/host/todos", {"filters": '{"status": "Open"}'}).status_code == 200
    finally:
        restore_options("ToDo", original)


# --- frappe.client.has_permission ----------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/api/method/frappe.client.has_permission",
                                  "/api/v2/method/frappe.client.has_permission"])
def test_has_permission_tells_a_caller_who_cannot_read_the_doctype_nothing_of_names(path):
    """A create-only role on Note: the answer is the DocType's, the same for a stored and a missing name."""
    NoteFactory(name="secret-note")
    DocPerm.objects.create(doctype=DocType.objects.get(name="Note"), role="Creator", permlevel=0, create=True,
                           read=False)
    registry.invalidate()
    creator = client_for("creator", "Creator")
    for perm_type in ("create", "write", "read"):
        answers = [creator.get(path, {"doctype": "Note", "docname": name, "perm_type": perm_type}).json()
                   for name in ("secret-note", "no-such-note")]
        assert answers[0] == answers[1], (perm_type, answers)


# --- private files -------------------------------------------------------------------------------------
def test_a_missing_private_file_is_refused_as_one_the_caller_may_not_read(settings, tmp_path):
    """Frappe answers 403 for both: a 404 would tell which private file names exist."""
    settings.MEDIA_ROOT = str(tmp_path)
    (tmp_path / "salary-bob.pdf").write_bytes(b"%PDF-1.4 secret")
    File.objects.create(name="f1", file_name="salary-bob.pdf", file_url="/private/files/salary-bob.pdf",
                        is_private=True, storage_path="salary-bob.pdf", owner="bob")
    mallory = client_for("mallory")
    for client in (mallory, APIClient()):
        answers = [client.get(f"/private/files/{name}") for name in ("salary-bob.pdf", "salary-nobody.pdf")]
        assert answers[0].status_code == answers[1].status_code == 403
        assert answers[0].json() == answers[1].json()
        downloads = [client.get("/api/method/frappe.handler.download_file", {"file_url": f"/private/files/{name}"})
                     for name in ("salary-bob.pdf", "salary-nobody.pdf")]
        assert downloads[0].status_code == downloads[1].status_code == 403
    bob = client_for("bob")
    assert bob.get("/private/files/salary-bob.pdf").status_code == 200
    assert mallory.get("/files/salary-nobody.pdf").status_code == 404  # public files: nothing to hide


def test_a_virtual_table_above_the_callers_level_is_left_out_of_reads():
    """User's ``roles`` (a virtual table) at permission level 1: a System Manager holding only level 0 does not
    see who holds which role."""
    original = change_options("User", field_permlevels={"roles": 1})
    try:
        manager = client_for("manager", "System Manager")
        for path in ("/api/resource/User/manager", "/api/v2/document/User/manager"):
            assert "roles" not in rows_of(manager.get(path)), path
        got = manager.post("/", {"cmd": "frappe.client.get", "doctype": "User", "name": "manager"})
        assert got.status_code == 200 and "roles" not in got.json()["message"]
    finally:
        restore_options("User", original)
