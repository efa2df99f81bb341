from __future__ import annotations

import datetime as dt

import pytest
from django.db import ProgrammingError, transaction
from django.utils import timezone

from chime.models import AuditEvent
from ethics.models import Consent, ConsentWording
from ethics.services.consent import ConsentError, record_consent, renew_consent, withdraw_consent
from tests.ethics.conftest import terms
from tests.factories import ConsentWordingFactory


def test_recording_consent_keeps_the_wording_shown_and_audits_it(
    consent, person, housing_wording, practitioner
):
    assert consent.version == 1 and consent.supersedes is None
    assert consent.wording == housing_wording and consent.purpose == housing_wording.purpose
    assert consent.recorded_by == practitioner
    event = AuditEvent.objects.get(action=AuditEvent.Action.CONSENT_GIVEN)
    assert (event.object_id, event.person_id, event.actor) == (str(consent.pk), person.pk, practitioner)
    assert "Riverside" not in event.reason  # who it is shared with stays in the consent record


def test_an_admin_may_record_consent_for_anyone(person, housing_wording, admin_user):
    consent = record_consent(person=person, wording=housing_wording, terms=terms(), recorded_by=admin_user)
    assert consent.recorded_by == admin_user


def test_a_practitioner_cannot_record_consent_for_someone_elses_person(
    others_person, housing_wording, practitioner
):
    with pytest.raises(ConsentError) as refused:
        record_consent(person=others_person, wording=housing_wording, terms=terms(), recorded_by=practitioner)
    assert refused.value.code == "not_allowed"
    assert not Consent.objects.exists()


def test_a_supervisor_reads_consents_but_cannot_record_them(person, housing_wording, supervisor):
    with pytest.raises(ConsentError) as refused:
        record_consent(person=person, wording=housing_wording, terms=terms(), recorded_by=supervisor)
    assert refused.value.code == "not_allowed"


@pytest.mark.dates
def test_consent_must_end_after_it_was_given(person, housing_wording, practitioner):
    today = timezone.localdate()
    with pytest.raises(ConsentError) as refused:
        record_consent(
            person=person, wording=housing_wording, terms=terms(expires_on=today), recorded_by=practitioner
        )
    assert refused.value.code == "ends_before_given"


def test_an_old_wording_cannot_be_used_once_a_new_one_is_published(person, housing_wording, practitioner):
    ConsentWordingFactory(purpose=housing_wording.purpose, version=2, text="New words.")
    with pytest.raises(ConsentError) as refused:
        record_consent(person=person, wording=housing_wording, terms=terms(), recorded_by=practitioner)
    assert refused.value.code == "wording_changed"


@pytest.mark.dates
def test_withdrawing_adds_a_version_and_keeps_the_one_before(consent, practitioner):
    withdrawn = withdraw_consent(consent=consent, withdrawn_by=practitioner, reason="Changed my mind.")
    assert withdrawn.supersedes == consent and withdrawn.version == 2 and withdrawn.series == consent.series
    assert withdrawn.is_withdrawn and withdrawn.withdrawal_reason == "Changed my mind."
    assert withdrawn.withdrawn_on == timezone.localdate()
    consent.refresh_from_db()
    assert consent.status == Consent.Status.GIVEN  # the earlier version is untouched
    assert list(Consent.objects.current()) == [withdrawn]
    event = AuditEvent.objects.get(action=AuditEvent.Action.CONSENT_WITHDRAWN)
    assert event.object_id == str(withdrawn.pk) and "Changed my mind" not in event.reason


def test_withdrawing_needs_no_reason(consent, admin_user):
    assert withdraw_consent(consent=consent, withdrawn_by=admin_user).withdrawal_reason == ""


def test_an_earlier_version_cannot_be_withdrawn_or_renewed_again(consent, practitioner):
    withdraw_consent(consent=consent, withdrawn_by=practitioner)
    with pytest.raises(ConsentError) as refused:
        withdraw_consent(consent=consent, withdrawn_by=practitioner)
    assert refused.value.code == "not_current"
    with pytest.raises(ConsentError):
        renew_consent(consent=consent, terms=terms(), renewed_by=practitioner)


def test_a_withdrawn_consent_is_not_renewed_but_given_again(consent, practitioner):
    withdrawn = withdraw_consent(consent=consent, withdrawn_by=practitioner)
    with pytest.raises(ConsentError) as refused:
        renew_consent(consent=withdrawn, terms=terms(), renewed_by=practitioner)
    assert refused.value.code == "withdrawn"


@pytest.mark.dates
def test_renewing_adds_a_version_with_the_current_wording_and_new_dates(consent, practitioner, housing):
    new_wording = ConsentWordingFactory(purpose=housing, version=2, text="Clearer words.")
    later = timezone.localdate() + dt.timedelta(days=700)
    renewed = renew_consent(consent=consent, terms=terms(expires_on=later), renewed_by=practitioner)
    assert (renewed.version, renewed.supersedes, renewed.expires_on) == (2, consent, later)
    assert renewed.wording == new_wording
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CONSENT_CHANGED, object_id=renewed.pk).exists()


def test_consent_rows_cannot_be_updated_or_deleted_even_by_the_app(consent):
    with pytest.raises(ProgrammingError), transaction.atomic():
        Consent.objects.filter(pk=consent.pk).update(recipient="Someone else")
    with pytest.raises(ProgrammingError), transaction.atomic():
        Consent.objects.filter(pk=consent.pk).delete()


def test_published_wording_cannot_be_changed(housing_wording):
    with pytest.raises(ProgrammingError), transaction.atomic():
        ConsentWording.objects.filter(pk=housing_wording.pk).update(text="Other words")


@pytest.mark.dates
def test_expiring_lists_active_consents_ending_within_30_days(person, housing_wording, practitioner):
    today = timezone.localdate()
    soon = record_consent(
        person=person,
        wording=housing_wording,
        terms=terms(
            recipient="Soon",
            given_on=today - dt.timedelta(days=300),
            expires_on=today + dt.timedelta(days=30),
        ),
        recorded_by=practitioner,
    )
    record_consent(
        person=person,
        wording=housing_wording,
        terms=terms(recipient="Later", expires_on=today + dt.timedelta(days=31)),
        recorded_by=practitioner,
    )
    ending = record_consent(
        person=person,
        wording=housing_wording,
        terms=terms(recipient="Withdrawn", expires_on=today + dt.timedelta(days=3)),
        recorded_by=practitioner,
    )
    withdraw_consent(consent=ending, withdrawn_by=practitioner)
    assert list(Consent.objects.expiring()) == [soon]


def test_the_starting_purposes_load_once_each_with_a_first_wording(db):
    from django.apps import apps

    from ethics.consent_purposes import STARTING_PURPOSES, load_starting_purposes

    load_starting_purposes(apps, None)
    load_starting_purposes(apps, None)
    names = set(ConsentWording.objects.current().values_list("purpose__name", flat=True))
    assert {name for name, _, _ in STARTING_PURPOSES} <= names
    assert ConsentWording.objects.filter(purpose__name="Housing").count() == 1


def test_demo_consents_are_one_active_one_ending_soon_and_one_withdrawn(db):
    from chime import audit
    from ethics.demo import ensure_demo_consents
    from sessions import demo

    users = demo.ensure_demo_accounts()
    demo.ensure_demo_people(users)
    assert ensure_demo_consents(users) == 3
    assert ensure_demo_consents(users) == 0
    states = sorted(c.state for c in Consent.objects.current())
    assert states == ["Active", "Active", "Withdrawn"]
    assert Consent.objects.expiring().count() == 1
    assert audit.verify_chain().ok
