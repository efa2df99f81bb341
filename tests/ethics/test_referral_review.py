"""Referred concerns have a date to review the referral: set with the referral, editable, shown and ordered in the
queue (issue 11 §2)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from chime.models import AuditEvent
from ethics.models import Concern, ConcernEvent, Referral
from ethics.services import safeguarding as services
from tests.ethics.safeguarding import raise_concern, walk_to

MONDAY_10AM = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)


def refer_form(**overrides) -> dict[str, object]:
    return {
        "agency": "gp",
        "referred_on": "2026-11-23",
        "what_was_shared": "That they are not eating.",
        "basis": "consent",
        "review_on": "2026-12-01",
        **overrides,
    }


def test_a_referral_defaults_its_review_to_10_working_days_later(person, supervisor):
    concern = walk_to(raise_concern(person), "action_planned", supervisor)
    services.record_referral(
        concern=concern,
        by=supervisor,
        agency=Referral.Agency.GP,
        referred_on=dt.date(2026, 11, 23),
        what_was_shared="That they are not eating.",
        basis=Referral.Basis.CONSENT,
    )
    concern.refresh_from_db()
    assert concern.referral_review_on == dt.date(2026, 12, 7)
    assert concern.due_at == dt.datetime(2026, 12, 7, 17, 0, tzinfo=dt.UTC)
    assert concern.next_escalation_at is None
    assert concern.due_label == "review the referral"


def test_the_default_counts_working_days_past_the_christmas_bank_holidays():
    assert services.default_referral_review(dt.date(2026, 12, 21)) == dt.date(2027, 1, 7)


def test_the_referral_form_offers_the_default_date_and_takes_another(client, person, supervisor):
    concern = walk_to(raise_concern(person), "action_planned", supervisor)
    client.force_login(supervisor)
    with time_machine.travel(MONDAY_10AM, tick=False):
        page = client.get(f"/safeguarding/concerns/{concern.pk}/").content.decode()
        assert 'name="review_on" value="2026-12-07"' in page
        client.post(f"/safeguarding/concerns/{concern.pk}/refer/", refer_form())
    concern.refresh_from_db()
    assert (concern.state, concern.referral_review_on) == ("referred", dt.date(2026, 12, 1))


def test_a_lead_moves_the_review_date_and_it_is_in_the_chronology_and_audited(
    client, person, supervisor, lead
):
    concern = walk_to(raise_concern(person), "referred", supervisor)
    client.force_login(lead)
    with time_machine.travel(MONDAY_10AM, tick=False):
        response = client.post(f"/safeguarding/concerns/{concern.pk}/review/", {"review_on": "2026-12-10"})
    assert response["Location"] == f"/safeguarding/concerns/{concern.pk}/"
    concern.refresh_from_db()
    assert concern.referral_review_on == dt.date(2026, 12, 10)
    assert concern.due_at == dt.datetime(2026, 12, 10, 17, 0, tzinfo=dt.UTC)
    assert concern.events.order_by("pk").last().note == "Review the referral on 10 Dec 2026."
    assert AuditEvent.objects.filter(
        action="update", object_id=str(concern.pk), reason="referral review date changed", actor=lead
    ).exists()


def test_a_review_date_in_the_past_is_refused_and_changes_nothing(person, supervisor):
    concern = walk_to(raise_concern(person), "referred", supervisor)
    before = concern.referral_review_on
    with time_machine.travel(MONDAY_10AM, tick=False):
        with pytest.raises(services.ConcernError) as refused:
            services.change_referral_review(concern=concern, by=supervisor, review_on=dt.date(2026, 11, 20))
    assert refused.value.code == "review_in_the_past"
    concern.refresh_from_db()
    assert concern.referral_review_on == before
    assert not ConcernEvent.objects.filter(
        concern=concern, note__startswith="Review the referral on"
    ).exists()


def test_only_a_referred_concern_has_a_review_date_to_move(person, supervisor):
    concern = raise_concern(person)
    with pytest.raises(services.ConcernError) as refused:
        services.change_referral_review(concern=concern, by=supervisor, review_on=dt.date(2027, 1, 4))
    assert refused.value.code == "not_allowed_now"
    assert Concern.objects.get(pk=concern.pk).referral_review_on is None


def test_the_queue_shows_the_review_date_and_orders_by_it_among_the_deadlines(client, person, supervisor):
    with time_machine.travel(MONDAY_10AM, tick=False):
        referred = walk_to(
            raise_concern(person), "referred", supervisor
        )  # review on 20 Nov + 10 working days
        services.change_referral_review(concern=referred, by=supervisor, review_on=dt.date(2026, 11, 30))
        later = raise_concern(person, level="standard", raised_at=MONDAY_10AM + dt.timedelta(days=7))
        sooner = raise_concern(person, level="urgent")
        client.force_login(supervisor)
        response = client.get("/safeguarding/")
    assert response.context["concerns"] == [sooner, referred, later]
    assert "Review the referral by 30 Nov 2026, 17:00" in response.content.decode()
