from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from chime.audit import verify_chain
from chime.models import AuditEvent, Notification
from ethics.models import ErasureRequest
from ethics.models.rights import one_calendar_month_after
from ethics.services import holds, rights
from sessions.models import Person, SessionArea, SessionAreaVersion, SupportSessionVersion
from sessions.services import AreaEntry, SessionDetails, edit_session
from tests.factories import AdminFactory, PersonFactory, SupportSessionFactory

REVIEW_ON = dt.date(2030, 1, 1)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        ("2026-01-15", "2026-02-15"),
        ("2026-01-31", "2026-02-28"),
        ("2028-01-31", "2028-02-29"),
        ("2026-12-10", "2027-01-10"),
    ],
)
def test_subject_access_is_due_one_calendar_month_later(received, due):
    assert one_calendar_month_after(dt.date.fromisoformat(received)) == dt.date.fromisoformat(due)


def test_rights_pages_are_for_admins_only(client, practitioner, supervisor, person):
    for user in (practitioner, supervisor):
        client.force_login(user)
        assert client.get("/rights/").status_code == 404
        assert client.get(f"/rights/people/{person.pk}/").status_code == 404
        assert client.post(f"/rights/people/{person.pk}/erasure/").status_code == 404
        assert client.get(f"/rights/people/{person.pk}/audit/").status_code == 404


def test_admin_directory_finds_people_by_name_without_notes(client, admin_user, person):
    SupportSessionFactory(person=person, areas=["hope"])
    client.force_login(admin_user)
    html = client.post("/people-directory/", {"q": "de"}).content.decode()
    assert f"/rights/people/{person.pk}/" in html
    assert "A note about hope." not in html


def test_who_has_seen_my_record_lists_looks_and_is_itself_audited(client, admin_user, practitioner, person):
    client.force_login(practitioner)
    client.get(f"/people/{person.pk}/")
    client.force_login(admin_user)
    html = client.get(f"/rights/people/{person.pk}/audit/").content.decode()
    assert "<td>Sam Okafor</td><td>practitioner</td><td>Looked at their record</td>" in html
    assert AuditEvent.objects.filter(action="audit_read", actor=admin_user, person_id=person.pk).exists()


def _erasable(person, practitioner):
    session = SupportSessionFactory(person=person, areas=["hope"], location="The café")
    edit_session(
        session=session,
        editor=practitioner,
        details=SessionDetails(
            occurred_at=session.occurred_at, duration_minutes=30, mode="phone", location="Park"
        ),
        areas=[AreaEntry("hope", "Talked about her brother.")],
    )
    return session


def test_erasure_needs_a_second_admin_and_then_anonymises_everything(admin_user, practitioner, person):
    from ethics.models import Disclosure
    from ethics.services.sharing import share_information
    from tests.factories import ConsentFactory

    session = _erasable(person, practitioner)
    consent = ConsentFactory(person=person)
    share_information(
        person=person,
        purpose=consent.purpose,
        recipient=consent.recipient,
        content_kinds=consent.content_kinds,
        shared_by=practitioner,
    )
    second = AdminFactory()
    request = rights.record_erasure_request(person=person, recorded_by=admin_user)
    rights.decide_erasure(request=request, decided_by=admin_user, agree=True)
    with pytest.raises(rights.RightsError) as error:
        rights.approve_erasure(request=request, approved_by=admin_user)
    assert error.value.code == "same_person"
    assert Person.objects.get(pk=person.pk).preferred_name == "Dee"
    rights.approve_erasure(request=request, approved_by=second)
    person.refresh_from_db()
    assert person.preferred_name.startswith("Erased person") and person.strengths == "" and person.erased_at
    assert set(SessionArea.objects.filter(session=session).values_list("note", flat=True)) == {"[erased]"}
    assert not SupportSessionVersion.objects.filter(pgh_obj=session).exists()
    assert not SessionAreaVersion.objects.filter(session_id=session.pk).exists()
    assert Disclosure.objects.get(person=person).content == {"erased": True}
    assert verify_chain().ok
    assert not AuditEvent.objects.filter(reason__icontains="brother").exists()


def test_a_refusal_must_cite_an_exception(admin_user, person):
    request = rights.record_erasure_request(person=person, recorded_by=admin_user)
    with pytest.raises(rights.RightsError):
        rights.decide_erasure(request=request, decided_by=admin_user, agree=False)
    rights.decide_erasure(request=request, decided_by=admin_user, agree=False, exception="safeguarding")
    request.refresh_from_db()
    assert (request.decision, request.refusal_exception) == ("refused", "safeguarding")


def test_a_person_under_a_legal_hold_cannot_be_erased(admin_user, person):
    holds.place_legal_hold(
        person=person, reason="Court order", owner=admin_user, review_on=REVIEW_ON, placed_by=admin_user
    )
    request = rights.record_erasure_request(person=person, recorded_by=admin_user)
    with pytest.raises(rights.RightsError) as error:
        rights.decide_erasure(request=request, decided_by=admin_user, agree=True)
    assert error.value.code == "on_hold"
    assert ErasureRequest.objects.get().decision == "pending"


def test_erasure_through_the_pages(client, admin_user, person):
    second = AdminFactory()
    client.force_login(admin_user)
    client.post(f"/rights/people/{person.pk}/erasure/")
    request = ErasureRequest.objects.get()
    response = client.post(f"/rights/erasure/{request.pk}/", {"decision": "refuse"})
    assert "must say which exception" in response.content.decode()
    client.post(f"/rights/erasure/{request.pk}/", {"decision": "agree"})
    client.post(f"/rights/erasure/{request.pk}/approve/")
    assert Person.objects.get(pk=person.pk).erased_at is None  # the same admin cannot approve
    client.force_login(second)
    client.post(f"/rights/erasure/{request.pk}/approve/")
    assert Person.objects.get(pk=person.pk).erased_at is not None


@pytest.mark.dates
def test_retention_dry_run_reports_and_changes_nothing_then_applies(capsys, admin_user, practitioner):
    long_ago = timezone.localdate() - dt.timedelta(days=7 * 365)
    old = PersonFactory(
        practitioner=practitioner,
        preferred_name="Old",
        support_started=long_ago - dt.timedelta(days=30),
        support_ended=long_ago,
    )
    held = PersonFactory(
        practitioner=practitioner,
        preferred_name="Held",
        support_started=long_ago - dt.timedelta(days=30),
        support_ended=long_ago,
    )
    holds.place_legal_hold(
        person=held, reason="Legal proceedings", owner=admin_user, review_on=REVIEW_ON, placed_by=admin_user
    )
    current = PersonFactory(practitioner=practitioner, preferred_name="Current")
    Notification.objects.create(
        recipient=practitioner, title="Old news", read_at=timezone.now() - dt.timedelta(days=400)
    )
    call_command("apply_retention", "--dry-run")
    out = capsys.readouterr().out
    assert f"Would anonymise person {old.pk}" in out
    assert f"Kept person {held.pk}: a legal hold is in place" in out
    assert "Would remove notification" in out
    assert Person.objects.get(pk=old.pk).preferred_name == "Old"
    call_command("apply_retention")
    assert Person.objects.get(pk=old.pk).erased_at is not None
    assert Person.objects.get(pk=held.pk).preferred_name == "Held"
    assert Person.objects.get(pk=current.pk).preferred_name == "Current"
    assert not Notification.objects.exists()
