from __future__ import annotations

import threading

import pgtrigger
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections

from chime import audit
from chime.models import AuditEvent
from tests.factories import TEST_PASSWORD, SupportSessionFactory


def test_each_row_is_chained_to_the_one_before(db):
    first = audit.record("view", object_type="test", object_id=1)
    second = audit.record("view", object_type="test", object_id=2)
    assert first.prev_hash == audit.GENESIS_HASH
    assert second.prev_hash == first.hash
    assert audit.verify_chain().ok


def test_verify_audit_chain_passes_on_an_untouched_chain(db, capsys):
    for n in range(3):
        audit.record("view", object_type="test", object_id=n)
    call_command("verify_audit_chain")
    assert "3 rows checked" in capsys.readouterr().out


def test_verify_audit_chain_names_the_first_altered_row_and_fails(as_owner):
    rows = [audit.record("view", object_type="test", object_id=n) for n in range(4)]
    # Someone with the owner's power over the database switches the trigger off and edits a row.
    with as_owner(), pgtrigger.ignore("chime.AuditEvent:audit_rows_cannot_change"):
        AuditEvent.objects.filter(pk=rows[2].pk).update(reason="nothing to see here")
    with pytest.raises(CommandError, match=f"row {rows[2].pk}"):
        call_command("verify_audit_chain")


def test_a_deleted_row_breaks_the_chain_at_the_next_row_which_names_it(as_owner):
    rows = [audit.record("view", object_type="test", object_id=n) for n in range(3)]
    with as_owner(), pgtrigger.ignore("chime.AuditEvent:audit_rows_cannot_change"):
        AuditEvent.objects.filter(pk=rows[1].pk).delete()
    report = audit.verify_chain()
    assert report.first_bad_id == rows[1].pk
    assert (
        report.problem
        == f"row {rows[1].pk} is missing: row {rows[2].pk} no longer links to row {rows[0].pk} before it"
    )


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_the_chain_in_order():
    def write(n: int) -> None:
        try:
            for i in range(10):
                audit.record("view", object_type="thread", object_id=f"{n}-{i}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert AuditEvent.objects.count() == 40
    assert audit.verify_chain().ok


def test_log_in_log_out_and_failed_log_in_are_audited(client, practitioner):
    client.post("/login/", {"username": "practitioner", "password": "wrong-password"})
    client.post("/login/", {"username": "practitioner", "password": TEST_PASSWORD})
    client.post("/logout/")
    rows = list(AuditEvent.objects.values_list("action", "actor_username", "outcome"))
    assert rows == [
        ("login_failed", "practitioner", "failed"),
        ("login", "practitioner", "success"),
        ("logout", "practitioner", "success"),
    ]
    assert all("wrong-password" not in e.reason for e in AuditEvent.objects.all())


def test_a_person_page_view_is_audited_with_request_details(client, practitioner, person):
    client.force_login(practitioner)
    response = client.get(f"/people/{person.pk}/", REMOTE_ADDR="203.0.113.9")
    event = AuditEvent.objects.get(action="view", object_type="support.Person")
    assert (event.actor, event.person_id, event.ip_address) == (practitioner, person.pk, "203.0.113.9")
    assert event.actor_roles == "practitioner"
    assert event.request_id == response["X-Request-ID"]


def test_a_refused_look_is_audited_as_a_denial(client, practitioner, others_person):
    client.force_login(practitioner)
    assert client.get(f"/people/{others_person.pk}/").status_code == 404
    event = AuditEvent.objects.get(action="denied")
    assert (event.person_id, event.outcome, event.actor) == (others_person.pk, "denied", practitioner)


def test_logging_and_editing_a_session_are_audited_without_note_contents(client, practitioner, person):
    from tests.sessions.test_session_pages import _form

    client.force_login(practitioner)
    client.post(f"/people/{person.pk}/sessions/new/", _form(hope_note="A very private thought."))
    session = person.sessions.get()
    client.post(f"/sessions/{session.pk}/edit/", _form(hope_note="A changed private thought."))
    actions = list(
        AuditEvent.objects.filter(object_type="support.SupportSession").values_list("action", flat=True)
    )
    # Opening the session to edit it shows its notes, so the access layer audits that fetch as a view too.
    assert actions == ["create", "view", "update"]
    assert not AuditEvent.objects.filter(reason__icontains="private").exists()


def test_a_supervisor_reading_a_session_is_audited(client, supervisor, person):
    session = SupportSessionFactory(person=person)
    client.force_login(supervisor)
    client.get(f"/sessions/{session.pk}/")
    assert AuditEvent.objects.filter(action="view", actor=supervisor, object_id=str(session.pk)).exists()
