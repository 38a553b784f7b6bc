from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0024_attachment_derivatives"),
    ]

    operations = [
        migrations.AddField(
            model_name="report",
            name="awaiting_profile_since",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="report",
            name="awaiting_reminders",
            field=models.PositiveSmallIntegerField(default=0),
        ),
    ]
