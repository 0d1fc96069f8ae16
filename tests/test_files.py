"""upload_file, serving public and private files, download_file, and the upload refusals."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from example_project.demo.models import Note
from frappe_api.models import File

from .conftest import APIClient, server_messages
from .factories import NoteFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def upload(client, name="hello.txt", content=b"hello world", content_type="text/plain", **fields):
    return client.post("/api/method/upload_file", {"file": SimpleUploadedFile(name, content, content_type),
                                                   **fields})


def plain_user(username="writer"):
    client = APIClient()
    client.force_login(UserFactory(username=username))
    return client


def test_upload_stores_the_file_and_answers_the_file_document(admin_client, media):
    response = upload(admin_client)
    assert response.status_code == 200
    data = response.json()["message"]
    assert data["doctype"] == "File" and data["file_name"] == "hello.txt"
    assert data["file_url"].startswith("/files/") and data["file_url"].endswith(".txt")
    assert (data["is_private"], data["file_size"], data["folder"]) == (0, 11, "Home")
    assert data["content_hash"] == "5eb63bbbe01eeed093cb22bb8f5acdc3"
    assert "storage_path" not in data
    stored = list((media / "public" / "files").iterdir())
    assert len(stored) == 1 and stored[0].read_bytes() == b"hello world"
    assert stored[0].name != "hello.txt"
    served = admin_client.get(data["file_url"])
    assert served.status_code == 200 and b"".join(served.streaming_content) == b"hello world"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert APIClient().get(data["file_url"]).status_code == 200


def test_client_paths_never_reach_the_filesystem(admin_client, media):
    data = upload(admin_client, name="../../etc/passwd").json()["message"]
    assert data["file_name"] == "passwd"
    assert [p.name for p in (media / "public" / "files").iterdir()] == [data["file_url"].split("/")[-1]]
    assert not (media.parent / "etc").exists()


def test_upload_attached_to_a_field_sets_it(admin_client):
    note = NoteFactory(name="n1")
    data = upload(admin_client, doctype="Note", docname="n1", fieldname="content").json()["message"]
    assert (data["attached_to_doctype"], data["attached_to_name"], data["attached_to_field"]) == ("Note", "n1",
                                                                                                 "content")
    note.refresh_from_db()
    assert note.content == data["file_url"]


def test_private_files_are_served_to_owner_and_readers_only(admin_client):
    owner = plain_user("owner")
    todo = owner.post_json("/api/resource/ToDo", {"description": "mine"}).json()["data"]["name"]
    data = upload(owner, is_private="1", doctype="ToDo", docname=todo).json()["message"]
    assert data["file_url"].startswith("/private/files/") and data["is_private"] == 1
    assert owner.get(data["file_url"]).status_code == 200
    assert admin_client.get(data["file_url"]).status_code == 200
    stranger = plain_user("stranger")
    assert stranger.get(data["file_url"]).status_code == 403
    assert APIClient().get(data["file_url"]).status_code == 403
    download = owner.get("/api/method/frappe.handler.download_file", {"file_url": data["file_url"]})
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    assert stranger.get("/api/method/frappe.handler.download_file",
                        {"file_url": data["file_url"]}).status_code == 403


def test_html_and_svg_are_served_as_attachments(admin_client):
    data = upload(admin_client, name="x.svg", content=b"<svg onload=alert(1)/>",
                  content_type="image/svg+xml").json()["message"]
    served = admin_client.get(data["file_url"])
    assert "attachment" in served["Content-Disposition"]
    assert served["X-Content-Type-Options"] == "nosniff"


def test_upload_refusals(admin_client, guest_client):
    assert upload(guest_client).status_code == 403
    with override_settings(FRAPPE_API={"MAX_FILE_SIZE": 5}):
        too_big = upload(admin_client)
    assert too_big.status_code == 413 and too_big.json()["exc_type"] == "RequestEntityTooLarge"
    writer = plain_user()
    refused = upload(writer, name="page.html", content=b"<html>", content_type="text/html")
    assert refused.status_code == 417
    assert server_messages(refused.json())[0]["message"] == (
        "You can only upload JPG, PNG, PDF, TXT, CSV or Microsoft documents.")
    assert upload(writer).status_code == 200
    remote = admin_client.post("/api/method/upload_file", {"file_url": "http://169.254.169.254/latest/meta-data"})
    assert remote.status_code == 417
    assert admin_client.post("/api/method/upload_file", {"file_url": "/etc/passwd"}).status_code == 417
    assert admin_client.post("/api/method/upload_file", {}).status_code == 417
    assert admin_client.get("/api/method/upload_file").status_code == 403
    assert File.objects.count() == 1


def test_guest_uploads_when_the_setting_allows(guest_client):
    with override_settings(FRAPPE_API={"ALLOW_GUEST_UPLOADS": True}):
        response = upload(guest_client)
    assert response.status_code == 200
    assert response.json()["message"]["owner"] == "Guest"


def test_attaching_needs_write_permission_on_the_document(admin_client):
    NoteFactory(name="theirs", owner="someone")
    response = upload(plain_user(), doctype="Note", docname="theirs", fieldname="content")
    assert response.status_code == 403
    assert Note.objects.get(name="theirs").content == "" and File.objects.count() == 0


def test_file_url_on_an_allowed_host_is_recorded_not_fetched(admin_client):
    with override_settings(FRAPPE_API={"ALLOWED_FILE_URL_HOSTS": ["cdn.example.com"]}):
        data = admin_client.post("/api/method/upload_file",
                                 {"file_url": "https://cdn.example.com/logo.png"}).json()["message"]
    assert (data["file_url"], data["file_name"]) == ("https://cdn.example.com/logo.png", "logo.png")


def test_v2_upload_answers_data(admin_client):
    response = admin_client.post("/api/v2/method/upload_file",
                                 {"file": SimpleUploadedFile("a.txt", b"a", "text/plain")})
    assert response.json()["data"]["file_name"] == "a.txt"
