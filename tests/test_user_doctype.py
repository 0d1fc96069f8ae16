"""The demo ``User`` DocType: Django's user served as Frappe's User, through the whole HTTP stack.

``name`` is the username, ``enabled`` is ``is_active``, ``creation`` is ``date_joined``, ``full_name`` is
computed from the first and last names, ``new_password`` sets the password through Django's hashers and is
never read back, and ``password``, ``is_superuser`` and ``is_staff`` are hidden.
"""

import datetime
import json

import pytest
from django.contrib.auth import authenticate, get_user_model

from example_project.demo.models import ToDo

from .conftest import assert_error, server_messages
from .factories import ToDoFactory, UserFactory

pytestmark = pytest.mark.django_db

User = get_user_model()

JOINED = datetime.datetime(2025, 5, 6, 7, 8, 9, 123456, tzinfo=datetime.timezone.utc)
JOINED_TEXT = "2025-05-06 07:08:09.123456"
STAR_KEYS = {"name", "creation", "last_login", "username", "first_name", "last_name", "email", "enabled",
             "full_name"}
"""Every column ``fields=["*"]`` answers for a user: no password, is_superuser, is_staff, id or new_password."""
NEVER_READ = {"password", "new_password", "is_superuser", "is_staff", "id"}


def make_user(username, **extra):
    """A user with a fixed ``date_joined`` (the DocType's ``creation``) and the password ``secret``."""
    return UserFactory(username=username, date_joined=extra.pop("date_joined", JOINED), **extra)


NEW_USER = {"username": "jdoe", "email": "j@doe.com", "first_name": "J.", "last_name": "Doe",
            "new_password": "s3cret!"}


# --- create and read -----------------------------------------------------------------------------------
def test_create_user_answers_the_document_without_any_password(admin_client):
    response = admin_client.post_json("/api/resource/User", NEW_USER)

    assert response.status_code == 200
    data = response.json()["data"]
    stored = User.objects.get(username="jdoe")
    assert data.pop("creation") == stored.date_joined.strftime("%Y-%m-%d %H:%M:%S.%f")
    assert data == {"name": "jdoe", "username": "jdoe", "first_name": "J.", "last_name": "Doe",
                    "email": "j@doe.com", "enabled": 1, "full_name": "J. Doe", "roles": [], "doctype": "User"}
    assert not NEVER_READ & set(data)


def test_create_user_with_new_password_sets_a_hashed_password(admin_client):
    assert admin_client.post_json("/api/resource/User", NEW_USER).status_code == 200

    stored = User.objects.get(username="jdoe")
    assert stored.password != "s3cret!" and stored.password.startswith("md5$")  # Django's hasher (tests: MD5)
    assert authenticate(username="jdoe", password="s3cret!") == stored
    assert authenticate(username="jdoe", password="wrong") is None


def test_created_user_can_log_in_with_the_new_password(admin_client, guest_client, fresh_cache):
    assert admin_client.post_json("/api/resource/User", NEW_USER).status_code == 200

    login = guest_client.post("/api/method/login", {"usr": "jdoe", "pwd": "s3cret!"})

    assert login.status_code == 200
    assert login.json()["message"] == "Logged In"
    assert guest_client.get("/api/method/frappe.auth.get_logged_user").json() == {"message": "jdoe"}


def test_user_is_read_by_username_not_by_id(admin_client):
    user = make_user("jane", first_name="Jane", last_name="Roe", email="jane@example.com")

    response = admin_client.get("/api/resource/User/jane")

    assert response.status_code == 200
    assert response.json() == {"data": {
        "name": "jane", "creation": JOINED_TEXT, "username": "jane", "first_name": "Jane", "last_name": "Roe",
        "email": "jane@example.com", "enabled": 1, "full_name": "Jane Roe", "roles": [], "doctype": "User"}}
    assert_error(admin_client.get(f"/api/resource/User/{user.pk}"), 404, "DoesNotExistError",
                 f"User {user.pk} not found")


def test_user_created_without_new_password_has_an_unusable_password(admin_client):
    response = admin_client.post_json("/api/resource/User", {"username": "nopass", "email": "n@p.com"})

    assert response.status_code == 200
    assert response.json()["data"]["name"] == "nopass"
    stored = User.objects.get(username="nopass")
    assert stored.has_usable_password() is False
    assert authenticate(username="nopass", password="") is None


def test_password_and_privilege_flags_sent_by_the_client_are_ignored_on_create(admin_client):
    response = admin_client.post_json("/api/resource/User", {
        "username": "mallory", "password": "plain-text", "is_superuser": 1, "is_staff": 1})

    assert response.status_code == 200
    assert not NEVER_READ & set(response.json()["data"])
    stored = User.objects.get(username="mallory")
    assert (stored.is_superuser, stored.is_staff) == (False, False)
    assert stored.password != "plain-text"
    assert stored.has_usable_password() is False


def test_password_and_privilege_flags_sent_by_the_client_are_ignored_on_update(admin_client):
    user = make_user("jane")
    old_hash = user.password

    response = admin_client.put_json("/api/resource/User/jane", {
        "password": "plain-text", "is_superuser": 1, "is_staff": 1, "first_name": "Janet"})

    assert response.status_code == 200
    assert response.json()["data"]["first_name"] == "Janet"
    stored = User.objects.get(pk=user.pk)
    assert (stored.is_superuser, stored.is_staff, stored.password, stored.first_name) == (
        False, False, old_hash, "Janet")


# --- update ----------------------------------------------------------------------------------------------
def test_update_with_new_password_changes_the_password(admin_client):
    make_user("jane")
    assert authenticate(username="jane", password="secret") is not None

    response = admin_client.put_json("/api/resource/User/jane", {"new_password": "changed!"})

    assert response.status_code == 200
    assert not NEVER_READ & set(response.json()["data"])
    assert authenticate(username="jane", password="secret") is None
    assert authenticate(username="jane", password="changed!") == User.objects.get(username="jane")


@pytest.mark.parametrize("data", [{"first_name": "Janet"}, {"new_password": ""}, {"new_password": None}])
def test_update_without_a_new_password_keeps_the_password(admin_client, data):
    user = make_user("jane")

    response = admin_client.put_json("/api/resource/User/jane", data)

    assert response.status_code == 200
    assert User.objects.get(pk=user.pk).password == user.password
    assert authenticate(username="jane", password="secret") is not None


def test_enabled_reads_and_writes_is_active(admin_client):
    make_user("jane")
    make_user("john", is_active=False)

    assert admin_client.get("/api/resource/User", {"fields": '["name", "enabled"]', "order_by": "name asc",
                                                    "filters": '[["name", "in", ["jane", "john"]]]'}).json() == {
        "data": [{"name": "jane", "enabled": 1}, {"name": "john", "enabled": 0}]}
    response = admin_client.put_json("/api/resource/User/jane", {"enabled": 0})

    assert response.status_code == 200
    assert response.json()["data"]["enabled"] == 0
    assert User.objects.get(username="jane").is_active is False
    assert authenticate(username="jane", password="secret") is None
    assert admin_client.get("/api/resource/User", {"filters": '{"enabled": 0}', "order_by": "name asc"}
                            ).json() == {"data": [{"name": "jane"}, {"name": "john"}]}
    assert_error(admin_client.get("/api/resource/User", {"fields": '["is_active"]'}), 417, "DataError",
                 "Field not permitted in query: is_active")


def test_creation_reads_date_joined_and_is_the_default_sort(admin_client):
    make_user("old", date_joined=JOINED - datetime.timedelta(days=1))
    make_user("new", date_joined=JOINED)

    rows = admin_client.get("/api/resource/User", {"fields": '["name", "creation"]',
                                                   "filters": '[["name", "in", ["old", "new"]]]'}).json()["data"]

    assert rows == [{"name": "new", "creation": JOINED_TEXT}, {"name": "old", "creation": "2025-05-05 07:08:09.123456"}]
    assert admin_client.get("/api/resource/User", {"filters": '[["creation", "<", "2025-05-06"]]'}).json() == {
        "data": [{"name": "old"}]}
    assert_error(admin_client.get("/api/resource/User", {"fields": '["date_joined"]'}), 417, "DataError",
                 "Field not permitted in query: date_joined")


def test_full_name_is_computed_from_first_and_last_name(admin_client):
    make_user("ada", first_name="Ada", last_name="Lovelace")
    make_user("plato", first_name="Plato", last_name="")

    rows = admin_client.get("/api/resource/User", {"fields": '["name", "full_name"]', "order_by": "name asc",
                                                   "filters": '[["name", "in", ["ada", "plato"]]]'}).json()["data"]

    assert rows == [{"name": "ada", "full_name": "Ada Lovelace"}, {"name": "plato", "full_name": "Plato"}]
    assert admin_client.get("/api/resource/User", {"fields": '["full_name"]', "order_by": "full_name desc",
                                                   "filters": '[["name", "in", ["ada", "plato"]]]'}).json() == {
        "data": [{"full_name": "Plato"}, {"full_name": "Ada Lovelace"}]}


@pytest.mark.parametrize("condition", [["full_name", "=", "Ada Lovelace"], ["full_name", "like", "Ada L%"]])
def test_full_name_can_be_filtered_on(admin_client, condition):
    make_user("ada", first_name="Ada", last_name="Lovelace")
    make_user("plato", first_name="Plato", last_name="")

    response = admin_client.get("/api/resource/User", {"filters": json.dumps([condition])})

    assert response.status_code == 200, response.content[:500]
    assert response.json() == {"data": [{"name": "ada"}]}


def test_full_name_is_not_written(admin_client):
    make_user("ada", first_name="Ada", last_name="Lovelace")

    response = admin_client.put_json("/api/resource/User/ada", {"full_name": "Someone Else"})

    assert response.status_code == 200
    assert response.json()["data"]["full_name"] == "Ada Lovelace"
    stored = User.objects.get(username="ada")
    assert (stored.first_name, stored.last_name) == ("Ada", "Lovelace")


def test_duplicate_username_is_a_duplicate_entry_error(admin_client):
    existing = make_user("taken")

    response = admin_client.post_json("/api/resource/User", {"username": "taken", "new_password": "other"})

    assert response.status_code == 409
    body = response.json()
    assert body["exc_type"] == "DuplicateEntryError"
    assert server_messages(body) == [{"message": "User taken already exists", "title": "Duplicate Name",
                                      "indicator": "red", "raise_exception": 1}]
    assert User.objects.filter(username="taken").count() == 1
    assert User.objects.get(username="taken").password == existing.password


# --- hidden fields ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(("params", "field"), [
    ({"fields": '["password"]'}, "password"),
    ({"fields": '["name", "password"]'}, "password"),
    ({"fields": '["password as p"]'}, "password"),
    ({"fields": '["max(password)"]'}, "password"),
    ({"fields": '["`tabUser`.password"]'}, "password"),
    ({"fields": '["is_superuser"]'}, "is_superuser"),
    ({"fields": '["is_staff"]'}, "is_staff"),
    ({"fields": '["new_password"]'}, "new_password"),
    ({"filters": '[["password","like","%"]]'}, "password"),
    ({"filters": '{"password": ["like", "md5%"]}'}, "password"),
    ({"or_filters": '[["password","like","%"]]'}, "password"),
    ({"filters": '[["is_superuser","=",1]]'}, "is_superuser"),
    ({"order_by": "password desc"}, "password"),
    ({"order_by": "is_staff desc"}, "is_staff"),
    ({"group_by": "password"}, "password"),
])
def test_hidden_user_fields_are_refused_in_list_queries(admin_client, params, field):
    make_user("jane")

    response = admin_client.get("/api/resource/User", params)

    assert_error(response, 417, "DataError", f"Field not permitted in query: {field}")


def test_star_fields_never_contain_hidden_user_fields(admin_client):
    make_user("jane")
    make_user("boss", is_staff=True, is_superuser=True)

    response = admin_client.get("/api/resource/User", {"fields": '["*"]', "order_by": "name asc"})

    assert response.status_code == 200
    rows = response.json()["data"]
    assert [row["name"] for row in rows] == ["Administrator", "boss", "jane"]
    assert [set(row) for row in rows] == [STAR_KEYS] * 3


def test_hidden_user_fields_are_not_reachable_through_a_link(admin_client):
    jane = make_user("jane")
    todo = ToDoFactory(allocated_to=jane)

    assert_error(admin_client.get("/api/resource/ToDo", {"fields": '["allocated_to.password"]'}), 417,
                 "DataError", "Field not permitted in query: password")
    assert_error(admin_client.get("/api/resource/ToDo", {"filters": '[["allocated_to.password", "like", "%"]]'}),
                 417, "DataError", "Field not permitted in query: allocated_to.password")
    expanded = admin_client.get(f"/api/resource/ToDo/{todo.name}", {"expand_links": "1"}).json()["data"]
    assert expanded["allocated_to"]["name"] == "jane"
    assert not NEVER_READ & set(expanded["allocated_to"])


def test_hidden_user_fields_are_refused_by_frappe_client_get_value(admin_client):
    make_user("jane")

    response = admin_client.get("/api/method/frappe.client.get_value", {
        "doctype": "User", "filters": '{"name": "jane"}', "fieldname": "password"})

    assert_error(response, 417, "DataError", "Field not permitted in query: password")


def test_ordinary_user_may_neither_list_nor_create_users(user_client):
    assert_error(user_client.get("/api/resource/User"), 403, "PermissionError", "No permission for User")
    assert_error(user_client.post_json("/api/resource/User", {"username": "sneaky", "is_superuser": 1}), 403,
                 "PermissionError", "No permission for User")
    assert not User.objects.filter(username="sneaky").exists()


# --- Links to users --------------------------------------------------------------------------------------
def test_todo_allocated_to_link_reads_and_writes_the_username(admin_client):
    jane = make_user("jane")
    john = make_user("john")

    created = admin_client.post_json("/api/resource/ToDo", {"description": "x", "allocated_to": "jane"})

    assert created.status_code == 200
    data = created.json()["data"]
    assert data["allocated_to"] == "jane"
    assert ToDo.objects.get(name=data["name"]).allocated_to_id == jane.pk
    updated = admin_client.put_json(f"/api/resource/ToDo/{data['name']}", {"allocated_to": "john"})
    assert updated.status_code == 200
    assert updated.json()["data"]["allocated_to"] == "john"
    assert ToDo.objects.get(name=data["name"]).allocated_to_id == john.pk
    assert admin_client.get("/api/resource/ToDo", {"fields": '["name", "allocated_to"]',
                                                   "filters": '{"allocated_to": "john"}'}).json() == {
        "data": [{"name": data["name"], "allocated_to": "john"}]}


def test_todo_allocated_to_an_unknown_username_is_a_link_validation_error(admin_client):
    make_user("jane")

    response = admin_client.post_json("/api/resource/ToDo", {"description": "x", "allocated_to": "nobody"})

    assert_error(response, 417, "LinkValidationError", "Could not find Allocated to: nobody")
    assert ToDo.objects.count() == 0


def test_todo_allocated_to_a_user_id_is_a_link_validation_error(admin_client):
    jane = make_user("jane")

    response = admin_client.post_json("/api/resource/ToDo", {"description": "x", "allocated_to": str(jane.pk)})

    assert_error(response, 417, "LinkValidationError", f"Could not find Allocated to: {jane.pk}")
    assert ToDo.objects.count() == 0
