"""A new organisation's first two admins are made on the server; after that, only through the staff pages."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from chime.models import AuditEvent, StaffChange, User

pytestmark = pytest.mark.django_db


def _make(username: str) -> str:
    out = io.StringIO()
    call_command("create_founding_admin", username, f"{username}@example.org", stdout=out)
    return out.getvalue()


def test_the_first_two_admins_are_made_on_the_server_with_a_set_up_link_and_audited(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        assert _make("ada") == "Admin ada made; a one-time set-up link was emailed to ada@example.org.\n"
        _make("bo")
    ada = User.objects.get(username="ada")
    assert ada.is_org_admin and not ada.has_usable_password()
    assert [message.to for message in mail.outbox] == [["ada@example.org"], ["bo@example.org"]]
    assert StaffChange.objects.get(account=ada).note == "founding admin, made on the server"
    row = AuditEvent.objects.get(action="create", object_type="account", object_id=str(ada.pk))
    assert (row.actor_id, row.reason) == (None, "founding admin ada made on the server")


def test_a_third_admin_cannot_be_made_on_the_server():
    _make("ada")
    _make("bo")
    with pytest.raises(CommandError, match="This organisation has its admins"):
        _make("cy")
    assert not User.objects.filter(username="cy").exists()
