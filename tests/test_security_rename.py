"""Renaming needs write on the document itself, on every surface; answers after a write pass the read gate."""

import json

import pytest
from django.db.models import Q

import frappe_api
from example_project.demo.models import Customer, Note, ToDo
from frappe_api.registry import registry

from .conftest import client_for
from .factories import CustomerFactory, NoteFactory, ToDoFactory

pytestmark = pytest.mark.django_db

FULL = {"read": 1, "write": 1, "create": 1, "delete": 1}


def _own_team(user):
    return Q(reference_name=user.get_username())


@pytest.fixture
def team_todo():
    """ToDo seen through a permission_query: each user reads and writes the rows naming them."""
    frappe_api.register(ToDo, doctype="Team ToDo", allow_rename=True, permission_query=_own_team,
                        permissions=[{"role": "All", **FULL}])
    registry.invalidate()
    yield "Team ToDo"
    frappe_api.unregister("Team ToDo")
    registry.invalidate()


def _rename_requests(doctype, name, new_name):
    """Every surface that renames: v2 document method, frappe.client.rename_doc under v1, v2 and legacy cmd."""
    rpc = {"doctype": doctype, "old_name": name, "new_name": new_name}
    return [
        lambda c: c.post_json(f"/api/v2/document/{doctype}/{name}/method/rename", {"name": new_name}),
        lambda c: c.post_json("/api/method/frappe.client.rename_doc", rpc),
        lambda c: c.post_json("/api/v1/method/frappe.client.rename_doc", rpc),
        lambda c: c.post_json("/api/v2/method/frappe.client.rename_doc", rpc),
        lambda c: c.post("/", {"cmd": "frappe.client.rename_doc", **rpc}),
    ]


def _assert_refused_without_document(response, doctype, name):
    assert response.status_code == 403, response.content
    text = response.content.decode()
    assert "hidden-secret" not in text
    message = f"You need the 'write' permission on <strong>{doctype}</strong> {name} to perform this action."
    assert message in text


@pytest.mark.parametrize("surface", range(5))
def test_rename_of_another_users_if_owner_todo_is_refused_on_every_surface(surface):
    alice = client_for("alice")
    theirs = ToDoFactory(owner="bob", description="hidden-secret").name
    response = _rename_requests("ToDo", theirs, "stolen")[surface](alice)
    _assert_refused_without_document(response, "ToDo", theirs)
    assert ToDo.objects.filter(name=theirs).exists() and not ToDo.objects.filter(name="stolen").exists()


@pytest.mark.parametrize("surface", range(5))
def test_rename_outside_the_permission_query_is_refused_on_every_surface(team_todo, surface):
    alice = client_for("alice")
    theirs = ToDoFactory(owner="alice", reference_name="bob", description="hidden-secret").name
    response = _rename_requests(team_todo, theirs, "stolen")[surface](alice)
    _assert_refused_without_document(response, team_todo, theirs)
    assert ToDo.objects.filter(name=theirs).exists() and not ToDo.objects.filter(name="stolen").exists()


@pytest.mark.parametrize("surface", range(5))
def test_rename_of_a_document_the_user_may_write_works_on_every_surface(team_todo, surface):
    alice = client_for("alice")
    mine = ToDoFactory(owner="bob", reference_name="alice").name
    response = _rename_requests(team_todo, mine, "renamed")[surface](alice)
    assert response.status_code == 200, response.content
    assert ToDo.objects.filter(name="renamed").exists() and not ToDo.objects.filter(name=mine).exists()


# --- answers after a write pass the read gate ------------------------------------------------------------------
@pytest.fixture
def blind_note():
    """Note for a role that may create and write but not read."""
    frappe_api.register(Note, doctype="Blind Note", allow_rename=True,
                        permissions=[{"role": "Writer", "read": 0, "write": 1, "create": 1}])
    registry.invalidate()
    yield "Blind Note"
    frappe_api.unregister("Blind Note")
    registry.invalidate()


def test_create_by_a_user_who_cannot_read_answers_only_the_name_on_v1_v2_and_rpc(blind_note):
    writer = client_for("writer", "Writer")
    v1 = writer.post_json(f"/api/resource/{blind_note}", {"title": "t1", "content": "hidden-secret"})
    assert v1.status_code == 200
    name = v1.json()["data"]["name"]
    assert v1.json() == {"data": {"name": name, "doctype": blind_note}}
    v2 = writer.post_json(f"/api/v2/document/{blind_note}", {"title": "t2", "content": "hidden-secret"})
    assert v2.status_code == 200 and set(v2.json()["data"]) == {"name", "doctype"}
    rpc = writer.post_json("/api/method/frappe.client.insert",
                           {"doc": {"doctype": blind_note, "title": "t3", "content": "hidden-secret"}})
    assert rpc.status_code == 200 and set(rpc.json()["message"]) == {"name", "doctype"}
    assert Note.objects.filter(content="hidden-secret").count() == 3


def test_update_by_a_user_who_cannot_read_answers_only_the_name_on_every_surface(blind_note):
    writer = client_for("writer", "Writer")
    name = NoteFactory(title="x", content="hidden-secret").name
    stub = {"name": name, "doctype": blind_note}
    assert writer.put_json(f"/api/resource/{blind_note}/{name}", {"title": "a"}).json() == {"data": stub}
    assert writer.put_json(f"/api/v2/document/{blind_note}/{name}", {"title": "b"}).json() == {"data": stub}
    set_value = writer.post_json("/api/method/frappe.client.set_value",
                                 {"doctype": blind_note, "name": name, "fieldname": "title", "value": "c"})
    assert set_value.json() == {"message": stub}
    save = writer.post_json("/api/method/frappe.client.save", {"doc": {"doctype": blind_note, "name": name,
                                                                       "title": "d"}})
    assert save.json() == {"message": stub}
    renamed = writer.post_json(f"/api/v2/document/{blind_note}/{name}/method/rename", {"name": "renamed-note"})
    assert renamed.status_code == 200
    assert renamed.json() == {"data": "renamed-note", "docs": [{"name": "renamed-note", "doctype": blind_note}]}
    assert Note.objects.get(name="renamed-note").title == "d"


@pytest.fixture
def graded_customer():
    frappe_api.register(Customer, doctype="Graded Customer", naming_rule="field:customer_name",
                        field_permlevels={"customer_group": 1},
                        permissions=[{"role": "Sales User", "read": 1, "write": 1, "create": 1},
                                     {"role": "Auditor", "permlevel": 1, "read": 1, "write": 1}])
    registry.invalidate()
    yield "Graded Customer"
    frappe_api.unregister("Graded Customer")
    registry.invalidate()


def test_answers_after_a_write_leave_out_fields_above_the_users_level(graded_customer):
    seller = client_for("seller", "Sales User")
    CustomerFactory(customer_name="Acme", customer_group="hidden-secret")
    answers = [
        seller.put_json(f"/api/resource/{graded_customer}/Acme", {"customer_name": "Acme"}),
        seller.put_json(f"/api/v2/document/{graded_customer}/Acme", {"customer_name": "Acme"}),
        seller.post_json("/api/method/frappe.client.set_value", {"doctype": graded_customer, "name": "Acme",
                                                                   "fieldname": "customer_name", "value": "Acme"}),
        seller.post_json("/api/method/frappe.client.save", {"doc": {"doctype": graded_customer, "name": "Acme"}}),
        seller.post_json(f"/api/resource/{graded_customer}", {"customer_name": "Beta"}),
        seller.post_json(f"/api/v2/document/{graded_customer}", {"customer_name": "Gamma"}),
    ]
    for response in answers:
        assert response.status_code == 200, response.content
        assert "customer_group" not in json.dumps(response.json()), response.content


def test_document_method_answer_leaves_out_fields_above_the_users_level(graded_customer):
    seller = client_for("seller", "Sales User")
    CustomerFactory(customer_name="Acme", customer_group="hidden-secret")
    response = seller.post_json(f"/api/v2/document/{graded_customer}/Acme/method/add_comment", {"text": "hi"})
    assert response.status_code == 200
    assert "customer_group" not in response.json()["docs"][0]
