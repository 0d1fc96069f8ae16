"""Create the database ``DATABASE_URL`` names when it does not exist yet (PostgreSQL, MariaDB/MySQL)."""

from django.core.management.base import BaseCommand
from django.db import connections


def database_exists(alias: str = "default") -> bool:
    """Whether the server holds the database the connection ``alias`` names (SQLite: always)."""
    connection = connections[alias]
    if connection.vendor == "sqlite":
        return True
    name = connection.settings_dict["NAME"]
    query = {"postgresql": "SELECT 1 FROM pg_database WHERE datname = %s",
             "mysql": "SELECT 1 FROM information_schema.schemata WHERE schema_name = %s"}[connection.vendor]
    with connection._nodb_cursor() as cursor:
        cursor.execute(query, [name])
        return cursor.fetchone() is not None


class Command(BaseCommand):
    help = "Create the database DATABASE_URL names, on its server, when it is missing (SQLite needs nothing)."

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default", help="The connection alias (default: default).")

    def handle(self, *args, database: str = "default", **options):
        connection = connections[database]
        name = connection.settings_dict["NAME"]
        if database_exists(database):
            self.stdout.write(f"Database {name} exists.")
            return
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")
        self.stdout.write(f"Created database {name}.")
