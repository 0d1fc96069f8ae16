"""Shared fixtures: API clients for the Administrator, an ordinary user and Guest."""

import json

import pytest
from django.test import Client

from frappe_api.oauth.settings import CLIENT_SECRET_HASHER
from frappe_api.registry import registry

from .factories import AdministratorFactory, UserFactory


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


@pytest.fixture
def administrator(db):
    return AdministratorFactory()


@pytest.fixture
def admin_client(administrator):
    return logged_in(administrator)


@pytest.fixture
def user(db):
    return UserFactory(username="jane")


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
