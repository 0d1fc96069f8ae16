"""Write the OpenAPI 3.1 document (for CI, client generators and developer portals)."""

import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from frappe_api.openapi.document import build_document


class Command(BaseCommand):
    help = ("Write the OpenAPI 3.1 document of the Frappe API: every DocType and whitelisted method, or only "
            "those USER may use (--user). Prints to standard output unless --output names a file.")

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="The file to write (default: standard output).")
        parser.add_argument("--user", help="Describe the API as this user may use it (default: all of it).")
        parser.add_argument("--base-url", default="", help="The server's URL, e.g. https://erp.example.com.")
        parser.add_argument("--indent", type=int, default=2, help="JSON indentation (0: compact).")

    def handle(self, *args, output=None, user=None, base_url="", indent=2, **options):
        account = None
        if user:
            model = get_user_model()
            account = model._default_manager.filter(**{model.USERNAME_FIELD: user}).first()
            if account is None:
                raise CommandError(f"No user named {user!r}")
        document = build_document(account, base_url=base_url.rstrip("/"))
        text = json.dumps(document, indent=indent or None, ensure_ascii=False) + "\n"
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text)
            self.stderr.write(f"Wrote {output}: {len(document['paths'])} paths, "
                              f"{len(document['components']['schemas'])} schemas")
        else:
            self.stdout.write(text, ending="")
