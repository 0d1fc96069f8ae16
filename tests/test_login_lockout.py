"""Login lockout: N failures per account or per IP inside the window lock every attempt (429) until it passes."""

import time
import uuid
from unittest import mock

import pytest
from django.test import Client, override_settings

from .conftest import redis_url, server_messages
from .factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]
LOGIN = "/api/method/login"
THREE_IN_A_MINUTE = {"LOGIN_ATTEMPTS": 3, "LOGIN_LOCKOUT_SECONDS": 60}


def attempt(usr="jane", pwd="secret", ip="10.0.0.1"):
    return Client(REMOTE_ADDR=ip).post(LOGIN, {"usr": usr, "pwd": pwd})


def fail(times, usr="jane", ip="10.0.0.1"):
    for _ in range(times):
        assert attempt(usr, "wrong", ip).status_code == 401


def locked_message(response):
    assert response.status_code == 429
    body = response.json()
    assert body["exc_type"] == "TooManyRequestsError"
    return server_messages(body)[0]["message"]


@pytest.fixture
def clock():
    """Wall-clock time under the test's control (the lockout and the local cache's expiry both read it)."""
    now = [time.time()]
    with mock.patch("time.time", lambda: now[0]):
        yield now


@override_settings(FRAPPE_API=THREE_IN_A_MINUTE)
def test_one_failure_short_of_the_limit_still_logs_in(jane):
    fail(2)
    assert attempt().status_code == 200


@override_settings(FRAPPE_API=THREE_IN_A_MINUTE)
def test_at_the_limit_even_the_right_password_is_refused(jane, clock):
    fail(3)
    locked = attempt()
    assert locked_message(locked) == "Your account has been locked and will resume after 60 seconds"
    assert locked.cookies["sid"].value == ""
    assert locked_message(attempt(pwd="wrong")).startswith("Your account has been locked")


@override_settings(FRAPPE_API=THREE_IN_A_MINUTE)
def test_the_message_counts_down_and_the_lock_ends_with_the_window(jane, clock):
    fail(3)
    clock[0] += 45
    assert locked_message(attempt()) == "Your account has been locked and will resume after 15 seconds"
    clock[0] += 14
    assert locked_message(attempt()) == "Your account has been locked and will resume after 1 seconds"
    clock[0] += 2
    assert attempt().status_code == 200


@override_settings(FRAPPE_API=THREE_IN_A_MINUTE)
def test_failures_spread_beyond_the_window_never_lock(jane, clock):
    fail(2)
    clock[0] += 61
    fail(2)
    assert attempt().status_code == 200


@override_settings(FRAPPE_API=THREE_IN_A_MINUTE)
def test_an_account_is_locked_from_every_ip(jane):
    for ip in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        fail(1, ip=ip)
    assert locked_message(attempt(ip="10.0.0.4")).startswith("Your account has been locked")
    UserFactory(username="john")
    assert attempt(usr="john", ip="10.0.0.4").status_code == 200


@override_settings(FRAPPE_API=THREE_IN_A_MINUTE)
def test_an_ip_is_locked_for_every_account(jane):
    fail(1, usr="a")
    fail(1, usr="b")
    fail(1, usr="c")
    assert locked_message(attempt(ip="10.0.0.1")).startswith("Your account has been locked")
    assert attempt(ip="10.0.0.2").status_code == 200


@override_settings(FRAPPE_API=THREE_IN_A_MINUTE)
def test_every_spelling_of_an_account_counts_against_it(jane):
    fail(1, usr="jane", ip="10.0.0.1")
    fail(1, usr="JANE@example.com", ip="10.0.0.2")
    fail(1, usr="jane@example.com", ip="10.0.0.3")
    assert locked_message(attempt(ip="10.0.0.4")).startswith("Your account has been locked")


@override_settings(FRAPPE_API=THREE_IN_A_MINUTE)
def test_a_success_resets_the_accounts_count(jane):
    fail(2, ip="10.0.0.1")
    assert attempt(ip="10.0.0.1").status_code == 200
    fail(2, ip="10.0.0.2")
    assert attempt(ip="10.0.0.3").status_code == 200


@override_settings(FRAPPE_API={"LOGIN_ATTEMPTS": 0})
def test_zero_attempts_switches_the_lockout_off(jane):
    fail(20)
    assert attempt().status_code == 200


def test_the_default_is_ten_attempts(jane):
    fail(9, ip="10.0.0.1")
    assert attempt(ip="10.0.0.1").status_code == 200
    fail(10, ip="10.0.0.2")
    assert attempt(ip="10.0.0.3").status_code == 429


@pytest.mark.needs_redis
def test_counters_live_in_the_shared_cache(jane):
    import redis

    prefix = f"lockout-test-{uuid.uuid4().hex}"
    shared = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": redis_url(0), "KEY_PREFIX": prefix}}
    stored = redis.Redis.from_url(redis_url(0))
    with override_settings(CACHES=shared, FRAPPE_API=THREE_IN_A_MINUTE):
        try:
            fail(3)
            assert locked_message(attempt()).startswith("Your account has been locked")
            ip_key = f"{prefix}:1:frappe_api:login:ip:10.0.0.1"
            assert int(stored.get(ip_key)) == 3  # what every other worker reads
            assert 0 < stored.ttl(ip_key) <= 60
        finally:
            for key in stored.scan_iter(f"{prefix}:*"):  # only this test's keys: others share this Redis
                stored.delete(key)
