"""Recovery measures defined as data: scoring against hand-worked examples, when one is due (frozen clock),
declining respected, whose view it is, and completing one with the practitioner in a session."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from chime.models import AuditEvent
from sessions import services
from sessions.measures import due_for, next_due, scores_over_time
from sessions.models import Measure, MeasureResponse, View
from sessions.qpr15 import QPR15
from tests.factories import PersonFactory, SupportSessionFactory, qpr15_measure

FROZEN = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def qpr15(db) -> Measure:
    return qpr15_measure()  # shipped by migration 0007


@pytest.fixture
def prorated(db) -> Measure:
    """A made-up four-item measure whose guidance allows one missing answer (prorated)."""
    return Measure.objects.create(
        code="four",
        name="Four items",
        short_name="F4",
        asks_about="the last 2 weeks",
        instructions="Answer each.",
        items=["a", "b", "c", "d"],
        options=[{"value": v, "label": str(v)} for v in (1, 2, 3, 4, 5)],
        max_missing=1,
        higher_is_better=False,
        change_threshold=Decimal(3),
        change_threshold_kind="reliable_change",
        source="Test",
        licence="Test",
    )


def test_the_qpr15_ships_with_its_wording_source_and_licence(qpr15):
    assert (len(qpr15.items), qpr15.lowest_total, qpr15.highest_total) == (15, 0, 60)
    assert qpr15.items[:2] == ["I feel better about myself", "I feel able to take chances in life"]
    assert [o["label"] for o in qpr15.options] == [
        "Disagree strongly",
        "Disagree",
        "Neither agree nor disagree",
        "Agree",
        "Agree strongly",
    ]
    assert qpr15.free_to_use and "permission" in qpr15.licence and "Neil" in qpr15.source
    assert qpr15.wording_checked is False  # items 3 to 15 still to be checked against the published form
    assert (qpr15.change_threshold, qpr15.change_threshold_kind) == (Decimal(5), "minimum_important")
    assert qpr15.items == QPR15["items"]


def test_qpr15_totals_by_hand(qpr15):
    # 15 answers: five 4s (20), five 2s (10), five 0s (0) = 30
    assert qpr15.score([4] * 5 + [2] * 5 + [0] * 5) == Decimal("30.0")
    assert qpr15.score([4] * 15) == Decimal("60.0")
    assert qpr15.score([0] * 15) == Decimal("0.0")
    # 3,1,2 repeated five times: (3+1+2) * 5 = 30
    assert qpr15.score([3, 1, 2] * 5) == Decimal("30.0")


def test_qpr15_gives_no_total_with_a_missing_answer(qpr15):
    assert qpr15.score([4] * 14 + [None]) is None


def test_a_measure_that_allows_one_missing_answer_scales_it_up(prorated):
    assert prorated.score([1, 2, 3, 4]) == Decimal("10.0")
    # three answers 2+3+5 = 10, scaled to four items: 10 * 4 / 3 = 13.33 -> 13.3
    assert prorated.score([2, None, 3, 5]) == Decimal("13.3")
    # 1+1+2 = 4 -> 4 * 4 / 3 = 5.333 -> 5.3; 5+5+4 = 14 -> 18.666 -> 18.7 (half up)
    assert prorated.score([1, 1, None, 2]) == Decimal("5.3")
    assert prorated.score([5, 5, 4, None]) == Decimal("18.7")
    assert prorated.score([2, None, None, 5]) is None  # two missing: more than the guidance allows


def test_scoring_refuses_answers_the_measure_does_not_offer(prorated):
    with pytest.raises(ValueError, match="not one of F4's options"):
        prorated.score([0, 1, 2, 3])
    with pytest.raises(ValueError, match="F4 has 4 items, not 3"):
        prorated.score([1, 2, 3])


def test_change_uses_the_published_threshold_in_the_measures_direction(qpr15, prorated):
    assert qpr15.change_between(Decimal(30), Decimal(35)) == "improved"
    assert qpr15.change_between(Decimal(30), Decimal(34)) == "same"
    assert qpr15.change_between(Decimal(30), Decimal(25)) == "worse"
    assert prorated.change_between(Decimal(15), Decimal(12)) == "improved"  # lower is better for this one
    qpr15.change_threshold = None
    assert qpr15.change_between(Decimal(0), Decimal(60)) == "no_threshold"


def _offer(person, measure, taken_on, occasion="review", declined=False):
    return MeasureResponse.objects.create(
        person=person,
        measure=measure,
        taken_on=taken_on,
        occasion=occasion,
        declined=declined,
        answers=[] if declined else [2] * 15,
        total=None if declined else Decimal(30),
        recorded_by=person.practitioner,
    )


@pytest.mark.dates
@time_machine.travel(FROZEN, tick=False)
def test_a_measure_is_due_at_the_start_of_support(qpr15):
    person = PersonFactory(support_started=dt.date(2026, 5, 20))
    (due,) = due_for(person)
    assert (due.occasion, due.due_on, due.is_due) == ("start", dt.date(2026, 5, 20), True)


@pytest.mark.dates
@time_machine.travel(FROZEN, tick=False)
def test_the_next_is_due_twelve_weeks_after_the_last(qpr15):
    person = PersonFactory(support_started=dt.date(2026, 1, 5))
    _offer(person, qpr15, dt.date(2026, 3, 9), occasion="start")
    (due,) = due_for(person)
    assert (due.occasion, due.due_on, due.is_due) == ("review", dt.date(2026, 6, 1), True)  # 9 Mar + 12 weeks
    assert next_due(person, qpr15, list(person.measures.all()), dt.date(2026, 5, 31)).is_due is False


@pytest.mark.dates
@time_machine.travel(FROZEN, tick=False)
def test_declining_counts_as_offered_so_it_is_not_asked_again_until_the_next_time(qpr15):
    person = PersonFactory(support_started=dt.date(2026, 5, 1))
    declined = services.record_declined(
        person=person,
        measure=qpr15,
        actor=person.practitioner,
        occasion="start",
        taken_on=dt.date(2026, 6, 1),
    )
    (due,) = due_for(person)
    assert (due.occasion, due.due_on, due.is_due) == ("review", dt.date(2026, 8, 24), False)
    event = AuditEvent.objects.get(
        action=AuditEvent.Action.CREATE, object_id=str(declined.pk), person_id=person.pk
    )
    assert event.reason == f"declined measure {qpr15.pk}"


@pytest.mark.dates
@time_machine.travel(FROZEN, tick=False)
def test_the_organisation_sets_how_often_it_is_due(qpr15):
    person = PersonFactory(support_started=dt.date(2026, 1, 5))
    _offer(person, qpr15, dt.date(2026, 3, 9), occasion="start")
    qpr15.repeat_every_weeks = 8
    qpr15.save()
    (due,) = due_for(person)
    assert due.due_on == dt.date(2026, 5, 4)


@pytest.mark.dates
@time_machine.travel(FROZEN, tick=False)
def test_it_is_due_once_more_when_support_ends_and_then_never(qpr15):
    person = PersonFactory(support_started=dt.date(2026, 1, 5), support_ended=dt.date(2026, 5, 29))
    _offer(person, qpr15, dt.date(2026, 5, 1), occasion="start")
    (due,) = due_for(person)
    assert (due.occasion, due.due_on, due.is_due) == ("end", dt.date(2026, 5, 29), True)
    _offer(person, qpr15, dt.date(2026, 5, 29), occasion="end", declined=True)
    assert due_for(person) == []


def test_completing_one_in_a_session_keeps_the_answers_total_and_whose_view(client, qpr15):
    session = SupportSessionFactory()
    person, practitioner = session.person, session.practitioner
    client.force_login(practitioner)
    answers = {f"item_{n}": 3 for n in range(1, 16)}
    response = client.post(
        f"/people/{person.pk}/measures/{qpr15.pk}/new/",
        {
            **answers,
            "view": "agreed",
            "occasion": "start",
            "taken_on": session.occurred_on,
            "session": session.pk,
        },
    )
    assert response.status_code == 302
    saved = MeasureResponse.objects.get()
    assert (saved.total, saved.view, saved.session, saved.recorded_by) == (
        Decimal(45),
        View.AGREED,
        session,
        practitioner,
    )
    assert saved.answers == [3] * 15
    page = client.get(f"/people/{person.pk}/").content.decode()
    assert "QPR-15 totals over time (agreed together)" in page


def test_a_missing_answer_is_named_and_nothing_is_stored(client, qpr15):
    person = PersonFactory()
    client.force_login(person.practitioner)
    answers = {f"item_{n}": 3 for n in range(1, 15)}
    response = client.post(
        f"/people/{person.pk}/measures/{qpr15.pk}/new/",
        {**answers, "view": "own", "occasion": "start", "taken_on": person.support_started},
    )
    assert response.status_code == 200
    assert "1 statement is not answered, so QPR-15 cannot be scored" in response.content.decode()
    assert not MeasureResponse.objects.exists()


def test_declining_through_the_form_stores_no_answers(client, qpr15):
    person = PersonFactory()
    client.force_login(person.practitioner)
    response = client.post(
        f"/people/{person.pk}/measures/{qpr15.pk}/new/",
        {
            "declined": "on",
            "item_1": "4",
            "view": "own",
            "occasion": "start",
            "taken_on": person.support_started,
        },
    )
    assert response.status_code == 302
    saved = MeasureResponse.objects.get()
    assert (saved.declined, saved.answers, saved.total) == (True, [], None)


def test_a_session_of_someone_else_cannot_be_named(client, qpr15):
    person = PersonFactory()
    theirs = SupportSessionFactory(person=PersonFactory(practitioner=person.practitioner))
    client.force_login(person.practitioner)
    answers = {f"item_{n}": 3 for n in range(1, 16)}
    response = client.post(
        f"/people/{person.pk}/measures/{qpr15.pk}/new/",
        {
            **answers,
            "view": "own",
            "occasion": "start",
            "taken_on": person.support_started,
            "session": theirs.pk,
        },
    )
    assert response.status_code == 200
    assert not MeasureResponse.objects.exists()


def test_scores_over_time_mark_change_from_the_first(qpr15):
    person = PersonFactory()
    for day, total in ((1, 30), (2, 33), (3, 36)):
        response = _offer(person, qpr15, dt.date(2026, 1, day))
        MeasureResponse.objects.filter(pk=response.pk).update(total=total)
    _offer(person, qpr15, dt.date(2026, 1, 4), declined=True)
    points = scores_over_time(person)[qpr15]
    assert [(p.response.total, p.change_from_first, p.change) for p in points] == [
        (Decimal(30), None, ""),
        (Decimal(33), Decimal(3), "same"),
        (Decimal(36), Decimal(6), "improved"),
    ]


def test_a_rating_records_whose_view_it_is(client, db):
    person = PersonFactory()
    client.force_login(person.practitioner)
    client.post(
        f"/people/{person.pk}/sessions/new/",
        {
            "occurred_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
            "duration_minutes": 30,
            "mode": "phone",
            "hope_note": "Looking forward to the trip.",
            "hope_rating": 4,
            "ratings_view": "agreed",
            "submission_key": "7b1f1e8e-8f5e-4a44-9f55-0c1d8f3c2a99",
        },
    )
    area = person.sessions.get().areas.get()
    assert (area.rating, area.rating_view) == (4, View.AGREED)


def test_an_admin_sets_how_often_it_is_due_through_the_audited_settings_service(qpr15, admin_user):
    from ethics.services.organisation import save_setting

    qpr15.repeat_every_weeks = 8
    save_setting(setting=qpr15, saved_by=admin_user)
    assert Measure.objects.get(pk=qpr15.pk).repeat_every_weeks == 8
    event = AuditEvent.objects.get(action=AuditEvent.Action.UPDATE, object_id=str(qpr15.pk))
    assert "repeat_every_weeks: 12 → 8" in event.reason


def test_a_measure_definition_with_broken_options_is_refused(qpr15):
    from django.core.exceptions import ValidationError

    qpr15.options = [{"value": 0, "label": "No"}, {"value": 0, "label": "Also no"}]
    with pytest.raises(ValidationError, match="Each answer needs its own value"):
        qpr15.full_clean()


def test_the_person_page_marks_change_by_the_published_threshold(client, qpr15):
    person = PersonFactory()
    for day, total in ((1, 30), (2, 36)):
        response = _offer(person, qpr15, dt.date(2026, 1, day))
        MeasureResponse.objects.filter(pk=response.pk).update(total=total)
    client.force_login(person.practitioner)
    html = client.get(f"/people/{person.pk}/").content.decode()
    assert "6 (better by at least the published threshold)" in html
    assert "A change of 5 or more is the published minimum important difference (within a person)" in html
