# The audit trail moves from ethics into the core app: the same table, renamed, with its append-only triggers
# re-created under the new name (their ids include the app label). No row is touched.

import django.db.models.deletion
import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models

OLD_TRIGGERS = ["pgtrigger_audit_rows_cannot_change_05d70", "pgtrigger_audit_table_cannot_be_truncated_6d56d"]


class Migration(migrations.Migration):
    dependencies = [
        ("chime", "0003_safeguarding_lead"),
        ("ethics", "0009_audit_trail_moves_to_core"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    [f"DROP TRIGGER IF EXISTS {name} ON ethics_auditevent" for name in OLD_TRIGGERS]
                    + [f"DROP FUNCTION IF EXISTS {name}()" for name in OLD_TRIGGERS]
                    + ["ALTER TABLE ethics_auditevent RENAME TO chime_auditevent"],
                    reverse_sql=["ALTER TABLE chime_auditevent RENAME TO ethics_auditevent"],
                ),
            ],
            state_operations=[
                migrations.CreateModel(
                    name='AuditEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('at', models.DateTimeField(db_index=True, verbose_name='when (UTC)')),
                        ('actor_username', models.CharField(blank=True, max_length=150)),
                        ('actor_roles', models.CharField(blank=True, max_length=100)),
                        ('action', models.CharField(choices=[('view', 'Viewed'), ('create', 'Created'), ('update', 'Changed'), ('export', 'Exported'), ('share', 'Shared'), ('emergency_access', 'Emergency access'), ('denied', 'Refused by the access policy'), ('login', 'Logged in'), ('logout', 'Logged out'), ('login_failed', 'Failed log in'), ('consent_given', 'Consent recorded'), ('consent_withdrawn', 'Consent withdrawn'), ('consent_changed', 'Consent changed (new version)'), ('audit_read', 'Read the audit trail'), ('review', 'Reviewed'), ('erasure', 'Erasure'), ('retention', 'Retention')], max_length=30)),
                        ('object_type', models.CharField(blank=True, max_length=60)),
                        ('object_id', models.CharField(blank=True, max_length=60)),
                        ('person_id', models.BigIntegerField(blank=True, null=True, verbose_name='person concerned')),
                        ('outcome', models.CharField(choices=[('success', 'Success'), ('denied', 'Denied'), ('failed', 'Failed')], default='success', max_length=10)),
                        ('ip_address', models.GenericIPAddressField(blank=True, null=True)),
                        ('request_id', models.CharField(blank=True, max_length=64)),
                        ('reason', models.TextField(blank=True)),
                        ('prev_hash', models.CharField(max_length=64)),
                        ('hash', models.CharField(max_length=64, unique=True)),
                        ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'ordering': ['pk'],
                        'indexes': [models.Index(fields=['person_id', '-at'], name='audit_person_idx'), models.Index(fields=['actor', '-at'], name='audit_actor_idx')],
                    },
                ),
            ],
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='auditevent',
            trigger=pgtrigger.compiler.Trigger(name='audit_rows_cannot_change', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;", hash='b763e944bf371b6c3d3a443aabae83245a43cbff', operation='UPDATE OR DELETE', pgid='pgtrigger_audit_rows_cannot_change_d5715', table='chime_auditevent', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='auditevent',
            trigger=pgtrigger.compiler.Trigger(name='audit_table_cannot_be_truncated', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION 'pgtrigger: Cannot truncate the append-only audit table'; RETURN NULL;", hash='2869239cd044d7619df6f0f22173cc437325d137', level='STATEMENT', operation='TRUNCATE', pgid='pgtrigger_audit_table_cannot_be_truncated_17ac0', table='chime_auditevent', when='BEFORE')),
        ),
    ]
