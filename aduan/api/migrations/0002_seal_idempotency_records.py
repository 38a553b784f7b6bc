"""Idempotency records made before replies were sealed: the key becomes its keyed hash and the
stored reply (which may hold a new report's tracking secret) is sealed (issue 11 §6)."""

from django.db import migrations


def seal_existing(apps, schema_editor):
    from aduan.api.guard import seal_reply, stored_key

    Record = apps.get_model("api", "IdempotencyRecord")
    for record in Record.objects.all().iterator():
        Record.objects.filter(pk=record.pk).update(
            key=stored_key(record.owner, record.key),
            body=seal_reply(record.owner, record.key, bytes(record.body))
            if record.status_code is not None
            else b"",
        )


class Migration(migrations.Migration):
    dependencies = [("api", "0001_initial")]
    operations = [migrations.RunPython(seal_existing, migrations.RunPython.noop)]
