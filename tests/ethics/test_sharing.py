from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import ProgrammingError, transaction
from django.utils import timezone

from chime.models import AuditEvent
from ethics.models import ContentKind, Disclosure
from ethics.services.consent import renew_consent, withdraw_consent
from ethics.services.sharing import SharingError, find_covering_consent, share_information
from sessions.services import add_goal
from tests.ethics.conftest import terms
from tests.factories import SharingPurposeFactory, SupportSessionFactory

GOALS = [ContentKind.GOALS_AND_STRENGTHS]


def share(person, purpose, user, *, recipient="Riverside Housing", kinds=GOALS, sessions=()):
    return share_information(
        person=person,
        purpose=purpose,
        recipient=recipient,
        content_kinds=kinds,
        shared_by=user,
        sessions=sessions,
    )


def refusal(person, purpose, user, **kwargs) -> SharingError:
    with pytest.raises(SharingError) as refused:
        share(person, purpose, user, **kwargs)
    return refused.value


def test_share_is_allowed_under_an_active_consent_and_recorded(consent, person, housing, practitioner):
    disclosure = share(person, housing, practitioner)
    assert disclosure.consent == consent
    assert disclosure.legal_basis == Disclosure.LegalBasis.CONSENT
    assert (disclosure.recipient, disclosure.shared_by, disclosure.content_kinds) == (
        "Riverside Housing",
        practitioner,
        GOALS,
    )
    event = AuditEvent.objects.get(action=AuditEvent.Action.SHARE)
    assert event.outcome == AuditEvent.Outcome.SUCCESS and event.object_id == str(disclosure.pk)
    assert event.person_id == person.pk and f"under consent {consent.pk}" in event.reason


def test_the_pack_holds_only_the_chosen_content(consent, person, housing, practitioner):
    for words in ("Get out more.", "Cook for friends."):
        add_goal(person=person, actor=practitioner, in_their_words=words, areas=["connectedness"])
    pack = share(person, housing, practitioner).content
    goals = "Get out more.\nCook for friends."
    assert pack[ContentKind.GOALS_AND_STRENGTHS] == {"goals": goals, "strengths": person.strengths}
    assert ContentKind.CONTACT_DETAILS not in pack and ContentKind.SESSION_SUMMARIES not in pack


def test_the_recipient_matches_whatever_its_capitals_and_spaces(consent, person, housing, admin_user):
    assert share(person, housing, admin_user, recipient="  riverside HOUSING ").consent == consent


def test_share_is_refused_without_any_consent_and_the_refusal_is_audited(person, housing, practitioner):
    error = refusal(person, housing, practitioner)
    assert error.code == "no_consent"
    assert str(error) == "Dee has not given consent to share with Riverside Housing for “Housing”."
    assert not Disclosure.objects.exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.SHARE)
    assert event.outcome == AuditEvent.Outcome.DENIED and event.person_id == person.pk
    assert event.reason.startswith("refused: no consent;")


def test_share_is_refused_for_another_recipient_or_purpose(consent, person, housing, practitioner):
    assert refusal(person, housing, practitioner, recipient="Dee's sister").code == "no_consent"
    family = SharingPurposeFactory(name="A family member")
    assert refusal(person, family, practitioner).code == "no_consent"


def test_share_is_refused_for_content_the_consent_does_not_cover(person, housing_wording, practitioner):
    from ethics.services.consent import record_consent

    record_consent(
        person=person,
        wording=housing_wording,
        terms=terms(content_kinds=(ContentKind.CONTACT_DETAILS,)),
        recorded_by=practitioner,
    )
    error = refusal(person, housing_wording.purpose, practitioner)
    assert error.code == "content_not_covered" and "does not include: Goals and strengths" in str(error)


@pytest.mark.dates
def test_share_is_refused_straight_after_withdrawal(consent, person, housing, practitioner):
    share(person, housing, practitioner)
    withdraw_consent(consent=consent, withdrawn_by=practitioner)
    error = refusal(person, housing, practitioner)
    assert error.code == "withdrawn"
    assert f"was withdrawn on {timezone.localdate():%-d %b %Y}" in str(error)
    assert Disclosure.objects.count() == 1


@pytest.mark.dates
def test_share_is_refused_once_the_consent_has_expired(consent, person, housing, practitioner):
    with time_machine.travel(timezone.now() + dt.timedelta(days=364)):
        assert share(person, housing, practitioner).consent == consent
    with time_machine.travel(timezone.now() + dt.timedelta(days=365)):
        error = refusal(person, housing, practitioner)
    assert error.code == "expired"
    assert f"expired on {consent.expires_on:%-d %b %Y}" in str(error)


@pytest.mark.dates
def test_a_renewed_consent_allows_sharing_again_after_the_old_end_date(
    consent, person, housing, practitioner
):
    later = timezone.localdate() + dt.timedelta(days=700)
    renewed = renew_consent(consent=consent, terms=terms(expires_on=later), renewed_by=practitioner)
    with time_machine.travel(timezone.now() + dt.timedelta(days=400)):
        assert share(person, housing, practitioner).consent == renewed


@pytest.mark.dates
def test_find_covering_consent_answers_for_a_given_day(consent, person, housing):
    found = find_covering_consent(
        person=person, purpose=housing, recipient="Riverside Housing", content_kinds=GOALS
    )
    assert found == consent
    with pytest.raises(SharingError):
        find_covering_consent(
            person=person,
            purpose=housing,
            recipient="Riverside Housing",
            content_kinds=GOALS,
            on=consent.expires_on,
        )


def test_session_summaries_carry_the_chosen_sessions_only(person, housing_wording, practitioner):
    from ethics.services.consent import record_consent

    record_consent(
        person=person,
        wording=housing_wording,
        terms=terms(content_kinds=(ContentKind.SESSION_SUMMARIES,)),
        recorded_by=practitioner,
    )
    chosen = SupportSessionFactory(person=person, areas=["hope"], next_steps="Call the college.")
    SupportSessionFactory(person=person, areas=["identity"])
    pack = share(
        person,
        housing_wording.purpose,
        practitioner,
        kinds=[ContentKind.SESSION_SUMMARIES],
        sessions=[chosen],
    ).content
    [summary] = pack[ContentKind.SESSION_SUMMARIES]
    assert summary["areas"] == [{"area": "Hope and optimism about the future", "note": "A note about hope."}]
    assert summary["next_steps"] == "Call the college."


def test_admins_cannot_share_session_notes(person, housing_wording, admin_user, practitioner):
    from ethics.services.consent import record_consent

    record_consent(
        person=person,
        wording=housing_wording,
        terms=terms(content_kinds=(ContentKind.SESSION_SUMMARIES,)),
        recorded_by=admin_user,
    )
    session = SupportSessionFactory(person=person)
    error = refusal(
        person, housing_wording.purpose, admin_user, kinds=[ContentKind.SESSION_SUMMARIES], sessions=[session]
    )
    assert error.code == "notes_need_to_know"


def test_sessions_of_another_person_cannot_be_shared(consent, person, others_person, housing, practitioner):
    from ethics.services.consent import record_consent

    record_consent(
        person=person,
        wording=consent.wording,
        terms=terms(recipient="Surgery", content_kinds=(ContentKind.SESSION_SUMMARIES,)),
        recorded_by=practitioner,
    )
    theirs = SupportSessionFactory(person=others_person)
    error = refusal(
        person,
        housing,
        practitioner,
        recipient="Surgery",
        kinds=[ContentKind.SESSION_SUMMARIES],
        sessions=[theirs],
    )
    assert error.code == "wrong_person"


def test_other_practitioners_and_supervisors_cannot_share(
    consent, person, housing, other_practitioner, supervisor
):
    assert refusal(person, housing, other_practitioner).code == "not_allowed"
    assert refusal(person, housing, supervisor).code == "not_allowed"
    assert AuditEvent.objects.filter(action="share", outcome="denied").count() == 2


def test_disclosures_cannot_be_changed_or_deleted(consent, person, housing, practitioner):
    disclosure = share(person, housing, practitioner)
    with pytest.raises(ProgrammingError), transaction.atomic():
        Disclosure.objects.filter(pk=disclosure.pk).update(recipient="Someone else")
    with pytest.raises(ProgrammingError), transaction.atomic():
        Disclosure.objects.filter(pk=disclosure.pk).delete()
