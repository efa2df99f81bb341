import datetime as dt

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# A safeguarding concern is a hold on its own records: every concern raised before holds had a scope gets one,
# owned by whoever raised it and reviewed six years after it was raised (as ethics.services.holds does now).
SAFEGUARDING_REVIEW_AFTER_DAYS = 6 * 365 + 1


def owners_review_dates_and_safeguarding_holds(apps, schema_editor):
    LegalHold = apps.get_model("ethics", "LegalHold")
    Concern = apps.get_model("ethics", "Concern")
    for hold in LegalHold.objects.all():
        hold.owner_id = hold.placed_by_id
        hold.review_on = (hold.placed_at + dt.timedelta(days=365)).date()
        hold.save(update_fields=["owner", "review_on"])
    for concern in Concern.objects.all():
        LegalHold.objects.create(
            person_id=concern.person_id,
            concern=concern,
            reason=f"Safeguarding concern {concern.pk}: kept under legal retention",
            owner_id=concern.raised_by_id,
            review_on=(concern.raised_at + dt.timedelta(days=SAFEGUARDING_REVIEW_AFTER_DAYS)).date(),
            placed_by_id=concern.raised_by_id,
            placed_at=concern.raised_at,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("ethics", "0009_audit_trail_moves_to_core"),
        ("support", "0003_supervision_reviews_and_records"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(name="legalhold", options={"ordering": ["review_on", "pk"]}),
        migrations.AddField(
            model_name="legalhold",
            name="concern",
            field=models.ForeignKey(
                blank=True,
                help_text="The safeguarding concern it keeps. Empty: it keeps the person's whole record.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="holds",
                to="ethics.concern",
            ),
        ),
        migrations.AddField(
            model_name="legalhold",
            name="name_kept",
            field=models.CharField(
                blank=True,
                help_text="After erasure, the name the person was known by, kept only so the concern says whom it is about.",
                max_length=120,
                verbose_name="name kept with the concern",
            ),
        ),
        migrations.AddField(
            model_name="legalhold",
            name="owner",
            field=models.ForeignKey(
                null=True,
                help_text="The member of staff who reviews the hold.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="legal_holds_owned",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="legalhold",
            name="review_on",
            field=models.DateField(null=True, verbose_name="review by"),
        ),
        migrations.RunPython(owners_review_dates_and_safeguarding_holds, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="legalhold",
            name="owner",
            field=models.ForeignKey(
                help_text="The member of staff who reviews the hold.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="legal_holds_owned",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="legalhold",
            name="review_on",
            field=models.DateField(verbose_name="review by"),
        ),
        migrations.AddConstraint(
            model_name="legalhold",
            constraint=models.UniqueConstraint(
                condition=models.Q(("concern__isnull", False), ("lifted_at__isnull", True)),
                fields=("concern",),
                name="one_hold_in_force_per_concern",
            ),
        ),
    ]
