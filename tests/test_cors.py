"""CORS for front ends on other origins: exact origins, credentials only for them, Frappe's headers."""

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db

ORIGINS = override_settings(CORS_ALLOWED_ORIGINS=["https://app.example.com"])


@ORIGINS
def test_preflight_from_a_listed_origin(guest_client):
    response = guest_client.options("/api/resource/ToDo", HTTP_ORIGIN="https://app.example.com",
                                    HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
                                    HTTP_ACCESS_CONTROL_REQUEST_HEADERS="x-frappe-csrf-token, content-type")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert response["Access-Control-Allow-Credentials"] == "true"
    assert "x-frappe-csrf-token" in response["Access-Control-Allow-Headers"]
    assert "authorization" in response["Access-Control-Allow-Headers"]
    assert response["Access-Control-Max-Age"] == "86400"


@ORIGINS
@pytest.mark.parametrize("origin", ["https://evil.example", "https://app.example.com.evil.example",
                                    "http://app.example.com", "https://app.example.co"])
def test_other_origins_get_no_cors_headers(guest_client, origin):
    response = guest_client.options("/api/resource/ToDo", HTTP_ORIGIN=origin,
                                    HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET")
    assert "Access-Control-Allow-Origin" not in response
    assert "Access-Control-Allow-Credentials" not in response


@ORIGINS
def test_credentialed_request_from_a_listed_origin(admin_client):
    response = admin_client.get("/api/method/frappe.auth.get_logged_user", HTTP_ORIGIN="https://app.example.com")
    assert response.json() == {"message": "Administrator"}
    assert response["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert response["Access-Control-Allow-Credentials"] == "true"


@ORIGINS
def test_cors_covers_the_api_only(admin_client):
    response = admin_client.get("/admin/login/", HTTP_ORIGIN="https://app.example.com")
    assert "Access-Control-Allow-Origin" not in response
