"""The demo project's home page at ``/`` and its plain 404 page for unknown paths outside ``/api``."""

import pytest

pytestmark = pytest.mark.django_db


def test_home_page_links_the_api_login_admin_and_docs(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    html = response.content.decode()
    for link in ('href="/api/resource/ToDo"', 'href="/login"', 'href="/admin/"', 'href="/api/docs"',
                 'href="/api/openapi.json"',
                 'href="https://docs.frappe.io/framework/user/en/api/rest"'):
        assert link in html


def test_home_page_names_the_logged_in_user(admin_client):
    assert "You are logged in as <strong>Administrator</strong>" in admin_client.get("/").content.decode()


def test_home_page_refuses_a_post_without_cmd(client):
    assert client.post("/").status_code == 405


@pytest.mark.parametrize("debug", [True, False])
def test_unknown_page_is_a_plain_404_not_the_technical_page(client, settings, debug):
    settings.DEBUG = debug
    response = client.get("/no/such/page")
    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>Page not found</h1>" in html and "<code>/no/such/page</code>" in html
    assert "URLconf" not in html and "admin/" not in html


def test_unknown_api_path_keeps_frappe_json_404(client):
    response = client.get("/api/nope")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
