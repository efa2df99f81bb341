"""Notifications about concerns, sent before they pointed at their concern, now do; and their stored "please
acknowledge it" goes, since the inbox now says what is still asked when it is read (chime.notices)."""

import re

from django.db import migrations

CONCERN_URL = re.compile(r"^/safeguarding/concerns/(\d+)/$")
OLD_CALL = ": please acknowledge it"


def point_at_concerns(apps, schema_editor):
    Notification = apps.get_model("chime", "Notification")
    for notification in Notification.objects.filter(url__startswith="/safeguarding/concerns/", about_id=None):
        match = CONCERN_URL.match(notification.url)
        if match is None:
            continue
        notification.about_type, notification.about_id = "ethics.concern", int(match.group(1))
        notification.title = notification.title.removesuffix(OLD_CALL)
        notification.save(update_fields=["about_type", "about_id", "title"])


class Migration(migrations.Migration):
    dependencies = [
        ("chime", "0008_notifications_point_at_what_they_are_about"),
        ("ethics", "0010_urgency_levels_say_when_leads_are_emailed"),
    ]

    operations = [migrations.RunPython(point_at_concerns, migrations.RunPython.noop)]
