"""Answers carrying a secret are never stored by a cache: ``generate_keys`` and the admin's key page."""

import re

import pytest
from django.contrib.auth.models import Group

from .conftest import logged_in
from .factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]
METHOD = "frappe.core.doctype.user.user.generate_keys"


@pytest.fixture
def manager_client(db):
    manager = UserFactory(username="manager")
    manager.groups.add(Group.objects.get(name="System Manager"))
    UserFactory(username="target")
    return logged_in(manager)


@pytest.mark.parametrize("path", [f"/api/method/{METHOD}", f"/api/v1/method/{METHOD}", f"/api/v2/method/{METHOD}"])
def test_generate_keys_answers_no_store(manager_client, path):
    response = manager_client.post(path, {"user": "target"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def test_generate_keys_by_the_legacy_cmd_path_answers_no_store(manager_client):
    response = manager_client.post("/", {"cmd": METHOD, "user": "target"})
    assert response.status_code == 200 and "api_secret" in response.json()["message"]
    assert response["Cache-Control"] == "no-store"


def test_other_answers_are_not_marked_by_a_previous_generate_keys(manager_client):
    assert manager_client.post(f"/api/method/{METHOD}", {"user": "target"})["Cache-Control"] == "no-store"
    assert "no-store" not in manager_client.get("/api/method/frappe.auth.get_logged_user").get("Cache-Control", "")


def test_the_admin_key_page_is_never_cached_and_the_secret_never_goes_into_a_message(admin_client):
    jane = UserFactory(username="jane")
    page = admin_client.post("/admin/auth/user/", {"action": "generate_api_keys", "_selected_action": [jane.pk]})
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"] and "private" in page["Cache-Control"]
    secret = re.search(r"api_secret (\w{15})", page.content.decode()).group(1)
    assert all(secret not in morsel.value for morsel in page.cookies.values())
    assert secret not in admin_client.get("/admin/auth/user/").content.decode()
