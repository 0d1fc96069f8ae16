"""The query language stands alone: importing it loads no DRF, no Django HTTP objects and no API module, and it
reads no settings (its caps are a ``QueryConfig`` the caller passes)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from frappe_api.query import QueryConfig, list_query
from frappe_api.query.errors import InvalidParameter, LimitExceeded

ROOT = Path(__file__).resolve().parent.parent
PROBE = """
import json, sys
import frappe_api.query
print(json.dumps(sorted(name for name in sys.modules
                        if name.split(".")[0] == "rest_framework" or name.startswith(("django.http", "frappe_api.")))))
"""


def test_importing_the_query_language_loads_no_drf_http_or_api_module():
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "example_project.settings"}
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, cwd=ROOT, env=env,
                            check=True)
    loaded = json.loads(result.stdout)
    assert "frappe_api.query.compile" in loaded  # the probe did import the whole language
    assert [name for name in loaded if name.split(".")[0] == "rest_framework"] == []
    assert [name for name in loaded if name.startswith("django.http")] == []
    assert [name for name in loaded if name.startswith("frappe_api.") and not name.startswith(
        ("frappe_api.query", "frappe_api.meta"))] == []


def test_the_caps_are_the_callers():
    config = QueryConfig(max_page_length=5, default_page_length=3, max_json_depth=2)
    assert list_query(config).page_length == 3
    assert list_query(config, page_length=0).page_length == 5
    assert list_query(config, page_length=50, start=7).page_length == 5
    with pytest.raises(LimitExceeded, match="JSON nested deeper than 2 levels"):
        list_query(config, filters='[["a", "=", [1]]]')
    with pytest.raises(InvalidParameter, match="'order_by' must be a string"):
        list_query(config, order_by=["name"])


@pytest.mark.django_db
@pytest.mark.parametrize("params, exc_type, message", [
    ({"fields": '["nope"]'}, "DataError", "Field not permitted in query: nope"),
    ({"fields": '["sleep(1)"]'}, "DataError", "Use of function sleep in field is restricted"),
    ({"filters": '[["a;b", "=", 1]]'}, "DataError", "Invalid field name a;b"),
    ({"filters": "[bad"}, "ValidationError",
     "Invalid JSON in parameter 'filters': unexpected character, expected a JSON value: line 1 column 2 (char 1)"),
    ({"filters": '{"status": ["~", 1]}'}, "ValidationError",
     "Operator must be one of =, !=, >, <, >=, <=, like, not like, in, not in, is, between, timespan, previous, "
     "next, descendants of, descendants of (inclusive), not descendants of, ancestors of, not ancestors of"),
    ({"filters": '{"date": "tomorrow-ish"}'}, "ValidationError", "Invalid value for Date: 'tomorrow-ish'"),
    ({"order_by": "name; drop"}, "ValidationError", "Illegal SQL Query"),
    ({"limit_start": "x"}, "ValidationError", "'limit_start' must be an integer, got 'x'"),
    ({"filters": '{"date": ["timespan", "someday"]}'}, "ValidationError",
     "'timespan' takes one of: today, yesterday, tomorrow, this week, this month, this quarter, this year, "
     "last week, last month, last quarter, last year, next week, next month, next quarter, next year, "
     "last 7 days, last 14 days, last 30 days, last 90 days, last 6 months, next 7 days, next 14 days, "
     "next 30 days, next 90 days, next 6 months"),
])
def test_query_errors_answer_as_frappe_errors(admin_client, params, exc_type, message):
    response = admin_client.get("/api/resource/ToDo", params)
    assert response.status_code == 417
    body = response.json()
    assert body["exc_type"] == exc_type
    assert body["exception"] == f"frappe.exceptions.{exc_type}: {message}"
    assert json.loads(json.loads(body["_server_messages"])[0])["message"] == message
    if "limit_start" not in params:
        v2 = admin_client.get("/api/v2/document/ToDo", params).json()
        assert v2 == {"errors": [{"type": exc_type, "message": message, "title": "Message", "indicator": "red"}]}
