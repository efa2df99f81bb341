# The audit trail is infrastructure every app writes to, so its model now lives in the core app (chime). The table
# itself is renamed by chime.0004, which takes over the model; this migration only forgets it here.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("ethics", "0008_referrals_are_disclosures"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="AuditEvent")],
            database_operations=[],
        ),
    ]
