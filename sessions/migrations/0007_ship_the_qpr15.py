"""Load the QPR-15 definition (sessions/qpr15.py) into the Measure table."""

from __future__ import annotations

from django.db import migrations

from sessions.qpr15 import QPR15


def forwards(apps, schema_editor) -> None:
    Measure = apps.get_model("support", "Measure")
    Measure.objects.update_or_create(code=QPR15["code"], defaults={k: v for k, v in QPR15.items() if k != "code"})


class Migration(migrations.Migration):
    dependencies = [("support", "0006_measures_and_whose_view")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
