"""Red team (write side and authentication): holes found by attacking main after the 22 fixes, one test each.

* A user whose name differs only in case from another's (``administrator`` beside ``Administrator``) owns none of
  the other's documents: ``if_owner`` rights compare the owner exactly, as the read gate's owner filter does.
* Child-table fields above the permission levels a user holds on the parent are not theirs to write, as on the
  parent itself (Frappe judges child fields by the parent's permission rows).
"""

import dataclasses
import json
from contextlib import contextmanager

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection

from example_project.demo.models import SalesOrder, SalesOrderItem, ToDo
from frappe_api import registry as registry_module
from frappe_api.models import DocPerm, DocType
from frappe_api.registry import registry

from .conftest import logged_in, server_messages
from .factories import AdministratorFactory, CustomerFactory, ToDoFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

User = get_user_model()
C = "/api/method/frappe.client"


def with_roles(username, *roles):
    user = UserFactory(username=username)
    for role in roles:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


@contextmanager
def registration(doctype, **changes):
    """``doctype``'s code registration with ``changes``, for the test's duration."""
    original = registry_module.code_registrations()[doctype]
    registry_module._code_options[doctype] = dataclasses.replace(original, **changes)
    registry.invalidate(local_only=True)
    try:
        yield
    finally:
        registry_module._code_options[doctype] = original
        registry.invalidate(local_only=True)


def assert_403(response, message, *, v2=False):
    assert response.status_code == 403, response.content[:600]
    body = response.json()
    if v2:
        assert body["errors"][0]["type"] == "PermissionError"
        assert body["errors"][0]["message"] == message
    else:
        assert body["exc_type"] == "PermissionError"
        assert [entry["message"] for entry in server_messages(body)] == [message]


# --- 1. owner compared exactly --------------------------------------------------------------------------
@pytest.fixture
def case_twin(db):
    """The Administrator, one of their ToDos (ToDo: ``All`` may do everything ``if_owner``), and a user named
    ``administrator`` that a System Manager created through the API."""
    AdministratorFactory()
    todo = ToDoFactory(description="the Administrator's", owner="Administrator")
    manager = logged_in(with_roles("manager", "System Manager"))
    created = manager.post_json("/api/resource/User", {"username": "administrator", "new_password": "pw"})
    if connection.vendor == "mysql":  # a case-insensitive collation: the twin cannot exist at all
        assert created.status_code == 409, created.content
        pytest.skip("MariaDB compares user names case-insensitively: no case twin can be created")
    assert created.status_code == 200
    return logged_in(User.objects.get(username="administrator")), todo


def _refusal(ptype, todo):
    return f"You need the '{ptype}' permission on <strong>ToDo</strong> {todo.name} to perform this action."


def test_a_case_twin_of_the_administrator_cannot_change_their_if_owner_documents(case_twin):
    twin, todo = case_twin
    attempts = [
        (twin.put_json(f"/api/resource/ToDo/{todo.name}", {"description": "pwned"}), False),
        (twin.patch(f"/api/v2/document/ToDo/{todo.name}", json.dumps({"description": "pwned"}),
                    content_type="application/json"), True),
        (twin.post_json(f"{C}.set_value", {"doctype": "ToDo", "name": todo.name, "fieldname": "description",
                                           "value": "pwned"}), False),
        (twin.post_json(f"{C}.save", {"doc": {"doctype": "ToDo", "name": todo.name, "description": "pwned"}}),
         False),
        (twin.post("/", {"cmd": "frappe.client.set_value", "doctype": "ToDo", "name": todo.name,
                         "fieldname": "description", "value": "pwned"}), False),
    ]
    for response, v2 in attempts:
        assert_403(response, _refusal("write", todo), v2=v2)
    assert ToDo.objects.get(pk=todo.pk).description == "the Administrator's"


def test_a_case_twin_of_the_administrator_cannot_delete_or_rename_their_if_owner_documents(case_twin):
    twin, todo = case_twin
    assert_403(twin.delete(f"/api/resource/ToDo/{todo.name}"), _refusal("delete", todo))
    assert_403(twin.delete(f"/api/v2/document/ToDo/{todo.name}"), _refusal("delete", todo), v2=True)
    assert_403(twin.post_json(f"{C}.delete", {"doctype": "ToDo", "name": todo.name}), _refusal("delete", todo))
    assert_403(twin.post_json(f"{C}.rename_doc", {"doctype": "ToDo", "old_name": todo.name, "new_name": "mine"}),
               _refusal("write", todo))
    bulk = twin.post_json("/api/v2/document/ToDo/bulk_delete", {"names": [todo.name]})
    assert bulk.status_code == 200
    assert bulk.json()["data"]["failed"] == [{"index": 0, "name": todo.name, "error": _refusal("delete", todo),
                                              "exc_type": "PermissionError"}]
    assert ToDo.objects.filter(pk=todo.pk).exists()


def test_a_case_twin_of_the_administrator_holds_no_right_on_their_documents(case_twin):
    twin, todo = case_twin
    response = twin.get(f"{C}.get_doc_permissions", {"doctype": "ToDo", "docname": todo.name})
    assert response.status_code == 200
    assert response.json()["message"]["permissions"] == {  # create is a DocType right, never an owner's
        "select": 0, "read": 0, "write": 0, "create": 1, "delete": 0, "submit": 0, "cancel": 0, "amend": 0}
    assert twin.get(f"{C}.has_permission", {"doctype": "ToDo", "docname": todo.name, "perm_type": "write"}
                    ).json() == {"message": {"has_permission": False}}


def test_the_owner_keeps_every_if_owner_right_on_their_own_document(case_twin):
    twin, todo = case_twin
    mine = ToDoFactory(description="the twin's", owner="administrator")
    assert twin.put_json(f"/api/resource/ToDo/{mine.name}", {"description": "changed"}).status_code == 200
    assert ToDo.objects.get(pk=mine.pk).description == "changed"
    assert twin.delete(f"/api/resource/ToDo/{mine.name}").status_code == 202


# --- 2. child fields above the user's levels ------------------------------------------------------------
@pytest.fixture
def graded_items(db):
    """Sales Order Item's ``rate`` at permission level 1; Sales Users hold level 0 of Sales Order only."""
    CustomerFactory(customer_name="Acme")
    with registration("Sales Order Item", field_permlevels={"rate": 1}):
        yield logged_in(with_roles("seller", "Sales User"))


ORDER = {"customer": "Acme", "transaction_date": "2024-01-01"}
LEVEL_REFUSAL = "Not allowed to change Rate: insufficient permission level"


def _assert_level_refusal(response, *, v2=False):
    assert response.status_code == 417, response.content[:600]
    body = response.json()
    if v2:
        assert body["errors"][0]["message"] == LEVEL_REFUSAL
    else:
        assert [entry["message"] for entry in server_messages(body)] == [LEVEL_REFUSAL]


def test_a_child_field_above_the_users_level_cannot_be_set_on_insert(graded_items):
    seller = graded_items
    body = {**ORDER, "items": [{"item_code": "A", "qty": 1, "rate": 99}]}
    _assert_level_refusal(seller.post_json("/api/resource/Sales Order", body))
    _assert_level_refusal(seller.post_json("/api/v2/document/Sales Order", body), v2=True)
    _assert_level_refusal(seller.post_json(f"{C}.insert", {"doc": {"doctype": "Sales Order", **body}}))
    _assert_level_refusal(seller.post_json(f"{C}.insert_many", {"docs": [{"doctype": "Sales Order", **body}]}))
    assert not SalesOrderItem.objects.exists()


def test_a_child_field_above_the_users_level_cannot_be_changed_on_save(graded_items):
    seller = graded_items
    order = seller.post_json("/api/resource/Sales Order", {**ORDER, "items": [{"item_code": "A", "qty": 2}]})
    assert order.status_code == 200, order.content
    name, row = order.json()["data"]["name"], order.json()["data"]["items"][0]["name"]
    SalesOrderItem.objects.filter(name=row).update(rate=5)
    changed = {"items": [{"name": row, "item_code": "A", "qty": 2, "rate": 0.01}]}
    _assert_level_refusal(seller.put_json(f"/api/resource/Sales Order/{name}", changed))
    _assert_level_refusal(seller.put_json(f"/api/v2/document/Sales Order/{name}", changed), v2=True)
    _assert_level_refusal(seller.post_json(f"{C}.save", {"doc": {"doctype": "Sales Order", "name": name, **changed}}))
    _assert_level_refusal(seller.post_json(f"{C}.insert", {"doc": {
        "doctype": "Sales Order Item", "parenttype": "Sales Order", "parent": name, "parentfield": "items",
        "item_code": "B", "qty": 1, "rate": 0.01}}))
    assert list(SalesOrderItem.objects.values_list("name", "rate")) == [(row, 5)]
    # the row as the seller reads it (no rate) saves, and keeps the stored rate
    read_back = seller.get(f"/api/resource/Sales Order/{name}").json()["data"]
    assert "rate" not in read_back["items"][0]
    kept = seller.put_json(f"/api/resource/Sales Order/{name}", {"items": [{**read_back["items"][0], "qty": 3}]})
    assert kept.status_code == 200, kept.content
    assert list(SalesOrderItem.objects.values_list("qty", "rate")) == [(3, 5)]


def test_a_child_field_is_writable_by_a_role_holding_its_level_on_the_parent(graded_items):
    DocPerm.objects.create(doctype=DocType.objects.get(name="Sales Order"), role="Sales User", permlevel=1,
                           read=True, write=True)
    registry.invalidate()
    seller = graded_items
    response = seller.post_json("/api/resource/Sales Order", {**ORDER, "items": [{"item_code": "A", "qty": 1,
                                                                                  "rate": 7}]})
    assert response.status_code == 200, response.content
    assert list(SalesOrderItem.objects.values_list("rate", flat=True)) == [7]


# --- 3. the Administrator role itself ------------------------------------------------------------------
ROLE_REFUSAL = "You need the 'delete' permission on <strong>Role</strong> Administrator to perform this action."


@pytest.fixture
def administrator_role_holder(db):
    """``jane`` holds the Administrator role (without being a superuser); ``manager`` is a System Manager."""
    role = Group.objects.get_or_create(name="Administrator")[0]
    jane = UserFactory(username="jane")
    jane.groups.add(role)
    return jane, logged_in(with_roles("manager", "System Manager"))


def test_system_manager_cannot_take_the_administrator_role_from_everyone_by_deleting_it(administrator_role_holder):
    jane, manager = administrator_role_holder
    assert_403(manager.delete("/api/resource/Role/Administrator"), ROLE_REFUSAL)
    assert_403(manager.delete("/api/v2/document/Role/Administrator"), ROLE_REFUSAL, v2=True)
    assert_403(manager.post_json(f"{C}.delete", {"doctype": "Role", "name": "Administrator"}), ROLE_REFUSAL)
    assert_403(manager.post("/", {"cmd": "frappe.client.delete", "doctype": "Role", "name": "Administrator"}),
               ROLE_REFUSAL)
    bulk = manager.post_json("/api/v2/document/Role/bulk_delete", {"names": ["Administrator"]})
    assert bulk.json()["data"]["failed"] == [{"index": 0, "name": "Administrator", "error": ROLE_REFUSAL,
                                              "exc_type": "PermissionError"}]
    assert list(jane.groups.values_list("name", flat=True)) == ["Administrator"]


def test_system_manager_cannot_create_the_administrator_role(db):
    manager = logged_in(with_roles("manager", "System Manager"))
    response = manager.post_json("/api/resource/Role", {"name": "Administrator"})
    assert_403(response, "Only a superuser may change a superuser or make a user one")
    assert not Group.objects.filter(name="Administrator").exists()


def test_other_roles_stay_the_system_managers_and_the_administrator_role_the_superusers(administrator_role_holder):
    jane, manager = administrator_role_holder
    Group.objects.create(name="Auditor")
    assert manager.delete("/api/resource/Role/Auditor").status_code == 202
    assert not Group.objects.filter(name="Auditor").exists()
    superuser = logged_in(AdministratorFactory())
    assert superuser.delete("/api/resource/Role/Administrator").status_code == 202
    assert not jane.groups.exists()
