"""Runtime settings: the API Settings row (System Settings) overrides FRAPPE_API at the next request."""

import datetime

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client, override_settings

from frappe_api import runtime
from frappe_api.conf import api_settings
from frappe_api.models import ApiRequestLog, ApiSettings

from .conftest import finish, redis_url
from .factories import ToDoFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]
URL = "/api/resource/System Settings/System Settings"


def test_system_settings_is_a_single_with_frappe_field_names(admin_client, user_client):
    data = admin_client.get(URL).json()["data"]
    assert data["name"] == "System Settings" and data["time_zone"] == "UTC"
    assert user_client.get("/api/method/frappe.client.get_single_value",
                           {"doctype": "System Settings", "field": "time_zone"}).status_code == 403
    assert user_client.get("/api/method/frappe.client.get_time_zone").json() == {"message": {"time_zone": "UTC"}}
    assert user_client.put_json(URL, {"log_api_requests": 1}).status_code == 403


def test_lockout_follows_the_admins_values_at_the_next_request(admin_client):
    UserFactory(username="jane")
    assert admin_client.put_json(URL, {"allow_consecutive_login_attempts": 2}).status_code == 200
    client = Client()
    for _ in range(2):
        client.post("/api/method/login", {"usr": "jane", "pwd": "bad"})
    assert client.post("/api/method/login", {"usr": "jane", "pwd": "secret"}).status_code == 429


def test_request_logging_page_length_and_budget_switch_at_runtime(admin_client):
    for index in range(3):
        ToDoFactory(name=f"t{index}")
    admin_client.put_json(URL, {"max_page_length": 2, "request_budget_limit": 100, "request_budget_window": 60})
    response = admin_client.get("/api/resource/ToDo", {"limit_page_length": 0})
    assert len(response.json()["data"]) == 2
    assert response["X-RateLimit-Limit"] == "100"
    finish(admin_client.get("/api/method/ping"))
    assert not ApiRequestLog.objects.exists()
    admin_client.put_json(URL, {"log_api_requests": 1})
    finish(admin_client.get("/api/method/ping"))
    assert list(ApiRequestLog.objects.values_list("path", flat=True)) == ["/api/method/ping"]


def test_traceback_and_guest_uploads_and_time_zone(admin_client, guest_client):
    admin_client.put_json(URL, {"time_zone": "Asia/Kolkata", "allow_error_traceback": 1})
    assert guest_client.get("/api/method/frappe.client.get_time_zone").json() == {
        "message": {"time_zone": "Asia/Kolkata"}}
    ToDoFactory(name="dated", modified=datetime.datetime(2024, 1, 1, 0, 0, tzinfo=datetime.timezone.utc))
    row = admin_client.get("/api/resource/ToDo/dated").json()["data"]
    assert row["modified"] == "2024-01-01 05:30:00.000000"
    broken = admin_client.get("/api/resource/ToDo", {"filters": "[bad"}).json()
    assert broken["exc"].startswith('["Traceback')


def test_a_save_is_seen_through_the_shared_cache(admin_client):
    assert api_settings.LOGIN_ATTEMPTS == 10
    assert caches["default"].get("frappe_api:runtime_settings") == {}
    settings_row = ApiSettings.objects.create(allow_consecutive_login_attempts=4)  # e.g. another worker's admin
    assert caches["default"].get("frappe_api:runtime_settings") is None
    assert api_settings.LOGIN_ATTEMPTS == 4
    settings_row.allow_consecutive_login_attempts = None
    settings_row.save()
    with override_settings(FRAPPE_API={"LOGIN_ATTEMPTS": 7}):
        assert api_settings.LOGIN_ATTEMPTS == 7


def test_session_expiry_sets_the_session_lifetime(admin_client):
    UserFactory(username="jane")
    admin_client.put_json(URL, {"session_expiry": "2:30"})
    client = Client()
    response = client.post("/api/method/login", {"usr": "jane", "pwd": "secret"})
    assert response.cookies["sid"]["max-age"] == 9000


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor == 'sqlite'", reason="the in-memory test database is private to this process")
@pytest.mark.needs_redis
def test_another_process_sees_a_change_without_restart(settings):
    import os
    import subprocess
    import sys

    redis = redis_url(14)
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis}}
    caches["default"].clear()
    db = connection.settings_dict
    scheme = "postgres" if connection.vendor == "postgresql" else "mysql"
    url = f"{scheme}://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT']}/{db['NAME']}"
    other_worker = ("import django; django.setup(); from frappe_api.conf import api_settings; "
                    "print(api_settings.LOGIN_ATTEMPTS)")
    env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": redis, "DJANGO_SETTINGS_MODULE": "example_project.settings"}

    def ask_other_worker():
        result = subprocess.run([sys.executable, "-c", other_worker], env=env, capture_output=True, text=True,
                                check=True, cwd=str(settings.BASE_DIR))
        return result.stdout.strip()

    assert ask_other_worker() == "10"
    row = ApiSettings.objects.create(allow_consecutive_login_attempts=4)
    assert ask_other_worker() == "4"
    row.allow_consecutive_login_attempts = 6
    row.save()
    assert ask_other_worker() == "6"
    caches["default"].clear()


def test_a_request_reads_the_settings_row_and_registry_version_in_one_cache_round_trip(admin_client, monkeypatch):
    from frappe_api.registry import registry

    assert admin_client.get("/api/resource/ToDo").status_code == 200
    cache = caches[api_settings.CACHE_ALIAS]
    shared = {runtime._cache_key(), registry._cache_key}
    reads, inside_get_many = [], []  # LocMemCache's get_many calls get: count round trips, not calls
    get, get_many = cache.get, cache.get_many

    def counted_get(key, *args, **kwargs):
        if not inside_get_many:
            reads.append({key})
        return get(key, *args, **kwargs)

    def counted_get_many(keys, *args, **kwargs):
        reads.append(set(keys))
        inside_get_many.append(True)
        try:
            return get_many(keys, *args, **kwargs)
        finally:
            inside_get_many.pop()

    monkeypatch.setattr(cache, "get", counted_get)
    monkeypatch.setattr(cache, "get_many", counted_get_many)
    assert admin_client.get("/api/resource/ToDo", {"filters": '{"status": "Open"}'}).status_code == 200
    assert [keys for keys in reads if keys & shared] == [shared]
    reads.clear()
    api_settings.LOGIN_ATTEMPTS  # outside a request every read asks the cache
    api_settings.LOGIN_ATTEMPTS
    assert [keys for keys in reads if keys & shared] == [{runtime._cache_key()}] * 2


def test_a_change_another_worker_made_is_seen_at_the_next_request(admin_client):
    from frappe_api.registry import registry

    assert admin_client.get("/api/resource/ToDo", {"limit_page_length": 0}).status_code == 200
    ToDoFactory.create_batch(3)
    caches["default"].set(runtime._cache_key(), {"max_page_length": 2})  # as another worker's save leaves it
    assert len(admin_client.get("/api/resource/ToDo", {"limit_page_length": 0}).json()["data"]) == 2
    version = caches["default"].get(registry._cache_key)
    caches["default"].set(registry._cache_key, "changed elsewhere")
    assert admin_client.get("/api/resource/ToDo").status_code == 200
    assert registry._version == "changed elsewhere" != version


def test_lists_page_by_the_admins_max_page_length_with_the_next_page_seen(admin_client):
    """One settings reader: v2's `limit` cap and the query's cap are the same value, and v2 still peeks one row
    past it to answer `has_next_page`."""
    for index in range(4):
        ToDoFactory(name=f"t{index}")
    assert admin_client.put_json(URL, {"max_page_length": 2}).status_code == 200
    page = {"order_by": "name asc"}
    response = admin_client.get("/api/v2/document/ToDo", {**page, "limit": 2})
    assert response.status_code == 200
    assert response.json() == {"data": [{"name": "t0"}, {"name": "t1"}], "has_next_page": True}
    assert admin_client.get("/api/v2/document/ToDo", {**page, "limit": 5}).json() == {
        "data": [{"name": "t0"}, {"name": "t1"}], "has_next_page": True}
    assert admin_client.get("/api/v2/document/ToDo", {**page, "limit": 2, "start": 2}).json() == {
        "data": [{"name": "t2"}, {"name": "t3"}], "has_next_page": False}
    for length in (2, 5, 0):
        response = admin_client.get("/api/resource/ToDo", {**page, "limit_page_length": length})
        assert response.status_code == 200
        assert response.json() == {"data": [{"name": "t0"}, {"name": "t1"}]}
    assert api_settings.MAX_PAGE_LENGTH == 2 and api_settings.configured("MAX_PAGE_LENGTH") == 10000


def test_the_time_zone_of_one_request_does_not_leak_into_the_next(admin_client):
    """Two requests on one thread: the first in the admin's zone, the second with none set answers in Django's
    TIME_ZONE (UTC), and no zone stays active on the thread after either."""
    from django.utils import timezone

    ToDoFactory(name="dated", modified=datetime.datetime(2024, 1, 1, 0, 0, tzinfo=datetime.timezone.utc))
    assert admin_client.put_json(URL, {"time_zone": "Asia/Kolkata"}).status_code == 200
    response = admin_client.get("/api/resource/ToDo/dated")
    assert (response.status_code, response.json()["data"]["modified"]) == (200, "2024-01-01 05:30:00.000000")
    assert timezone.get_current_timezone_name() == "UTC"
    assert admin_client.put_json(URL, {"time_zone": ""}).status_code == 200
    assert timezone.get_current_timezone_name() == "UTC"
    response = admin_client.get("/api/v2/document/ToDo/dated")
    assert (response.status_code, response.json()["data"]["modified"]) == (200, "2024-01-01 00:00:00.000000")
    assert timezone.get_current_timezone_name() == "UTC"


def test_frappe_api_time_zone_and_session_expiry_apply_until_the_admin_sets_them(admin_client, guest_client):
    UserFactory(username="jane")
    ToDoFactory(name="dated", modified=datetime.datetime(2024, 1, 1, 0, 0, tzinfo=datetime.timezone.utc))
    with override_settings(FRAPPE_API={"TIME_ZONE": "Asia/Kolkata", "SESSION_EXPIRY_SECONDS": 600}):
        assert guest_client.get("/api/method/frappe.client.get_time_zone").json() == {
            "message": {"time_zone": "Asia/Kolkata"}}
        assert admin_client.get("/api/resource/ToDo/dated").json()["data"]["modified"] == "2024-01-01 05:30:00.000000"
        response = Client().post("/api/method/login", {"usr": "jane", "pwd": "secret"})
        assert (response.status_code, response.cookies["sid"]["max-age"]) == (200, 600)
        assert admin_client.put_json(URL, {"time_zone": "Europe/Berlin", "session_expiry": "0:05"}).status_code == 200
        assert admin_client.get("/api/resource/ToDo/dated").json()["data"]["modified"] == "2024-01-01 01:00:00.000000"
        response = Client().post("/api/method/login", {"usr": "jane", "pwd": "secret"})
        assert (response.status_code, response.cookies["sid"]["max-age"]) == (200, 300)
