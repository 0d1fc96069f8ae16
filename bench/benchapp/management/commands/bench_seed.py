"""``bench_seed``: the benchmark's rows (fixed random seed), a superuser session, and the run's state file."""

from __future__ import annotations

import datetime
import importlib
import json
import random
import string
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
from django.utils.crypto import get_random_string

from benchapp.models import PRIORITY_CHOICES, STATUS_CHOICES, Project, SalesOrder, ToDo
from frappe_api.models import Series

PROJECTS = 50
BATCH = 5000
WORDS = ("call", "customer", "invoice", "review", "order", "follow", "up", "ship", "draft", "update", "meeting",
         "quote", "report", "fix", "bug", "deploy", "plan", "budget", "team", "supplier", "payment", "email")
EPOCH = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)


def _todo(rng: random.Random, name: str, projects: list[str], owners: list[str]) -> ToDo:
    creation = EPOCH + datetime.timedelta(seconds=rng.randrange(730 * 86400), microseconds=rng.randrange(10**6))
    owner = rng.choice(owners)
    return ToDo(
        name=name, owner=owner, modified_by=owner, creation=creation,
        modified=creation + datetime.timedelta(seconds=rng.randrange(30 * 86400), microseconds=rng.randrange(10**6)),
        description=" ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 14))).capitalize(),
        status=rng.choices([value for value, _ in STATUS_CHOICES], weights=(50, 35, 15))[0],
        priority=rng.choices([value for value, _ in PRIORITY_CHOICES], weights=(30, 50, 20))[0],
        date=(EPOCH + datetime.timedelta(days=rng.randrange(760))).date() if rng.random() < 0.85 else None,
        project_id=rng.choice(projects) if rng.random() < 0.95 else None,
    )


def _session(user: Any) -> str:
    store = importlib.import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return store.session_key


class Command(BaseCommand):
    help = "Replace the benchmark's rows with a fresh, seeded set and write the state file of the run."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--rows", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--state", type=Path, required=True)

    def handle(self, *args: Any, rows: int, seed: int, state: Path, **options: Any) -> None:
        rng = random.Random(seed)
        alphabet = string.ascii_lowercase + string.digits
        names: list[str] = []
        seen: set[str] = set()
        while len(names) < rows:
            name = "".join(rng.choice(alphabet) for _ in range(10))
            if name not in seen:
                seen.add(name)
                names.append(name)
        projects = [f"PRJ-{number:04d}" for number in range(1, PROJECTS + 1)]
        owners = ["Administrator", *(f"user{number:02d}@example.com" for number in range(1, 20))]

        with transaction.atomic():
            ToDo.objects.all().delete()
            SalesOrder.objects.all().delete()
            Series.objects.filter(name="SO-").delete()
            Project.objects.all().delete()
            Project.objects.bulk_create(Project(name=name, project_name=name, owner="Administrator",
                                                creation=EPOCH, modified=EPOCH) for name in projects)
            for offset in range(0, rows, BATCH):
                ToDo.objects.bulk_create(_todo(rng, name, projects, owners) for name in names[offset:offset + BATCH])
        with connection.cursor() as cursor:
            if connection.vendor == "mysql":
                cursor.execute(f"ANALYZE TABLE {ToDo._meta.db_table}, {Project._meta.db_table}")
            else:
                cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")

        user, _ = get_user_model().objects.update_or_create(
            username="Administrator", defaults={"is_superuser": True, "is_staff": True, "is_active": True})
        if user.has_usable_password():
            user.set_unusable_password()
            user.save(update_fields=["password"])
        state.parent.mkdir(parents=True, exist_ok=True)
        state.write_text(json.dumps({
            "rows": rows, "seed": seed, "document": names[rows // 2], "project": projects[6],
            "session": _session(user), "csrf": get_random_string(CSRF_SECRET_LENGTH, CSRF_ALLOWED_CHARS),
        }, indent=1))
        self.stdout.write(f"seeded {rows} ToDo rows and {len(projects)} projects ({connection.vendor})")
