"""``bench_queries``: the SQL queries each contender runs per request, counted in-process.

Each request goes once through the whole stack (middleware, session, view)
to warm up, then once more under ``CaptureQueriesContext``. Rows the creates
added are removed afterwards. Prints one JSON object: scenario -> contender -> count.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from benchapp.models import ToDo
from scenarios import CONTENDERS, CREATE_MARKER, scenarios


class Command(BaseCommand):
    help = "Count the SQL queries of every contender's answer to every benchmark request."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--state", type=Path, required=True)
        parser.add_argument("--sql", type=Path, help="also write every captured statement to this JSON file")

    def handle(self, *args: Any, state: Path, sql: Path | None = None, **options: Any) -> None:
        run = json.loads(state.read_text())
        client = Client(enforce_csrf_checks=True, headers={"X-CSRFToken": run["csrf"]})
        client.cookies["sid"], client.cookies["csrftoken"] = run["session"], run["csrf"]
        counts: dict[str, dict[str, int]] = {}
        statements: dict[str, dict[str, list[str]]] = {}
        try:
            for scenario in scenarios(run["document"], run["project"], run["rows"]):
                for contender in CONTENDERS:
                    call = scenario.calls[contender]
                    for _ in range(2):
                        with CaptureQueriesContext(connection) as captured:
                            response = client.generic(call.method, call.path, call.body or b"",
                                                      content_type="application/json")
                        if response.status_code not in (200, 201):
                            raise CommandError(f"{contender} {scenario.key}: HTTP {response.status_code} "
                                               f"{response.content[:300]!r}")
                    counts.setdefault(scenario.key, {})[contender] = len(captured.captured_queries)
                    statements.setdefault(scenario.key, {})[contender] = [q["sql"] for q in captured.captured_queries]
        finally:
            ToDo.objects.filter(description__startswith=CREATE_MARKER).delete()
        if sql is not None:
            sql.write_text(json.dumps(statements, indent=1))
        self.stdout.write(json.dumps(counts))
