"""Shared fixtures (API clients for the Administrator, ordinary users and Guest) and the helpers tests share:
Frappe error bodies, the admin's DocType forms."""

import functools
import json
import os

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from frappe_api.document import listing, serialize
from frappe_api.models import DocPerm
from frappe_api.oauth.settings import CLIENT_SECRET_HASHER
from frappe_api.registry import registry

from .factories import AdministratorFactory, UserFactory


@pytest.fixture(autouse=True)
def _no_kept_statements():
    """Every test starts and ends with no kept list, count or document statement (they live per process)."""
    listing.compiled_lists.clear()
    serialize.compiled_documents.clear()
    yield
    listing.compiled_lists.clear()
    serialize.compiled_documents.clear()


REDIS_SERVER = os.environ.get("FRAPPE_API_TEST_REDIS", "redis://127.0.0.1:6379")
"""The Redis the ``needs_redis`` tests use. It is shared: each test keeps to its own database number and key prefix."""


def redis_url(db: int) -> str:
    """``REDIS_SERVER``'s database ``db``."""
    return f"{REDIS_SERVER}/{db}"


@functools.cache
def redis_answers() -> bool:
    """Whether ``REDIS_SERVER`` answers a PING (asked once per session; False without the ``redis`` package)."""
    try:
        import redis
    except ImportError:
        return False
    try:
        return bool(redis.Redis.from_url(REDIS_SERVER, socket_connect_timeout=0.5, socket_timeout=0.5).ping())
    except (redis.RedisError, OSError):
        return False


def pytest_configure(config):
    config.addinivalue_line("markers", "needs_redis: needs a Redis server answering at FRAPPE_API_TEST_REDIS (default "
                                       "redis://127.0.0.1:6379); skipped when none answers")


def pytest_collection_modifyitems(config, items):
    """Tests marked ``needs_redis`` are skipped, not errors, when no Redis answers at ``REDIS_SERVER``."""
    needing = [item for item in items if item.get_closest_marker("needs_redis")]
    if needing and not redis_answers():
        skip = pytest.mark.skip(reason=f"needs Redis answering at {REDIS_SERVER} (FRAPPE_API_TEST_REDIS)")
        for item in needing:
            item.add_marker(skip)


class APIClient(Client):
    """Django's test client with JSON helpers (requests go through the whole HTTP stack)."""

    def post_json(self, path, data, **extra):
        return self.post(path, json.dumps(data), content_type="application/json", **extra)

    def put_json(self, path, data, **extra):
        return self.put(path, json.dumps(data), content_type="application/json", **extra)


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", CLIENT_SECRET_HASHER]


@pytest.fixture(autouse=True)
def _fresh_registry():
    """Rows a test created are rolled back; make sure no process snapshot outlives them."""
    from frappe_api import runtime
    from frappe_api.resilience import shared_cache

    shared_cache.reset()  # no outage recorded (nor its log line held back) by an earlier test
    registry.invalidate()
    runtime.invalidate()
    yield
    registry.invalidate()
    runtime.invalidate()


@pytest.fixture
def fresh_cache():
    """An empty cache before and after the test (rate-limit and lockout counters live there)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def logged_in(user) -> APIClient:
    """A client with ``user``'s session."""
    client = APIClient()
    client.force_login(user)
    return client


def client_for(username: str, *roles: str) -> APIClient:
    """A client logged in as a new user ``username`` holding ``roles`` (created when missing)."""
    user = UserFactory(username=username)
    for role in roles:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return logged_in(user)


@pytest.fixture
def administrator(db):
    return AdministratorFactory()


@pytest.fixture
def admin_client(administrator):
    return logged_in(administrator)


@pytest.fixture
def user(db):
    """An ordinary user with no role but ``All``: ``plain``, another person than ``jane``."""
    return UserFactory(username="plain")


@pytest.fixture
def jane(db):
    """A user who logs in with a password: ``jane`` / ``secret`` (or ``jane@example.com``), named Jane Doe."""
    return UserFactory(username="jane", email="jane@example.com", first_name="Jane", last_name="Doe")


@pytest.fixture
def jane_client(jane):
    return logged_in(jane)


@pytest.fixture
def user_client(user):
    return logged_in(user)


@pytest.fixture
def guest_client(db):
    return APIClient()


def server_messages(body):
    """Decode Frappe's doubly JSON-encoded ``_server_messages``."""
    return [json.loads(item) for item in json.loads(body["_server_messages"])]


def finish(response):
    """Close a response as a server does after sending it (running its close hooks), keeping the test's
    database connection open as Django's test client does."""
    from django.core.signals import request_finished
    from django.db import close_old_connections

    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)
    return response


def assert_error(response, status, exc_type, message):
    """A Frappe v1 error body: status, ``exc_type`` and the one server message."""
    assert response.status_code == status, response.content[:1000]
    body = response.json()
    assert body["exc_type"] == exc_type
    assert [entry["message"] for entry in server_messages(body)] == [message]


# --- the admin's DocType forms ------------------------------------------------------------------------------
DOCTYPE_ADD_URL = "/admin/frappe_api/doctype/add/"


def doctype_change_url(row) -> str:
    return f"/admin/frappe_api/doctype/{row.pk}/change/"


def permission_rows(perms, start=0) -> dict:
    """Inline DocPerm rows of the DocType form: each dict of ``perms`` as ``permissions-<index>-<key>`` fields
    (``permlevel`` 0 unless given; a right is ticked with ``"on"``; ``"id"`` and ``"doctype"`` for a stored row)."""
    data = {}
    for index, perm in enumerate(perms, start):
        data.update({f"permissions-{index}-{key}": str(value) for key, value in {"permlevel": 0, **perm}.items()})
    return data


def _formset(total, initial) -> dict:
    return {"permissions-TOTAL_FORMS": str(total), "permissions-INITIAL_FORMS": str(initial),
            "permissions-MIN_NUM_FORMS": "0", "permissions-MAX_NUM_FORMS": "1000"}


def doctype_form(model, name="Memo", perms=(), **extra) -> dict:
    """Every field of the admin's add/change form of an admin-managed DocType ``name`` serving ``model`` (a model
    class, or a ContentType pk from another process), with ``perms`` as inline rows (see ``permission_rows``).
    ``extra`` overrides fields; ``None`` leaves a field out (an unticked checkbox)."""
    content_type = ContentType.objects.get_for_model(model).pk if isinstance(model, type) else model
    data = {"name": name, "model": str(content_type), "enabled": "on", "name_field": "", "naming_rule": "",
            "field_map": "{}", "sort_field": "", "sort_order": "desc", "title_field": "", "hidden_fields": "",
            "read_only_fields": "", "field_permlevels": "{}",
            **_formset(len(perms), sum(1 for perm in perms if perm.get("id"))), **permission_rows(perms)}
    data.update(extra)
    return {key: value for key, value in data.items() if value is not None}


def code_doctype_form(row, add=(), delete=(), **extra) -> dict:
    """The change form of a code-registered DocType ``row``: ``enabled``, its stored permission rows (those in
    ``delete`` ticked for deletion) and the new rows ``add``. ``None`` in ``extra`` leaves a field out."""
    stored = []
    for perm in row.permissions.all():
        fields = {"id": perm.pk, "doctype": row.pk, "role": perm.role, "permlevel": perm.permlevel}
        fields.update({field: "on" for field in (*DocPerm.RIGHT_FIELDS.values(), "if_owner") if getattr(perm, field)})
        if perm in delete:
            fields["DELETE"] = "on"
        stored.append(fields)
    data = {"enabled": "on", **_formset(len(stored) + len(add), len(stored)), **permission_rows(stored),
            **permission_rows([{"doctype": row.pk, **perm} for perm in add], start=len(stored))}
    data.update(extra)
    return {key: value for key, value in data.items() if value is not None}
