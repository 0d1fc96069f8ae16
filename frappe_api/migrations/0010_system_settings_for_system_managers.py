"""System Settings (login lockout, tracebacks, request budget) readable by System Managers only, as in Frappe:
remove the ``All``-read permission row that earlier versions created by default. New installs no longer get it,
and ``sync_code_registrations`` never touches permission rows that already exist."""

from django.db import migrations


def remove_all_read_row(apps, schema_editor):
    """Delete the old default row exactly (All, level 0, read only); a row an operator shaped otherwise stays."""
    DocPerm = apps.get_model("frappe_api", "DocPerm")
    DocPerm.objects.filter(
        doctype__name="System Settings", role="All", permlevel=0, read=True, select=False, write=False, create=False,
        can_delete=False, submit=False, cancel=False, amend=False, if_owner=False,
    ).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("frappe_api", "0009_docperm_can_delete"),
    ]

    operations = [
        migrations.RunPython(remove_all_read_row, migrations.RunPython.noop),
    ]
