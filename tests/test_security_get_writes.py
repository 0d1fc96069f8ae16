"""No GET changes data: every method and document method answered on GET runs in a transaction that is always
rolled back, and the built-in writers are refused on GET."""

import pytest

from example_project.demo.models import Note, ToDo
from frappe_api import whitelist
from frappe_api.models import Comment

from . import rpc_methods  # noqa: F401 - registers the test methods
from .conftest import client_for
from .factories import NoteFactory, ToDoFactory

pytestmark = pytest.mark.django_db


def _touch(self) -> str:
    type(self).objects.filter(pk=self.pk).update(description="written on GET")
    return "touched"


@pytest.fixture
def touching_todo(monkeypatch):
    """ToDo with a whitelisted method (GET allowed) that writes."""
    monkeypatch.setattr(ToDo, "touch", whitelist(_touch), raising=False)


def _error_message(response):
    body = response.json()
    return body["errors"][0]["message"] if "errors" in body else body["exception"]


@pytest.mark.parametrize("path", ["/api/v2/document/ToDo/{name}/method/add_comment",
                                  "/api/v2/document/ToDo/{name}/method/rename"])
def test_builtin_writers_are_refused_on_get(path):
    alice = client_for("alice")
    todo = ToDoFactory(owner="alice")
    response = alice.get(path.format(name=todo.name), {"text": "cross-site", "name": "moved"})
    assert response.status_code == 403
    assert response.json()["errors"][0]["message"] == "Not permitted"
    assert not Comment.objects.exists() and ToDo.objects.filter(name=todo.name).exists()


def test_add_comment_still_works_on_post():
    alice = client_for("alice")
    todo = ToDoFactory(owner="alice")
    response = alice.post_json(f"/api/v2/document/ToDo/{todo.name}/method/add_comment", {"text": "hello"})
    assert response.status_code == 200 and Comment.objects.get().content == "hello"


@pytest.mark.parametrize("request_for", [
    lambda c, n: c.get(f"/api/v2/document/ToDo/{n}/method/touch"),
    lambda c, n: c.get(f"/api/resource/ToDo/{n}", {"run_method": "touch"}),
    lambda c, n: c.get("/api/v2/method/run_doc_method",
                       {"method": "touch", "document": f'{{"doctype": "ToDo", "name": "{n}"}}'}),
])
def test_document_methods_called_on_get_have_their_writes_rolled_back(touching_todo, request_for):
    alice = client_for("alice")
    todo = ToDoFactory(owner="alice", description="before")
    response = request_for(alice, todo.name)
    assert response.status_code == 200, response.content
    assert ToDo.objects.get(name=todo.name).description == "before"


def test_document_methods_called_on_post_keep_their_writes(touching_todo):
    alice = client_for("alice")
    todo = ToDoFactory(owner="alice", description="before")
    assert alice.post_json(f"/api/v2/document/ToDo/{todo.name}/method/touch", {}).status_code == 200
    assert ToDo.objects.get(name=todo.name).description == "written on GET"


@pytest.mark.parametrize("request_for", [
    lambda c: c.get("/api/method/tests.rpc_methods.write_note", {"title": "via-get"}),
    lambda c: c.get("/api/v2/method/tests.rpc_methods.write_note", {"title": "via-get"}),
    lambda c: c.get("/", {"cmd": "tests.rpc_methods.write_note", "title": "via-get"}),
])
def test_methods_called_on_get_have_their_writes_rolled_back(admin_client, request_for):
    response = request_for(admin_client)
    assert response.status_code == 200, response.content
    assert not Note.objects.filter(title="via-get").exists()


def test_frappe_client_writers_are_refused_on_get(admin_client):
    note = NoteFactory(title="before")
    for cmd, args in (("frappe.client.set_value", {"doctype": "Note", "name": note.name, "fieldname": "title",
                                                   "value": "after"}),
                      ("frappe.client.delete", {"doctype": "Note", "name": note.name}),
                      ("frappe.client.rename_doc", {"doctype": "ToDo", "old_name": "x", "new_name": "y"})):
        response = admin_client.get(f"/api/method/{cmd}", args)
        assert response.status_code == 403, cmd
    assert Note.objects.get(name=note.name).title == "before"
