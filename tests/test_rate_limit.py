"""@rate_limit on whitelisted methods: the limit, its window, keys and verbs; shared through the cache."""

import pytest
from django.test import override_settings

from . import rpc_methods  # noqa: F401 - registers the test methods
from .conftest import redis_url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]
M = "/api/method/tests.rpc_methods"




def test_third_call_inside_the_window_is_429(guest_client):
    assert guest_client.get(f"{M}.limited", {"text": "a"}).json() == {"message": "a"}
    assert guest_client.get(f"{M}.limited").status_code == 200
    response = guest_client.get(f"{M}.limited")
    assert response.status_code == 429
    body = response.json()
    assert body["exc_type"] == "RateLimitExceededError"
    assert body["exception"] == ("frappe.exceptions.RateLimitExceededError: You hit the rate limit because of too "
                                 "many requests. Please try after sometime.")


def test_each_ip_has_its_own_budget(guest_client):
    for _ in range(2):
        guest_client.get(f"{M}.limited")
    assert guest_client.get(f"{M}.limited").status_code == 429
    assert guest_client.get(f"{M}.limited", REMOTE_ADDR="10.9.8.7").status_code == 200


def test_the_window_passes(guest_client, monkeypatch):
    import django.core.cache.backends.locmem as locmem

    for _ in range(2):
        guest_client.get(f"{M}.limited")
    assert guest_client.get(f"{M}.limited").status_code == 429
    later = locmem.time.time() + 61
    monkeypatch.setattr(locmem.time, "time", lambda: later)
    assert guest_client.get(f"{M}.limited").status_code == 200


def test_key_and_methods(guest_client):
    assert guest_client.post(f"{M}.limited_by_email", {"email": "a@x"}).status_code == 200
    assert guest_client.post(f"{M}.limited_by_email", {"email": "a@x"}, REMOTE_ADDR="10.0.0.9").status_code == 429
    assert guest_client.post(f"{M}.limited_by_email", {"email": "b@x"}).status_code == 200
    assert guest_client.get(f"{M}.limited_by_email", {"email": "a@x"}).status_code == 200  # GET is not counted


@pytest.mark.needs_redis
def test_limits_are_shared_between_processes_through_redis(guest_client, settings):
    import subprocess
    import sys
    import uuid

    import redis

    # A prefix of this run's own: the Redis is shared with other runs of this suite, so no flushing its database.
    prefix = f"test-rl-{uuid.uuid4().hex}"
    shared = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url(15),
                          "KEY_PREFIX": prefix}}
    other_worker = (
        "import os, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'example_project.settings'; django.setup();"
        "from django.test import override_settings;"
        "from frappe_api.resilience import shared_cache;"
        f"ctx = override_settings(CACHES={shared!r}); ctx.enable();"
        "print(shared_cache.count('frappe_api:rl:tests.rpc_methods.limited:127.0.0.1', 60))"
    )
    try:
        with override_settings(CACHES=shared):
            assert guest_client.get(f"{M}.limited").status_code == 200
            output = subprocess.run([sys.executable, "-c", other_worker], capture_output=True, text=True, check=True,
                                    cwd=str(settings.BASE_DIR))
            assert output.stdout.strip() == "2"
            assert guest_client.get(f"{M}.limited").status_code == 429
    finally:
        stored = redis.Redis.from_url(redis_url(15))
        for key in stored.scan_iter(f"{prefix}:*"):
            stored.delete(key)


BUDGET = {"REQUEST_BUDGET": {"limit": 3, "window": 60}}


def test_global_budget_headers_and_429_with_retry_after(admin_client, settings):
    settings.FRAPPE_API = BUDGET
    first = admin_client.get("/api/method/ping")
    assert (first["X-RateLimit-Limit"], first["X-RateLimit-Remaining"]) == ("3", "2")
    assert int(first["X-RateLimit-Reset"]) > 0
    admin_client.get("/api/resource/ToDo")
    assert admin_client.get("/api/method/ping")["X-RateLimit-Remaining"] == "0"
    refused = admin_client.get("/api/resource/ToDo")
    assert refused.status_code == 429
    assert refused.json()["exc_type"] == "TooManyRequestsError"
    assert 0 < int(refused["Retry-After"]) <= 60
    assert refused["X-RateLimit-Remaining"] == "0"


def test_budget_is_per_user_and_per_ip_for_guests(admin_client, guest_client, settings):
    settings.FRAPPE_API = BUDGET
    for _ in range(3):
        admin_client.get("/api/method/ping")
    assert admin_client.get("/api/method/ping").status_code == 429
    assert guest_client.get("/api/method/ping").status_code == 200
    for _ in range(2):
        guest_client.get("/api/method/ping")
    assert guest_client.get("/api/method/ping").status_code == 429
    assert guest_client.get("/api/method/ping", REMOTE_ADDR="10.2.3.4").status_code == 200


def test_budget_window_passes(guest_client, settings, monkeypatch):
    import frappe_api.throttling as throttling

    settings.FRAPPE_API = BUDGET
    for _ in range(3):
        guest_client.get("/api/method/ping")
    assert guest_client.get("/api/method/ping").status_code == 429
    later = throttling.time.time() + 61
    monkeypatch.setattr(throttling.time, "time", lambda: later)
    assert guest_client.get("/api/method/ping").status_code == 200


def test_no_budget_no_headers(admin_client):
    assert "X-RateLimit-Limit" not in admin_client.get("/api/method/ping")
