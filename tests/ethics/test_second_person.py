"""Erasure approval and emergency-access review use the same two-person rule as staff changes
(chime.accounts.staff.check_second_person): a second account one person set up for themselves never counts."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from chime.accounts import staff
from chime.models import AuditEvent, StaffChange, User
from ethics.services import emergency, rights
from tests.factories import AdminFactory, PractitionerFactory


def _made_admin_by(requester: User, approver: User, username: str) -> User:
    account = staff.create_staff_account(
        by=requester, username=username, email=f"{username}@example.org", roles=["is_org_admin"]
    )
    staff.approve_staff_change(
        change=StaffChange.objects.get(account=account, status="awaiting"), by=approver
    )
    return User.objects.get(pk=account.pk)


@pytest.fixture
def puppet(admin_user):
    """Admin B, made admin at admin A's request (a colleague of long standing approved it), two days ago."""
    with time_machine.travel(timezone.now() - dt.timedelta(days=30)):
        colleague = AdminFactory(username="colleague")
    with time_machine.travel(timezone.now() - dt.timedelta(days=2)):
        return _made_admin_by(admin_user, colleague, "puppet")


def _agreed_erasure(person, admin_user):
    request = rights.record_erasure_request(person=person, recorded_by=admin_user)
    rights.decide_erasure(request=request, decided_by=admin_user, agree=True)
    request.refresh_from_db()
    return request


def test_an_admin_made_by_the_requester_cannot_approve_their_erasure_and_it_is_audited(
    admin_user, puppet, person
):
    request = _agreed_erasure(person, admin_user)
    with pytest.raises(rights.RightsError) as error:
        rights.approve_erasure(request=request, approved_by=puppet)
    assert error.value.code == "set_up_by_requester"
    person.refresh_from_db()
    assert person.erased_at is None
    event = AuditEvent.objects.get(action="denied", actor=puppet)
    assert (event.object_type, event.object_id, event.person_id) == (
        "ethics.ErasureRequest",
        str(request.pk),
        person.pk,
    )
    assert event.reason == "second-person rule (set_up_by_requester): requested by admin"


def test_an_admin_appointed_after_the_erasure_was_agreed_cannot_approve_it(admin_user, person):
    with time_machine.travel(timezone.now() - dt.timedelta(days=30)):
        first, second = AdminFactory(username="first"), AdminFactory(username="second")
    request = _agreed_erasure(person, admin_user)
    newcomer = _made_admin_by(first, second, "newcomer")
    with pytest.raises(rights.RightsError) as error:
        rights.approve_erasure(request=request, approved_by=newcomer)
    assert error.value.code == "role_too_new"


def test_a_true_second_admin_still_approves_an_erasure(admin_user, person):
    with time_machine.travel(timezone.now() - dt.timedelta(days=30)):
        colleague = AdminFactory(username="colleague")
    request = _agreed_erasure(person, admin_user)
    rights.approve_erasure(request=request, approved_by=colleague)
    person.refresh_from_db()
    assert person.erased_at is not None


def test_an_admin_set_up_by_whoever_declared_emergency_access_cannot_close_its_review(
    admin_user, puppet, person
):
    grant = emergency.declare_emergency_access(
        user=admin_user,
        person=person,
        reason="risk_to_person",
        justification="A declared risk of harm, in detail.",
    )
    with pytest.raises(emergency.EmergencyError) as error:
        emergency.review_emergency_access(grant=grant, reviewer=puppet, outcome="justified")
    assert error.value.code == "set_up_by_requester"
    grant.refresh_from_db()
    assert grant.reviewed_at is None
    assert AuditEvent.objects.get(action="denied", actor=puppet).object_type == "ethics.EmergencyAccess"


def test_the_declarer_cannot_close_their_own_review(person):
    declarer = PractitionerFactory()
    grant = emergency.declare_emergency_access(
        user=declarer,
        person=person,
        reason="risk_to_person",
        justification="A declared risk of harm, in detail.",
    )
    with pytest.raises(emergency.EmergencyError) as error:
        emergency.review_emergency_access(grant=grant, reviewer=declarer, outcome="justified")
    assert error.value.code == "same_person"
