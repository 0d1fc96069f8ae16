"""POST, GET, PUT and DELETE on /api/resource/{doctype}[/{name}]: the seeds' CRUD session and its refusals."""

import datetime
import json

import pytest
from django.utils import timezone

from example_project.demo.models import Customer, Note, ToDo

from .conftest import server_messages
from .factories import CustomerFactory, NoteFactory, ToDoFactory, UserFactory

pytestmark = pytest.mark.django_db

FRAPPE_DATETIME = "%Y-%m-%d %H:%M:%S.%f"


def parse_frappe_datetime(text):
    return datetime.datetime.strptime(text, FRAPPE_DATETIME)


# --- create ------------------------------------------------------------------------------
def test_create_answers_200_with_the_whole_document(admin_client):
    response = admin_client.post_json("/api/resource/ToDo", {"description": "New ToDo"})
    assert response.status_code == 200
    data = response.json()["data"]
    name = data.pop("name")
    creation, modified = data.pop("creation"), data.pop("modified")
    assert data == {"owner": "Administrator", "modified_by": "Administrator", "idx": 0, "docstatus": 0,
                    "status": "Open", "priority": "Medium", "description": "New ToDo", "reference_type": "",
                    "reference_name": "", "doctype": "ToDo"}
    assert len(name) == 10 and name.isalnum() and name == name.lower()
    assert creation == modified
    assert abs(parse_frappe_datetime(creation) - timezone.localtime().replace(tzinfo=None)) < datetime.timedelta(
        seconds=30)
    assert ToDo.objects.get(name=name).description == "New ToDo"


def test_create_leaves_null_fields_out(admin_client):
    data = admin_client.post_json("/api/resource/ToDo", {"description": "x"}).json()["data"]
    assert "date" not in data and "allocated_to" not in data


def test_create_from_form_field_data_holding_json(admin_client):
    response = admin_client.post("/api/resource/Note", {"data": json.dumps({"title": "From form", "public": 1})})
    assert response.status_code == 200
    assert response.json()["data"]["title"] == "From form"
    assert response.json()["data"]["public"] == 1


def test_create_from_plain_form_fields(admin_client):
    response = admin_client.post("/api/resource/Note", {"title": "Plain form", "public": "0"})
    assert response.status_code == 200
    assert response.json()["data"]["public"] == 0


def test_create_ignores_standard_fields_in_the_body(admin_client):
    body = {"description": "Sneaky", "name": "chosen-name", "owner": "someone", "creation": "2000-01-01 00:00:00",
            "modified": "2000-01-01 00:00:00", "modified_by": "someone", "docstatus": 1, "idx": 7,
            "doctype": "Note"}
    data = admin_client.post_json("/api/resource/ToDo", body).json()["data"]
    assert data["name"] != "chosen-name"
    assert data["owner"] == data["modified_by"] == "Administrator"
    assert data["docstatus"] == 0 and data["idx"] == 0
    assert not data["creation"].startswith("2000")
    assert data["doctype"] == "ToDo"
    stored = ToDo.objects.get(name=data["name"])
    assert (stored.owner, stored.docstatus, stored.idx) == ("Administrator", 0, 0)


def test_create_names_by_field_rule(admin_client):
    data = admin_client.post_json("/api/resource/Customer", {"customer_name": "  Acme Ltd "}).json()["data"]
    assert data["name"] == "Acme Ltd"
    assert Customer.objects.filter(name="Acme Ltd").exists()


def test_create_with_a_duplicate_name_is_409(admin_client):
    CustomerFactory(customer_name="Acme")
    response = admin_client.post_json("/api/resource/Customer", {"customer_name": "Acme"})
    assert response.status_code == 409
    body = response.json()
    assert body["exc_type"] == "DuplicateEntryError"
    assert server_messages(body)[0] == {"message": "Customer Acme already exists", "title": "Duplicate Name",
                                        "indicator": "red", "raise_exception": 1}
    assert Customer.objects.count() == 1


def test_create_names_refuse_angle_brackets_with_409(admin_client):
    response = admin_client.post_json("/api/resource/Customer", {"customer_name": "<script>"})
    assert response.status_code == 409
    assert response.json()["exc_type"] == "NameError"


def test_create_without_a_mandatory_field_is_417(admin_client):
    response = admin_client.post_json("/api/resource/ToDo", {"status": "Open"})
    assert response.status_code == 417
    body = response.json()
    assert body["exc_type"] == "MandatoryError"
    assert server_messages(body)[0]["message"] == "Error: Value missing for ToDo: Description"
    assert json.loads(body["exc"]) == ["frappe.exceptions.MandatoryError: Error: Value missing for ToDo: Description"]
    assert ToDo.objects.count() == 0


def test_create_with_a_value_outside_the_choices_is_417(admin_client):
    response = admin_client.post_json("/api/resource/ToDo", {"description": "x", "status": "Nope"})
    assert response.status_code == 417
    assert server_messages(response.json())[0]["message"] == (
        'Status cannot be "Nope". It should be one of "Open, Closed, Cancelled"')


def test_create_with_a_value_of_the_wrong_type_is_417_naming_the_field(admin_client):
    response = admin_client.post_json("/api/resource/ToDo", {"description": "x", "date": "tomorrow-ish"})
    assert response.status_code == 417
    assert server_messages(response.json())[0]["message"] == "Invalid value for Date: 'tomorrow-ish'"


def test_create_with_too_long_a_value_is_417(admin_client):
    response = admin_client.post_json("/api/resource/Note", {"title": "x" * 141})
    assert response.status_code == 417
    assert response.json()["exc_type"] == "CharacterLengthExceededError"


def test_create_link_by_name_and_unknown_link_is_417(admin_client):
    UserFactory(username="bob")
    data = admin_client.post_json("/api/resource/ToDo", {"description": "x", "allocated_to": "bob"}).json()["data"]
    assert data["allocated_to"] == "bob"
    response = admin_client.post_json("/api/resource/ToDo", {"description": "y", "allocated_to": "nobody"})
    assert response.status_code == 417
    assert response.json()["exc_type"] == "LinkValidationError"
    assert server_messages(response.json())[0]["message"] == "Could not find Allocated to: nobody"
    assert ToDo.objects.count() == 1


def test_create_costs_one_query_per_link_then_the_insert_and_no_read_back(admin_client, django_assert_num_queries):
    UserFactory(username="bob")
    admin_client.post_json("/api/resource/ToDo", {"description": "warm-up"})
    # session, user, savepoint (the test's transaction holds the request's), bob, INSERT, release: the answer
    # comes from the instance written (tests/test_create_statements.py counts a create outside a test transaction)
    with django_assert_num_queries(6):
        response = admin_client.post_json("/api/resource/ToDo", {"description": "x", "allocated_to": "bob"})
    assert response.status_code == 200 and response.json()["data"]["allocated_to"] == "bob"


def test_a_generated_hash_name_another_row_has_is_replaced_by_a_new_one(admin_client, monkeypatch):
    from frappe_api import naming

    ToDoFactory(name="taken00000")
    names = iter(["taken00000", "fresh00000"])
    monkeypatch.setattr(naming, "make_hash", lambda: next(names))
    response = admin_client.post_json("/api/resource/ToDo", {"description": "x"})
    assert response.status_code == 200 and response.json()["data"]["name"] == "fresh00000"
    monkeypatch.setattr(naming, "make_hash", lambda: "taken00000")
    response = admin_client.post_json("/api/resource/ToDo", {"description": "y"})
    assert response.status_code == 409 and response.json()["exc_type"] == "DuplicateEntryError"
    assert server_messages(response.json())[0]["message"] == "ToDo taken00000 already exists"
    assert sorted(ToDo.objects.values_list("name", flat=True)) == ["fresh00000", "taken00000"]


@pytest.mark.parametrize("path", ["/api/resource/ToDo", "/api/v2/document/ToDo"])
def test_generated_hash_names_are_ten_lowercase_letters_or_digits_and_distinct(admin_client, path):
    names = []
    for number in range(100):
        response = admin_client.post_json(path, {"description": f"hash {number}"})
        assert response.status_code == 200
        names.append(response.json()["data"]["name"])
    alphabet = set("abcdefghijklmnopqrstuvwxyz0123456789")
    assert all(len(name) == 10 and set(name) <= alphabet for name in names)
    assert len(set(names)) == 100
    assert sorted(ToDo.objects.values_list("name", flat=True)) == sorted(names)
    # over 1,000 characters every one of the 36 turns up (a draw that skipped some would miss them)
    assert set("".join(names)) == alphabet


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2", b'{"a": ', b"\xff\xfe"])
def test_create_with_malformed_json_is_417_not_500(admin_client, body):
    response = admin_client.post("/api/resource/ToDo", body, content_type="application/json")
    assert response.status_code == 417
    assert response.json()["exc_type"] == "ValidationError"
    assert ToDo.objects.count() == 0


@pytest.mark.parametrize("body", ["42", '"text"', "[1, 2]"])
def test_create_with_a_json_body_that_is_not_an_object_is_417(admin_client, body):
    response = admin_client.post("/api/resource/ToDo", body, content_type="application/json")
    assert response.status_code == 417


def test_create_with_bad_json_in_data_field_is_417(admin_client):
    response = admin_client.post("/api/resource/Note", {"data": "{oops"})
    assert response.status_code == 417
    assert server_messages(response.json())[0]["message"] == "Invalid JSON in field 'data'"


def test_create_as_guest_or_plain_user_is_403_and_stores_nothing(guest_client, user_client):
    assert guest_client.post_json("/api/resource/Note", {"title": "x"}).status_code == 403
    assert user_client.post_json("/api/resource/Customer", {"customer_name": "x"}).status_code == 403
    assert Note.objects.count() == 0 and Customer.objects.count() == 0


# --- read ----------------------------------------------------------------------------------
def test_read_answers_the_document_without_nulls(admin_client):
    ToDoFactory(name="abc1234567", description="<p>Test description</p>")
    response = admin_client.get("/api/resource/ToDo/abc1234567")
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["name"] == "abc1234567"
    assert data["description"] == "<p>Test description</p>"
    assert data["doctype"] == "ToDo"
    assert "date" not in data and None not in data.values()
    assert admin_client.get("/api/v1/resource/ToDo/abc1234567/").json() == response.json()


def test_read_names_may_contain_slashes_and_spaces(admin_client):
    CustomerFactory(customer_name="A/B Traders")
    response = admin_client.get("/api/resource/Customer/A/B%20Traders")
    assert response.status_code == 200
    assert response.json()["data"]["name"] == "A/B Traders"


def test_read_missing_document_is_404_with_frappe_body(admin_client):
    response = admin_client.get("/api/resource/ToDo/missing")
    assert response.status_code == 404
    assert response.json() == {
        "exc_type": "DoesNotExistError",
        "exception": "frappe.exceptions.DoesNotExistError: ToDo missing not found",
        "_server_messages": json.dumps([json.dumps({"message": "ToDo missing not found", "title": "Message",
                                                    "indicator": "red", "raise_exception": 1})]),
    }


def test_read_as_user_without_rights_is_403_even_when_missing(user_client):
    CustomerFactory(customer_name="exists")
    for name in ("exists", "missing"):
        response = user_client.get(f"/api/resource/Customer/{name}")
        assert response.status_code == 403
        assert response.json()["_error_message"] == "No permission for Customer"


# --- update --------------------------------------------------------------------------------
def test_update_changes_only_the_fields_sent(admin_client):
    todo = ToDoFactory(description="Old", priority="High", modified=timezone.now() - datetime.timedelta(hours=1))
    response = admin_client.put_json(f"/api/resource/ToDo/{todo.name}", {"description": "New description"})
    assert response.status_code == 200
    data = response.json()["data"]
    assert (data["description"], data["priority"], data["status"]) == ("New description", "High", "Open")
    assert parse_frappe_datetime(data["modified"]) > parse_frappe_datetime(data["creation"])
    todo.refresh_from_db()
    assert todo.description == "New description"


def test_update_ignores_standard_fields(admin_client):
    todo = ToDoFactory(owner="jane")
    body = {"name": "renamed", "owner": "mallory", "creation": "2000-01-01 00:00:00", "docstatus": 2, "idx": 9,
            "modified_by": "mallory"}
    data = admin_client.put_json(f"/api/resource/ToDo/{todo.name}", body).json()["data"]
    assert (data["name"], data["owner"], data["docstatus"], data["idx"]) == (todo.name, "jane", 0, 0)
    assert data["modified_by"] == "Administrator"
    assert not ToDo.objects.filter(name="renamed").exists()


def test_update_with_the_stored_modified_passes_and_a_stale_one_is_417(admin_client):
    todo = ToDoFactory()
    current = admin_client.get(f"/api/resource/ToDo/{todo.name}").json()["data"]["modified"]
    ok = admin_client.put_json(f"/api/resource/ToDo/{todo.name}", {"description": "fresh", "modified": current})
    assert ok.status_code == 200
    stale = admin_client.put_json(f"/api/resource/ToDo/{todo.name}", {"description": "stale", "modified": current})
    assert stale.status_code == 417
    assert stale.json()["exc_type"] == "TimestampMismatchError"
    assert server_messages(stale.json())[0]["message"].startswith(
        "Error: Document has been modified after you have opened it")
    todo.refresh_from_db()
    assert todo.description == "fresh"


def test_update_failing_validation_changes_nothing(admin_client):
    todo = ToDoFactory(description="Keep me")
    response = admin_client.put_json(f"/api/resource/ToDo/{todo.name}", {"description": "", "priority": "Low"})
    assert response.status_code == 417
    todo.refresh_from_db()
    assert (todo.description, todo.priority) == ("Keep me", "Medium")


def test_update_missing_document_is_404(admin_client):
    response = admin_client.put_json("/api/resource/ToDo/missing", {"description": "x"})
    assert response.status_code == 404


def test_update_as_user_without_rights_is_403(user_client):
    todo = ToDoFactory(description="Mine")
    assert user_client.put_json(f"/api/resource/ToDo/{todo.name}", {"description": "x"}).status_code == 403
    todo.refresh_from_db()
    assert todo.description == "Mine"


# --- delete --------------------------------------------------------------------------------
def test_delete_answers_202_and_a_second_delete_404(admin_client):
    note = NoteFactory()
    response = admin_client.delete(f"/api/resource/Note/{note.name}")
    assert response.status_code == 202
    assert response.json() == {"data": "ok", "message": "ok"}
    assert not Note.objects.filter(name=note.name).exists()
    assert admin_client.delete(f"/api/resource/Note/{note.name}").status_code == 404


def test_delete_as_user_without_rights_is_403(user_client):
    note = NoteFactory()
    assert user_client.delete(f"/api/resource/Note/{note.name}").status_code == 403
    assert Note.objects.filter(name=note.name).exists()


def test_delete_a_submitted_document_is_417(admin_client):
    note = NoteFactory(docstatus=1)
    response = admin_client.delete(f"/api/resource/Note/{note.name}")
    assert response.status_code == 417
    assert server_messages(response.json())[0]["message"] == (
        f"Note {note.name}: Submitted Record cannot be deleted. You must Cancel it first.")
    assert Note.objects.filter(name=note.name).exists()


# --- the seeds' curl session -----------------------------------------------------------------
def test_seed_crud_session(admin_client):
    created = admin_client.post_json("/api/resource/ToDo", {"description": "New ToDo"}).json()["data"]
    name = created["name"]
    listed = admin_client.get('/api/resource/ToDo?fields=["description", "name"]').json()
    assert listed == {"data": [{"description": "New ToDo", "name": name}]}
    assert admin_client.get(f"/api/resource/ToDo/{name}").json() == {"data": created}
    updated = admin_client.put_json(f"/api/resource/ToDo/{name}", {"description": "New description"}).json()
    assert updated["data"]["description"] == "New description"
    assert admin_client.delete(f"/api/resource/ToDo/{name}").json()["message"] == "ok"
    assert admin_client.get("/api/resource/ToDo").json() == {"data": []}
