"""What a create costs in SQL statements outside any test transaction, as it runs in production: the
session's user, the write's own transaction (BEGIN, INSERT, COMMIT), the Link checked by the INSERT's
foreign key, and the answer taken from the instance written (no read back)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from example_project.demo.models import Customer, Territory

from .conftest import logged_in, server_messages
from .factories import AdministratorFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def client():
    return logged_in(AdministratorFactory())


def _statements(client, path, body):
    client.post_json(path, {"customer_name": "warm-up"})
    with CaptureQueriesContext(connection) as captured:
        response = client.post_json(path, body)
    return response, [query["sql"].split()[0].upper() for query in captured.captured_queries]


@pytest.mark.parametrize("path", ["/api/resource/Customer", "/api/v2/document/Customer"])
def test_a_create_with_a_link_runs_session_user_begin_insert_commit(client, path):
    Territory.objects.create(name="North", territory_name="North")
    response, statements = _statements(client, path, {"customer_name": "Acme", "territory": "North"})
    assert response.status_code == 200
    data = response.json()["data"]
    assert {key: data[key] for key in ("name", "customer_name", "territory", "owner", "docstatus", "doctype")} == {
        "name": "Acme", "customer_name": "Acme", "territory": "North", "owner": "Administrator", "docstatus": 0,
        "doctype": "Customer"}
    # the session, its user, then the write: no Link SELECT, no savepoint, no read back
    assert statements == ["SELECT", "SELECT", "BEGIN", "INSERT", "COMMIT"]
    assert data == client.get(f"{path}/Acme").json()["data"]


@pytest.mark.parametrize("path", ["/api/resource/Customer", "/api/v2/document/Customer"])
def test_a_link_to_no_document_is_still_417_and_writes_nothing(client, path):
    response = client.post_json(path, {"customer_name": "Acme", "territory": "Nowhere"})
    assert response.status_code == 417
    if path.startswith("/api/v2/"):
        assert response.json()["errors"] == [{"type": "LinkValidationError", "message": "Could not find Territory: Nowhere",
                                              "title": "Message", "indicator": "red"}]
    else:
        assert response.json()["exc_type"] == "LinkValidationError"
        assert server_messages(response.json())[0]["message"] == "Could not find Territory: Nowhere"
    assert not Customer.objects.filter(name="Acme").exists()


@pytest.mark.parametrize("path", ["/api/resource/Sales Order", "/api/v2/document/Sales Order"])
def test_a_series_insert_with_child_rows_answers_what_a_read_answers_without_reading_back(client, path):
    Customer.objects.create(name="Acme", customer_name="Acme")
    body = {"customer": "Acme", "transaction_date": "2025-01-01", "delivery_time": "10:30:00",
            "items": [{"item_code": f"I{number}", "qty": number, "rate": "2.5"} for number in range(1, 4)]}
    client.post_json(path, body)
    with CaptureQueriesContext(connection) as captured:
        response = client.post_json(path, body)
    statements = [query["sql"].split()[0].upper() for query in captured.captured_queries]
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["name"] == "SO-00002" and data["grand_total"] == 15.0
    assert [(row["idx"], row["item_code"], row["amount"], row["parentfield"]) for row in data["items"]] == [
        (1, "I1", 2.5, "items"), (2, "I2", 5.0, "items"), (3, "I3", 7.5, "items")]
    assert data == client.get(f"{path}/SO-00002").json()["data"]
    # session, user, BEGIN, the customer (Sales Order has a validate hook), the counter, 1 + 3 INSERTs, COMMIT
    assert statements == [
        "SELECT", "SELECT", "BEGIN", "SELECT", "UPDATE", "INSERT", "INSERT", "INSERT", "INSERT", "COMMIT"]
