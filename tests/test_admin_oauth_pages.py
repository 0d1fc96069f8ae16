"""OAuth application pages of the admin (resilience issue, item 13): no 500 from "View on site", the client ID
in the list, and a hashed secret never shown as if it were the secret."""

import pytest
from django.contrib.auth.hashers import check_password
from oauth2_provider.models import Application

from .factories import UserFactory
from .test_oauth_admin import ADD, SECRET, form

pytestmark = pytest.mark.django_db


def change_url(application):
    return f"/admin/oauth2_provider/application/{application.pk}/change/"


def saved_application(admin_client):
    assert admin_client.post(ADD, form()).status_code == 302
    return Application.objects.get(client_id="mobile-app")


def test_the_application_change_page_offers_no_view_on_site_link(admin_client):
    application = saved_application(admin_client)
    page = admin_client.get(change_url(application))
    assert page.status_code == 200
    assert "View on site" not in page.content.decode()


def test_the_application_list_shows_the_client_id_and_finds_by_it(admin_client):
    saved_application(admin_client)
    listing = admin_client.get("/admin/oauth2_provider/application/")
    assert listing.status_code == 200
    assert "client_id" in listing.context["cl"].list_display
    assert "mobile-app" in listing.content.decode()
    found = admin_client.get("/admin/oauth2_provider/application/", {"q": "mobile-app"})
    assert found.context["cl"].result_count == 1


def test_the_secret_box_is_empty_for_a_hashed_secret_and_leaving_it_empty_keeps_the_secret(admin_client):
    application = saved_application(admin_client)
    stored = application.client_secret
    page = admin_client.get(change_url(application))
    box = page.context["adminform"].form["client_secret"]
    assert box.value() in ("", None)
    assert stored not in page.content.decode()
    resaved = admin_client.post(change_url(application), form(client_secret="", name="Mobile App 2"))
    assert resaved.status_code == 302, resaved.context["adminform"].form.errors if resaved.context else ""
    application.refresh_from_db()
    assert application.name == "Mobile App 2" and application.client_secret == stored
    assert check_password(SECRET, application.client_secret)


def test_a_new_secret_entered_on_the_change_page_replaces_the_stored_one(admin_client):
    application = saved_application(admin_client)
    new_secret = "another-secret-long-enough-for-hs256-9876543210"
    assert admin_client.post(change_url(application), form(client_secret=new_secret)).status_code == 302
    application.refresh_from_db()
    assert check_password(new_secret, application.client_secret)


def test_the_api_key_page_shows_the_username_exactly_as_stored(admin_client):
    user = UserFactory(username="jane.doe")
    page = admin_client.post("/admin/auth/user/", {"action": "generate_api_keys", "_selected_action": [user.pk]})
    assert page.status_code == 200
    html = page.content.decode()
    assert '<code style="text-transform: none">jane.doe</code>' in html
    assert "Jane.doe" not in html
