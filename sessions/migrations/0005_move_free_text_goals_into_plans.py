"""Move everyone's old free-text goals into their recovery plan, one goal per line, every word kept."""

from __future__ import annotations

from django.db import migrations

from sessions.plans import move_goals_text


def forwards(apps, schema_editor) -> None:
    move_goals_text(
        apps.get_model("support", "Person"),
        apps.get_model("support", "RecoveryPlan"),
        apps.get_model("support", "RecoveryGoal"),
    )


class Migration(migrations.Migration):
    dependencies = [("support", "0004_recovery_plans_goals_and_steps")]

    # Backwards leaves the goals in the plans (the old box stays empty): nothing is lost either way.
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
