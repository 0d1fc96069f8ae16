"""Only a superuser may change a superuser, or make one: on every surface that writes a User.

A System Manager who is not a superuser may edit ordinary users (the controls below prove it) but may not
change the password of, disable, delete, rename, run a method on, generate keys for or change the roles of a
superuser, nor give anyone the superuser flag or the Administrator role.
"""

import dataclasses
import json
from contextlib import contextmanager

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import Client

from frappe_api import registry as registry_module
from frappe_api.models import ApiKey, DocPerm
from frappe_api.registry import registry

from .conftest import logged_in, server_messages
from .factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

User = get_user_model()
C = "/api/method/frappe.client"
GENERATE = "/api/method/frappe.core.doctype.user.user.generate_keys"
REFUSED_WRITE = "You need the 'write' permission on <strong>User</strong> Administrator to perform this action."
REFUSED_DELETE = "You need the 'delete' permission on <strong>User</strong> Administrator to perform this action."


@pytest.fixture
def manager(db):
    """A System Manager who is not a superuser."""
    user = UserFactory(username="manager")
    user.groups.add(Group.objects.get(name="System Manager"))
    return user


@pytest.fixture
def manager_client(manager):
    return logged_in(manager)


@contextmanager
def user_doctype(**changes):
    """The demo User DocType with ``changes`` to its registration, for the test's duration."""
    original = registry_module.code_registrations()["User"]
    registry_module._code_options["User"] = dataclasses.replace(original, **changes)
    registry.invalidate(local_only=True)
    try:
        yield
    finally:
        registry_module._code_options["User"] = original
        registry.invalidate(local_only=True)


def assert_refused(response, message=REFUSED_WRITE, *, v2=False):
    assert response.status_code == 403, response.content[:800]
    body = response.json()
    if v2:
        assert body["errors"][0]["type"] == "PermissionError"
        assert body["errors"][0]["message"] == message
    else:
        assert body["exc_type"] == "PermissionError"
        assert [entry["message"] for entry in server_messages(body)] == [message]


def assert_untouched(administrator):
    stored = User.objects.get(pk=administrator.pk)
    assert stored.is_active and stored.is_superuser
    assert stored.check_password("secret")
    assert stored.first_name == administrator.first_name


# --- the red team's report: password and disabling ---------------------------------------------------
def test_system_manager_cannot_set_the_administrators_password_by_v1_put(manager_client, administrator):
    response = manager_client.put_json("/api/resource/User/Administrator", {"new_password": "pwned"})
    assert_refused(response)
    assert_untouched(administrator)


def test_system_manager_cannot_disable_the_administrator_by_v1_put(manager_client, administrator):
    assert_refused(manager_client.put_json("/api/resource/User/Administrator", {"enabled": 0}))
    assert_untouched(administrator)


@pytest.mark.parametrize("verb", ["patch", "put"])
def test_system_manager_cannot_change_the_administrator_by_v2(manager_client, administrator, verb):
    response = getattr(manager_client, verb)("/api/v2/document/User/Administrator",
                                             json.dumps({"new_password": "pwned", "enabled": 0}),
                                             content_type="application/json")
    assert_refused(response, v2=True)
    assert_untouched(administrator)


def test_system_manager_cannot_change_the_administrator_by_frappe_client_set_value(manager_client, administrator):
    for fieldname, value in (("enabled", 0), ("new_password", "pwned"), ("first_name", "Mallory")):
        response = manager_client.post_json(f"{C}.set_value", {"doctype": "User", "name": "Administrator",
                                                               "fieldname": fieldname, "value": value})
        assert_refused(response)
    assert_untouched(administrator)


def test_system_manager_cannot_change_the_administrator_by_frappe_client_save(manager_client, administrator):
    response = manager_client.post_json(f"{C}.save", {"doc": {"doctype": "User", "name": "Administrator",
                                                              "enabled": 0, "new_password": "pwned"}})
    assert_refused(response)
    assert_untouched(administrator)


def test_system_manager_cannot_change_the_administrator_by_the_legacy_cmd_path(manager_client, administrator):
    response = manager_client.post("/", {"cmd": "frappe.client.set_value", "doctype": "User",
                                         "name": "Administrator", "fieldname": "enabled", "value": "0"})
    assert_refused(response)
    assert_untouched(administrator)


def test_frappe_client_bulk_update_reports_the_administrator_as_failed(manager_client, administrator, jane):
    response = manager_client.post_json(f"{C}.bulk_update", {"docs": [
        {"doctype": "User", "docname": "Administrator", "enabled": 0},
        {"doctype": "User", "docname": "jane", "first_name": "Janet"}]})
    assert response.status_code == 200
    failed = response.json()["message"]["failed_docs"]
    assert [entry["exc"] for entry in failed] == [f"PermissionError: {REFUSED_WRITE}"]
    assert_untouched(administrator)
    assert User.objects.get(username="jane").first_name == "Janet"


@pytest.mark.parametrize("path", ["/api/v2/document/User/bulk_update", "/api/v2/method/bulk_update"])
def test_v2_bulk_update_reports_the_administrator_as_failed(manager_client, administrator, jane, path):
    response = manager_client.post_json(path, {"docs": [
        {"doctype": "User", "name": "Administrator", "enabled": 0},
        {"doctype": "User", "name": "jane", "first_name": "Janet"}]})
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["updated"] == ["jane"]
    assert data["failed"] == [{"index": 0, "name": "Administrator", "error": REFUSED_WRITE,
                               "exc_type": "PermissionError"}]
    assert_untouched(administrator)


# --- delete, rename, document methods ------------------------------------------------------------
def test_system_manager_cannot_delete_the_administrator_on_any_surface(manager_client, administrator):
    assert_refused(manager_client.delete("/api/resource/User/Administrator"), REFUSED_DELETE)
    assert_refused(manager_client.delete("/api/v2/document/User/Administrator"), REFUSED_DELETE, v2=True)
    assert_refused(manager_client.post_json(f"{C}.delete", {"doctype": "User", "name": "Administrator"}),
                   REFUSED_DELETE)
    assert_refused(manager_client.post("/", {"cmd": "frappe.client.delete", "doctype": "User",
                                             "name": "Administrator"}), REFUSED_DELETE)
    for path, payload in (("/api/v2/document/User/bulk_delete", {"names": ["Administrator"]}),
                          ("/api/v2/method/bulk_delete", {"docs": [{"doctype": "User", "name": "Administrator"}]})):
        data = manager_client.post_json(path, payload).json()["data"]
        assert data["deleted"] == [] and data["failed"][0]["exc_type"] == "PermissionError"
    assert_untouched(administrator)
    UserFactory(username="jane")
    assert manager_client.delete("/api/resource/User/jane").status_code == 202  # an ordinary user: deleted
    assert not User.objects.filter(username="jane").exists()


def test_system_manager_cannot_rename_the_administrator_but_may_rename_others(manager_client, administrator, jane):
    with user_doctype(allow_rename=True):
        assert_refused(manager_client.post_json(f"{C}.rename_doc", {
            "doctype": "User", "old_name": "Administrator", "new_name": "root"}))
        assert_refused(manager_client.post_json("/api/v2/document/User/Administrator/method/rename",
                                                {"name": "root"}), v2=True)
        assert User.objects.filter(username="Administrator").exists()
        assert not User.objects.filter(username="root").exists()
        renamed = manager_client.post_json(f"{C}.rename_doc", {"doctype": "User", "old_name": "jane",
                                                               "new_name": "janet"})
        assert renamed.status_code == 200, renamed.content
        assert User.objects.filter(username="janet").exists()


def test_document_methods_on_the_administrator_are_refused_before_the_method_is_looked_up(
        manager_client, administrator, jane):
    refused = manager_client.post_json("/api/v2/document/User/Administrator/method/no_such_method", {})
    assert_refused(refused, v2=True)
    unknown = manager_client.post_json("/api/v2/document/User/jane/method/no_such_method", {})
    assert unknown.status_code == 404  # an ordinary user: the permission passes, then the method is missing
    assert_untouched(administrator)


# --- making a superuser ---------------------------------------------------------------------------
VISIBLE_FLAG = {"hidden_fields": frozenset({"password"})}
"""A host that exposes ``is_superuser`` (the demo hides it)."""


def test_only_a_superuser_may_create_a_superuser_through_an_exposed_flag(manager_client, administrator):
    with user_doctype(**VISIBLE_FLAG):
        response = manager_client.post_json("/api/resource/User", {"username": "root2", "is_superuser": 1})
        assert_refused(response, "Only a superuser may change a superuser or make a user one")
        v2 = manager_client.post_json("/api/v2/document/User", {"username": "root3", "is_superuser": 1})
        assert_refused(v2, "Only a superuser may change a superuser or make a user one", v2=True)
        insert = manager_client.post_json(f"{C}.insert", {"doc": {"doctype": "User", "username": "root4",
                                                                  "is_superuser": 1}})
        assert_refused(insert, "Only a superuser may change a superuser or make a user one")
        assert not User.objects.filter(username__in=["root2", "root3", "root4"]).exists()
        by_superuser = logged_in(administrator).post_json("/api/resource/User", {"username": "root2",
                                                                                  "is_superuser": 1})
        assert by_superuser.status_code == 200
    assert User.objects.get(username="root2").is_superuser
    assert_refused(manager_client.put_json("/api/resource/User/root2", {"enabled": 0}),
                   REFUSED_WRITE.replace("Administrator", "root2"))
    changed = logged_in(administrator).put_json("/api/resource/User/root2", {"enabled": 0, "new_password": "new"})
    assert changed.status_code == 200
    stored = User.objects.get(username="root2")
    assert not stored.is_active and stored.check_password("new")


def test_system_manager_cannot_make_a_user_superuser_through_an_exposed_flag(manager_client, manager, jane):
    with user_doctype(**VISIBLE_FLAG):
        for path in ("/api/resource/User/jane", "/api/resource/User/manager"):
            assert_refused(manager_client.put_json(path, {"is_superuser": 1}),
                           "Only a superuser may change a superuser or make a user one")
        assert_refused(manager_client.post_json(f"{C}.set_value", {
            "doctype": "User", "name": "jane", "fieldname": "is_superuser", "value": 1}),
            "Only a superuser may change a superuser or make a user one")
    assert not User.objects.filter(is_superuser=True).exists()


def test_system_manager_cannot_re_enable_a_disabled_superuser(manager_client):
    UserFactory(username="oldroot", is_superuser=True, is_active=False)
    assert_refused(manager_client.put_json("/api/resource/User/oldroot", {"enabled": 1}),
                   REFUSED_WRITE.replace("Administrator", "oldroot"))
    assert not User.objects.get(username="oldroot").is_active


# --- roles ------------------------------------------------------------------------------------------
@pytest.fixture
def administrator_role(db):
    return Group.objects.get_or_create(name="Administrator")[0]


def test_system_manager_cannot_change_the_administrators_roles(manager_client, administrator):
    response = manager_client.put_json("/api/resource/User/Administrator", {"roles": []})
    assert_refused(response)


def test_only_a_superuser_may_grant_the_administrator_role(manager_client, jane, administrator_role,
                                                           administrator):
    response = manager_client.put_json("/api/resource/User/jane", {"roles": [{"role": "Administrator"}]})
    assert_refused(response, "Only a superuser may grant or take away the Administrator role")
    created = manager_client.post_json("/api/resource/User", {"username": "newbie",
                                                               "roles": [{"role": "Administrator"}]})
    assert_refused(created, "Only a superuser may grant or take away the Administrator role")
    assert not administrator_role.user_set.exists()
    assert not User.objects.filter(username="newbie").exists()
    other_roles = manager_client.put_json("/api/resource/User/jane", {"roles": [{"role": "System Manager"}]})
    assert other_roles.status_code == 200
    assert [row["role"] for row in other_roles.json()["data"]["roles"]] == ["System Manager"]
    by_superuser = logged_in(administrator).put_json("/api/resource/User/jane", {"roles": [{"role": "Administrator"}]})
    assert by_superuser.status_code == 200
    assert administrator_role.user_set.filter(username="jane").exists()


def test_system_manager_cannot_take_away_the_administrator_role(manager_client, jane, administrator_role):
    jane.groups.add(administrator_role)
    response = manager_client.put_json("/api/resource/User/jane", {"roles": [{"role": "System Manager"}]})
    assert_refused(response, "Only a superuser may grant or take away the Administrator role")
    assert list(jane.groups.values_list("name", flat=True)) == ["Administrator"]


# --- generate_keys ---------------------------------------------------------------------------------
def test_only_a_superuser_may_generate_keys_for_a_superuser(manager_client, administrator, jane):
    response = manager_client.post(GENERATE, {"user": "Administrator"})
    assert_refused(response)
    assert "api_secret" not in response.content.decode()
    assert not ApiKey.objects.filter(user=administrator).exists()
    pair = manager_client.post(GENERATE, {"user": "jane"}).json()["message"]  # an ordinary user: allowed
    who = Client().get("/api/method/frappe.auth.get_logged_user",
                       HTTP_AUTHORIZATION=f"token {pair['api_key']}:{pair['api_secret']}")
    assert who.json() == {"message": "jane"}
    UserFactory(username="root2", is_superuser=True)
    by_superuser = logged_in(administrator).post(GENERATE, {"user": "root2"})
    assert by_superuser.status_code == 200 and set(by_superuser.json()["message"]) == {"api_key", "api_secret"}


def test_system_manager_cannot_generate_keys_for_the_administrator_by_the_legacy_cmd_path(
        manager_client, administrator):
    response = manager_client.post("/", {"cmd": "frappe.core.doctype.user.user.generate_keys",
                                         "user": "Administrator"})
    assert_refused(response)
    assert not ApiKey.objects.filter(user=administrator).exists()


def test_generate_keys_needs_write_on_the_user(manager_client, jane):
    registry.get("User")  # stores the code's default rows
    DocPerm.objects.filter(doctype__name="User", role="System Manager").update(write=False)
    registry.invalidate()
    response = manager_client.post(GENERATE, {"user": "jane"})
    assert response.status_code == 403
    assert server_messages(response.json())[0]["message"] == "No permission for User"
    assert not ApiKey.objects.filter(user=jane).exists()


# --- the Django admin's key action ------------------------------------------------------------------
def staff_client(*permissions):
    """A logged-in staff user (not a superuser) holding the given ``auth`` permissions."""
    staff = UserFactory(username="staff", is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(content_type__app_label="auth",
                                                          codename__in=permissions))
    return logged_in(staff)


def test_admin_key_action_needs_change_permission_on_users(jane):
    client = staff_client("view_user")
    page = client.post("/admin/auth/user/", {"action": "generate_api_keys", "_selected_action": [jane.pk]},
                       follow=True)
    assert "api_secret" not in page.content.decode()
    assert not ApiKey.objects.filter(user=jane).exists()
    assert b'value="generate_api_keys"' not in client.get("/admin/auth/user/").content


def test_admin_key_action_skips_superusers_for_a_non_superuser(administrator, jane):
    client = staff_client("view_user", "change_user")
    page = client.post("/admin/auth/user/", {"action": "generate_api_keys",
                                             "_selected_action": [administrator.pk, jane.pk]})
    assert page.status_code == 200
    text = page.content.decode()
    assert ">jane</code>: api_key" in text and ">Administrator</code>: api_key" not in text
    assert "No keys for <code style=\"text-transform: none\">Administrator</code>: only a superuser may generate keys for a superuser." in text
    assert not ApiKey.objects.filter(user=administrator).exists()
    assert ApiKey.objects.filter(user=jane).exists()
