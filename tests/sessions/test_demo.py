"""`seed_demo` (run by `make run`): the fictional organisation, loaded once, notifying in the app and emailing nobody."""

from __future__ import annotations

import io

from django.core import mail
from django.core.management import call_command

from chime.models import Notification
from ethics.models import Concern, SubjectAccessRequest
from sessions.models import CheckIn, NoteFlag, OwnWords, SupportSession


def test_loading_the_demo_notifies_in_the_app_and_emails_nobody(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", "--logins", stdout=(out := io.StringIO()))
    assert Notification.objects.exists() and Concern.objects.exists()
    assert mail.outbox == []
    assert "password for all: chime-demo-2026" in out.getvalue()
    assert "rowan    Rowan Price, data protection lead" in out.getvalue()
    assert SubjectAccessRequest.objects.get().person.preferred_name == "Marcus"
    assert (
        Notification.objects.filter(recipient__username="rowan", title__contains="subject access").count()
        == 1
    )

    sessions = SupportSession.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=io.StringIO())  # again: nothing is added twice
    assert SupportSession.objects.count() == sessions
    assert SubjectAccessRequest.objects.count() == 1
    assert sorted(CheckIn.objects.values_list("person__preferred_name", "area", "rating")) == [
        ("Dee", "connectedness", 3),
        ("Dee", "hope", 4),
    ]  # Dee has checked in once on her own, and only once however often the demo loads
    # Her own words on her latest session and an open flag on the note of the one before, once however often it loads
    dee = CheckIn.objects.first().person
    latest, before = dee.sessions.order_by("-occurred_at", "-pk")[:2]
    assert OwnWords.objects.get().session == latest
    assert NoteFlag.objects.open().get().session == before


def test_in_app_only_holds_back_emails_inside_its_block_only(
    practitioner, django_capture_on_commit_callbacks
):
    from chime import services

    with django_capture_on_commit_callbacks(execute=True):
        with services.in_app_only():
            services.notify(recipients=[practitioner], title="Quiet")
        services.notify(recipients=[practitioner], title="Loud")
    assert [m.subject for m in mail.outbox] == ["Chime: Loud"]
    assert Notification.objects.filter(recipient=practitioner).count() == 2
