"""With Redis unreachable the API keeps serving: settings from the database, limits open, lockout per process,
sessions from the database, and one ERROR line for the outage (not one per request)."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

pytest.importorskip("redis")


@pytest.fixture(scope="module")
def outage(tmp_path_factory):
    """The demo app run in a second process with its cache at a closed port (the database a SQLite file)."""
    database = tmp_path_factory.mktemp("outage") / "db.sqlite3"
    env = {**os.environ, "REDIS_URL": "redis://127.0.0.1:1/0", "DATABASE_URL": f"sqlite:///{database}",
           "DJANGO_DEBUG": "0", "PYTHONPATH": str(settings.BASE_DIR)}
    done = subprocess.run([sys.executable, "-m", "tests.outage_app", "cache"], capture_output=True, text=True,
                          cwd=str(settings.BASE_DIR), env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def assert_json(answer, status=200):
    assert answer["html"] is None, answer["html"]
    assert answer["type"] == "application/json"
    assert answer["status"] == status, answer


def test_ping_answers_json_200_with_the_cache_down(outage):
    for answer in outage["ping"]:
        assert_json(answer)
        assert answer["json"] == {"message": "pong"}


def test_a_dead_cache_costs_no_round_trip_per_request(outage):
    # About 30 requests inside RETRY_SECONDS: one attempt to reach Redis (sessions retry on their own once).
    assert outage["redis_connects"] <= 2, outage["redis_connects"]
    assert outage["ping_seconds"] < 2.5


def test_lists_and_rpc_answer_with_the_cache_down(outage):
    assert_json(outage["list"])
    assert outage["list"]["json"] == {"data": [{"description": "first"}]}
    assert_json(outage["v2_list"])
    assert len(outage["v2_list"]["json"]["data"]) == 1
    assert_json(outage["rpc"])
    assert outage["rpc"]["json"] == {"message": 1}


def test_session_login_and_logout_work_with_the_cache_down(outage):
    assert_json(outage["login"])
    assert outage["login"]["json"]["message"] == "Logged In"
    assert outage["logged_user"]["json"] == {"message": "jane"}
    assert_json(outage["logout"])
    assert outage["after_logout"]["status"] == 403  # Guest may not call it: the session is gone
    assert outage["after_logout"]["json"]["exc_type"] == "PermissionError"


def test_runtime_settings_come_from_the_database_with_the_cache_down(outage):
    assert outage["request_log_rows"] > 0  # log_api_requests is on in the stored API Settings row


def test_rate_limit_and_request_budget_fail_open_with_the_cache_down(outage):
    assert [answer["status"] for answer in outage["rate_limited"]] == [200, 200, 200, 200]
    assert [answer["status"] for answer in outage["budget"]] == [200, 200, 200]
    assert outage["budget"][0]["budget"] is None


def test_login_lockout_keeps_counting_in_the_process_with_the_cache_down(outage):
    statuses = [answer["status"] for answer in outage["failed_logins"]]
    assert statuses == [401, 401, 401, 429]  # allow_consecutive_login_attempts = 3 in the stored row
    assert outage["failed_logins"][3]["json"]["exc_type"] == "TooManyRequestsError"


def test_the_outage_is_logged_once_at_error_not_per_request(outage):
    cache_lines = [line for line in outage["errors"] if "shared cache is unreachable" in line]
    assert len(cache_lines) == 1, outage["errors"]
    assert cache_lines[0].startswith("frappe_api: ") and cache_lines[0].endswith("[traceback]")
    assert "ConnectionError" in cache_lines[0]
    assert [line for line in outage["errors"] if line not in cache_lines] == []
