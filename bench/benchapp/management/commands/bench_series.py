"""``bench_series``: empty the series scenario's table (``--reset``), or check its names (``--check``).

``--check`` prints one JSON object: how many Sales Orders were stored, whether their names are distinct and
exactly ``SO-00001`` .. ``SO-<n>`` (gap-free), the series counter, and whether every order has its child rows.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Count

from benchapp.models import SalesOrder
from frappe_api.models import Series
from scenarios import SERIES_CHILD_ROWS

PREFIX = "SO-"


class Command(BaseCommand):
    help = "Reset or check the Sales Orders the concurrent series inserts wrote."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--reset", action="store_true")
        parser.add_argument("--check", action="store_true")

    def handle(self, *args: Any, reset: bool = False, check: bool = False, **options: Any) -> None:
        if reset:
            with transaction.atomic():
                SalesOrder.objects.all().delete()
                Series.objects.filter(name=PREFIX).delete()
        if check:
            names = list(SalesOrder.objects.values_list("name", flat=True))
            counter = Series.objects.filter(name=PREFIX).values_list("current", flat=True).first() or 0
            expected = [f"{PREFIX}{number:05d}" for number in range(1, len(names) + 1)]
            short = SalesOrder.objects.annotate(rows=Count("items")).exclude(rows=SERIES_CHILD_ROWS).count()
            self.stdout.write(json.dumps({"rows": len(names), "distinct": len(set(names)) == len(names),
                                          "gap_free": sorted(names) == expected and counter == len(names),
                                          "counter": counter, "orders_without_their_rows": short}))
