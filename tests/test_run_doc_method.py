"""``run_doc_method`` / ``runserverobj`` as frappe-ui's resources call them: ``dt``/``dn`` or ``docs``, ``method``,
``args``, answering ``{message, docs: [doc]}`` with API v2's permission rules."""

import json

import pytest

import frappe_api
from example_project.demo.models import SalesOrder, ToDo
from frappe_api import whitelist
from frappe_api.registry import registry

from .conftest import APIClient, client_for
from .factories import CustomerFactory, NoteFactory, ToDoFactory, UserFactory

pytestmark = pytest.mark.django_db

NAMES = ["run_doc_method", "frappe.handler.run_doc_method", "runserverobj", "frappe.handler.runserverobj",
         "frappe.desk.form.run_method.runserverobj"]


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


# --- bug 3 (issue 16): permission before the row lock and the timestamp check, on every run-doc-method path -------
WRONG = "2000-01-01 00:00:00"


@pytest.fixture
def blind_todo():
    """ToDo for a role that may write (and submit nothing) but not read."""
    frappe_api.register(ToDo, doctype="Blind ToDo", permissions=[{"role": "Writer", "read": 0, "write": 1}])
    registry.invalidate()
    yield "Blind ToDo"
    frappe_api.unregister("Blind ToDo")
    registry.invalidate()


@pytest.fixture
def blind_order():
    """Sales Order for a role that may write and submit but not read."""
    frappe_api.register(SalesOrder, doctype="Blind Order", is_submittable=True,
                        permissions=[{"role": "Writer", "read": 0, "write": 1, "submit": 1, "cancel": 1}])
    registry.invalidate()
    yield "Blind Order"
    frappe_api.unregister("Blind Order")
    registry.invalidate()


def _stored_modified(model, name):
    return str(model.objects.get(name=name).modified.replace(tzinfo=None))


def _doc_method_calls(doctype, name, method):
    """Every path running a document method with the client's ``modified``: RPC (``docs``) and API v2."""
    return [
        lambda client, modified: client.post_json("/api/method/run_doc_method", {
            "docs": {"doctype": doctype, "name": name, "modified": modified}, "method": method}),
        lambda client, modified: client.post_json("/api/method/runserverobj", {
            "docs": json.dumps({"doctype": doctype, "name": name, "modified": modified}), "method": method}),
        lambda client, modified: client.post_json("/api/v2/method/run_doc_method", {
            "document": {"doctype": doctype, "name": name, "modified": modified}, "method": method}),
    ]


def _refusal(doctype):
    message = f"No permission for {doctype}"
    return {"exc_type": "PermissionError", "exception": f"frappe.exceptions.PermissionError: {message}",
            "exc": json.dumps([f"frappe.exceptions.PermissionError: {message}"]),
            "_server_messages": json.dumps([json.dumps({"message": message, "title": "Not Permitted",
                                                        "indicator": "red", "raise_exception": 1})]),
            "_error_message": message}


@pytest.mark.parametrize("path", range(3))
def test_a_writer_who_cannot_read_learns_nothing_from_modified_when_running_a_method(blind_todo, path):
    writer = client_for("writer", "Writer")
    todo = ToDoFactory(owner="writer", description="secret")
    call = _doc_method_calls(blind_todo, todo.name, "summary")[path]
    wrong = call(writer, WRONG)
    right = call(writer, _stored_modified(ToDo, todo.name))
    assert (wrong.status_code, right.status_code) == (403, 403)
    expected = _refusal(blind_todo) if path < 2 else {"errors": [{
        "type": "PermissionError", "message": f"No permission for {blind_todo}", "title": "Not Permitted",
        "indicator": "red"}]}
    assert wrong.json() == right.json() == expected
    assert _stored_modified(ToDo, todo.name)[:4] not in wrong.content.decode()


@pytest.mark.parametrize("path", range(3))
def test_a_submitter_who_cannot_read_cannot_submit_through_run_doc_method(blind_order, path):
    writer = client_for("writer", "Writer")
    customer = CustomerFactory(customer_name="Acme")
    order = SalesOrder.objects.create(name="SO-1", customer=customer, transaction_date="2024-01-01", owner="writer")
    call = _doc_method_calls(blind_order, order.name, "submit")[path]
    wrong = call(writer, WRONG)
    right = call(writer, _stored_modified(SalesOrder, order.name))
    assert (wrong.status_code, right.status_code) == (403, 403)
    assert wrong.json() == right.json()
    assert "TimestampMismatchError" not in wrong.content.decode()
    assert SalesOrder.objects.get(name="SO-1").docstatus == 0


def test_a_writer_who_cannot_read_is_not_told_the_stored_modified_on_save(blind_todo):
    """A stale ``modified`` is still refused (417), but its text names the stored time only to a reader."""
    writer = client_for("writer", "Writer")
    todo = ToDoFactory(owner="writer", description="secret")
    stored = _stored_modified(ToDo, todo.name)
    stale = writer.put_json(f"/api/resource/{blind_todo}/{todo.name}", {"description": "x", "modified": WRONG})
    assert stale.status_code == 417
    message = ("Error: Document has been modified after you have opened it. "
               "Please refresh to get the latest document.")
    assert stale.json()["exception"] == f"frappe.exceptions.TimestampMismatchError: {message}"
    assert stored[:10] not in stale.content.decode()
    assert ToDo.objects.get(name=todo.name).description == "secret"
    admin_stale = APIClient()
    admin_stale.force_login(UserFactory(username="root", is_superuser=True))
    shown = admin_stale.put_json(f"/api/resource/ToDo/{todo.name}", {"description": "x", "modified": WRONG})
    assert shown.status_code == 417
    assert shown.json()["exception"] == (
        "frappe.exceptions.TimestampMismatchError: Error: Document has been modified after you have opened it "
        f"({stored}, {WRONG}). Please refresh to get the latest document.")


def test_run_doc_method_locks_and_loads_the_row_once(django_assert_num_queries):
    """One transaction (the view's, a savepoint under the test's) holding the service's; the row is locked and
    loaded once, then read back for the answer."""
    alice = client_for("alice")
    todo = ToDoFactory(owner="alice", description="x")
    document = {"doctype": "ToDo", "name": todo.name, "modified": _stored_modified(ToDo, todo.name)}
    alice.post_json("/api/v2/method/run_doc_method", {"method": "summary", "document": document})
    # session, user, savepoint, roles, savepoint, the locked row, release, the answer read back, release
    with django_assert_num_queries(9):
        response = alice.post_json("/api/v2/method/run_doc_method", {"method": "summary", "document": document})
    assert response.json() == {"data": "Open: x",
                               "docs": [alice.get(f"/api/v2/document/ToDo/{todo.name}").json()["data"]]}


def test_every_document_method_route_needs_read_on_the_document(blind_todo):
    """Frappe's run_doc_method asks ``read``; v1 ``run_method`` and the v2 method route ask it too, so a writer
    who cannot read runs nothing (and the method's answer, which may quote the document, stays unsent)."""
    writer = client_for("writer", "Writer")
    todo = ToDoFactory(owner="writer", description="secret")
    for response in (
            writer.post_json(f"/api/resource/{blind_todo}/{todo.name}?run_method=summary", {}),
            writer.post_json(f"/api/v2/document/{blind_todo}/{todo.name}/method/summary", {}),
            writer.post_json("/api/method/run_doc_method", {"dt": blind_todo, "dn": todo.name, "method": "close"})):
        assert response.status_code == 403
        assert "secret" not in response.content.decode()
    assert ToDo.objects.get(name=todo.name).status == "Open"
