"""Names: a client cannot squat a series, a series never hands out a taken name, and names hold no control
characters; NUL in any value is a 417 on every database."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from example_project.demo.models import SalesOrder, ToDo
from frappe_api.models import Series

from .conftest import client_for
from .factories import CustomerFactory, ToDoFactory

pytestmark = pytest.mark.django_db

ORDER = {"customer": "Acme", "transaction_date": "2024-01-01", "items": [{"item_code": "A", "qty": 1, "rate": 1}]}


@pytest.fixture
def seller():
    CustomerFactory(customer_name="Acme")
    return client_for("seller", "Sales User")


def _error(response):
    body = response.json()
    return body["errors"][0] if "errors" in body else body


def test_a_seller_cannot_choose_the_next_series_name_in_v2(seller):
    squat = seller.post_json("/api/v2/document/Sales Order", {**ORDER, "name": "SO-00002"})
    assert squat.status_code == 200 and squat.json()["data"]["name"] == "SO-00001"
    following = seller.post_json("/api/v2/document/Sales Order", ORDER)
    assert following.status_code == 200 and following.json()["data"]["name"] == "SO-00002"


def test_a_seller_cannot_choose_a_series_name_in_v2_bulk_insert(seller):
    inserted = seller.post_json("/api/v2/document/Sales Order/bulk_insert",
                                {"docs": [{**ORDER, "name": "SO-00002"}, ORDER]}).json()["data"]
    assert inserted["inserted"] == ["SO-00001", "SO-00002"] and inserted["failed"] == []


def test_a_system_manager_may_still_name_a_series_document_in_v2(seller, admin_client):
    manager = client_for("manager", "System Manager")
    response = manager.post_json("/api/v2/document/Sales Order", {**ORDER, "name": "SO-IMPORTED"})
    assert response.status_code == 200 and response.json()["data"]["name"] == "SO-IMPORTED"


def test_a_client_name_under_the_hash_rule_is_still_kept_in_v2():
    alice = client_for("alice")
    response = alice.post_json("/api/v2/document/ToDo", {"name": "my-own-name", "description": "x"})
    assert response.status_code == 200 and response.json()["data"]["name"] == "my-own-name"


def test_series_skips_names_already_taken(seller, admin_client):
    for name in ("SO-00001", "SO-00002", "SO-00003"):
        assert admin_client.post_json("/api/v2/document/Sales Order", {**ORDER, "name": name}).status_code == 200
    first = seller.post_json("/api/resource/Sales Order", ORDER)
    assert first.status_code == 200 and first.json()["data"]["name"] == "SO-00004"
    second = seller.post_json("/api/resource/Sales Order", ORDER)
    assert second.status_code == 200 and second.json()["data"]["name"] == "SO-00005"
    assert Series.objects.get(name="SO-").current == 5
    assert SalesOrder.objects.count() == 5


def test_series_insert_looks_up_no_name_before_its_insert(seller):
    seller.post_json("/api/resource/Sales Order", ORDER)
    with CaptureQueriesContext(connection) as queries:
        assert seller.post_json("/api/resource/Sales Order", ORDER).status_code == 200
    statements = [query["sql"].replace('"', "").replace("`", "") for query in queries.captured_queries]
    insert = next(index for index, sql in enumerate(statements) if sql.startswith("INSERT INTO demo_salesorder "))
    assert not [sql for sql in statements[:insert] if "FROM demo_salesorder " in sql]


@pytest.mark.parametrize("name", ["a\x00b", "a\x01b", "tab\tinside", "new\nline", "del\x7f"])
def test_control_characters_in_a_new_name_are_refused_with_417(name):
    alice = client_for("alice")
    response = alice.post_json("/api/v2/document/ToDo", {"name": name, "description": "x"})
    assert response.status_code == 417
    assert _error(response)["message"] == "Name cannot contain control characters"
    assert not ToDo.objects.exists()


@pytest.mark.parametrize("name", ["a\x00b", "a\x1fb"])
def test_control_characters_in_a_renamed_name_are_refused_with_417(name):
    alice = client_for("alice")
    todo = ToDoFactory(owner="alice")
    for response in (alice.post_json(f"/api/v2/document/ToDo/{todo.name}/method/rename", {"name": name}),
                     alice.post_json("/api/method/frappe.client.rename_doc",
                                     {"doctype": "ToDo", "old_name": todo.name, "new_name": name})):
        assert response.status_code == 417
    assert ToDo.objects.filter(name=todo.name).exists()


def test_nul_in_a_text_value_is_refused_with_417_on_every_write_path():
    alice = client_for("alice")
    todo = ToDoFactory(owner="alice", description="clean")
    bad = {"description": "a\x00b"}
    answers = [
        alice.post_json("/api/resource/ToDo", bad),
        alice.post_json("/api/v2/document/ToDo", bad),
        alice.put_json(f"/api/resource/ToDo/{todo.name}", bad),
        alice.put_json(f"/api/v2/document/ToDo/{todo.name}", bad),
        alice.post_json("/api/method/frappe.client.insert", {"doc": {"doctype": "ToDo", **bad}}),
        alice.post_json("/api/method/frappe.client.set_value",
                        {"doctype": "ToDo", "name": todo.name, "fieldname": "description", "value": "a\x00b"}),
    ]
    for response in answers:
        assert response.status_code == 417, response.content
        assert "NUL" in _error(response).get("message", "") or "NUL" in response.content.decode()
    bulk = alice.post_json("/api/v2/document/ToDo/bulk_update", {"docs": [{"name": todo.name, **bad}]})
    assert bulk.json()["data"]["failed"][0]["exc_type"] == "ValidationError"
    rpc_bulk = alice.post_json("/api/method/frappe.client.bulk_update",
                               {"docs": [{"doctype": "ToDo", "docname": todo.name, **bad}]})
    assert rpc_bulk.json()["message"]["failed_docs"][0]["exc"] == (
        "ValidationError: Invalid value for Description: it contains a NUL character")
    assert ToDo.objects.get(name=todo.name).description == "clean" and ToDo.objects.count() == 1


def test_nul_in_a_name_in_the_url_is_not_found(admin_client):
    assert admin_client.get("/api/resource/ToDo/a%00b").status_code == 404
    assert admin_client.get("/api/v2/document/ToDo/a%00b").status_code == 404
    assert admin_client.put_json("/api/resource/ToDo/a%00b", {"description": "x"}).status_code == 404
    assert admin_client.delete("/api/v2/document/ToDo/a%00b").status_code == 404


def test_nul_in_a_filter_value_is_not_a_500(admin_client):
    ToDoFactory(description="x")
    response = admin_client.get("/api/resource/ToDo", {"filters": '[["description", "=", "a\\u0000b"]]'})
    assert response.status_code in (200, 417), response.content


def test_no_user_may_be_named_guest(admin_client):
    """Anonymous requests act as ``Guest`` (owner of what they create): no account may take that name."""
    from django.contrib.auth import get_user_model

    for name in ("Guest", "guest", " GUEST "):
        response = admin_client.post_json("/api/resource/User", {"username": name})
        assert response.status_code == 409, (name, response.content)
        assert response.json()["exc_type"] == "NameError"
    assert not get_user_model().objects.filter(username__iexact="guest").exists()
    assert admin_client.post_json("/api/resource/User", {"username": "guesthouse"}).status_code == 200
