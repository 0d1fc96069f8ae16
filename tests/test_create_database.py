"""``manage.py create_database`` (used by ``make serve-prod``) creates the database DATABASE_URL names, no other."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from example_project.demo.management.commands.create_database import database_exists

pytestmark = pytest.mark.django_db


@pytest.fixture
def named_elsewhere():
    """The default connection pointed at a database that does not exist yet; dropped afterwards."""
    original = connection.settings_dict["NAME"]
    name = f"{original}_created_by_command"
    connection.settings_dict["NAME"] = name
    yield name
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)}")
    connection.settings_dict["NAME"] = original


@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite creates its file on first use")
def test_create_database_creates_the_database_the_url_names_once(named_elsewhere):
    assert not database_exists()
    out = io.StringIO()
    call_command("create_database", stdout=out)
    assert database_exists()
    call_command("create_database", stdout=out)
    assert out.getvalue() == f"Created database {named_elsewhere}.\nDatabase {named_elsewhere} exists.\n"


def test_sqlite_needs_no_database_created(settings):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    out = io.StringIO()
    call_command("create_database", stdout=out)
    assert out.getvalue() == f"Database {connection.settings_dict['NAME']} exists.\n"
