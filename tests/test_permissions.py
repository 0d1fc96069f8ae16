"""Role permissions: every right, if_owner across endpoints, Guest, deny by default, 403/404, field levels."""

import json

import pytest
from django.contrib.auth.models import Group

import frappe_api
from example_project.demo.models import Customer, Note, SalesOrder, ToDo
from frappe_api.models import DocPerm, DocType
from frappe_api.registry import registry

from .conftest import client_for, server_messages
from .factories import CustomerFactory, NoteFactory, ToDoFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager():
    return client_for("manager", "System Manager")


@pytest.fixture
def sales_user():
    return client_for("seller", "Sales User")


def test_system_manager_group_exists_after_migrate():
    assert Group.objects.filter(name="System Manager").exists()


def test_system_manager_who_is_not_superuser_has_the_declared_rights(manager):
    response = manager.post_json("/api/resource/Customer", {"customer_name": "Acme"})
    assert response.status_code == 200
    assert manager.get("/api/resource/Customer").json() == {"data": [{"name": "Acme"}]}
    assert manager.put_json("/api/resource/Customer/Acme", {"territory": None}).status_code == 200
    assert manager.delete("/api/resource/Customer/Acme").status_code == 202


def test_a_role_gets_exactly_its_rights(sales_user):
    CustomerFactory(customer_name="Acme")
    assert sales_user.get("/api/resource/Customer/Acme").status_code == 200
    assert sales_user.put_json("/api/resource/Customer/Acme", {"customer_group": "Retail"}).status_code == 200
    refused = sales_user.delete("/api/resource/Customer/Acme")
    assert refused.status_code == 403
    assert refused.json()["_error_message"] == "No permission for Customer"
    assert Customer.objects.filter(name="Acme").exists()
    assert sales_user.get("/api/resource/Territory").status_code == 200
    assert sales_user.post_json("/api/resource/Territory", {"territory_name": "X"}).status_code == 403
    assert sales_user.get("/api/resource/User").status_code == 403


def test_submit_cancel_and_amend_need_their_rights(sales_user, monkeypatch):
    CustomerFactory(customer_name="Acme")
    body = {"customer": "Acme", "transaction_date": "2024-01-01", "items": [{"item_code": "A", "qty": 1, "rate": 1}]}
    name = sales_user.post_json("/api/resource/Sales Order", body).json()["data"]["name"]
    row = DocPerm.objects.get(doctype__name="Sales Order", role="Sales User")
    row.submit = False
    row.save()
    refused = sales_user.put_json(f"/api/resource/Sales Order/{name}", {"docstatus": 1})
    assert refused.status_code == 403
    assert SalesOrder.objects.get(name=name).docstatus == 0
    row.submit = True
    row.save()
    assert sales_user.put_json(f"/api/resource/Sales Order/{name}", {"docstatus": 1}).status_code == 200


def test_deny_by_default_a_doctype_without_rows(manager, admin_client):
    frappe_api.register(Note, doctype="Private Note")
    try:
        registry.invalidate()
        assert manager.get("/api/resource/Private Note").status_code == 403
        assert admin_client.get("/api/resource/Private Note").status_code == 200
    finally:
        frappe_api.unregister("Private Note")


def test_if_owner_limits_every_endpoint_to_the_users_own_documents():
    alice, bob = client_for("alice"), client_for("bob")
    mine = alice.post_json("/api/resource/ToDo", {"description": "Alice's"}).json()["data"]["name"]
    theirs = bob.post_json("/api/resource/ToDo", {"description": "Bob's"}).json()["data"]["name"]
    assert alice.get("/api/resource/ToDo").json() == {"data": [{"name": mine}]}
    assert alice.get("/api/resource/ToDo", {"filters": json.dumps([["name", "=", theirs]])}).json() == {"data": []}
    assert alice.get("/api/resource/ToDo", {"fields": '["count(name) as n"]'}).json() == {"data": [{"n": 1}]}
    read = alice.get(f"/api/resource/ToDo/{theirs}")
    assert read.status_code == 403
    assert read.json()["_error_message"] == (
        f"You need the 'read' permission on <strong>ToDo</strong> {theirs} to perform this action.")
    assert alice.put_json(f"/api/resource/ToDo/{theirs}", {"description": "hijacked"}).status_code == 403
    assert alice.delete(f"/api/resource/ToDo/{theirs}").status_code == 403
    assert alice.get(f"/api/resource/ToDo/{theirs}", {"run_method": "summary"}).status_code == 403
    assert alice.post_json(f"/api/resource/ToDo/{theirs}?run_method=close", {}).status_code == 403
    assert ToDo.objects.get(name=theirs).description == "Bob's"
    assert alice.get(f"/api/resource/ToDo/{mine}").status_code == 200
    assert alice.put_json(f"/api/resource/ToDo/{mine}", {"description": "edited"}).status_code == 200
    assert alice.delete(f"/api/resource/ToDo/{mine}").status_code == 202


def test_missing_document_is_404_for_readers_and_403_for_others(user_client, guest_client, manager):
    assert manager.get("/api/resource/Customer/missing").status_code == 404
    assert user_client.get("/api/resource/Customer/missing").status_code == 403
    assert user_client.get("/api/resource/ToDo/missing").status_code == 404  # All may read their own ToDos
    assert guest_client.get("/api/resource/ToDo/missing").status_code == 403


def test_guest_gets_nothing_unless_a_guest_row_says_so(guest_client):
    NoteFactory(name="public-note", owner="Guest")
    assert guest_client.get("/api/resource/Note").status_code == 403
    DocPerm.objects.create(doctype=DocType.objects.get(name="Note"), role="Guest", read=True)
    assert guest_client.get("/api/resource/Note").json() == {"data": [{"name": "public-note"}]}
    assert guest_client.post_json("/api/resource/Note", {"title": "x"}).status_code == 403


def test_admin_edits_of_rows_apply_at_the_next_request(admin_client):
    staff = client_for("staff", "Support")
    CustomerFactory(customer_name="Acme")
    assert staff.get("/api/resource/Customer").status_code == 403
    doctype = DocType.objects.get(name="Customer")
    form = admin_client.get(f"/admin/frappe_api/doctype/{doctype.pk}/change/")
    assert form.status_code == 200 and b"permissions-TOTAL_FORMS" in form.content
    DocPerm.objects.create(doctype=doctype, role="Support", read=True)
    assert staff.get("/api/resource/Customer").json() == {"data": [{"name": "Acme"}]}


def test_field_permlevel_hides_fields_from_reads_lists_filters_and_writes(manager, admin_client):
    frappe_api.register(Customer, doctype="Graded Customer", naming_rule="field:customer_name",
                        field_permlevels={"customer_group": 1},
                        permissions=[{"role": "System Manager", "read": 1, "write": 1, "create": 1},
                                     {"role": "Auditor", "permlevel": 1, "read": 1}])
    try:
        registry.invalidate()
        CustomerFactory(customer_name="Acme", customer_group="Secret")
        document = manager.get("/api/resource/Graded Customer/Acme").json()["data"]
        assert "customer_group" not in document and document["customer_name"] == "Acme"
        rows = manager.get("/api/resource/Graded Customer", {"fields": '["*"]'}).json()["data"]
        assert "customer_group" not in rows[0]
        for params in ({"fields": '["customer_group"]'}, {"filters": '{"customer_group": "Secret"}'},
                       {"order_by": "customer_group asc"}):
            response = manager.get("/api/resource/Graded Customer", params)
            assert response.status_code == 417, params
            assert server_messages(response.json())[0]["message"] == "Field not permitted in query: customer_group"
        refused = manager.put_json("/api/resource/Graded Customer/Acme", {"customer_group": "Public"})
        assert refused.status_code == 417
        assert Customer.objects.get(name="Acme").customer_group == "Secret"
        auditor = client_for("auditor", "System Manager", "Auditor")
        assert auditor.get("/api/resource/Graded Customer/Acme").json()["data"]["customer_group"] == "Secret"
        ignored = auditor.put_json("/api/resource/Graded Customer/Acme", {"customer_group": "Changed"})
        assert ignored.status_code == 200 and ignored.json()["data"]["customer_group"] == "Secret"
        assert admin_client.get("/api/resource/Graded Customer/Acme").json()["data"]["customer_group"] == "Secret"
    finally:
        frappe_api.unregister("Graded Customer")


def test_permission_rows_add_one_query_not_one_per_row(django_assert_num_queries):
    alice = client_for("alice")
    for index in range(15):
        ToDoFactory(owner="alice", name=f"own-{index}")
    alice.get("/api/resource/ToDo")
    with django_assert_num_queries(4):  # session, user, the user's roles, the rows
        assert len(alice.get("/api/resource/ToDo").json()["data"]) == 15


def test_plain_users_get_403_on_note_and_only_their_own_todos(user, user_client):
    NoteFactory(name="someone-elses-note", owner="someone")
    ToDoFactory(name="someone-elses-todo", owner="someone")
    ToDoFactory(name="own-todo", owner=user.username)
    listing = user_client.get("/api/resource/Note")
    assert listing.status_code == 403 and listing.json()["_error_message"] == "No permission for Note"
    assert user_client.post_json("/api/resource/Note", {"title": "x"}).status_code == 403
    assert user_client.get("/api/resource/Note/missing").status_code == 403
    assert user_client.get("/api/resource/ToDo").json() == {"data": [{"name": "own-todo"}]}
    assert user_client.get("/api/resource/ToDo/someone-elses-todo").status_code == 403
    assert Note.objects.count() == 1


def test_roles_are_a_doctype_and_a_users_child_table(manager):
    Group.objects.get_or_create(name="Sales User")
    created = manager.post_json("/api/resource/User", {"username": "rep", "roles": [{"role": "Sales User"}]})
    assert created.status_code == 200
    assert [row["role"] for row in created.json()["data"]["roles"]] == ["Sales User"]
    assert created.json()["data"]["roles"][0]["doctype"] == "Has Role"
    rep = client_for("rep")
    assert rep.get("/api/resource/Sales Order").status_code == 200
    assert manager.put_json("/api/resource/User/rep", {"roles": []}).json()["data"]["roles"] == []
    assert client_for("rep").get("/api/resource/Sales Order").status_code == 403
    unknown = manager.put_json("/api/resource/User/rep", {"roles": [{"role": "Nope"}]})
    assert unknown.status_code == 417
    assert server_messages(unknown.json())[0]["message"] == "Could not find Role: Nope"
    roles = manager.get("/api/resource/Role", {"order_by": "name asc", "limit": 0}).json()["data"]
    assert {"name": "Sales User"} in roles and {"name": "System Manager"} in roles


def test_only_system_managers_change_roles():
    writer = client_for("writer", "User Admin")
    DocPerm.objects.create(doctype=DocType.objects.get(name="User"), role="User Admin", read=True, write=True,
                           create=True)
    response = writer.post_json("/api/resource/User", {"username": "x", "roles": [{"role": "System Manager"}]})
    assert response.status_code == 403
    assert server_messages(response.json())[0]["message"] == "Only a System Manager may change roles"
    assert not UserFactory._meta.model.objects.filter(username="x").exists()
    assert writer.post_json("/api/resource/User", {"username": "y"}).status_code == 200
