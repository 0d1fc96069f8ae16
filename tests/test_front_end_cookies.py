"""The cookies front ends read after a login (frappe/auth.py LoginManager.set_user_info), and the CORS headers
frappe-ui needs from another origin."""

import pytest
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/method/login", "/api/v2/method/login"])
def test_user_image_cookie_is_empty_not_two_quote_characters(jane, path):
    """frappe/auth.py set_user_info: ``user_image`` is the user's image or empty; never the text ``""``."""
    response = Client().post(path, {"usr": "jane", "pwd": "secret"}, content_type="application/json")
    assert response.status_code == 200
    header = response.cookies["user_image"].output(header="")
    assert header.startswith(" user_image=;"), header
    assert response.cookies["user_id"].output(header="").startswith(" user_id=jane;")


def test_login_page_sets_the_same_empty_user_image_cookie(jane):
    """frappe/auth.py set_user_info through /login (the HTML form)."""
    client = Client()
    response = client.post("/login", {"usr": "jane", "pwd": "secret"})
    assert response.status_code == 200
    assert response.cookies["user_image"].output(header="").startswith(" user_image=;")


@override_settings(CORS_ALLOWED_ORIGINS=["http://localhost:5173"])
def test_preflight_allows_frappe_ui_site_name_header(guest_client):
    """frappe-ui's frappeRequest always sends X-Frappe-Site-Name: the demo settings (FRAPPE_CORS_ALLOW_HEADERS)
    let its preflight pass."""
    response = guest_client.options("/api/method/frappe.client.get_list", HTTP_ORIGIN="http://localhost:5173",
                                    HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
                                    HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type,x-frappe-site-name,"
                                                                       "x-frappe-csrf-token")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "http://localhost:5173"
    allowed = {header.strip() for header in response["Access-Control-Allow-Headers"].split(",")}
    assert {"x-frappe-site-name", "x-frappe-csrf-token", "content-type", "authorization"} <= allowed


def test_frappe_cors_allow_headers_constant_lists_every_header_the_libraries_send():
    """frappe-js-sdk, frappe-react-sdk and frappe-ui request headers, for a host's CORS_ALLOW_HEADERS."""
    from frappe_api.cors import FRAPPE_CORS_ALLOW_HEADERS

    assert FRAPPE_CORS_ALLOW_HEADERS == ("accept", "authorization", "content-type", "x-csrftoken",
                                         "x-frappe-csrf-token", "x-frappe-site-name", "x-requested-with")
