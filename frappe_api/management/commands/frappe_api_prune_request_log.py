"""Delete API Request Log rows older than a number of days."""

import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from frappe_api.models import ApiRequestLog


class Command(BaseCommand):
    help = "Delete API Request Log rows older than --days (default 30)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30)

    def handle(self, *args, days, **options):
        cutoff = timezone.now() - datetime.timedelta(days=days)
        deleted, _ = ApiRequestLog.objects.filter(creation__lt=cutoff).delete()
        self.stdout.write(f"Deleted {deleted} API Request Log rows older than {days} days.")
