"""The QPR-15 in the person's own view: offered gently when it is due, "not now" kept and respected (not asked again
for that occasion), completed alone as their own view, scored by the measure's definition, and their scores over
time shown to them; the practitioner sees it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.test import Client

from chime.models import AuditEvent
from sessions import services
from sessions.models import MeasureResponse, View
from tests.ethics.online import signed_in_person
from tests.factories import PersonFactory, qpr15_measure

FROZEN = dt.datetime(2026, 6, 15, 12, 0, tzinfo=dt.UTC)
GENTLE = "You can fill this in if you want."


def _answers(value: int = 3, missing: int = 0) -> dict[str, str]:
    return {f"item_{n}": str(value) for n in range(1 + missing, 16)}


def _signed_in_again(access) -> Client:
    client = Client()
    client.force_login(access.account)
    return client


@pytest.fixture
def qpr15(db):
    return qpr15_measure()


@pytest.mark.dates
@time_machine.travel(FROZEN, tick=False)
def test_when_it_is_due_the_person_is_offered_it_gently(practitioner, person, qpr15):
    me, _ = signed_in_person(person, practitioner)
    home = me.get("/me/").content.decode()
    assert GENTLE in home
    assert f'href="/me/questionnaires/{qpr15.pk}/"' in home
    assert "Not now, I'd rather not" in home
    page = me.get(f"/me/questionnaires/{qpr15.pk}/").content.decode()
    assert "I feel better about myself" in page and "Agree strongly" in page


@pytest.mark.dates
@time_machine.travel(FROZEN, tick=False)
def test_not_now_is_kept_as_their_choice_and_they_are_not_asked_again_that_time(practitioner, person, qpr15):
    me, access = signed_in_person(person, practitioner)
    response = me.post(f"/me/questionnaires/{qpr15.pk}/", {"not_now": "yes"})
    assert response["Location"] == "/me/"
    declined = MeasureResponse.objects.get(person=person)
    assert (
        declined.declined,
        declined.view,
        declined.occasion,
        declined.taken_on,
        declined.recorded_by_id,
    ) == (
        True,
        View.OWN,
        "start",
        FROZEN.date(),
        access.account.pk,
    )
    event = AuditEvent.objects.get(object_type="support.MeasureResponse")
    assert (event.actor_id, event.reason) == (access.account.pk, f"declined measure {qpr15.pk}")
    assert GENTLE not in me.get("/me/").content.decode()
    again = me.get(f"/me/questionnaires/{qpr15.pk}/")  # an old link: nothing to fill in, nothing asked
    assert again["Location"] == "/me/"
    assert me.post(f"/me/questionnaires/{qpr15.pk}/", {"not_now": "yes"})["Location"] == "/me/"
    assert MeasureResponse.objects.filter(person=person).count() == 1


@pytest.mark.dates
def test_after_not_now_it_is_offered_again_only_at_the_next_occasion(practitioner, person, qpr15):
    with time_machine.travel(FROZEN, tick=False):
        me, access = signed_in_person(person, practitioner)
        me.post(f"/me/questionnaires/{qpr15.pk}/", {"not_now": "yes"})
    with time_machine.travel(FROZEN + dt.timedelta(weeks=12) - dt.timedelta(days=1), tick=False):
        assert GENTLE not in _signed_in_again(access).get("/me/").content.decode()
    with time_machine.travel(FROZEN + dt.timedelta(weeks=12), tick=False):
        assert GENTLE in _signed_in_again(access).get("/me/").content.decode()


@pytest.mark.dates
@time_machine.travel(FROZEN, tick=False)
def test_the_person_completes_it_alone_as_their_own_view_and_the_practitioner_sees_it(
    client, practitioner, person, qpr15
):
    me, access = signed_in_person(person, practitioner)
    answers = _answers(3) | {"item_1": "4", "item_2": "0"}
    response = me.post(f"/me/questionnaires/{qpr15.pk}/", answers)
    assert response["Location"] == "/me/"
    done = MeasureResponse.objects.get(person=person)
    assert (done.view, done.declined, done.occasion, done.total, done.recorded_by_id, done.session) == (
        View.OWN,
        False,
        "start",
        Decimal("43"),  # 4 + 0 + 13 x 3, scored by the measure's definition
        access.account.pk,
        None,
    )
    assert done.total == qpr15.score(done.answers)
    home = me.get("/me/").content.decode()
    assert GENTLE not in home
    assert "My QPR-15 scores</title>" in home
    assert '<tr><th scope="row">15 Jun 2026</th><td>43</td><td>Me</td></tr>' in home
    client.force_login(practitioner)
    page = client.get(f"/people/{person.pk}/").content.decode()
    assert "<td>Their own view</td>" in page and "<td>43</td>" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose an answer for each line. Or press “Not now” if you would rather not."),
        (_answers(3, missing=1), "1 line has no answer yet. Please answer it, or press “Not now”."),
        (_answers(3, missing=2), "2 lines have no answer yet. Please answer them, or press “Not now”."),
        (_answers(3) | {"item_4": "7"}, "Select a valid choice. 7 is not one of the available choices."),
        (
            _answers(3) | {"item_4": "<script>"},
            "Select a valid choice. &lt;script&gt; is not one of the available",
        ),
    ],
)
def test_answers_that_cannot_be_scored_are_explained_and_nothing_is_kept(
    practitioner, person, qpr15, data, message
):
    me, _ = signed_in_person(person, practitioner)
    response = me.post(f"/me/questionnaires/{qpr15.pk}/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert MeasureResponse.objects.count() == 0


def test_someone_elses_due_questionnaire_is_never_the_persons_to_answer(practitioner, person, qpr15):
    someone_else = PersonFactory(practitioner=practitioner)
    me, _ = signed_in_person(person, practitioner)
    me.post(f"/me/questionnaires/{qpr15.pk}/", _answers(2))
    assert list(MeasureResponse.objects.values_list("person_id", flat=True)) == [person.pk]
    assert not MeasureResponse.objects.filter(person=someone_else).exists()
    assert (
        me.get("/me/questionnaires/999999/")["Location"] == "/me/"
    )  # not a measure on offer: nothing to fill in


@pytest.mark.dates
@time_machine.travel(FROZEN, tick=False)
def test_the_persons_scores_over_time_show_each_completed_one_with_whose_view(practitioner, person, qpr15):
    with time_machine.travel(FROZEN - dt.timedelta(weeks=12), tick=False):
        services.record_measure(
            person=person,
            measure=qpr15,
            actor=practitioner,
            answers=[2] * 15,
            view=View.AGREED,
            occasion="start",
            taken_on=FROZEN.date() - dt.timedelta(weeks=12),
        )
    me, _ = signed_in_person(person, practitioner)
    me.post(f"/me/questionnaires/{qpr15.pk}/", _answers(3))
    home = me.get("/me/").content.decode()
    assert "<td>30</td><td>Both of us</td>" in home and "<td>45</td><td>Me</td>" in home
    assert [r.occasion for r in MeasureResponse.objects.order_by("pk")] == ["start", "review"]


def test_the_questionnaire_page_takes_a_fixed_number_of_queries(
    practitioner, person, qpr15, django_assert_num_queries
):
    me, _ = signed_in_person(person, practitioner)
    me.get("/me/")
    # session, user; online access; the person; audit (lock, last hash, insert); measures offered to them; measures
    # on offer
    with django_assert_num_queries(9):
        me.get(f"/me/questionnaires/{qpr15.pk}/")
