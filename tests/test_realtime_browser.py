"""Realtime in a real browser: a frappe-react-sdk 1.17.1 page (tests/js/pages/) in Debian's Chromium, driven by
playwright-core (tests/js/pages/flow.mjs), against a real server (uvicorn, python-socketio and Django).

The page is served with /api/ proxied to the server, as a dev server would; its socket goes to the server's port
(the SDK's ``socketPort``). Skipped when Node, Chromium or tests/js's packages are missing; CI installs them
(``.ci/run``). Set ``CHROMIUM_PATH`` when Chromium is not ``/usr/bin/chromium``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.asgi import get_asgi_application

from frappe_api.realtime.server import realtime_application

from .factories import AdministratorFactory, UserFactory
from .realtime_support import ServerThread

JS = Path(__file__).parent / "js"
NODE = shutil.which("node")
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"needs Chromium at {CHROMIUM} (apt-get install chromium)"),
    pytest.mark.skipif(NODE is None, reason="needs Node 20+"),
    pytest.mark.skipif(not (JS / "node_modules" / "playwright-core").is_dir()
                       or not (JS / "node_modules" / "frappe-react-sdk").is_dir(),
                       reason="needs tests/js's packages (cd tests/js && npm ci)"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def server(settings, monkeypatch):
    # Django keeps connections per async context: the server's requests must not keep theirs open.
    monkeypatch.setitem(settings.DATABASES["default"], "CONN_MAX_AGE", 0)
    settings.FRAPPE_API = {**settings.FRAPPE_API, "REALTIME_REDIS_URL": None}
    thread = ServerThread(realtime_application(get_asgi_application(), redis_url="")).start()
    yield thread
    thread.stop()


def run_flow(server) -> dict:
    """Run flow.mjs against ``server``: what the pages saw, as JSON."""
    config = {"target": server.url, "site": "127.0.0.1", "socketPort": str(server.port),
              "manager": {"usr": "Administrator", "pwd": "secret"}, "owner": {"usr": "jane", "pwd": "secret"}}
    env = {**os.environ, "CHROMIUM_PATH": CHROMIUM}
    done = subprocess.run([NODE, "pages/flow.mjs", json.dumps(config)], cwd=JS, env=env, capture_output=True,
                          text=True, timeout=90)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_react_page_sees_writes_live_and_an_if_owner_user_only_their_own(server):
    AdministratorFactory()
    UserFactory(username="jane")  # ToDo's "All" permission is if_owner

    seen = run_flow(server)

    assert seen["before_login"] == "Missing cookie and authorization header, cannot authenticate"
    assert seen["transport"] == "websocket"
    name = seen["created"]["name"]
    assert seen["created"]["status"] == 200
    assert seen["create_event"] == {"event": "list_update",
                                    "payload": {"doctype": "ToDo", "name": name, "user": "Administrator"}}
    assert seen["row_after_create"][0] == "browser created"

    modified = seen["updated"]["modified"]
    assert seen["update_doc_event"] == {"event": "doc_update",
                                        "payload": {"doctype": "ToDo", "name": name, "modified": modified}}
    assert seen["row_after_update"] == ["browser updated", modified]

    assert seen["deleted"] == {"status": 202, "body": {"data": "ok", "message": "ok"}}
    assert seen["delete_doc_event"]["payload"]["name"] == name
    assert seen["delete_list_event"] == {"event": "list_update",
                                         "payload": {"doctype": "ToDo", "name": name, "user": "Administrator"}}
    assert seen["row_after_delete"] is None

    own = seen["owner_create_event"]["payload"]["name"]
    assert seen["owner_create_event"] == {"event": "list_update",
                                          "payload": {"doctype": "ToDo", "name": own, "user": "jane"}}
    assert seen["owner_events"] == [["list_update", own]]  # nothing of the Administrator's ToDo
    assert seen["manager_sees_owner_event"] is True
    assert (seen["owner_rows_before"], seen["owner_rows_after"]) == (0, 1)
