"""Realtime: a real server (uvicorn + python-socketio) and python-socketio clients, writes through the HTTP API.

Connection (cookie, token, Basic, Bearer; refused without credentials, with a bad one, from a foreign origin,
on another namespace), rooms and client events, every server event with its payload, nothing after a
rollback or a GET, nothing for a socket whose user may not read the row, and two servers sharing Redis.
"""

from __future__ import annotations

import base64
import datetime
import logging
import uuid

import pytest
import requests
import socketio
from django.contrib.auth.models import Group
from django.core.asgi import get_asgi_application
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application

import frappe_api
from example_project.demo.models import Note, ToDo
from frappe_api.auth.keys import generate_keys
from frappe_api.document import insert_doc
from frappe_api.registry import registry
from frappe_api.rpc.context import current_user
from frappe_api.realtime.publish import route
from frappe_api.realtime.server import realtime_application

from .conftest import APIClient
from .factories import AdministratorFactory, CustomerFactory, ToDoFactory, UserFactory
from .realtime_support import Listener, ServerThread

pytestmark = pytest.mark.django_db(transaction=True)

SITE = "127.0.0.1"  # the demo's SITE_NAME: the module's server is built before a test's settings apply
REDIS_URL = "redis://127.0.0.1:6379/13"


@pytest.fixture(autouse=True)
def _site(settings, monkeypatch):
    # Django keeps connections per async context: the server's requests must not keep theirs open.
    monkeypatch.setitem(settings.DATABASES["default"], "CONN_MAX_AGE", 0)
    assert settings.FRAPPE_API["SITE_NAME"] == SITE
    settings.FRAPPE_API = {**settings.FRAPPE_API, "REALTIME_REDIS_URL": None}
    settings.CORS_ALLOWED_ORIGINS = ["https://front.example.com"]


@pytest.fixture(scope="module")
def server():
    """One in-process realtime server in front of Django, for the module."""
    thread = ServerThread(realtime_application(get_asgi_application(), redis_url="")).start()
    yield thread
    thread.stop()


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"sid={client.cookies['sid'].value}"


def api_client(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def admin():
    return AdministratorFactory()


@pytest.fixture
def jane():
    return UserFactory(username="jane")


@pytest.fixture
def listen(server):
    opened = []

    def connect(user=None, *, headers=None, **kwargs) -> Listener:
        headers = dict(headers or {})
        if user is not None:
            headers["Cookie"] = session_cookie(user)
        listener = Listener(server.url, headers=headers, **kwargs)
        opened.append(listener)
        return listener

    yield connect
    for listener in opened:
        listener.close()


def refusal(server, headers, ns=f"/{SITE}") -> list:
    """The connect_error payloads of a connection that must be refused."""
    errors = []
    client = socketio.Client(reconnection=False)
    client.on("connect_error", errors.append, namespace=ns)
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(server.url, namespaces=[ns], headers=headers, wait_timeout=3)
    client.disconnect()
    return errors


# --- connection ----------------------------------------------------------------------------------------------

def test_a_cookie_session_connects_into_its_user_room(listen, admin):
    socket = listen(admin)
    frappe_api.publish_realtime("msgprint", {"message": "hello"}, user="Administrator", after_commit=False)
    assert socket.next() == ("msgprint", {"message": "hello"})


@pytest.mark.parametrize("scheme", ["token", "Basic", "Bearer"])
def test_api_keys_and_bearer_tokens_connect_as_their_user(listen, jane, scheme):
    if scheme == "Bearer":
        application = Application.objects.create(name="app", client_type="confidential",
                                                 authorization_grant_type="authorization-code",
                                                 redirect_uris="https://x/cb")
        AccessToken.objects.create(user=jane, application=application, token="rt-bearer", scope="all",
                                   expires=timezone.now() + datetime.timedelta(hours=1))
        header = "Bearer rt-bearer"
    else:
        key, secret = generate_keys(jane)
        header = (f"token {key}:{secret}" if scheme == "token"
                  else "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode())
    socket = listen(headers={"Authorization": header})
    frappe_api.publish_realtime("custom_event", {"n": 1}, user="jane", after_commit=False)
    frappe_api.publish_realtime("custom_event", {"n": 2}, user="someone-else", after_commit=False)
    frappe_api.publish_realtime("custom_event", {"n": 3}, room="website", after_commit=False)
    assert socket.next() == ("custom_event", {"n": 1})
    assert socket.next() == ("custom_event", {"n": 3})


def test_system_users_join_the_all_room_and_website_users_do_not(listen, admin, jane):
    admin_socket, jane_socket = listen(admin), listen(jane)
    frappe_api.publish_realtime("global_note", {"for": "system users"}, after_commit=False)
    frappe_api.publish_realtime("global_note", {"for": "everyone"}, room="website", after_commit=False)
    assert admin_socket.next() == ("global_note", {"for": "system users"})
    assert admin_socket.next() == ("global_note", {"for": "everyone"})
    assert jane_socket.next() == ("global_note", {"for": "everyone"})


@pytest.mark.django_db  # refusals commit nothing: no flush needed
def test_a_connection_without_cookie_or_authorization_is_refused(server):
    assert refusal(server, {}) == [{"message": "Missing cookie and authorization header, cannot authenticate"}]


@pytest.mark.django_db
def test_a_cookie_without_a_session_is_refused(server):
    assert refusal(server, {"Cookie": "theme=dark"}) == [
        {"message": "Missing cookie and authorization header, cannot authenticate"}]


@pytest.mark.django_db
@pytest.mark.parametrize("header", ["token nope:nope", "Bearer unknown-token", "Basic !!!"])
def test_a_bad_authorization_header_is_refused(server, header):
    errors = refusal(server, {"Authorization": header})
    assert len(errors) == 1 and errors[0]["message"].startswith("Unauthorized: ")


@pytest.mark.django_db
def test_a_foreign_origin_is_refused(server):
    assert refusal(server, {"Cookie": "sid=anything", "Origin": "https://evil.example.org"}) == [
        "https://evil.example.org is not an accepted origin."]


@pytest.mark.parametrize("origin", ["http://127.0.0.1:5173", "https://127.0.0.1", "https://front.example.com"])
def test_the_same_host_on_any_port_and_allowed_cors_origins_connect(listen, admin, origin):
    socket = listen(admin, headers={"Origin": origin})
    socket.sync()


@pytest.mark.django_db
def test_another_namespace_is_refused(server):
    assert refusal(server, {"Cookie": "sid=anything"}, ns="/other.site") == ["Unable to connect"]
    assert refusal(server, {"Cookie": "sid=anything"}, ns="/") == ["Unable to connect"]


def test_ping_answers_pong(listen, admin):
    listen(admin).sync()


# --- document events -----------------------------------------------------------------------------------------

def test_insert_save_and_delete_publish_doc_update_and_list_update(listen, admin):
    socket = listen(admin)
    socket.emit("doctype_subscribe", "ToDo")
    socket.sync()
    client = api_client(admin)
    created = client.post_json("/api/resource/ToDo", {"description": "live"}).json()["data"]
    name = created["name"]
    assert socket.next() == ("list_update", {"doctype": "ToDo", "name": name, "user": "Administrator"})
    socket.emit("doc_subscribe", "ToDo", name)
    socket.sync()
    saved = client.put_json(f"/api/resource/ToDo/{name}", {"description": "changed"}).json()["data"]
    assert socket.next() == ("doc_update", {"doctype": "ToDo", "name": name, "modified": saved["modified"]})
    assert socket.next() == ("list_update", {"doctype": "ToDo", "name": name, "user": "Administrator"})
    assert client.get(f"/api/resource/ToDo/{name}").json()["data"]["modified"] == saved["modified"]
    assert client.delete(f"/api/resource/ToDo/{name}").status_code == 202
    assert socket.next() == ("doc_update", {"doctype": "ToDo", "name": name, "modified": saved["modified"]})
    assert socket.next() == ("list_update", {"doctype": "ToDo", "name": name, "user": "Administrator"})


def test_submit_and_cancel_publish_doc_update_and_list_update(listen, admin):
    customer = CustomerFactory(customer_name="Acme")
    client = api_client(admin)
    order = client.post_json("/api/resource/Sales Order", {
        "customer": customer.name, "transaction_date": "2024-03-01",
        "items": [{"item_code": "Widget", "qty": 2, "rate": 10}]}).json()["data"]
    socket = listen(admin)
    socket.emit("doc_subscribe", "Sales Order", order["name"])
    socket.emit("doctype_subscribe", "Sales Order")
    socket.sync()
    for docstatus in (1, 2):
        saved = client.put_json(f"/api/resource/Sales Order/{order['name']}", {"docstatus": docstatus}).json()
        assert saved["data"]["docstatus"] == docstatus
        assert socket.next() == ("doc_update", {"doctype": "Sales Order", "name": order["name"],
                                                "modified": saved["data"]["modified"]})
        assert socket.next() == ("list_update", {"doctype": "Sales Order", "name": order["name"],
                                                 "user": "Administrator"})


def test_single_doctypes_publish_doc_update_but_no_list_update(listen, admin):
    socket = listen(admin)
    socket.emit("doctype_subscribe", "Selling Settings")
    socket.emit("doc_subscribe", "Selling Settings", "Selling Settings")
    socket.sync()
    client = api_client(admin)
    saved = client.put_json("/api/resource/Selling Settings/Selling Settings", {"cust_master_name": "Naming Series"})
    assert saved.status_code == 200, saved.content
    event, payload = socket.next()
    assert (event, payload["doctype"], payload["name"]) == ("doc_update", "Selling Settings", "Selling Settings")
    socket.sync()


def test_rename_publishes_doc_rename_to_the_old_documents_room(listen, admin):
    todo = ToDoFactory(name="old-name")
    socket = listen(admin)
    socket.emit("doc_subscribe", "ToDo", "old-name")
    socket.sync()
    response = api_client(admin).post_json("/api/method/frappe.client.rename_doc",
                                           {"doctype": "ToDo", "old_name": todo.name, "new_name": "new-name"})
    assert response.status_code == 200, response.content
    assert socket.next() == ("doc_rename", {"doctype": "ToDo", "old": "old-name", "new": "new-name"})


def test_comments_and_attachments_publish_docinfo_update(listen, admin):
    todo = ToDoFactory()
    socket = listen(admin)
    socket.emit("doc_subscribe", "ToDo", todo.name)
    socket.sync()
    client = api_client(admin)
    comment = client.post_json(f"/api/v2/document/ToDo/{todo.name}/method/add_comment", {"text": "nice"}).json()
    assert socket.next() == ("docinfo_update", {"key": "comments", "action": "add", "doc": {
        "name": comment["data"]["name"], "creation": comment["data"]["creation"], "content": "nice",
        "owner": "Administrator", "comment_type": "Comment"}})
    response = client.post("/api/method/upload_file", {"file": SimpleUploadedFile("a.txt", b"hello"),
                                                        "doctype": "ToDo", "docname": todo.name})
    assert response.status_code == 200, response.content
    uploaded = response.json()["message"]
    assert socket.next() == ("docinfo_update", {"key": "attachments", "action": "add", "doc": {
        "name": uploaded["name"], "file_name": "a.txt", "file_url": uploaded["file_url"],
        "is_private": 0}})


def test_nothing_is_published_for_a_rolled_back_write(listen, admin):
    socket = listen(admin)
    socket.emit("doctype_subscribe", "ToDo")
    socket.sync()
    with pytest.raises(RuntimeError), transaction.atomic():
        insert_doc(registry.get("ToDo"), {"description": "rolled back"}, admin)
        raise RuntimeError
    refused = api_client(admin).post_json("/api/resource/Sales Order", {"customer": "nobody"})
    assert refused.status_code == 417
    kept = api_client(admin).post_json("/api/resource/ToDo", {"description": "kept"}).json()["data"]
    assert socket.next() == ("list_update", {"doctype": "ToDo", "name": kept["name"], "user": "Administrator"})
    assert ToDo.objects.count() == 1


@frappe_api.whitelist(methods=["GET", "POST"])
def insert_note(title: str) -> str:
    """Writes through the document service on any verb (a GET's transaction is rolled back)."""
    return insert_doc(registry.get("Note"), {"title": title}, current_user())


def test_nothing_is_published_for_a_get(listen, admin):
    socket = listen(admin)
    socket.emit("doctype_subscribe", "Note")
    socket.sync()
    client = api_client(admin)
    assert client.get("/api/method/tests.test_realtime.insert_note", {"title": "via-get"}).status_code == 200
    assert client.get("/api/resource/Note").status_code == 200
    assert not Note.objects.exists()
    response = client.post("/api/method/tests.test_realtime.insert_note", {"title": "via-post"})
    assert socket.next() == ("list_update", {"doctype": "Note", "name": response.json()["message"],
                                             "user": "Administrator"})


def test_the_same_message_twice_in_one_transaction_goes_out_once(listen, admin):
    socket = listen(admin)
    with transaction.atomic():
        for n in (1, 1, 2):
            frappe_api.publish_realtime("msgprint", {"n": n}, user="Administrator")
        with pytest.raises(RuntimeError), transaction.atomic():
            frappe_api.publish_realtime("msgprint", {"n": 3}, user="Administrator")
            raise RuntimeError
        frappe_api.publish_realtime("msgprint", {"n": 3}, user="Administrator")
    assert [socket.next() for _ in range(3)] == [("msgprint", {"n": 1}), ("msgprint", {"n": 2}),
                                                 ("msgprint", {"n": 3})]
    socket.sync()


def test_a_redis_failure_is_logged_and_never_fails_the_write(settings, admin, caplog):
    settings.FRAPPE_API = {**settings.FRAPPE_API, "REALTIME_REDIS_URL": "redis://127.0.0.1:1/0"}
    with caplog.at_level(logging.ERROR):
        response = api_client(admin).post_json("/api/resource/ToDo", {"description": "no redis"})
    assert response.status_code == 200
    assert ToDo.objects.filter(description="no redis").exists()
    assert "Cannot publish to redis" in caplog.text or "could not publish" in caplog.text


# --- who receives what ---------------------------------------------------------------------------------------

def test_an_if_owner_reader_hears_only_of_their_own_documents(listen, admin, jane):
    socket = listen(jane)
    socket.emit("doctype_subscribe", "ToDo")
    socket.sync()
    api_client(admin).post_json("/api/resource/ToDo", {"description": "the administrator's"})
    own = api_client(jane).post_json("/api/resource/ToDo", {"description": "jane's"}).json()["data"]
    assert socket.next() == ("list_update", {"doctype": "ToDo", "name": own["name"], "user": "jane"})
    socket.sync()


def test_a_user_without_read_on_the_doctype_hears_nothing(listen, admin, jane):
    socket = listen(jane)
    socket.emit("doctype_subscribe", "Note")
    socket.emit("doctype_subscribe", "Sales Order Item")
    socket.emit("doctype_subscribe", "No Such DocType")
    socket.emit("doctype_subscribe", {"not": "a name"})
    socket.emit("doctype_subscribe", "ToDo")
    socket.sync()
    api_client(admin).post_json("/api/resource/Note", {"title": "secret"})
    own = api_client(jane).post_json("/api/resource/ToDo", {"description": "jane's"}).json()["data"]
    assert socket.next()[1]["name"] == own["name"]
    socket.sync()


def test_doc_subscribe_needs_read_on_the_document(listen, admin, jane):
    theirs, own = ToDoFactory(owner="Administrator"), ToDoFactory(owner="jane")
    socket = listen(jane)
    socket.emit("doc_subscribe", "ToDo", theirs.name)
    socket.emit("doc_subscribe", "ToDo", own.name)
    socket.sync()
    client = api_client(admin)
    client.put_json(f"/api/resource/ToDo/{theirs.name}", {"description": "x"})
    saved = client.put_json(f"/api/resource/ToDo/{own.name}", {"description": "y"}).json()["data"]
    assert socket.next() == ("doc_update", {"doctype": "ToDo", "name": own.name, "modified": saved["modified"]})
    socket.sync()


def test_unrestricted_readers_hear_every_document(listen, admin, jane):
    manager = UserFactory(username="manager")
    manager.groups.add(Group.objects.get_or_create(name="System Manager")[0])
    socket = listen(manager)
    socket.emit("doctype_subscribe", "ToDo")
    socket.sync()
    own = api_client(jane).post_json("/api/resource/ToDo", {"description": "jane's"}).json()["data"]
    assert socket.next() == ("list_update", {"doctype": "ToDo", "name": own["name"], "user": "jane"})
    socket.emit("doctype_unsubscribe", "ToDo")
    socket.sync()
    api_client(jane).post_json("/api/resource/ToDo", {"description": "unheard"})
    socket.sync()


# --- viewers and tasks ---------------------------------------------------------------------------------------

def test_doc_open_and_close_announce_the_viewers(listen, admin, jane):
    todo = ToDoFactory(owner="jane")
    first, second = listen(admin), listen(jane)
    first.emit("doc_open", "ToDo", todo.name)
    first.sync()
    second.emit("doc_open", "ToDo", todo.name)
    expected = ("doc_viewers", {"doctype": "ToDo", "docname": todo.name, "users": ["Administrator", "jane"]})
    assert first.next() == expected
    assert second.next() == expected
    second.emit("doc_close", "ToDo", todo.name)
    assert first.next() == ("doc_viewers", {"doctype": "ToDo", "docname": todo.name, "users": ["Administrator"]})


def test_doc_open_needs_read_on_the_document(listen, admin, jane):
    todo = ToDoFactory(owner="Administrator")
    first, second = listen(admin), listen(jane)
    first.emit("doc_open", "ToDo", todo.name)
    first.sync()
    second.emit("doc_open", "ToDo", todo.name)
    second.sync()
    first.sync()


def test_task_subscribers_receive_progress(listen, jane):
    socket = listen(jane)
    socket.emit("task_subscribe", "job-1")
    socket.sync()
    frappe_api.publish_progress(50, title="Importing", task_id="job-1", description="half")
    frappe_api.publish_realtime(message={"done": 1}, task_id="job-1")
    assert socket.next() == ("progress", {"percent": 50, "title": "Importing", "description": "half",
                                          "task_id": "job-1"})
    assert socket.next() == ("task_progress", {"done": 1, "task_id": "job-1"})


def test_progress_for_a_document_goes_to_its_room(listen, admin):
    todo = ToDoFactory()
    socket = listen(admin)
    socket.emit("doc_subscribe", "ToDo", todo.name)
    socket.sync()
    frappe_api.publish_progress(10, title="Working", doctype="ToDo", docname=todo.name)
    assert socket.next() == ("progress", {"percent": 10, "title": "Working", "description": None})


# --- routing and RPC (no socket needed) ------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize(("kwargs", "expected"), [
    ({"event": None}, ("global", "all", True)),
    ({"event": None, "task_id": "t"}, ("task_progress", "task_progress:t", False)),
    ({"event": "list_update", "room": "x", "message": {"doctype": "ToDo"}}, ("list_update", "doctype:ToDo", True)),
    ({"event": "docinfo_update", "doctype": "ToDo", "docname": "a"}, ("docinfo_update", "doc:ToDo/a", True)),
    ({"event": "e", "user": "jane", "doctype": "ToDo", "docname": "a"}, ("e", "user:jane", True)),
    ({"event": "e", "doctype": "ToDo", "docname": "a"}, ("e", "doc:ToDo/a", True)),
    ({"event": "e", "room": "website", "user": "jane"}, ("e", "website", True)),
])
def test_routing_follows_frappe(kwargs, expected):
    kwargs = {"message": {}, **kwargs}
    assert route(kwargs.pop("event"), kwargs.pop("message"), **kwargs) == expected


@pytest.mark.django_db
def test_the_realtime_methods_for_frappes_node_server(admin, jane):
    todo = ToDoFactory(owner="Administrator")
    client = api_client(jane)
    assert client.get("/api/method/frappe.realtime.get_user_info").json() == {"message": {
        "user": "jane", "user_type": "Website User", "installed_apps": ["frappe"]}}
    assert api_client(admin).get("/api/method/frappe.realtime.get_user_info").json()["message"]["user_type"] == \
        "System User"
    assert client.get("/api/method/frappe.realtime.has_permission",
                      {"doctype": "ToDo", "name": todo.name}).status_code == 403
    assert api_client(admin).get("/api/method/frappe.realtime.has_permission",
                                 {"doctype": "ToDo", "name": todo.name}).json() == {"message": True}
    assert client.get("/api/method/frappe.realtime.can_subscribe_doctype", {"doctype": "ToDo"}).json() == {
        "message": True}
    assert client.get("/api/method/frappe.realtime.can_subscribe_doctype", {"doctype": "Note"}).status_code == 403
    assert client.get("/api/method/frappe.realtime.can_subscribe_doc",
                      {"doctype": "ToDo", "docname": todo.name}).status_code == 403


# --- several processes through Redis ---------------------------------------------------------------------------

@pytest.fixture
def redis_channel(settings):
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except redis.exceptions.RedisError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    channel = f"frappe_api_rt_test_{uuid.uuid4().hex[:8]}"
    settings.FRAPPE_API = {**settings.FRAPPE_API, "REALTIME_REDIS_URL": REDIS_URL, "REALTIME_CHANNEL": channel}
    return channel


def test_two_servers_share_events_and_viewers_through_redis(redis_channel, admin, jane):
    todo = ToDoFactory(owner="jane")
    servers = [ServerThread(realtime_application(get_asgi_application(), redis_url=REDIS_URL,
                                                 channel=redis_channel)).start() for _ in range(2)]
    sockets = []
    try:
        sockets = [Listener(servers[1].url, headers={"Cookie": session_cookie(user)}) for user in (admin, jane)]
        for socket in sockets:
            socket.emit("doc_subscribe", "ToDo", todo.name)
            socket.sync()
        key, secret = generate_keys(jane)
        response = requests.put(f"{servers[0].url}/api/resource/ToDo/{todo.name}", json={"description": "via 0"},
                                headers={"Authorization": f"token {key}:{secret}"}, timeout=10)
        assert response.status_code == 200, response.text
        modified = response.json()["data"]["modified"]
        expected = ("doc_update", {"doctype": "ToDo", "name": todo.name, "modified": modified})
        assert sockets[0].next() == expected and sockets[1].next() == expected
        other = Listener(servers[0].url, headers={"Cookie": session_cookie(admin)})
        sockets.append(other)
        other.emit("doc_open", "ToDo", todo.name)
        other.sync()
        sockets[1].emit("doc_open", "ToDo", todo.name)
        assert other.next() == ("doc_viewers", {"doctype": "ToDo", "docname": todo.name,
                                                "users": ["Administrator", "jane"]})
    finally:
        for socket in sockets:
            socket.close()
        for thread in servers:
            thread.stop()
