from django.db import migrations, models


class Migration(migrations.Migration):
    """The served content type of a File, fixed at upload (rows stored before it are served as downloads)."""

    dependencies = [
        ('frappe_api', '0010_system_settings_for_system_managers'),
    ]

    operations = [
        migrations.AddField(
            model_name='file',
            name='content_type',
            field=models.CharField(default='application/octet-stream', editable=False,
                                   help_text='The type the file is served with, fixed at upload from its bytes.',
                                   max_length=100),
        ),
    ]
