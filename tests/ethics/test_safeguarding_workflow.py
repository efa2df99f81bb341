"""The concern workflow: every state and step, refusals that change nothing, and the database's own guards."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from chime.models import AuditEvent
from ethics.models import Concern, ConcernClosure, ConcernEvent, EmergencyAccess, Referral
from ethics.models.safeguarding import LEGAL_HOLD_MODELS
from ethics.services import safeguarding as services
from tests.ethics.safeguarding import raise_concern, take, walk_to

State = Concern.State
STATES = list(State.values)
STEPS = ["acknowledge", "plan", "refer", "nfa", "close"]
ALLOWED = {
    ("raised", "acknowledge"): "acknowledged",
    ("acknowledged", "plan"): "action_planned",
    ("action_planned", "refer"): "referred",
    ("action_planned", "nfa"): "no_further_action",
    ("referred", "refer"): "referred",  # a second referral, to another agency
    ("referred", "close"): "closed",
    ("no_further_action", "close"): "closed",
}


def snapshot(concern: Concern) -> tuple:
    concern.refresh_from_db()
    return (
        concern.state,
        concern.due_at,
        concern.events.count(),
        Referral.objects.filter(concern=concern).count(),
        ConcernClosure.objects.filter(concern=concern).count(),
        AuditEvent.objects.count(),
    )


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("step", STEPS)
def test_every_step_from_every_state_is_taken_or_refused_without_change(person, supervisor, state, step):
    concern = walk_to(raise_concern(person), state, supervisor)
    expected = ALLOWED.get((state, step))
    if expected is None:
        before = snapshot(concern)
        with pytest.raises(services.ConcernError) as refused:
            take(step, concern, supervisor)
        assert refused.value.code == "not_allowed_now"
        assert snapshot(concern) == before
    else:
        events = concern.events.count()
        take(step, concern, supervisor)
        concern.refresh_from_db()
        assert concern.state == expected
        event = concern.events.last()
        assert concern.events.count() == events + 1
        assert (event.from_state, event.to_state, event.by) == (state, expected, supervisor)


@pytest.mark.parametrize("old", STATES)
@pytest.mark.parametrize("new", STATES)
def test_the_database_refuses_every_state_change_outside_the_workflow(person, old, new, supervisor):
    concern = walk_to(raise_concern(person), old, supervisor)
    allowed = (old, new) in Concern.TRANSITIONS or old == new
    if allowed:
        Concern.objects.filter(pk=concern.pk).update(state=new)
    else:
        with pytest.raises(DatabaseError, match="Invalid transition"), transaction.atomic():
            Concern.objects.filter(pk=concern.pk).update(state=new)
        concern.refresh_from_db()
        assert concern.state == old


def test_the_words_of_a_concern_can_never_be_edited_in_place(person):
    concern = raise_concern(person)
    with pytest.raises(DatabaseError, match="Cannot update"), transaction.atomic():
        Concern.objects.filter(pk=concern.pk).update(what_happened="Something else.")


@pytest.mark.parametrize("model", LEGAL_HOLD_MODELS)
def test_safeguarding_rows_can_never_be_deleted(person, supervisor, model):
    walk_to(raise_concern(person), State.CLOSED, supervisor)
    overdue = raise_concern(person)
    services.escalate_overdue(now=overdue.acknowledge_by + dt.timedelta(minutes=1))
    assert model.objects.exists()
    with pytest.raises(DatabaseError, match="Cannot delete"), transaction.atomic():
        model.objects.all().delete()


def test_chronology_entries_can_never_be_changed(person):
    concern = raise_concern(person)
    with pytest.raises(DatabaseError, match="Cannot update"), transaction.atomic():
        ConcernEvent.objects.filter(concern=concern).update(note="Rewritten history.")


def test_a_correction_is_added_to_the_chronology_and_the_concern_stays_as_raised(person, practitioner):
    concern = raise_concern(person)
    services.add_to_chronology(
        concern=concern, by=practitioner, note="It was Tuesday, not Monday.", correction=True
    )
    concern.refresh_from_db()
    assert concern.what_happened == "Has not been eating and the flat is cold."
    event = concern.events.last()
    assert (event.kind, event.note, event.from_state, event.to_state) == (
        "correction",
        "It was Tuesday, not Monday.",
        "raised",
        "raised",
    )


def test_every_step_writes_an_audit_row_in_the_same_transaction(person, supervisor):
    concern = raise_concern(person)
    take("acknowledge", concern, supervisor)
    row = AuditEvent.objects.filter(object_type="ethics.Concern", object_id=str(concern.pk)).last()
    assert (row.action, row.actor, row.person_id, row.reason) == (
        "update",
        supervisor,
        person.pk,
        "Acknowledged",
    )


def test_closing_needs_someone_other_than_who_raised_it(person, practitioner, supervisor):
    concern = walk_to(raise_concern(person), State.REFERRED, supervisor)
    with pytest.raises(services.ConcernError) as refused:
        take("close", concern, practitioner)
    assert refused.value.code == "same_person"
    concern.refresh_from_db()
    assert concern.state == State.REFERRED


def test_closing_records_the_outcome_the_persons_views_and_whether_they_got_what_they_wanted(
    person, supervisor
):
    concern = walk_to(raise_concern(person), State.NO_FURTHER_ACTION, supervisor)
    closure = take("close", concern, supervisor)
    assert (closure.outcome, closure.persons_views, closure.wanted_achieved, closure.signed_off_by) == (
        "Warm again.",
        "Relieved.",
        "yes",
        supervisor,
    )
    concern.refresh_from_db()
    assert concern.state == State.CLOSED and concern.due_at is None


def test_closing_without_the_persons_views_is_refused(person, supervisor):
    concern = walk_to(raise_concern(person), State.REFERRED, supervisor)
    with pytest.raises(services.ConcernError):
        services.close_concern(
            concern=concern, by=supervisor, outcome="Fine.", persons_views=" ", wanted_achieved="no"
        )
    assert not ConcernClosure.objects.exists()


def test_a_referral_under_consent_needs_the_persons_recorded_consent(person, supervisor):
    concern = walk_to(raise_concern(person, consent_to_referral="no"), State.ACTION_PLANNED, supervisor)
    with pytest.raises(services.ConcernError) as refused:
        take("refer", concern, supervisor)
    assert refused.value.code == "no_consent"
    assert not Referral.objects.exists()


def test_a_referral_without_consent_needs_a_risk_of_harm_justification(person, supervisor):
    concern = walk_to(raise_concern(person, consent_to_referral="no"), State.ACTION_PLANNED, supervisor)
    kwargs = dict(concern=concern, by=supervisor, agency="police", referred_on=concern.raised_at.date())
    with pytest.raises(services.ConcernError):
        services.record_referral(**kwargs, what_was_shared="Threats made.", basis="risk_of_harm")
    referral = services.record_referral(
        **kwargs,
        what_was_shared="Threats made.",
        basis="risk_of_harm",
        risk_justification="Threat to a child.",
    )
    assert referral.risk_justification == "Threat to a child."
    # The referral is a recorded disclosure under the risk-of-harm exception, audited and queued for review.
    disclosure = referral.disclosure
    assert (disclosure.legal_basis, disclosure.recipient, disclosure.justification) == (
        "risk_of_harm",
        "Police",
        "Threat to a child.",
    )
    assert EmergencyAccess.objects.get(disclosure=disclosure).reviewed_at is None
    share = AuditEvent.objects.get(action="share")
    assert (share.person_id, share.object_id) == (person.pk, str(disclosure.pk))


def test_a_referral_under_the_persons_consent_is_a_disclosure_under_that_consent(person, supervisor):
    concern = walk_to(raise_concern(person, consent_to_referral="yes"), State.ACTION_PLANNED, supervisor)
    referral = services.record_referral(
        concern=concern,
        by=supervisor,
        agency="gp",
        referred_on=concern.raised_at.date(),
        what_was_shared="Her worries about sleep and money.",
        basis="consent",
    )
    assert referral.disclosure.legal_basis == "referral_consent"
    assert (
        referral.disclosure.content["safeguarding_referral"]["what_was_shared"]
        == "Her worries about sleep and money."
    )
    assert not EmergencyAccess.objects.filter(disclosure=referral.disclosure).exists()


def test_the_database_refuses_an_unjustified_referral_without_consent(person, supervisor):
    concern = walk_to(raise_concern(person), State.REFERRED, supervisor)
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.create(
            concern=concern,
            agency="police",
            referred_on=concern.raised_at.date(),
            what_was_shared="x",
            basis="risk_of_harm",
            recorded_by=supervisor,
        )


def test_all_concerns_are_under_a_legal_hold(person, supervisor):
    open_one = raise_concern(person)
    closed = walk_to(raise_concern(person), State.CLOSED, supervisor)
    assert set(Concern.objects.under_legal_hold()) == {open_one, closed}


@pytest.mark.django_db(transaction=True)
def test_two_people_acknowledging_at_the_same_moment_cannot_both_succeed(person, supervisor):
    from tests.ethics.safeguarding import make_lead

    lead = make_lead()
    concern = raise_concern(person)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def acknowledge(user):
        try:
            barrier.wait()
            services.acknowledge_concern(concern=Concern.objects.get(pk=concern.pk), by=user)
            outcomes.append("done")
        except services.ConcernError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=acknowledge, args=(user,)) for user in (supervisor, lead)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["done", "not_allowed_now"]
    assert concern.events.filter(kind="acknowledged").count() == 1
