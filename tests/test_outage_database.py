"""With the database unreachable the API answers 503 ``DatabaseUnavailable`` with ``Retry-After`` (JSON, logged),
and the first request once it is back succeeds, also on a kept connection the server dropped."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

psycopg = pytest.importorskip("psycopg")

SERVER = os.environ.get("OUTAGE_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
RECOVERY_DB = f"frappe_api_outage_recovery_{os.getpid()}"  # fresh for each run, never another run's schema


def _admin(statement: str) -> None:
    with psycopg.connect(f"{SERVER}/postgres", connect_timeout=2, autocommit=True) as conn:
        conn.execute(statement)


def reachable_server() -> bool:
    try:
        _admin(f'DROP DATABASE IF EXISTS "{RECOVERY_DB}" WITH (FORCE)')
        _admin(f'CREATE DATABASE "{RECOVERY_DB}"')
        return True
    except psycopg.Error:
        return False


@pytest.fixture(scope="module")
def outage():
    """The demo app in a second process with PostgreSQL at a closed port, then (when a server runs) back."""
    env = {**os.environ, "DATABASE_URL": "postgres://postgres@127.0.0.1:1/frappe_api_gone", "DJANGO_DEBUG": "0",
           "PYTHONPATH": str(settings.BASE_DIR)}
    env.pop("REDIS_URL", None)
    if reachable_server():
        env["RECOVERY_DATABASE_URL"] = f"{SERVER}/{RECOVERY_DB}"
    try:
        done = subprocess.run([sys.executable, "-m", "tests.outage_app", "database"], capture_output=True,
                              text=True, cwd=str(settings.BASE_DIR), env=env, timeout=300)
    finally:
        if "RECOVERY_DATABASE_URL" in env:
            _admin(f'DROP DATABASE IF EXISTS "{RECOVERY_DB}" WITH (FORCE)')
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("request_name", ["list", "login"])
def test_database_outage_is_a_json_503_with_retry_after(outage, request_name):
    answer = outage[request_name]
    assert answer["html"] is None, answer["html"]
    assert answer["type"] == "application/json"
    assert answer["status"] == 503
    assert answer["retry_after"] == "5"
    assert answer["json"]["exc_type"] == "DatabaseUnavailable"
    assert answer["json"]["exception"] == (
        "frappe.exceptions.DatabaseUnavailable: The database is unavailable, please try again shortly")
    assert "Traceback" not in json.dumps(answer["json"])


def test_database_outage_on_v2_is_a_v2_503(outage):
    answer = outage["v2_list"]
    assert answer["status"] == 503 and answer["retry_after"] == "5"
    assert answer["json"] == {"errors": [{"type": "DatabaseUnavailable", "title": "Message", "indicator": "red",
                                          "message": "The database is unavailable, please try again shortly"}]}


def test_database_outage_is_logged_with_its_traceback_once_not_per_request(outage):
    lines = [line for line in outage["errors"] if "database is unreachable" in line]
    assert len(lines) == 1, outage["errors"]
    assert lines[0].startswith("frappe_api: ") and lines[0].endswith("[traceback]")
    assert "OperationalError" in lines[0]
    assert [line for line in outage["errors"] if line not in lines] == []


def test_first_request_after_the_database_is_back_succeeds(outage):
    if "recovered" not in outage:
        pytest.skip("no PostgreSQL server at OUTAGE_POSTGRES_URL to recover to")
    # The session was looked up (no such session: Guest) and Guest may not list ToDo: the database answered.
    assert outage["recovered"]["status"] == 403, outage["recovered"]
    assert outage["recovered"]["json"]["exc_type"] == "PermissionError"
    assert outage["recovery_seconds"] < 0.5
    assert outage["after_restart"]["status"] == 403, outage["after_restart"]
