"""A caller without the DocType's right learns nothing of which names exist, nor any stored value."""

import pytest

from .conftest import client_for
from .factories import NoteFactory, UserFactory

pytestmark = pytest.mark.django_db

@pytest.fixture
def outsider():
    """A logged-in user with no right on User or Note."""
    return client_for("outsider")


@pytest.fixture
def existing():
    UserFactory(username="victim")
    NoteFactory(name="secret-note", title="t")
    return {"User": "victim", "Note": "secret-note"}


def _same_refusal(first, second):
    assert first.status_code == second.status_code == 403, (first.content, second.content)
    assert first.json() == second.json()


@pytest.mark.parametrize("doctype", ["User", "Note"])
def test_v2_bulk_delete_and_update_refuse_existing_and_missing_names_alike(outsider, existing, doctype):
    base = f"/api/v2/document/{doctype}"
    for path, key, item in ((f"{base}/bulk_delete", "names", lambda n: n),
                            (f"{base}/bulk_update", "docs", lambda n: {"name": n, "first_name": "x"})):
        answers = [outsider.post_json(path, {key: [item(name)]}).json()["data"]["failed"][0]
                   for name in (existing[doctype], "nobody-by-this-name")]
        assert {key: value for key, value in answers[0].items() if key != "name"} == \
            {key: value for key, value in answers[1].items() if key != "name"}
        assert answers[0]["exc_type"] == "PermissionError"


@pytest.mark.parametrize("action", ["bulk_delete", "bulk_update"])
def test_v2_method_bulk_refuses_existing_and_missing_names_alike(outsider, existing, action):
    answers = [outsider.post_json(f"/api/v2/method/{action}", {"docs": [{"doctype": "User", "name": name}]})
               .json()["data"]["failed"][0] for name in ("victim", "nobody-by-this-name")]
    assert answers[0]["exc_type"] == answers[1]["exc_type"] == "PermissionError"
    assert answers[0]["error"] == answers[1]["error"] == "No permission for User"


def test_run_doc_method_with_modified_refuses_before_quoting_the_stored_timestamp(outsider, existing):
    answers = [outsider.post_json("/api/v2/method/run_doc_method", {
        "method": "summary", "document": {"doctype": "Note", "name": name, "modified": "2000-01-01 00:00:00"}})
        for name in ("secret-note", "missing-note")]
    _same_refusal(*answers)
    assert "2000-01-01" not in answers[0].content.decode()


def test_run_doc_method_still_refuses_a_stale_modified_to_a_writer(admin_client, existing):
    stale = admin_client.post_json("/api/v2/method/run_doc_method", {
        "method": "summary", "document": {"doctype": "Note", "name": "secret-note",
                                          "modified": "2000-01-01 00:00:00"}})
    assert stale.status_code == 417
    assert stale.json()["errors"][0]["type"] == "TimestampMismatchError"


@pytest.mark.parametrize("path", ["/api/method/frappe.client.get_doc_permissions",
                                  "/api/v2/method/frappe.client.get_doc_permissions"])
def test_get_doc_permissions_refuses_existing_and_missing_names_alike(outsider, existing, path):
    answers = [outsider.get(path, {"doctype": "User", "docname": name}) for name in ("victim", "nobody")]
    _same_refusal(*answers)


def test_get_doc_permissions_reports_the_rights_on_one_document(admin_client, existing):
    answer = admin_client.get("/api/method/frappe.client.get_doc_permissions",
                              {"doctype": "Note", "docname": "secret-note"})
    assert answer.json()["message"]["permissions"]["read"] == 1
    missing = admin_client.get("/api/method/frappe.client.get_doc_permissions",
                               {"doctype": "Note", "docname": "nobody"})
    assert missing.status_code == 404


def test_has_permission_answers_false_for_existing_and_missing_names_alike(outsider, existing):
    answers = [outsider.get("/api/method/frappe.client.has_permission",
                            {"doctype": "User", "docname": name, "perm_type": "read"}).json()
               for name in ("victim", "nobody")]
    assert answers == [{"message": {"has_permission": False}}] * 2


@pytest.mark.parametrize("request_for", [
    lambda c, n: c.post_json("/api/method/frappe.client.set_value",
                             {"doctype": "User", "name": n, "fieldname": "first_name", "value": "x"}),
    lambda c, n: c.post_json("/api/method/frappe.client.delete", {"doctype": "User", "name": n}),
    lambda c, n: c.delete(f"/api/v2/document/User/{n}"),
    lambda c, n: c.post_json("/api/method/frappe.client.cancel", {"doctype": "Note", "name": n}),
    lambda c, n: c.post_json(f"/api/v2/document/Note/{n}/method/add_comment", {"text": "x"}),
    lambda c, n: c.get(f"/api/v2/document/Note/{n}/copy"),
    lambda c, n: c.post_json(f"/api/v2/document/Note/{n}/method/summary", {}),
])
def test_document_paths_refuse_existing_and_missing_names_alike(outsider, existing, request_for):
    for name in ("victim", "secret-note"):
        _same_refusal(request_for(outsider, name), request_for(outsider, "nobody-by-this-name"))


def test_meta_of_an_unreadable_doctype_is_answered_as_a_missing_one(outsider):
    unreadable = outsider.get("/api/v2/doctype/User/meta")
    missing = outsider.get("/api/v2/doctype/No Such DocType/meta")
    assert unreadable.status_code == missing.status_code == 403
    assert unreadable.json()["errors"][0]["type"] == missing.json()["errors"][0]["type"] == "PermissionError"
    assert unreadable.json()["errors"][0]["message"] == "No permission for User"
    assert missing.json()["errors"][0]["message"] == "No permission for No Such DocType"


def test_meta_is_served_to_readers_and_for_child_tables_of_readable_parents():
    seller = client_for("seller", "Sales User")
    assert seller.get("/api/v2/doctype/Sales Order/meta").status_code == 200
    assert seller.get("/api/v2/doctype/Sales Order Item/meta").status_code == 200
    assert client_for("nobody").get("/api/v2/doctype/Sales Order Item/meta").status_code == 403


def test_attaching_a_file_refuses_existing_and_missing_names_alike(outsider, existing):
    answers = [outsider.post("/api/method/upload_file", {"file_url": "https://example.com/a.png", "doctype": "Note",
                                                         "docname": name}) for name in ("secret-note", "nobody")]
    _same_refusal(*answers)
