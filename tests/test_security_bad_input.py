"""Bad input answers Frappe's 417 with Frappe's messages, never a 500 nor raw exception text."""

import json

import pytest

from example_project.demo.models import ToDo

from .conftest import server_messages
from .factories import ToDoFactory

pytestmark = pytest.mark.django_db

IMPOSSIBLE = "2024-13-45 00:00:00"
STALE_PREFIX = "Error: Document has been modified after you have opened it"


def _message(response):
    body = response.json()
    if "errors" in body:
        return body["errors"][0]["message"]
    return server_messages(body)[0]["message"]


def test_an_impossible_modified_is_a_timestamp_mismatch_on_every_write_path(admin_client):
    todo = ToDoFactory(description="before")
    answers = [
        admin_client.put_json(f"/api/resource/ToDo/{todo.name}", {"description": "x", "modified": IMPOSSIBLE}),
        admin_client.patch(f"/api/v2/document/ToDo/{todo.name}", json.dumps({"description": "x",
                                                                            "modified": IMPOSSIBLE}),
                           content_type="application/json"),
        admin_client.post_json("/api/method/frappe.client.save",
                               {"doc": {"doctype": "ToDo", "name": todo.name, "modified": IMPOSSIBLE}}),
        admin_client.post_json("/api/v2/method/run_doc_method", {
            "method": "summary", "document": {"doctype": "ToDo", "name": todo.name, "modified": IMPOSSIBLE}}),
    ]
    for response in answers:
        assert response.status_code == 417, response.content
        assert _message(response).startswith(STALE_PREFIX)
        assert "month must be" not in response.content.decode()
    assert ToDo.objects.get(name=todo.name).description == "before"


@pytest.mark.parametrize("path,args,message", [
    ("frappe.client.get_value", {"doctype": "ToDo", "fieldname": 5},
     "'fieldname' must be a field name or a list of field names"),
    ("frappe.client.get_value", {"doctype": "ToDo", "fieldname": ["description", 5]},
     "'fieldname' must be a field name or a list of field names"),
    ("frappe.client.validate_link", {"doctype": "ToDo", "docname": "x", "fields": 5},
     "'fields' must be a field name or a list of field names"),
    ("frappe.client.set_value", {"doctype": "ToDo", "name": "x", "fieldname": ["description"], "value": "y"},
     "'fieldname' must be a field name or an object of field values"),
])
def test_wrongly_typed_field_names_are_a_417(admin_client, path, args, message):
    response = admin_client.post_json(f"/api/method/{path}", args)
    assert response.status_code == 417, response.content
    assert _message(response) == message


def test_bulk_update_reports_frappe_messages_not_raw_exception_text(admin_client):
    todo = ToDoFactory(description="before")
    response = admin_client.post_json("/api/method/frappe.client.bulk_update", {"docs": [
        {"doctype": "ToDo", "docname": todo.name, "description": "x", "modified": IMPOSSIBLE},
        {"doctype": "ToDo", "docname": todo.name, "date": "2024-13-45"},
    ]})
    assert response.status_code == 200
    failed = response.json()["message"]["failed_docs"]
    assert [entry["exc"].split(":")[0] for entry in failed] == ["TimestampMismatchError", "ValidationError"]
    assert failed[1]["exc"] == "ValidationError: Invalid value for Date: '2024-13-45'"
    assert "month must be" not in response.content.decode()
    assert ToDo.objects.get(name=todo.name).description == "before"
