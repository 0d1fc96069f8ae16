"""``run_doc_method`` / ``runserverobj`` as frappe-ui's resources call them: ``dt``/``dn`` or ``docs``, ``method``,
``args``, answering ``{message, docs: [doc]}`` with API v2's permission rules."""

import json

import pytest
from django.contrib.auth.models import Group

from example_project.demo.models import ToDo
from frappe_api import whitelist

from .conftest import APIClient
from .factories import NoteFactory, ToDoFactory, UserFactory

pytestmark = pytest.mark.django_db

NAMES = ["run_doc_method", "frappe.handler.run_doc_method", "runserverobj", "frappe.handler.runserverobj",
         "frappe.desk.form.run_method.runserverobj"]


def client_for(username, *roles):
    user = UserFactory(username=username)
    for role in roles:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    client = APIClient()
    client.force_login(user)
    return client


def stored_doc(client, name):
    return client.get("/api/method/frappe.client.get", {"doctype": "ToDo", "name": name}).json()["message"]


def _touch(self) -> None:
    type(self).objects.filter(pk=self.pk).update(description="written on GET")


@pytest.fixture
def touching_todo(monkeypatch):
    """ToDo with a whitelisted method (GET allowed) that writes and returns nothing."""
    monkeypatch.setattr(ToDo, "touch", whitelist(_touch), raising=False)


@pytest.mark.parametrize("cmd", NAMES)
def test_run_doc_method_with_dt_dn_and_args_object_answers_message_and_docs(cmd):
    """frappe/handler.py run_doc_method: dt/dn, args an object (frappe-ui createDocumentResource)."""
    alice = client_for("alice")
    todo = ToDoFactory(owner="alice", description="x")
    response = alice.post_json(f"/api/method/{cmd}",
                               {"dt": "ToDo", "dn": todo.name, "method": "close", "args": {"reason": "done"}})
    assert response.status_code == 200
    assert response.json() == {"message": "Closed", "docs": [stored_doc(alice, todo.name)]}
    stored = ToDo.objects.get(name=todo.name)
    assert (stored.status, stored.reference_name) == ("Closed", "done")


@pytest.mark.parametrize("args", [None, "null", "", "{}"])
def test_run_doc_method_with_args_null_or_empty_calls_without_arguments(args):
    """frappe/handler.py run_doc_method: args null (frappe-ui whitelisted method called without params)."""
    alice = client_for("alice")
    todo = ToDoFactory(owner="alice", description="x")
    response = alice.post_json("/api/method/run_doc_method",
                               {"dt": "ToDo", "dn": todo.name, "method": "summary", "args": args})
    assert response.status_code == 200
    assert response.json() == {"message": "Open: x", "docs": [stored_doc(alice, todo.name)]}


def test_run_doc_method_args_as_json_string_and_form_encoded_and_legacy_cmd():
    """frappe/handler.py run_doc_method: args as JSON text, sent as a form and through the site-root cmd."""
    alice = client_for("alice")
    todo = ToDoFactory(owner="alice", description="x")
    form = alice.post("/api/method/run_doc_method",
                      {"dt": "ToDo", "dn": todo.name, "method": "close", "args": json.dumps({"reason": "form"})})
    assert form.status_code == 200 and form.json()["message"] == "Closed"
    assert ToDo.objects.get(name=todo.name).reference_name == "form"
    legacy = alice.post("/", {"cmd": "runserverobj", "dt": "ToDo", "dn": todo.name, "method": "summary"})
    assert legacy.status_code == 200
    assert legacy.json() == {"message": "Closed: x", "docs": [stored_doc(alice, todo.name)]}


def test_run_doc_method_with_docs_checks_modified_and_runs_on_the_stored_document():
    """frappe/handler.py run_doc_method: docs (the document as the client holds it) with the optimistic lock."""
    alice = client_for("alice")
    todo = ToDoFactory(owner="alice", description="x")
    doc = stored_doc(alice, todo.name)
    ok = alice.post_json("/api/method/run_doc_method", {"docs": json.dumps(doc), "method": "summary"})
    assert ok.status_code == 200
    assert ok.json() == {"message": "Open: x", "docs": [doc]}
    stale = alice.post_json("/api/method/run_doc_method", {"docs": {**doc, "modified": "2000-01-01 00:00:00"},
                                                           "method": "close", "args": {"reason": "late"}})
    assert stale.status_code == 417
    assert stale.json()["exc_type"] == "TimestampMismatchError"
    assert "docs" not in stale.json()
    assert ToDo.objects.get(name=todo.name).status == "Open"


def test_run_doc_method_without_a_method_returning_none_answers_docs_only(touching_todo):
    """frappe/handler.py run_doc_method: no ``message`` when the method returns None; POST keeps its writes."""
    alice = client_for("alice")
    todo = ToDoFactory(owner="alice", description="x")
    response = alice.post_json("/api/method/run_doc_method", {"dt": "ToDo", "dn": todo.name, "method": "touch"})
    assert response.status_code == 200
    assert response.json() == {"docs": [stored_doc(alice, todo.name)]}
    assert ToDo.objects.get(name=todo.name).description == "written on GET"


def test_run_doc_method_on_get_rolls_back_the_methods_writes(touching_todo):
    """frappe/handler.py run_doc_method on GET: answered, but nothing it wrote is kept."""
    alice = client_for("alice")
    todo = ToDoFactory(owner="alice", description="x")
    response = alice.get("/api/method/run_doc_method", {"dt": "ToDo", "dn": todo.name, "method": "touch"})
    assert response.status_code == 200
    assert response.json() == {"docs": [stored_doc(alice, todo.name)]}
    assert ToDo.objects.get(name=todo.name).description == "x"


def test_run_doc_method_refuses_another_users_document_on_every_name():
    """frappe/handler.py run_doc_method: the document's read (GET) or write (POST) right, as API v2."""
    alice = client_for("alice")
    theirs = ToDoFactory(owner="bob", description="secret")
    for cmd in NAMES:
        for send in (alice.get, alice.post):
            refused = send(f"/api/method/{cmd}", {"dt": "ToDo", "dn": theirs.name, "method": "summary"})
            assert refused.status_code == 403, (cmd, send)
            body = refused.json()
            assert body["exc_type"] == "PermissionError" and "docs" not in body and "message" not in body
            assert "secret" not in refused.content.decode()
    closed = alice.post_json("/api/method/run_doc_method",
                             {"docs": {"doctype": "ToDo", "name": theirs.name, "owner": "alice"}, "method": "close"})
    assert closed.status_code == 403
    assert ToDo.objects.get(name=theirs.name).status == "Open"


def test_run_doc_method_refuses_without_doctype_permission_guest_and_unlisted_methods():
    """frappe/handler.py run_doc_method: DocType rights before lookup; whitelisted methods and verbs only."""
    alice = client_for("alice")
    note = NoteFactory()
    no_right = alice.post_json("/api/method/run_doc_method", {"dt": "Note", "dn": note.name, "method": "x"})
    assert no_right.status_code == 403 and no_right.json()["exc_type"] == "PermissionError"
    missing = alice.post_json("/api/method/run_doc_method", {"dt": "Note", "dn": "nope", "method": "x"})
    assert missing.status_code == 403
    todo = ToDoFactory(owner="alice", description="x")
    guest = APIClient().post_json("/api/method/run_doc_method", {"dt": "ToDo", "dn": todo.name, "method": "summary"})
    assert guest.status_code == 403
    hidden = alice.post_json("/api/method/run_doc_method", {"dt": "ToDo", "dn": todo.name, "method": "reopen"})
    assert hidden.status_code == 403 and hidden.json()["exc_type"] == "PermissionError"
    private = alice.post_json("/api/method/run_doc_method", {"dt": "ToDo", "dn": todo.name, "method": "_touch"})
    assert private.status_code == 404
    post_only = alice.get("/api/method/run_doc_method", {"dt": "ToDo", "dn": todo.name, "method": "close"})
    assert post_only.status_code == 403
    assert ToDo.objects.get(name=todo.name).status == "Open"
    neither = alice.post_json("/api/method/run_doc_method", {"method": "summary"})
    assert neither.status_code == 417
    assert neither.json()["exception"] == "frappe.exceptions.ValidationError: run_doc_method needs dt and dn, or docs"
