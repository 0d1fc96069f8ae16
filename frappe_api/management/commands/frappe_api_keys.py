"""Print a new ``api_key:api_secret`` pair for a user (the old secret stops working)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from frappe_api.auth.keys import generate_keys


class Command(BaseCommand):
    help = "Generate an API key pair for USERNAME and print it as api_key:api_secret."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        model = get_user_model()
        user = model._default_manager.filter(**{model.USERNAME_FIELD: username}).first()
        if user is None:
            raise CommandError(f"No user named {username!r}")
        api_key, api_secret = generate_keys(user)
        self.stdout.write(f"{api_key}:{api_secret}")
