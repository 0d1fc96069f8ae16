"""Write typed front-end definitions of the DocTypes (TypeScript interfaces for frappe-react-sdk and friends)."""

from django.core.management.base import BaseCommand

from frappe_api.openapi.document import build_document
from frappe_api.openapi.typescript import typescript_interfaces

GENERATORS = {"typescript": typescript_interfaces}


class Command(BaseCommand):
    help = ("Write one interface per DocType (child tables nested, Select as string unions, Link as string), "
            "e.g. for useFrappeGetDoc<ToDo>. Prints to standard output unless --output names a file.")

    def add_arguments(self, parser):
        parser.add_argument("--lang", choices=sorted(GENERATORS), default="typescript")
        parser.add_argument("--output", "-o", help="The file to write, e.g. src/types/doctypes.ts.")

    def handle(self, *args, lang="typescript", output=None, **options):
        text = GENERATORS[lang](build_document())
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text)
            self.stderr.write(f"Wrote {output}")
        else:
            self.stdout.write(text, ending="")
