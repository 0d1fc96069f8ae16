"""API key pairs: the model, regeneration, the admin action, generate_keys, frappe_api_keys and the demo seed."""

import hashlib
import hmac
import re
import string

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.test import Client

from frappe_api.auth import keys
from frappe_api.models import ApiKey

from .conftest import APIClient, server_messages
from .factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]
WHO = "/api/method/frappe.auth.get_logged_user"
GENERATE = "/api/method/frappe.core.doctype.user.user.generate_keys"


def who(api_key, api_secret):
    return Client().get(WHO, HTTP_AUTHORIZATION=f"token {api_key}:{api_secret}")


# --- the model ------------------------------------------------------------------------------------
def test_a_pair_is_two_random_15_character_strings_and_only_the_key_is_stored():
    user = UserFactory(username="robot")
    api_key, api_secret = keys.generate_keys(user)
    alphabet = set(string.ascii_lowercase + string.digits)
    assert len(api_key) == len(api_secret) == 15 and set(api_key + api_secret) <= alphabet
    row = ApiKey.objects.get(user=user)
    assert row.api_key == api_key
    assert row.secret_hash == hmac.new(settings.SECRET_KEY.encode(), api_secret.encode(), hashlib.sha256).hexdigest()
    assert api_secret not in row.secret_hash


def test_pairs_differ_between_users():
    first = keys.generate_keys(UserFactory(username="a"))
    second = keys.generate_keys(UserFactory(username="b"))
    assert first[0] != second[0] and first[1] != second[1]


def test_regenerating_replaces_the_pair_and_the_old_secret_stops_at_once():
    user = UserFactory(username="robot")
    old_key, old_secret = keys.generate_keys(user)
    assert who(old_key, old_secret).status_code == 200
    new_key, new_secret = keys.generate_keys(user)
    assert ApiKey.objects.filter(user=user).count() == 1
    assert who(old_key, old_secret).status_code == 401
    assert who(new_key, old_secret).status_code == 401
    assert who(new_key, new_secret).json() == {"message": "robot"}


def test_a_key_belongs_to_one_user_only():
    api_key, _ = keys.generate_keys(UserFactory(username="a"))
    with pytest.raises(IntegrityError), transaction.atomic():
        ApiKey.objects.create(user=UserFactory(username="b"), api_key=api_key, secret_hash="x")


def test_changing_secret_key_invalidates_every_secret(settings):
    api_key, api_secret = keys.generate_keys(UserFactory(username="robot"))
    settings.SECRET_KEY = "another-secret-key-for-this-test-only"
    assert who(api_key, api_secret).status_code == 401


# --- the admin action -----------------------------------------------------------------------------
def test_admin_action_shows_each_new_secret_once(admin_client):
    jane = UserFactory(username="jane")
    old_key, old_secret = keys.generate_keys(jane)
    page = admin_client.post("/admin/auth/user/", {"action": "generate_api_keys", "_selected_action": [jane.pk]},
                             follow=True)
    assert page.status_code == 200
    text = page.content.decode()
    found = re.search(r">jane</code>: api_key (\w{15}), api_secret (\w{15})", text)
    assert found, text
    api_key, api_secret = found.groups()
    assert api_key == ApiKey.objects.get(user=jane).api_key != old_key
    assert who(api_key, api_secret).json() == {"message": "jane"}
    assert who(old_key, old_secret).status_code == 401
    assert api_secret not in admin_client.get("/admin/auth/user/").content.decode()


def test_admin_action_is_offered_on_users(admin_client):
    assert b'value="generate_api_keys"' in admin_client.get("/admin/auth/user/").content


# --- generate_keys over HTTP --------------------------------------------------------------------------
def test_a_superuser_generates_keys_for_a_user(admin_client):
    UserFactory(username="target")
    response = admin_client.post(GENERATE, {"user": "target"})
    assert response.status_code == 200
    message = response.json()["message"]
    assert set(message) == {"api_key", "api_secret"}
    assert who(message["api_key"], message["api_secret"]).json() == {"message": "target"}


def test_generate_keys_takes_json_too(admin_client):
    UserFactory(username="target")
    response = admin_client.post_json(GENERATE, {"user": "target"})
    assert response.status_code == 200 and set(response.json()["message"]) == {"api_key", "api_secret"}


def test_generate_keys_by_get_is_not_permitted(admin_client):
    UserFactory(username="target")
    response = admin_client.get(GENERATE, {"user": "target"})
    assert response.status_code == 403
    assert response.json()["exc_type"] == "PermissionError"
    assert server_messages(response.json())[0]["message"] == "Not permitted"
    assert not ApiKey.objects.filter(user__username="target").exists()


def test_an_ordinary_user_may_not_generate_keys(user, user_client):
    target = UserFactory(username="target")
    response = user_client.post(GENERATE, {"user": "target"})
    assert response.status_code == 403
    assert server_messages(response.json())[0]["message"] == "Not permitted"
    assert not ApiKey.objects.filter(user=target).exists()
    assert user_client.post(GENERATE, {"user": user.username}).status_code == 403
    assert not ApiKey.objects.filter(user=user).exists()  # not even their own


def test_guest_may_not_generate_keys():
    UserFactory(username="target")
    response = Client().post(GENERATE, {"user": "target"})
    assert response.status_code == 403
    assert response.json()["exc_type"] == "PermissionError"


def test_a_system_manager_may_generate_keys():
    UserFactory(username="target")
    manager = UserFactory(username="manager")
    manager.groups.add(Group.objects.get(name="System Manager"))
    client = APIClient()
    client.force_login(manager)
    response = client.post(GENERATE, {"user": "target"})
    assert response.status_code == 200
    message = response.json()["message"]
    assert message["api_key"] == ApiKey.objects.get(user__username="target").api_key
    assert who(message["api_key"], message["api_secret"]).json() == {"message": "target"}


def test_generate_keys_for_an_unknown_user_is_404(admin_client):
    response = admin_client.post(GENERATE, {"user": "nobody"})
    assert response.status_code == 404
    assert response.json()["exc_type"] == "DoesNotExistError"


def test_generate_keys_by_api_key(admin_client):
    admin_key, admin_secret = keys.generate_keys(UserFactory(username="Administrator"))
    UserFactory(username="target")
    response = Client().post(GENERATE, {"user": "target"}, HTTP_AUTHORIZATION=f"token {admin_key}:{admin_secret}")
    assert response.status_code == 200
    message = response.json()["message"]
    assert who(message["api_key"], message["api_secret"]).json() == {"message": "target"}
    assert who(admin_key, admin_secret).json() == {"message": "Administrator"}  # the caller's own pair still works


# --- the management command ----------------------------------------------------------------------
def test_frappe_api_keys_prints_a_working_pair(capsys):
    UserFactory(username="scripted")
    call_command("frappe_api_keys", "scripted")
    output = capsys.readouterr().out
    assert re.fullmatch(r"\w{15}:\w{15}\n", output)
    api_key, api_secret = output.strip().split(":")
    assert who(api_key, api_secret).json() == {"message": "scripted"}


def test_frappe_api_keys_refuses_an_unknown_user():
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        call_command("frappe_api_keys", "nobody")


# --- the demo seed (make run) ---------------------------------------------------------------------
def test_seed_demo_prints_a_fresh_key_pair_for_the_administrator(capsys):
    call_command("seed_demo")
    first = re.search(r"Demo API key: Authorization: token (\w{15}):(\w{15})", capsys.readouterr().out)
    assert first
    assert who(*first.groups()).json() == {"message": "Administrator"}
    call_command("seed_demo")
    second = re.search(r"Demo API key: Authorization: token (\w{15}):(\w{15})", capsys.readouterr().out)
    assert second.groups() != first.groups()
    assert who(*first.groups()).status_code == 401
