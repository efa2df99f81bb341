"""One person acting alone, whatever their role, cannot read what they do not need, change who may see what, or
approve their own request; and every attempt is on the audit trail (issue 10, "Done when").

Each test plays one insider down the paths the issue names. The rules themselves are tested where they live
(chime.access, chime.accounts.staff, ethics.services.rights and emergency); here they are tried as an attacker would.
"""

from __future__ import annotations

import pytest
from django.db import ProgrammingError, connection, transaction

from chime.accounts import staff
from chime.accounts.staff import StaffError
from chime.models import AuditEvent, StaffChange, User
from ethics.services import emergency, rights
from ethics.services.rights import RightsError
from tests.factories import AdminFactory, SupportSessionFactory

pytestmark = pytest.mark.django_db


def _denials(actor: User) -> list[tuple[str, str]]:
    rows = AuditEvent.objects.filter(actor=actor, outcome=AuditEvent.Outcome.DENIED).order_by("pk")
    return [(row.object_type, row.object_id) for row in rows]


def test_an_admin_cannot_read_a_session_note_and_each_try_is_audited(client, admin_user, person):
    session = SupportSessionFactory(person=person, areas=["hope"])
    client.force_login(admin_user)
    for url in (f"/sessions/{session.pk}/", f"/people/{person.pk}/", f"/sessions/{session.pk}/history/"):
        assert client.get(url).status_code == 404
    assert _denials(admin_user) == [
        ("support.SupportSession", str(session.pk)),
        ("support.Person", str(person.pk)),
        ("support.SupportSession", str(session.pk)),
    ]
    assert "A note about hope." not in client.get(f"/rights/people/{person.pk}/").content.decode()


def test_an_admin_cannot_give_themselves_a_role_or_a_supervisee(admin_user, practitioner):
    for change in (
        {"is_supervisor": True},
        {"is_safeguarding_lead": True},
        {"is_data_protection_lead": True},
    ):
        with pytest.raises(StaffError) as refused:
            staff.change_staff_account(by=admin_user, account=admin_user, **change)
        assert refused.value.code == "own_account"
    # Pointing a practitioner at themselves as supervisor needs the supervisor role, which they cannot grant
    # themselves; and a second admin must approve any new supervisor.
    assert not User.objects.get(pk=admin_user.pk).is_supervisor
    assert User.objects.get(pk=practitioner.pk).supervisor_id != admin_user.pk
    assert len(_denials(admin_user)) == 3


def _sockpuppet(admin_user: User) -> User:
    """A second admin account that `admin_user` asked for and a real second admin approved, as if tricked."""
    second = AdminFactory()
    puppet = staff.create_staff_account(
        by=admin_user, username="sock", email="sock@example.org", roles=["is_org_admin"]
    )
    assert not User.objects.get(pk=puppet.pk).is_org_admin  # a request, until someone else approves it
    staff.approve_staff_change(change=StaffChange.objects.get(account=puppet, status="awaiting"), by=second)
    return User.objects.get(pk=puppet.pk)


def test_an_admin_cannot_approve_their_own_request_or_one_through_an_account_they_made(
    admin_user, practitioner
):
    puppet = _sockpuppet(admin_user)
    [request] = staff.change_staff_account(by=admin_user, account=practitioner, is_supervisor=True)
    assert request.status == StaffChange.Status.AWAITING
    for approver, code in ((admin_user, "same_person"), (puppet, "set_up_by_requester")):
        with pytest.raises(StaffError) as refused:
            staff.approve_staff_change(change=request, by=approver)
        assert refused.value.code == code
    assert StaffChange.objects.get(pk=request.pk).status == StaffChange.Status.AWAITING
    assert not User.objects.get(pk=practitioner.pk).is_supervisor
    for insider in (admin_user, puppet):
        assert AuditEvent.objects.filter(actor=insider, outcome=AuditEvent.Outcome.DENIED).count() == 1


def test_an_admin_cannot_erase_a_record_alone_even_with_a_second_account(admin_user, person):
    puppet = _sockpuppet(admin_user)
    request = rights.record_erasure_request(person=person, recorded_by=admin_user)
    rights.decide_erasure(request=request, decided_by=admin_user, agree=True)
    for approver, code in ((admin_user, "same_person"), (puppet, "set_up_by_requester")):
        with pytest.raises(RightsError) as refused:
            rights.approve_erasure(request=request, approved_by=approver)
        assert refused.value.code == code
    person.refresh_from_db()
    assert person.erased_at is None
    assert (
        AuditEvent.objects.filter(
            actor=puppet, outcome=AuditEvent.Outcome.DENIED, person_id=person.pk
        ).count()
        == 1
    )


def test_nobody_reviews_their_own_emergency_access(practitioner, others_person, supervisor):
    grant = emergency.declare_emergency_access(
        user=supervisor,
        person=others_person,
        reason="risk_to_person",
        justification="They said they would harm themselves tonight; I need the contacts.",
    )
    with pytest.raises(emergency.EmergencyError) as own:
        emergency.review_emergency_access(grant=grant, reviewer=supervisor, outcome="justified", notes="")
    assert own.value.code == "same_person"


def test_an_admin_cannot_take_over_an_account_by_setting_its_password_or_email(
    client, admin_user, practitioner
):
    client.force_login(admin_user)
    # No page sets someone else's password; the Django admin's staff pages do not exist.
    assert client.get(f"/admin/chime/user/{practitioner.pk}/password/").status_code == 404
    # A new email address (where reset links go) waits for a second admin.
    [change] = staff.change_staff_account(by=admin_user, account=practitioner, email="mine@example.org")
    assert change.status == StaffChange.Status.AWAITING
    assert User.objects.get(pk=practitioner.pk).email != "mine@example.org"


def test_admins_and_practitioners_cannot_read_subject_access_packs_or_the_audit_table(
    client, admin_user, practitioner, world
):
    for user in (admin_user, practitioner):
        client.force_login(user)
        assert client.get(f"/rights/access/packs/{world.access_pack.pk}/").status_code == 404
        assert client.get(f"/rights/access/packs/{world.access_pack.pk}/download/").status_code == 404


def test_a_practitioner_cannot_read_a_colleagues_people_or_find_them_without_declaring(
    client, practitioner, others_person
):
    session = SupportSessionFactory(person=others_person)
    client.force_login(practitioner)
    assert client.get(f"/people/{others_person.pk}/").status_code == 404
    assert client.get(f"/sessions/{session.pk}/").status_code == 404
    assert client.get(f"/sessions/{session.pk}/edit/").status_code == 404
    # The emergency look-up shows nothing until a declaration is made; a name in the address finds nobody.
    page = client.get(f"/emergency/?name={others_person.preferred_name}").content.decode()
    assert others_person.preferred_name not in page
    assert _denials(practitioner) == [
        ("support.Person", str(others_person.pk)),
        ("support.SupportSession", str(session.pk)),
        ("support.SupportSession", str(session.pk)),
    ]


@pytest.mark.django_db(transaction=True)
def test_nobody_can_trim_or_rewrite_the_audit_trail_through_the_apps_connection(practitioner):
    for statement in (
        "UPDATE chime_auditevent SET reason = ''",
        "DELETE FROM chime_auditevent",
        "TRUNCATE chime_auditevent",
        "ALTER TABLE chime_auditevent DISABLE TRIGGER ALL",
    ):
        with pytest.raises(ProgrammingError, match="permission denied|must be owner"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(statement)
