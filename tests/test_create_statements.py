"""What a create costs in SQL statements outside any test transaction, as it runs in production: the
session's user, the write's own transaction (BEGIN, INSERT, COMMIT; the INSERT alone when it is the whole
write), the Link checked by the INSERT's foreign key, and the answer taken from the instance written (no read
back)."""

import pytest
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, models
from django.db.models.signals import post_save, pre_save
from django.test.utils import CaptureQueriesContext

from example_project.demo.models import Customer, SalesOrder, SalesOrderItem, Territory
from frappe_api import signals
from frappe_api.models import Series
from frappe_api.realtime import events

from .conftest import assert_error, logged_in, server_messages
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
    child_inserts = _child_inserts(captured)
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["name"] == "SO-00002" and data["grand_total"] == 15.0
    assert [(row["idx"], row["item_code"], row["amount"], row["parentfield"]) for row in data["items"]] == [
        (1, "I1", 2.5, "items"), (2, "I2", 5.0, "items"), (3, "I3", 7.5, "items")]
    assert data == client.get(f"{path}/SO-00002").json()["data"]
    # session, user, BEGIN, the customer (Sales Order has a validate hook), the counter, the order, its 3 rows in
    # one INSERT, COMMIT
    assert statements == ["SELECT", "SELECT", "BEGIN", "SELECT", "UPDATE", "INSERT", "INSERT", "COMMIT"]
    assert len(child_inserts) == 1


# --- the transaction holds the writes: a document without hooks before its INSERT is checked before BEGIN -----
@pytest.mark.parametrize("path", ["/api/resource/Customer", "/api/v2/document/Customer"])
def test_a_create_refused_by_validation_begins_no_transaction(client, path):
    response, statements = _statements(client, path, {"customer_name": "Acme", "customer_group": "g" * 141})
    assert response.status_code == 417
    # the session and its user, then the checks, in Python, ahead of BEGIN: nothing else
    assert statements == ["SELECT", "SELECT"]
    assert not Customer.objects.filter(name="Acme").exists()


def test_a_model_with_a_hook_before_its_insert_is_checked_inside_its_transaction(client):
    Customer.objects.create(name="Acme", customer_name="Acme")
    response, statements = _statements(client, "/api/resource/Sales Order", {"customer": "Acme"})
    assert_error(response, 417, "MandatoryError", "Error: Value missing for Sales Order: Transaction date")
    # Sales Order's ``validate`` may read or write, as in Frappe: the name (its series counter), the hook and the
    # checks run inside the transaction, which the failed check rolls back
    assert statements[:3] == ["SELECT", "SELECT", "BEGIN"] and statements[-1] == "ROLLBACK"
    assert not SalesOrder.objects.exists() and not Series.objects.filter(name="SO-", current__gt=0).exists()


@pytest.fixture
def sqlite_mode():
    """Set the SQLite connection's ``transaction_mode`` (``DATABASES[...]["OPTIONS"]``) for the test."""
    wrapper = connections[DEFAULT_DB_ALIAS]
    wrapper.ensure_connection()
    configured = wrapper.transaction_mode
    yield lambda mode: setattr(wrapper, "transaction_mode", mode)
    wrapper.transaction_mode = configured


def _begins(client, posts):
    with CaptureQueriesContext(connection) as captured:
        responses = [client.post_json(path, body) for path, body in posts]
    assert [response.status_code for response in responses] == [200] * len(posts)
    return [query["sql"] for query in captured.captured_queries if query["sql"].upper().startswith("BEGIN")]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's transaction modes")
def test_sqlite_in_immediate_mode_locks_a_drafted_insert_from_its_first_write(client, sqlite_mode):
    sqlite_mode("IMMEDIATE")
    begins = _begins(client, [("/api/resource/Customer", {"customer_name": "Acme"}),
                              ("/api/resource/Sales Order", {**ORDER, "items": []})])
    # the Customer (no hook before its INSERT) begins deferred: its INSERT takes the write lock; the Sales Order
    # runs its validate hook in the transaction, which the configured mode locks at BEGIN
    assert begins == ["BEGIN", "BEGIN IMMEDIATE"]
    assert connections[DEFAULT_DB_ALIAS].transaction_mode == "IMMEDIATE"
    assert Customer.objects.filter(name="Acme").exists() and SalesOrder.objects.count() == 1


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's transaction modes")
def test_sqlite_in_immediate_mode_keeps_begin_immediate_when_a_pre_save_receiver_runs_first(client, sqlite_mode):
    sqlite_mode("IMMEDIATE")
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(Territory.objects.count())  # a read before the INSERT: the write lock must be held already

    pre_save.connect(receiver, sender=Customer, weak=False, dispatch_uid="test_pre_save_reads")
    try:
        begins = _begins(client, [("/api/resource/Customer", {"customer_name": "Acme"})])
    finally:
        pre_save.disconnect(dispatch_uid="test_pre_save_reads", sender=Customer)
    assert begins == ["BEGIN IMMEDIATE"] and seen == [0]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's transaction modes")
def test_sqlite_in_other_modes_begins_as_configured(client, sqlite_mode):
    sqlite_mode("EXCLUSIVE")
    assert _begins(client, [("/api/resource/Customer", {"customer_name": "Acme"})]) == ["BEGIN EXCLUSIVE"]


# --- an INSERT that is the whole write runs alone: one statement in autocommit mode, no BEGIN, no COMMIT -----

# MySQLdb leaves no SQL to record for a statement the server refused
REFUSED_INSERT = "NONE" if connection.vendor == "mysql" else "INSERT"


@pytest.fixture
def no_receivers():
    """No ``doc_changed`` receiver (the example project installs frappe_api.realtime, whose receiver runs in the
    write's transaction): as in a project without realtime."""
    signals.doc_changed.disconnect(dispatch_uid="frappe_realtime_changed")
    yield
    signals.doc_changed.connect(events.document_changed, weak=False, dispatch_uid="frappe_realtime_changed")


@pytest.mark.parametrize("path", ["/api/resource/Customer", "/api/v2/document/Customer"])
def test_an_insert_that_is_the_whole_write_runs_alone(client, no_receivers, path):
    Territory.objects.create(name="North", territory_name="North")
    response, statements = _statements(client, path, {"customer_name": "Acme", "territory": "North"})
    assert response.status_code == 200
    # the session, its user, the INSERT (its own transaction): plain Django's statements for a create
    assert statements == ["SELECT", "SELECT", "INSERT"]
    data = response.json()["data"]
    assert (data["name"], data["territory"], data["owner"]) == ("Acme", "North", "Administrator")
    assert data == client.get(f"{path}/Acme").json()["data"]


@pytest.mark.parametrize("path", ["/api/resource/Customer", "/api/v2/document/Customer"])
def test_a_link_refused_by_an_insert_alone_is_checked_again_in_a_transaction(client, no_receivers, path):
    response, statements = _statements(client, path, {"customer_name": "Acme", "territory": "Nowhere"})
    assert response.status_code == 417
    body = response.json()
    kind = body["errors"][0]["type"] if path.startswith("/api/v2/") else body["exc_type"]
    assert kind == "LinkValidationError"
    # the INSERT the foreign key refused, then the write again with the Link looked up, rolled back
    assert statements == ["SELECT", "SELECT", REFUSED_INSERT, "BEGIN", "SELECT", "ROLLBACK"]
    assert not Customer.objects.filter(name="Acme").exists()


def test_a_taken_name_refused_by_an_insert_alone_is_409_and_the_stored_row_unchanged(client, no_receivers):
    Customer.objects.create(name="Acme", customer_name="Acme", customer_group="Retail")
    response, statements = _statements(client, "/api/resource/Customer",
                                       {"customer_name": "Acme", "customer_group": "Wholesale"})
    assert_error(response, 409, "DuplicateEntryError", "Customer Acme already exists")
    assert statements == ["SELECT", "SELECT", REFUSED_INSERT]
    assert Customer.objects.get(name="Acme").customer_group == "Retail"


def test_a_hook_after_the_insert_keeps_the_transaction(client, no_receivers, monkeypatch):
    seen = []

    def after_insert(self):
        seen.append(connection.in_atomic_block)

    monkeypatch.setattr(Customer, "after_insert", after_insert, raising=False)
    response, statements = _statements(client, "/api/resource/Customer", {"customer_name": "Acme"})
    assert response.status_code == 200
    assert statements == ["SELECT", "SELECT", "BEGIN", "INSERT", "COMMIT"] and seen == [True, True]  # warm-up, create


def test_a_doc_changed_receiver_keeps_the_transaction(client, no_receivers):
    seen = []

    def receiver(sender, name, **kwargs):
        seen.append((name, connection.in_atomic_block))

    signals.doc_changed.connect(receiver, weak=False, dispatch_uid="test_create_statements.changed")
    try:
        response, statements = _statements(client, "/api/resource/Customer", {"customer_name": "Acme"})
    finally:
        signals.doc_changed.disconnect(dispatch_uid="test_create_statements.changed")
    assert response.status_code == 200
    assert statements == ["SELECT", "SELECT", "BEGIN", "INSERT", "COMMIT"] and seen[-1] == ("Acme", True)


# --- child rows: one INSERT per table, or row by row when a model needs its own saves -----------------------

ORDER = {"customer": "Acme", "transaction_date": "2025-01-01",
         "items": [{"item_code": f"I{number}", "qty": number, "rate": "2.5"} for number in range(1, 4)]}
ROW_FIELDS = ("idx", "item_code", "qty", "rate", "amount", "owner", "modified_by", "docstatus", "parent_id")


def _child_inserts(captured):
    """The INSERT statements into the Sales Order Item table among the captured ones."""
    return [query["sql"] for query in captured.captured_queries
            if query["sql"].upper().startswith("INSERT") and SalesOrderItem._meta.db_table in query["sql"]]


def _stored_rows(name):
    return list(SalesOrderItem.objects.filter(parent_id=name).order_by("idx").values(*ROW_FIELDS))


def _insert_order(client, body=ORDER, path="/api/resource/Sales Order"):
    with CaptureQueriesContext(connection) as captured:
        response = client.post_json(path, body)
    return response, captured


@pytest.fixture
def acme():
    return Customer.objects.create(name="Acme", customer_name="Acme")


def test_child_rows_go_in_one_insert_with_hash_names_and_the_rows_a_read_answers(client, acme):
    response, captured = _insert_order(client)
    assert response.status_code == 200
    data = response.json()["data"]
    assert len(_child_inserts(captured)) == 1
    names = [row["name"] for row in data["items"]]
    assert len(set(names)) == 3 and all(len(name) == 10 and name.isalnum() and name.islower() for name in names)
    assert sorted(names) == sorted(SalesOrderItem.objects.filter(parent_id="SO-00001").values_list("name", flat=True))
    assert data == client.get("/api/resource/Sales Order/SO-00001").json()["data"]


@pytest.fixture
def receiver_on_rows():
    calls = []

    def receiver(sender, instance, created, **kwargs):
        calls.append((instance.item_code, created))

    post_save.connect(receiver, sender=SalesOrderItem, weak=False, dispatch_uid="test_create_statements.rows")
    yield calls
    post_save.disconnect(sender=SalesOrderItem, dispatch_uid="test_create_statements.rows")


def test_a_receiver_on_the_child_model_keeps_row_by_row_saves_and_the_same_stored_rows(client, acme,
                                                                                      receiver_on_rows):
    response, captured = _insert_order(client)
    assert response.status_code == 200
    assert len(_child_inserts(captured)) == 3
    assert receiver_on_rows == [("I1", True), ("I2", True), ("I3", True)]
    post_save.disconnect(sender=SalesOrderItem, dispatch_uid="test_create_statements.rows")
    assert client.post_json("/api/resource/Sales Order", ORDER).status_code == 200
    row_by_row, bulk = _stored_rows("SO-00001"), _stored_rows("SO-00002")
    assert [{**row, "parent_id": None} for row in row_by_row] == [{**row, "parent_id": None} for row in bulk]
    assert [row["amount"] for row in bulk] == [2.5, 5, 7.5]


def test_a_child_model_with_its_own_save_is_saved_row_by_row(client, acme, monkeypatch):
    saved = []

    def save(self, *args, **kwargs):
        saved.append(self.item_code)
        return models.Model.save(self, *args, **kwargs)

    monkeypatch.setattr(SalesOrderItem, "save", save)
    response, captured = _insert_order(client)
    assert response.status_code == 200
    assert len(_child_inserts(captured)) == 3
    assert saved == ["I1", "I2", "I3"]
    assert [row["item_code"] for row in _stored_rows("SO-00001")] == ["I1", "I2", "I3"]


def test_a_refused_bulk_insert_writes_again_row_by_row_under_the_same_series_name(client, acme, monkeypatch):
    refused = []

    def bulk_create(self, objs, *args, **kwargs):
        refused.append(len(objs))
        raise IntegrityError("refused by the test")

    monkeypatch.setattr(models.QuerySet, "bulk_create", bulk_create)
    response, captured = _insert_order(client)
    assert response.status_code == 200
    assert refused == [3] and len(_child_inserts(captured)) == 3
    assert response.json()["data"]["name"] == "SO-00001"
    assert Series.objects.get(name="SO-").current == 1
    assert SalesOrder.objects.count() == 1 and len(_stored_rows("SO-00001")) == 3


def test_an_invalid_row_is_refused_with_its_row_number_and_nothing_is_written(client, acme):
    body = {**ORDER, "items": [{"item_code": "I1"}, {"item_code": "x" * 141}]}
    response = client.post_json("/api/resource/Sales Order", body)
    assert_error(response, 417, "CharacterLengthExceededError",
                 "Row #2: Item code: Ensure this value has at most 140 characters (it has 141).")
    assert not SalesOrder.objects.exists() and not SalesOrderItem.objects.exists()
    assert not Series.objects.filter(name="SO-", current__gt=0).exists()


def test_a_taken_parent_name_is_still_answered_before_an_invalid_row(client, acme):
    assert client.post_json("/api/resource/Sales Order", ORDER).status_code == 200
    body = {**ORDER, "name": "SO-00001", "items": [{"item_code": "x" * 141}]}
    response = client.post_json("/api/v2/document/Sales Order", body)
    assert response.status_code == 409
    assert response.json()["errors"][0]["type"] == "DuplicateEntryError"
    assert len(_stored_rows("SO-00001")) == 3
