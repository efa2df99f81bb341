"""The person's own recovery plan: they add goals in their words, change them, add steps and mark steps done, in
their own view, through the same plan services the practitioner uses; the practitioner sees what they changed."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from chime.models import AuditEvent
from sessions.models import GoalStep, RecoveryGoal
from sessions.services import StepDetails, add_goal, add_step
from tests.ethics.online import signed_in_person
from tests.factories import PersonFactory

FROZEN = dt.datetime(2026, 6, 15, 12, 0, tzinfo=dt.UTC)


@pytest.mark.dates
@time_machine.travel(FROZEN, tick=False)
def test_the_person_adds_a_goal_in_their_words_and_the_practitioner_sees_they_did(
    client, practitioner, person
):
    me, access = signed_in_person(person, practitioner)
    response = me.post(
        "/me/plan/goals/new/", {"in_their_words": " Swim again. ", "areas": ["hope", "empowerment"]}
    )
    assert response["Location"] == "/me/plan/"
    goal = RecoveryGoal.objects.get(plan__person=person)
    assert (goal.in_their_words, goal.areas, goal.changed_by_person_at) == (
        "Swim again.",
        ["hope", "empowerment"],
        FROZEN,
    )
    created = AuditEvent.objects.get(object_type="support.RecoveryGoal", action="create")
    assert (created.actor_id, created.person_id) == (access.account.pk, person.pk)
    assert "Swim again." in me.get("/me/plan/").content.decode()
    client.force_login(practitioner)
    for url in (f"/people/{person.pk}/plan/", f"/people/{person.pk}/"):
        page = client.get(url).content.decode()
        assert "<strong>Changed by Dee</strong> in their own view on 15 Jun 2026." in page


@pytest.mark.dates
def test_the_person_changes_their_goal_and_marks_it_done(practitioner, person):
    goal = add_goal(
        person=person, actor=practitioner, in_their_words="Get out more.", areas=["connectedness"]
    )
    assert goal.changed_by_person_at is None  # the practitioner's own change is not marked as the person's
    me, access = signed_in_person(person, practitioner)
    assert "Get out more.</textarea>" in me.get(f"/me/plan/goals/{goal.pk}/").content.decode()
    with time_machine.travel(FROZEN, tick=False):
        response = me.post(
            f"/me/plan/goals/{goal.pk}/",
            {"in_their_words": "Get out every day.", "areas": ["connectedness"], "done": "on"},
        )
    assert response["Location"] == "/me/plan/"
    goal.refresh_from_db()
    assert (goal.in_their_words, goal.achieved_on, goal.changed_by_person_at) == (
        "Get out every day.",
        FROZEN.date(),
        FROZEN,
    )
    changed = AuditEvent.objects.get(object_type="support.RecoveryGoal", action="update")
    assert changed.actor_id == access.account.pk


@pytest.mark.dates
@time_machine.travel(FROZEN, tick=False)
def test_the_person_adds_a_step_and_marks_it_done_then_not_done(practitioner, person):
    goal = add_goal(person=person, actor=practitioner, in_their_words="Swim again.", areas=["hope"])
    me, access = signed_in_person(person, practitioner)
    response = me.post(
        f"/me/plan/goals/{goal.pk}/steps/new/", {"what": "Find the pool's times.", "by_when": ""}
    )
    assert response["Location"] == "/me/plan/"
    step = GoalStep.objects.get(goal=goal)
    assert (step.what, step.who, step.by_when, step.done_on) == (
        "Find the pool's times.",
        "person",
        None,
        None,
    )
    assert me.post(f"/me/plan/steps/{step.pk}/done/")["Location"] == "/me/plan/"
    step.refresh_from_db()
    assert step.done_on == FROZEN.date()
    assert "Done on 15 Jun 2026." in me.get("/me/plan/").content.decode()
    me.post(f"/me/plan/steps/{step.pk}/done/", {"done": "no"})
    step.refresh_from_db()
    assert step.done_on is None
    events = AuditEvent.objects.filter(object_type="support.GoalStep").exclude(action="view").order_by("pk")
    assert [(e.action, e.actor_id) for e in events] == [
        ("create", access.account.pk),
        ("update", access.account.pk),
        ("update", access.account.pk),
    ]
    goal.refresh_from_db()
    assert goal.changed_by_person_at == FROZEN


def test_marking_a_step_done_keeps_who_does_it_and_by_when(practitioner, person):
    goal = add_goal(person=person, actor=practitioner, in_their_words="Swim again.", areas=["hope"])
    by = dt.date.today() + dt.timedelta(days=7)  # noqa: DTZ011 - any day: not compared with the clock
    step = add_step(
        goal=goal,
        actor=practitioner,
        step=StepDetails(what="Ask about a swim buddy.", who="someone_else", who_else="Sam", by_when=by),
    )
    me, _ = signed_in_person(person, practitioner)
    me.post(f"/me/plan/steps/{step.pk}/done/")
    step.refresh_from_db()
    assert (step.who, step.who_else, step.by_when, step.done_on is not None) == (
        "someone_else",
        "Sam",
        by,
        True,
    )


def test_anyone_elses_goal_or_step_answers_the_person_404_and_is_refused_on_the_audit_trail(
    practitioner, person
):
    someone_else = PersonFactory(practitioner=practitioner)
    goal = add_goal(person=someone_else, actor=practitioner, in_their_words="Theirs.", areas=["hope"])
    step = add_step(goal=goal, actor=practitioner, step=StepDetails(what="Their step."))
    me, access = signed_in_person(person, practitioner)
    assert me.get(f"/me/plan/goals/{goal.pk}/").status_code == 404
    assert (
        me.post(f"/me/plan/goals/{goal.pk}/", {"in_their_words": "Mine now", "areas": ["hope"]}).status_code
        == 404
    )
    assert me.post(f"/me/plan/goals/{goal.pk}/steps/new/", {"what": "x"}).status_code == 404
    assert me.post(f"/me/plan/steps/{step.pk}/done/").status_code == 404
    goal.refresh_from_db()
    step.refresh_from_db()
    assert (goal.in_their_words, step.done_on, goal.steps.count()) == ("Theirs.", None, 1)
    refused = AuditEvent.objects.filter(action="denied", actor=access.account).order_by("pk")
    assert [(e.object_type, e.person_id) for e in refused] == [
        ("support.RecoveryGoal", someone_else.pk)
    ] * 3 + [("support.GoalStep", someone_else.pk)]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"in_their_words": "   ", "areas": ["hope"]}, "Write your goal."),
        ({"in_their_words": "Swim.", "areas": []}, "Choose at least one."),
        (
            {"in_their_words": "Swim.", "areas": ["joy"]},
            "Select a valid choice. joy is not one of the available choices.",
        ),
        (
            {"in_their_words": "é<" * 3000, "areas": ["hope"]},
            "Ensure this value has at most 5000 characters (it has 6000).",
        ),
    ],
)
def test_a_goal_that_cannot_be_kept_is_explained_beside_the_field_and_nothing_is_stored(
    practitioner, person, data, message
):
    me, _ = signed_in_person(person, practitioner)
    response = me.post("/me/plan/goals/new/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert RecoveryGoal.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"what": " "}, "Write the step."),
        ({"what": "Swim.", "by_when": "2026-02-30"}, "Enter a valid date."),
        ({"what": "Swim.", "by_when": "9999-12-31"}, "Choose a date in the next two years."),
        ({"what": "Swim.", "by_when": "1999-01-01"}, "Choose a date from the last year or later."),
    ],
)
def test_a_step_that_cannot_be_kept_is_explained_and_nothing_is_stored(practitioner, person, data, message):
    goal = add_goal(person=person, actor=practitioner, in_their_words="Swim again.", areas=["hope"])
    me, _ = signed_in_person(person, practitioner)
    response = me.post(f"/me/plan/goals/{goal.pk}/steps/new/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert GoalStep.objects.count() == 0


def test_what_the_person_writes_comes_back_escaped(practitioner, person):
    me, _ = signed_in_person(person, practitioner)
    me.post("/me/plan/goals/new/", {"in_their_words": "<script>alert(1)</script>", "areas": ["hope"]})
    page = me.get("/me/plan/").content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize("goals", [1, 5])
def test_my_goals_page_takes_the_same_queries_however_many_goals(
    practitioner, person, goals, django_assert_num_queries
):
    for n in range(goals):
        goal = add_goal(person=person, actor=practitioner, in_their_words=f"Goal {n}.", areas=["hope"])
        add_step(goal=goal, actor=practitioner, step=StepDetails(what="A step."))
    me, _ = signed_in_person(person, practitioner)
    me.get("/me/")
    # session, user; online access; the person; audit (lock, last hash, insert); goals; their steps
    with django_assert_num_queries(9):
        me.get("/me/plan/")
    goal = RecoveryGoal.objects.first()
    # session, user; online access; the goal; audit (lock, last hash, insert)
    with django_assert_num_queries(7):
        me.get(f"/me/plan/goals/{goal.pk}/")
