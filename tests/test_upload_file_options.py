"""``upload_file``'s ``optimize``, ``max_width``, ``max_height`` and ``method`` arguments.

Shapes from Frappe's frappe/handler.py ``upload_file`` (optimize for ``image/*`` uploads, then ``method`` called
with the upload and its result answered) and frappe/utils/image.py ``optimize_image`` (shrink to 1024 x 768 by
default, never below 200 px, at least a fifth smaller on each side, same format).
"""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image

from frappe_api.files import storage
from frappe_api.models import File

from . import upload_methods  # noqa: F401 - registers the methods upload_file hands uploads to
from .conftest import APIClient, server_messages
from .factories import UserFactory

pytestmark = pytest.mark.django_db
METHODS = "tests.upload_methods"


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def image_bytes(fmt: str, size=(2000, 1500), color=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format=fmt)
    return buffer.getvalue()


def upload(client, name, content, content_type="application/octet-stream", **fields):
    return client.post("/api/method/upload_file", {"file": SimpleUploadedFile(name, content, content_type),
                                                   **fields})


def stored(data) -> bytes:
    row = File.objects.get(name=data["name"])
    with storage().open(row.storage_path, "rb") as handle:
        return handle.read()


@pytest.mark.parametrize("name,fmt,served", [("photo.jpg", "JPEG", "image/jpeg"), ("shot.png", "PNG", "image/png"),
                                             ("anim.gif", "GIF", "image/gif"), ("pic.webp", "WEBP", "image/webp")])
def test_optimize_shrinks_raster_image_keeping_format_and_served_type(admin_client, name, fmt, served):
    """frappe/utils/image.py optimize_image: a 2000x1500 image fits 1024x768 after ``optimize=1``, in its own
    format; the file is served with the same type as an unoptimized upload."""
    original = image_bytes(fmt)
    response = upload(admin_client, name, original, optimize="1")
    assert response.status_code == 200
    data = response.json()["message"]
    content = stored(data)
    with Image.open(io.BytesIO(content)) as image:
        assert (image.format, image.size) == (fmt, (1024, 768))
    assert data["file_size"] == len(content) != len(original)
    assert File.objects.get(name=data["name"]).content_type == served
    served_response = admin_client.get(data["file_url"])
    assert served_response["Content-Type"] == served


def test_optimize_honours_max_width_and_max_height(admin_client):
    """frappe/handler.py upload_file passes max_width / max_height to optimize_image (aspect ratio kept)."""
    data = upload(admin_client, "photo.jpg", image_bytes("JPEG"), optimize="1", max_width="400",
                  max_height="400").json()["message"]
    with Image.open(io.BytesIO(stored(data))) as image:
        assert image.size == (400, 300)


def test_without_optimize_or_small_image_bytes_are_kept(admin_client):
    """frappe/utils/image.py optimize_image leaves small images alone, and nothing happens without optimize."""
    big = image_bytes("PNG")
    assert stored(upload(admin_client, "big.png", big).json()["message"]) == big
    small = image_bytes("PNG", size=(200, 150))
    assert stored(upload(admin_client, "small.png", small, optimize="1").json()["message"]) == small
    assert len(stored(upload(admin_client, "big.png", big, optimize="1").json()["message"])) != len(big)


def test_optimize_leaves_non_images_and_mislabelled_bytes_alone(admin_client):
    """frappe/handler.py upload_file optimizes images only: text, SVG, and a PNG named .jpg (served as
    octet-stream) are stored as sent."""
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="4000" height="4000"/>'
    for name, content in (("a.txt", b"hello"), ("b.svg", svg), ("c.jpg", image_bytes("PNG"))):
        data = upload(admin_client, name, content, optimize="1").json()["message"]
        assert stored(data) == content, name
    photo = image_bytes("JPEG")
    assert len(stored(upload(admin_client, "d.jpg", photo, optimize="1").json()["message"])) < len(photo)


def test_optimize_broken_image_kept_with_message(admin_client):
    """frappe/utils/image.py optimize_image: an image Pillow cannot read is kept, with a message."""
    broken = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    response = upload(admin_client, "broken.png", broken, optimize="1")
    assert response.status_code == 200
    assert stored(response.json()["message"]) == broken
    assert server_messages(response.json())[0]["message"].startswith("Failed to optimize image")


def test_optimize_refuses_bad_dimensions(admin_client):
    """frappe/handler.py upload_file reads max_width / max_height as integers: anything else is a 417 here."""
    for value in ("wide", "0", "-5", "99999999"):
        response = upload(admin_client, "photo.jpg", image_bytes("JPEG"), optimize="1", max_width=value)
        assert response.status_code == 417, value
    assert File.objects.count() == 0


def test_method_gets_the_upload_and_its_result_is_the_answer(admin_client):
    """frappe/handler.py upload_file with ``method``: the whitelisted method gets the (optimized) upload, its
    result is ``message``, and no File row is made."""
    response = upload(admin_client, "photo.jpg", image_bytes("JPEG"), optimize="1",
                      method=f"{METHODS}.file_summary", title="holiday")
    assert response.status_code == 200
    message = response.json()["message"]
    assert message["name"] == "photo.jpg" and message["title"] == "holiday"
    assert message["head"] == "ffd8ffe0" and message["user"] == "Administrator"
    assert message["size"] < len(image_bytes("JPEG"))
    assert File.objects.count() == 0
    v2 = admin_client.post("/api/v2/method/upload_file", {"file": SimpleUploadedFile("a.txt", b"abc"),
                                                          "method": f"{METHODS}.file_summary"})
    assert v2.json()["data"]["size"] == 3


def test_method_obeys_api_method_rules(admin_client):
    """frappe/handler.py upload_file checks ``method`` is whitelisted: unknown → 417, not whitelisted → 403, a
    verb the method refuses → 403, and upload_file itself cannot be named (no recursion)."""
    def call(method):
        return upload(admin_client, "a.txt", b"abc", method=method)

    assert call("nothing.at.all").status_code == 417
    assert call(f"{METHODS}.not_whitelisted").status_code == 403
    assert call(f"{METHODS}.get_only").status_code == 403
    assert call("upload_file").status_code == 200  # stores the file once: the nested call gets no `method`
    assert File.objects.count() == 1


def test_method_refuses_guest_and_checks_upload_first():
    """frappe/handler.py upload_file: a Guest needs allow_guests_to_upload_files, and then still only reaches
    methods allowing Guest; a user without desk access may not hand over a type outside the allowed list."""
    guest = APIClient()
    assert upload(guest, "a.txt", b"abc", "text/plain", method=f"{METHODS}.file_summary").status_code == 403
    with override_settings(FRAPPE_API={"ALLOW_GUEST_UPLOADS": True}):
        allowed = upload(guest, "a.txt", b"abc", "text/plain", method=f"{METHODS}.file_summary")
        assert allowed.json()["message"]["user"] == "Guest"
        assert upload(guest, "a.txt", b"abc", "text/plain", method=f"{METHODS}.members_only").status_code == 403
    member = APIClient()
    member.force_login(UserFactory(username="writer"))
    refused = upload(member, "page.html", b"<script>", "text/html", method=f"{METHODS}.file_summary")
    assert refused.status_code == 417
    assert File.objects.count() == 0


@override_settings(FRAPPE_API={"MAX_FILE_SIZE": 10})
def test_method_refuses_oversized_upload(admin_client):
    """frappe/handler.py upload_file: the size limit holds before ``method`` runs (413)."""
    assert upload(admin_client, "a.txt", b"x" * 11, method=f"{METHODS}.file_summary").status_code == 413
    assert upload(admin_client, "a.txt", b"x" * 10, method=f"{METHODS}.file_summary").json()["message"]["size"] == 10
    assert File.objects.count() == 0
