from __future__ import annotations

from django.core import mail

from chime import services
from chime.models import Notification


def test_notify_creates_one_in_app_notification_per_person_and_emails_them(
    practitioner, supervisor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        count = services.notify(
            recipients=[supervisor, supervisor, practitioner],
            title="A concern needs acknowledging",
            url="/x/",
        )
    assert count == 2
    assert Notification.objects.filter(recipient=supervisor).count() == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted([supervisor.email, practitioner.email])
    assert "/x/" in mail.outbox[0].body


def test_deactivated_staff_are_not_notified(practitioner):
    practitioner.is_active = False
    practitioner.save(update_fields=["is_active"])
    assert services.notify(recipients=[practitioner], title="x") == 0


def test_the_navigation_shows_the_unread_count_and_the_inbox_marks_read(client, practitioner):
    services.notify(recipients=[practitioner], title="Your supervisor left feedback", email=False)
    client.force_login(practitioner)
    assert '1<span class="visually-hidden"> unread' in client.get("/").content.decode()
    page = client.get("/notifications/").content.decode()
    assert "Your supervisor left feedback" in page
    client.post("/notifications/read/")
    assert Notification.objects.unread().count() == 0


def test_notifications_are_private_to_their_recipient(client, practitioner, other_practitioner):
    services.notify(recipients=[other_practitioner], title="Something for Priya", email=False)
    client.force_login(practitioner)
    assert "Something for Priya" not in client.get("/notifications/").content.decode()


def test_a_mail_server_that_is_down_does_not_undo_the_action_or_lose_the_notification(
    practitioner, settings, django_capture_on_commit_callbacks, caplog
):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},
        }
    }
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[practitioner], title="A concern needs acknowledging")
    assert Notification.objects.filter(recipient=practitioner).count() == 1
    assert "Could not email a notification" in caplog.text
