"""@rate_limit on whitelisted methods: the limit, its window, keys and verbs; shared through the cache."""

import pytest

from . import rpc_methods  # noqa: F401 - registers the test methods

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


def test_limits_are_shared_between_processes_through_redis(guest_client, settings):
    import subprocess
    import sys

    pytest.importorskip("redis")
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:6379/15", "KEY_PREFIX": "test-rl"}}
    from django.core.cache import caches

    caches["default"].clear()
    assert guest_client.get(f"{M}.limited").status_code == 200
    other_worker = (
        "import os, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'example_project.settings'; django.setup();"
        "from django.test import override_settings;"
        "from frappe_api.ratelimit import hit;"
        "caches = {'default': {'BACKEND': 'django.core.cache.backends.redis.RedisCache',"
        " 'LOCATION': 'redis://127.0.0.1:6379/15', 'KEY_PREFIX': 'test-rl'}};"
        "ctx = override_settings(CACHES=caches); ctx.enable();"
        "print(hit('frappe_api:rl:tests.rpc_methods.limited:127.0.0.1', 2, 60))"
    )
    output = subprocess.run([sys.executable, "-c", other_worker], capture_output=True, text=True, check=True,
                            cwd=str(settings.BASE_DIR))
    assert output.stdout.strip() == "2"
    assert guest_client.get(f"{M}.limited").status_code == 429
    caches["default"].clear()
