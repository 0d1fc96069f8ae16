"""Attachments belong to their document: attaching (or detaching) a File needs write on the document, on
every write path; a deleted document takes its Files (and their bytes) and Comments with it; a renamed one
keeps them."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from example_project.demo.models import Customer
from frappe_api.models import Comment, File

from .conftest import client_for
from .factories import NoteFactory, ToDoFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def upload(client, name="a.txt", content=b"hello", **fields):
    response = client.post("/api/method/upload_file",
                           {"file": SimpleUploadedFile(name, content, "text/plain"), **fields})
    assert response.status_code == 200, response.content
    return response.json()["message"]


def stored_files(media):
    return sorted(path.name for path in media.rglob("*") if path.is_file())


# --- item 14: changing an attachment needs write on the documents --------------------------------------


def attach_attempts(client, name, target):
    yield client.put_json(f"/api/resource/File/{name}", target)
    yield client.patch(f"/api/v2/document/File/{name}", json.dumps(target),
                       content_type="application/json")
    yield client.post_json("/api/method/frappe.client.set_value",
                           {"doctype": "File", "name": name, "fieldname": target})
    yield client.post_json("/api/method/frappe.client.save", {"doc": {"doctype": "File", "name": name, **target}})
    yield client.post("/", {"cmd": "frappe.client.set_value", "doctype": "File", "name": name,
                            "fieldname": json.dumps(target)})


@pytest.mark.parametrize("target", [
    {"attached_to_doctype": "Note", "attached_to_name": "theirs"},
    {"attached_to_doctype": "ToDo", "attached_to_name": "others"},
])
def test_attaching_an_own_file_to_a_document_one_cannot_write_is_refused_on_every_write_path(target):
    NoteFactory(name="theirs")
    ToDoFactory(name="others", owner="someone")
    mallory = client_for("mallory")
    name = upload(mallory)["name"]
    for response in attach_attempts(mallory, name, target):
        assert response.status_code == 403, response.content
        assert b"PermissionError" in response.content
    bulk = mallory.post_json("/api/v2/document/File/bulk_update", {"docs": [{"name": name, **target}]})
    assert bulk.json()["data"]["failed"][0]["exc_type"] == "PermissionError"
    row = File.objects.get(name=name)
    assert (row.attached_to_doctype, row.attached_to_name) == ("", "")
    mine = mallory.post_json("/api/resource/ToDo", {"description": "mine"}).json()["data"]["name"]
    response = mallory.put_json(f"/api/resource/File/{name}", {"attached_to_doctype": "ToDo", "attached_to_name": mine})
    assert response.status_code == 200
    assert (response.json()["data"]["attached_to_doctype"], response.json()["data"]["attached_to_name"]) == (
        "ToDo", mine)


def test_moving_an_attachment_away_needs_write_on_the_document_it_leaves():
    NoteFactory(name="theirs")
    mallory = client_for("mallory")
    mine = mallory.post_json("/api/resource/ToDo", {"description": "mine"}).json()["data"]["name"]
    name = upload(mallory)["name"]
    File.objects.filter(name=name).update(attached_to_doctype="Note", attached_to_name="theirs")
    for target in ({"attached_to_doctype": "ToDo", "attached_to_name": mine}, {"attached_to_name": ""},
                   {"attached_to_field": "content"}):
        response = mallory.put_json(f"/api/resource/File/{name}", target)
        assert response.status_code == 403, target
    assert File.objects.get(name=name).attached_to_name == "theirs"


def test_attaching_to_a_missing_document_is_a_404(admin_client):
    name = upload(admin_client)["name"]
    response = admin_client.put_json(f"/api/resource/File/{name}",
                                     {"attached_to_doctype": "Note", "attached_to_name": "nope"})
    assert response.status_code == 404 and response.json()["exc_type"] == "DoesNotExistError"


# --- item 7: delete removes, rename moves --------------------------------------------------------------


def delete_with(surface, client, name):
    if surface == "v1":
        return client.delete(f"/api/resource/Customer/{name}")
    if surface == "v2":
        return client.delete(f"/api/v2/document/Customer/{name}")
    if surface == "bulk_delete":
        return client.post_json("/api/v2/document/Customer/bulk_delete", {"names": [name]})
    return client.post_json("/api/method/frappe.client.delete", {"doctype": "Customer", "name": name})


@pytest.mark.parametrize("surface", ["v1", "v2", "bulk_delete", "frappe.client.delete"])
def test_a_new_namesake_inherits_no_files_or_comments_of_a_deleted_document(
        surface, admin_client, media, django_capture_on_commit_callbacks):
    assert admin_client.post_json("/api/resource/Customer", {"customer_name": "Acme"}).status_code == 200
    private = upload(admin_client, "contract.txt", b"secret", is_private="1", doctype="Customer", docname="Acme")
    admin_client.post_json("/api/v2/document/Customer/Acme/method/add_comment", {"text": "internal note"})
    assert Comment.objects.filter(reference_name="Acme").count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        refused = delete_with(surface, client_for("seller", "Sales User"), "Acme")
    assert b"PermissionError" in refused.content
    assert File.objects.filter(attached_to_name="Acme").count() == 1 and stored_files(media) != []
    with django_capture_on_commit_callbacks(execute=True):
        response = delete_with(surface, admin_client, "Acme")
    assert response.status_code in (200, 202), response.content
    assert not File.objects.filter(attached_to_name="Acme").exists()
    assert not Comment.objects.filter(reference_name="Acme").exists()
    assert stored_files(media) == []
    newcomer = client_for("newcomer", "Sales User")
    assert newcomer.post_json("/api/resource/Customer", {"customer_name": "Acme"}).status_code == 200
    assert newcomer.get(private["file_url"]).status_code == 403  # gone: refused as any private file not theirs
    listed = newcomer.get("/api/v2/document/Customer/Acme").json()["data"]
    assert listed["name"] == "Acme"
    assert not File.objects.filter(attached_to_doctype="Customer", attached_to_name="Acme").exists()


def test_bytes_another_file_row_still_names_are_kept(admin_client, media, django_capture_on_commit_callbacks):
    Customer.objects.create(name="Acme", customer_name="Acme")
    attached = upload(admin_client, doctype="Customer", docname="Acme")
    copy = admin_client.post("/api/method/upload_file", {"file_url": attached["file_url"]})
    assert copy.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.delete("/api/resource/Customer/Acme").status_code == 202
    assert not File.objects.filter(name=attached["name"]).exists()
    assert stored_files(media) == [attached["file_url"].split("/")[-1]]
    response = admin_client.get(attached["file_url"])
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"hello"


def test_deleting_a_file_row_removes_its_bytes_after_commit(media, django_capture_on_commit_callbacks):
    owner = client_for("owner")
    name = upload(owner)["name"]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert owner.delete(f"/api/resource/File/{name}").status_code == 202
    assert len(stored_files(media)) == 1
    for callback in callbacks:
        callback()
    assert stored_files(media) == []


def rename_with(surface, client, old, new):
    if surface == "v2":
        return client.post_json(f"/api/v2/document/Customer/{old}/method/rename", {"name": new})
    return client.post_json("/api/method/frappe.client.rename_doc",
                            {"doctype": "Customer", "old_name": old, "new_name": new})


@pytest.mark.parametrize("surface", ["v2", "frappe.client.rename_doc"])
def test_a_renamed_document_keeps_its_files_and_comments(surface, admin_client):
    Customer.objects.create(name="Acme", customer_name="Acme")
    private = upload(admin_client, is_private="1", doctype="Customer", docname="Acme")
    admin_client.post_json("/api/v2/document/Customer/Acme/method/add_comment", {"text": "internal note"})
    assert rename_with(surface, admin_client, "Acme", "Apex").status_code == 200
    row = File.objects.get(name=private["name"])
    assert (row.attached_to_doctype, row.attached_to_name) == ("Customer", "Apex")
    assert Comment.objects.get().reference_name == "Apex"
    newcomer = client_for("newcomer", "Sales User")
    assert newcomer.post_json("/api/resource/Customer", {"customer_name": "Acme"}).status_code == 200
    assert not File.objects.filter(attached_to_name="Acme").exists()
    assert not Comment.objects.filter(reference_name="Acme").exists()
    assert newcomer.get(private["file_url"]).status_code == 200
