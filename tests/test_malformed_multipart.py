"""A multipart body without a boundary (found by the schema fuzzing, .ci/schema_fuzz.sh): Frappe's 417, never a 500,
wherever the body is read (the sid parameter of logout and of session authentication, the CSRF form field, DRF)."""

import logging

import pytest

pytestmark = pytest.mark.django_db

NO_BOUNDARY = "multipart/form-data"


@pytest.mark.parametrize("path", ["/api/method/logout", "/api/method/ping", "/api/resource/ToDo",
                                  "/api/v2/method/logout"])
def test_multipart_without_boundary_is_a_417(client, path, caplog):
    with caplog.at_level(logging.ERROR):
        response = client.post(path, b"--x--", content_type=NO_BOUNDARY)
    assert response.status_code == 417, response.content
    body = response.json()
    if path.startswith("/api/v2/"):
        assert body["errors"][0]["type"] == "ValidationError"
        assert body["errors"][0]["message"] == "Invalid request body: Invalid boundary in multipart: None"
    else:
        assert body["exc_type"] == "ValidationError"
        assert body["exception"] == ("frappe.exceptions.ValidationError: Invalid request body: "
                                     "Invalid boundary in multipart: None")
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]  # the client's error


def test_multipart_without_boundary_with_an_api_key_is_a_417(admin_client):
    keys = admin_client.post("/api/method/frappe.core.doctype.user.user.generate_keys",
                             {"user": "Administrator"}).json()["message"]
    response = admin_client.post("/api/resource/ToDo", b"--x--", content_type=NO_BOUNDARY,
                                 HTTP_AUTHORIZATION=f"token {keys['api_key']}:{keys['api_secret']}")
    assert response.status_code == 417
    assert response.json()["exc_type"] == "ValidationError"
