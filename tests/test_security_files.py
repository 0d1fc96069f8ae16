"""Files cannot become stored XSS: the served type is fixed at upload from the bytes, only inert types are
shown inline, a File row cannot be pointed at someone else's bytes, and private files follow the document's
read permission (if_owner and permission_query included)."""

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q

import frappe_api
from example_project.demo.models import Customer
from frappe_api.models import File

from .conftest import APIClient, client_for, server_messages

pytestmark = pytest.mark.django_db

XHTML = (b'<html xmlns="http://www.w3.org/1999/xhtml"><script>alert(document.domain)</script></html>')
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
GIF = b"GIF89a" + b"\x00" * 32
WEBP = b"RIFF\x00\x00\x00\x00WEBPVP8 " + b"\x00" * 32
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def upload(client, name, content, content_type="text/plain", **fields):
    response = client.post("/api/method/upload_file",
                           {"file": SimpleUploadedFile(name, content, content_type), **fields})
    assert response.status_code == 200, response.content
    return response.json()["message"]


def served(client, file_url):
    response = client.get(file_url)
    assert response.status_code == 200
    return response


def test_renaming_a_text_file_to_rdf_is_refused_and_it_stays_plain_text():
    mallory = client_for("mallory")
    data = upload(mallory, "note.txt", XHTML)
    for new_name in ("note.rdf", "note.mml", "note.html", "note.svg", "note"):
        refused = mallory.put_json(f"/api/resource/File/{data['name']}", {"file_name": new_name})
        assert refused.status_code == 417, new_name
        assert server_messages(refused.json())[0]["message"] == "The extension of a file cannot be changed"
    assert File.objects.get(name=data["name"]).file_name == "note.txt"
    response = served(APIClient(), data["file_url"])
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == 'inline; filename="note.txt"'


def test_file_name_edits_keep_the_extension_on_every_write_path():
    mallory = client_for("mallory")
    name = upload(mallory, "note.txt", XHTML)["name"]
    attempts = [
        mallory.patch(f"/api/v2/document/File/{name}", '{"file_name": "x.rdf"}', content_type="application/json"),
        mallory.post_json("/api/method/frappe.client.set_value",
                          {"doctype": "File", "name": name, "fieldname": "file_name", "value": "x.rdf"}),
        mallory.post_json("/api/method/frappe.client.save",
                          {"doc": {"doctype": "File", "name": name, "file_name": "x.mml"}}),
    ]
    for response in attempts:
        assert response.status_code == 417, response.content
    bulk = mallory.post_json("/api/v2/document/File/bulk_update", {"docs": [{"name": name, "file_name": "x.rdf"}]})
    assert bulk.json()["data"]["failed"][0]["exc_type"] == "ValidationError"
    renamed = mallory.put_json(f"/api/resource/File/{name}", {"file_name": "renamed.TXT"})
    assert renamed.status_code == 200 and renamed.json()["data"]["file_name"] == "renamed.TXT"
    assert File.objects.get(name=name).file_name == "renamed.TXT"


def test_served_type_never_follows_the_stored_file_name():
    data = upload(client_for("mallory"), "note.txt", XHTML)
    File.objects.filter(name=data["name"]).update(file_name="note.rdf")
    response = served(APIClient(), data["file_url"])
    assert response["Content-Type"] == "text/plain; charset=utf-8"


@pytest.mark.parametrize(("name", "content", "content_type"), [
    ("a.png", PNG, "image/png"),
    ("a.jpg", JPEG, "image/jpeg"),
    ("a.jpeg", JPEG, "image/jpeg"),
    ("a.gif", GIF, "image/gif"),
    ("a.webp", WEBP, "image/webp"),
    ("a.pdf", PDF, "application/pdf"),
    ("a.txt", "héllo".encode(), "text/plain; charset=utf-8"),
])
def test_inert_types_whose_bytes_match_are_served_inline_whatever_the_name_becomes(admin_client, name, content,
                                                                                  content_type):
    data = upload(admin_client, name, content)
    File.objects.filter(name=data["name"]).update(file_name="renamed.html")
    response = served(admin_client, data["file_url"])
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith("inline;")
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(("name", "content"), [
    ("x.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
    ("x.html", XHTML), ("x.xhtml", XHTML), ("x.xml", XHTML), ("x.rdf", XHTML), ("x.mml", XHTML),
    ("x.js", b"alert(1)"), ("x.css", b"body{}"), ("x.csv", b"a,b"), ("x", XHTML),
    ("x.png", XHTML), ("x.jpg", XHTML), ("x.gif", XHTML), ("x.pdf", XHTML), ("x.webp", XHTML),
    ("x.txt", b"\xff\xfe<\x00h\x00t\x00m\x00l\x00>\x00"),
])
def test_everything_else_is_an_octet_stream_attachment(admin_client, name, content):
    response = served(admin_client, upload(admin_client, name, content, "image/png")["file_url"])
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_download_file_is_an_attachment_with_the_stored_type(admin_client):
    data = upload(admin_client, "a.png", PNG)
    File.objects.filter(name=data["name"]).update(file_name="a.svg")
    response = admin_client.get("/api/method/frappe.handler.download_file", {"file_url": data["file_url"]})
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="a.svg"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_file_url_cannot_name_a_private_file_the_user_may_not_read():
    victim, mallory = client_for("victim"), client_for("mallory")
    private = upload(victim, "secret.txt", b"secret", is_private="1")["file_url"]
    for file_url in (private, private.replace("/private", ""), "/files/../private/files/x.txt", "/files/missing.txt"):
        refused = mallory.post("/api/method/upload_file", {"file_url": file_url, "is_private": "0"})
        assert refused.status_code == 417, file_url
        assert server_messages(refused.json())[0]["message"] == f"File URL not allowed: {file_url}"
    assert File.objects.count() == 1
    assert mallory.get(private).status_code == 403


def test_file_url_of_a_readable_file_shares_its_bytes_type_and_privacy():
    owner = client_for("owner")
    original = upload(owner, "photo.png", PNG, is_private="1")
    copy = owner.post("/api/method/upload_file", {"file_url": original["file_url"], "is_private": "0"})
    assert copy.status_code == 200
    data = copy.json()["message"]
    assert (data["file_url"], data["is_private"], data["file_name"]) == (original["file_url"], 1, "photo.png")
    assert (data["file_size"], data["content_hash"]) == (original["file_size"], original["content_hash"])
    assert served(owner, data["file_url"])["Content-Type"] == "image/png"
    renamed = owner.post("/api/method/upload_file", {"file_url": original["file_url"], "file_name": "photo.svg"})
    assert renamed.status_code == 417


def test_private_files_follow_the_documents_permission_query():
    frappe_api.register(Customer, doctype="Screened Customer", naming_rule="field:customer_name",
                        permission_query=lambda user: Q(customer_group="North"),
                        permissions=[{"role": "Sales User", "read": 1, "write": 1}])
    try:
        Customer.objects.create(name="Hidden", customer_name="Hidden", customer_group="South")
        owner = client_for("owner")
        private = File.objects.create(name="f1", file_name="a.txt", file_url="/private/files/a.txt", is_private=True,
                                      storage_path="private/files/a.txt", content_type="text/plain; charset=utf-8",
                                      owner="owner", attached_to_doctype="Screened Customer",
                                      attached_to_name="Hidden")
        storages["default"].save(private.storage_path, SimpleUploadedFile("a.txt", b"secret"))
        reader = client_for("reader", "Sales User")
        assert reader.get("/api/resource/Screened Customer/Hidden").status_code in (403, 404)
        assert reader.get(private.file_url).status_code == 403
        assert owner.get(private.file_url).status_code == 200
        Customer.objects.filter(name="Hidden").update(customer_group="North")
        assert reader.get(private.file_url).status_code == 200
    finally:
        frappe_api.unregister("Screened Customer")


def test_a_file_whose_bytes_are_gone_is_a_404_not_a_500(admin_client, media):
    data = upload(admin_client, "a.txt", b"hello")
    storages["default"].delete(File.objects.get(name=data["name"]).storage_path)
    for response in (admin_client.get(data["file_url"]),
                     admin_client.get("/api/method/frappe.handler.download_file", {"file_url": data["file_url"]})):
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"


def test_server_owned_file_fields_cannot_be_written(admin_client):
    owner = client_for("owner")
    data = upload(owner, "a.txt", b"hello")
    victim = upload(client_for("victim"), "b.txt", b"secret", is_private="1")
    changes = {"file_url": victim["file_url"], "is_private": 1, "content_type": "text/html", "file_size": 1,
               "storage_path": File.objects.get(name=victim["name"]).storage_path, "content_hash": "x"}
    for key, value in changes.items():
        owner.put_json(f"/api/resource/File/{data['name']}", {key: value})
    row = File.objects.get(name=data["name"])
    assert (row.file_url, row.is_private, row.content_type) == (data["file_url"], False, "text/plain; charset=utf-8")
    assert (row.storage_path.endswith(data["file_url"].split("/")[-1]), row.file_size) == (True, 5)
