"""DocPerm's ``delete`` right becomes the field ``can_delete``: a field named ``delete`` hid ``Model.delete()``,
so deleting a permission row in the admin failed."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("frappe_api", "0008_api_settings"),
    ]

    operations = [
        migrations.RenameField(model_name="docperm", old_name="delete", new_name="can_delete"),
        migrations.AlterField(model_name="docperm", name="can_delete",
                              field=models.BooleanField(default=False, verbose_name="Delete")),
    ]
