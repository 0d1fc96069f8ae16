"""With a Redis cache every process keeps the runtime settings row and the registry version across requests (no
cache round trip per request for them) and drops its copy when another process announces a change over pub/sub,
so an admin change still reaches every worker at its next request. Skipped when no Redis answers."""

import os
import uuid

import pytest
from django.core.cache import caches

from frappe_api import request_cache, runtime
from frappe_api.conf import api_settings
from frappe_api.invalidation import channel_name, redis_client
from frappe_api.registry import registry
from frappe_api.resilience import shared_cache

from .factories import ToDoFactory
from .conftest import doctype_form
from .test_security_admin_changes_reach_workers import ROOT, Worker, shared_database_url

REDIS_URL = "redis://127.0.0.1:6379/13"


def _redis():
    try:
        import redis

        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5, socket_timeout=0.5)
        client.ping()
        return client
    except Exception:  # noqa: BLE001 - no redis-py, or no server: skip
        return None


REDIS = _redis()
pytestmark = pytest.mark.skipif(REDIS is None, reason="no Redis answers at 127.0.0.1:6379")
SETTINGS_URL = "/api/resource/System Settings/System Settings"


def _drop_keys(prefix):
    for key in REDIS.scan_iter(f"{prefix}:*"):
        REDIS.delete(key)


@pytest.fixture
def redis_cache(settings):
    """frappe_api's cache on Redis (database 13), under a key prefix of this test's own."""
    prefix = f"frappe-api-test-{uuid.uuid4().hex[:8]}"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": REDIS_URL, "KEY_PREFIX": prefix}}
    runtime.invalidate()
    registry.invalidate()
    yield caches["default"]
    _drop_keys(prefix)


@pytest.fixture
def shared_reads(monkeypatch):
    """The reads of the settings row and the registry version from the shared cache, one set of keys each."""
    shared = {runtime._cache_key(), registry._cache_key}
    reads = []
    get, get_many = shared_cache.get, shared_cache.get_many

    def counted_get(key, **kwargs):
        if key in shared:
            reads.append({key})
        return get(key, **kwargs)

    def counted_get_many(keys):
        if set(keys) & shared:
            reads.append(set(keys) & shared)
        return get_many(keys)

    monkeypatch.setattr(shared_cache, "get", counted_get)
    monkeypatch.setattr(shared_cache, "get_many", counted_get_many)
    return reads


def announce(cache, key):
    """What another process does after writing ``key``: publish its name on the channel."""
    client = redis_client(cache)
    assert client.publish(channel_name(cache, client), key) >= 1  # this process is subscribed


def settle(client, shared_reads):
    """Requests until one reads no shared state: the subscription is confirmed and the copies are taken."""
    for _ in range(10):
        shared_reads.clear()
        assert list_length(client) >= 0
        if not shared_reads:
            return
    raise AssertionError(f"every request still reads shared state: {shared_reads}")


def list_length(client):
    response = client.get("/api/resource/ToDo", {"limit_page_length": 0})
    assert response.status_code == 200
    return len(response.json()["data"])


@pytest.mark.django_db
def test_copies_serve_requests_until_another_process_announces_a_change(redis_cache, admin_client, shared_reads):
    ToDoFactory.create_batch(3)
    assert list_length(admin_client) == 3
    assert shared_reads == [{runtime._cache_key(), registry._cache_key}]  # the first request reads both, once
    settle(admin_client, shared_reads)  # (once Redis confirmed the subscription)
    assert list_length(admin_client) == 3
    assert admin_client.get("/api/v2/document/ToDo").status_code == 200
    assert shared_reads == []  # later requests read neither: no round trip

    redis_cache.set(runtime._cache_key(), {"max_page_length": 2})  # another worker's save, not yet announced
    assert list_length(admin_client) == 3
    announce(redis_cache, runtime._cache_key())
    assert list_length(admin_client) == 2
    assert shared_reads == [{runtime._cache_key()}]

    shared_reads.clear()
    redis_cache.set(registry._cache_key, "changed elsewhere")
    announce(redis_cache, registry._cache_key)
    assert list_length(admin_client) == 2
    assert registry._version == "changed elsewhere"
    assert shared_reads == [{registry._cache_key}]


@pytest.mark.django_db
def test_a_lost_subscription_drops_every_copy(redis_cache, admin_client, shared_reads):
    ToDoFactory.create_batch(3)
    settle(admin_client, shared_reads)
    redis_cache.set(runtime._cache_key(), {"max_page_length": 1})  # changed while the channel is down
    request_cache.push_channel._pubsub.connection.disconnect()
    shared_reads.clear()
    assert list_length(admin_client) == 1  # the change was not announced, but the copies went with the channel
    assert shared_reads == [{runtime._cache_key(), registry._cache_key}]
    settle(admin_client, shared_reads)  # subscribed again: copies serve once more
    assert list_length(admin_client) == 1


@pytest.mark.django_db
def test_this_process_announces_its_own_changes(redis_cache, admin_client):
    client = redis_client(redis_cache)
    listener = client.pubsub()
    listener.subscribe(channel_name(redis_cache, client))
    assert listener.get_message(timeout=1)["type"] == "subscribe"
    assert admin_client.put_json(SETTINGS_URL, {"max_page_length": 5}).status_code == 200
    announced = []
    while (message := listener.get_message(timeout=0.5)) is not None:
        announced.append(message["data"].decode())
    listener.close()
    assert set(announced) == {runtime._cache_key()}
    assert api_settings.MAX_PAGE_LENGTH == 5


@pytest.fixture
def redis_workers(tmp_path):
    """An admin's worker and an API worker (DEBUG off) sharing the database and a Redis cache."""
    prefix = f"frappe-api-test-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.worker_settings", "DJANGO_DEBUG": "0",
           "WORKER_REDIS_URL": REDIS_URL, "WORKER_CACHE_KEY_PREFIX": prefix, "DATABASE_CONN_MAX_AGE": "0",
           "PYTHONPATH": str(ROOT)}
    env.pop("REDIS_URL", None)
    env["DATABASE_URL"] = shared_database_url(tmp_path, env)
    admin_worker = Worker(env, tmp_path / "admin_worker.log")
    api_worker = Worker(env, tmp_path / "api_worker.log")
    yield admin_worker, api_worker
    admin_worker.stop()
    api_worker.stop()
    _drop_keys(prefix)


def shared_reads_of(worker):
    shared = {runtime._cache_key(), registry._cache_key}
    return [set(keys) & shared for keys in worker.send(op="cache_reads")["reads"] if set(keys) & shared]


@pytest.mark.django_db(transaction=True)
def test_an_admin_change_reaches_another_worker_at_its_next_request_without_a_read_per_request(redis_workers):
    admin_worker, api_worker = redis_workers
    admin_worker.send(op="user", username="boss", superuser=True)
    for index in range(3):
        assert admin_worker.request("boss", "post", "/api/resource/ToDo",
                                    json={"description": f"t{index}"})["status"] == 200
    listed = api_worker.request("boss", "get", "/api/resource/ToDo", {"limit_page_length": 0})
    assert (listed["status"], len(listed["body"]["data"])) == (200, 3)
    for _ in range(10):  # until Redis confirmed the subscription and the copies are taken
        shared_reads_of(api_worker)
        api_worker.request("boss", "get", "/api/resource/ToDo")
        if not shared_reads_of(api_worker):
            break
    for _ in range(3):
        assert len(api_worker.request("boss", "get", "/api/resource/ToDo", {"limit_page_length": 0})
                   ["body"]["data"]) == 3
    steady = shared_reads_of(api_worker)
    assert steady == [], api_worker.log.read_text()[-3000:]  # steady state: no cache round trip for shared state

    assert admin_worker.request("boss", "put", SETTINGS_URL, json={"max_page_length": 2})["status"] == 200
    listed = api_worker.request("boss", "get", "/api/resource/ToDo", {"limit_page_length": 0})
    assert (listed["status"], len(listed["body"]["data"])) == (200, 2)  # at its next request, no wait
    assert shared_reads_of(api_worker) == [{runtime._cache_key()}]

    assert api_worker.request("boss", "get", "/api/resource/Memo")["status"] == 404
    shared_reads_of(api_worker)
    note_type = admin_worker.pk("contenttypes.ContentType", app_label="demo", model="note")[0]
    added = admin_worker.request("boss", "post", "/admin/frappe_api/doctype/add/",
                                 doctype_form(note_type, "Memo", [{"role": "All", "permlevel": 0, "read": "on"}]))
    assert added["status"] == 302
    assert api_worker.request("boss", "get", "/api/resource/Memo") == {"status": 200, "body": {"data": []}}
    assert shared_reads_of(api_worker) == [{registry._cache_key}]
