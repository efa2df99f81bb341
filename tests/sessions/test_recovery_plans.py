"""A recovery plan: goals in the person's words tied to CHIME areas, steps, reviews, and the sessions that moved
each goal. The services take any actor (the person's own view reuses them); the pages are the practitioner's."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from chime.models import AuditEvent
from sessions import services
from sessions.models import GoalStep, Person, RecoveryGoal, RecoveryPlan
from sessions.plans import move_goals_text, split_goals
from tests.factories import PersonFactory, SupportSessionFactory

FROZEN = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)


def _goal(person, practitioner, words="Get back to swimming.", areas=("empowerment",)):
    return services.add_goal(person=person, actor=practitioner, in_their_words=words, areas=list(areas))


def test_adding_a_goal_makes_the_plan_and_audits_it(person, practitioner):
    step = services.StepDetails(what="Find the pool's times.", who=GoalStep.Who.PERSON)
    goal = services.add_goal(
        person=person,
        actor=practitioner,
        in_their_words="  Get back to swimming.  ",
        areas=["empowerment", "meaning"],
        steps=[step],
    )
    assert goal.plan.person == person and goal.in_their_words == "Get back to swimming."
    assert goal.area_names() == ["Empowerment", "Meaning in life"]
    assert [s.what for s in goal.steps.all()] == ["Find the pool's times."]
    event = AuditEvent.objects.get(action=AuditEvent.Action.CREATE, object_id=str(goal.pk))
    assert (event.person_id, event.actor_id) == (person.pk, practitioner.pk)


def test_a_goal_needs_words_and_an_area(person, practitioner):
    with pytest.raises(services.PlanError) as no_words:
        services.add_goal(person=person, actor=practitioner, in_their_words="  ", areas=["hope"])
    with pytest.raises(services.PlanError) as no_area:
        services.add_goal(person=person, actor=practitioner, in_their_words="Sleep better.", areas=[])
    assert (no_words.value.code, no_area.value.code) == ("no_words", "no_area")
    assert not RecoveryGoal.objects.exists()


def test_a_step_for_someone_else_must_name_them(person, practitioner):
    goal = _goal(person, practitioner)
    with pytest.raises(services.PlanError) as refused:
        services.add_step(
            goal=goal, actor=practitioner, step=services.StepDetails(what="Lift", who="someone_else")
        )
    assert refused.value.code == "no_one_named"
    step = services.add_step(
        goal=goal,
        actor=practitioner,
        step=services.StepDetails(what="Lift", who="someone_else", who_else="Pat"),
    )
    assert step.who_text == "Pat"


def test_marking_a_step_done_changes_only_that(person, practitioner):
    goal = _goal(person, practitioner)
    step = services.add_step(goal=goal, actor=practitioner, step=services.StepDetails(what="Buy goggles"))
    done = services.StepDetails(what="Buy goggles", done_on=dt.date(2026, 3, 1))
    assert services.change_step(step=step, actor=practitioner, details=done) is True
    assert services.change_step(step=step, actor=practitioner, details=done) is False
    step.refresh_from_db()
    assert step.done_on == dt.date(2026, 3, 1)


@pytest.mark.dates
@time_machine.travel(FROZEN, tick=False)
def test_a_review_records_what_changed_and_sets_the_next_date(person, practitioner):
    services.set_review_date(person=person, actor=practitioner, review_on=dt.date(2026, 3, 10))
    assert RecoveryPlan.objects.review_due().count() == 1
    review = services.review_plan(
        person=person,
        actor=practitioner,
        what_changed="Swam twice.",
        what_next="Join the club.",
        next_review_on=dt.date(2026, 6, 10),
    )
    assert (review.reviewed_on, review.reviewed_by) == (dt.date(2026, 3, 10), practitioner)
    assert RecoveryPlan.objects.get(person=person).review_on == dt.date(2026, 6, 10)
    assert RecoveryPlan.objects.review_due().count() == 0


@pytest.mark.dates
@time_machine.travel(FROZEN, tick=False)
def test_a_review_refuses_a_next_date_that_has_passed(person, practitioner):
    with pytest.raises(services.PlanError) as refused:
        services.review_plan(
            person=person,
            actor=practitioner,
            what_changed="x",
            what_next="",
            next_review_on=dt.date(2026, 3, 10),
        )
    assert refused.value.code == "next_review_passed"


def test_a_session_says_which_goals_it_worked_on_and_the_goal_lists_it(client, person, practitioner):
    goal = _goal(person, practitioner)
    client.force_login(practitioner)
    response = client.post(
        f"/people/{person.pk}/sessions/new/",
        {
            "occurred_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
            "duration_minutes": 45,
            "mode": "in_person",
            "hope_note": "Talked about the pool.",
            "goals": [goal.pk],
            "submission_key": "7b1f1e8e-8f5e-4a44-9f55-0c1d8f3c2a11",
        },
    )
    assert response.status_code == 302
    session = person.sessions.get()
    assert list(goal.sessions.all()) == [session]
    plan_page = client.get(f"/people/{person.pk}/plan/").content.decode()
    assert "Worked on in 1 session" in plan_page and f"/sessions/{session.pk}/" in plan_page


def test_a_session_cannot_name_another_persons_goal(client, person, practitioner):
    other = PersonFactory(practitioner=practitioner)
    theirs = _goal(other, practitioner)
    _goal(person, practitioner)
    client.force_login(practitioner)
    response = client.post(
        f"/people/{person.pk}/sessions/new/",
        {
            "occurred_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
            "duration_minutes": 45,
            "mode": "in_person",
            "hope_note": "Talked.",
            "goals": [theirs.pk],
            "submission_key": "7b1f1e8e-8f5e-4a44-9f55-0c1d8f3c2a12",
        },
    )
    assert response.status_code == 200
    assert "is not one of the available choices" in response.content.decode()
    assert not person.sessions.exists()


def test_the_service_refuses_another_persons_goal(person, practitioner):
    other = PersonFactory(practitioner=practitioner)
    theirs = _goal(other, practitioner)
    session = SupportSessionFactory(person=person)
    with pytest.raises(services.SessionError) as refused:
        services.edit_session(
            session=session, editor=practitioner, details=_details(session), areas=_areas(), goals=[theirs]
        )
    assert refused.value.code == "not_their_goal"


def _details(session):
    return services.SessionDetails(
        occurred_at=session.occurred_at, duration_minutes=session.duration_minutes, mode=session.mode
    )


def _areas():
    return [services.AreaEntry(area="hope", note="Talked.")]


def test_the_practitioner_builds_a_plan_through_the_pages(client, person, practitioner):
    client.force_login(practitioner)
    response = client.post(
        f"/people/{person.pk}/plan/goals/new/",
        {
            "in_their_words": "Cook for friends.",
            "areas": ["connectedness"],
            "what": "Pick a recipe",
            "who": "person",
        },
    )
    assert response.status_code == 302
    goal = RecoveryGoal.objects.get()
    assert [s.what for s in goal.steps.all()] == ["Pick a recipe"]
    client.post(f"/goals/{goal.pk}/steps/new/", {"what": "Invite Jo", "who": "person"})
    step = goal.steps.get(what="Invite Jo")
    client.post(
        f"/steps/{step.pk}/edit/",
        {"what": "Invite Jo", "who": "person", "done_on": timezone.localdate().isoformat()},
    )
    step.refresh_from_db()
    assert step.done_on == timezone.localdate()
    html = client.get(f"/people/{person.pk}/").content.decode()
    assert "Cook for friends." in html and "Invite Jo" in html


def test_a_goal_form_with_no_area_says_so_and_stores_nothing(client, person, practitioner):
    client.force_login(practitioner)
    response = client.post(f"/people/{person.pk}/plan/goals/new/", {"in_their_words": "Sleep better."})
    assert response.status_code == 200
    assert "Choose at least one CHIME area the goal is about." in response.content.decode()
    assert not RecoveryGoal.objects.exists()


@pytest.mark.dates
@time_machine.travel(FROZEN, tick=False)
def test_the_caseload_shows_plans_due_for_review_and_links_to_the_list(client, person, practitioner):
    later = PersonFactory(practitioner=practitioner)
    services.set_review_date(person=person, actor=practitioner, review_on=dt.date(2026, 3, 1))
    services.set_review_date(person=later, actor=practitioner, review_on=dt.date(2026, 4, 1))
    client.force_login(practitioner)
    html = client.get("/").content.decode()
    assert "1 recovery plan due for review" in html and 'href="/?plan=review_due"' in html
    listed = client.get("/?plan=review_due").context["caseload"]
    assert [p.pk for p in listed] == [person.pk]


@pytest.mark.dates
@time_machine.travel(FROZEN, tick=False)
def test_the_team_dashboard_counts_plans_due_for_review(client, person, practitioner, supervisor):
    services.set_review_date(person=person, actor=practitioner, review_on=dt.date(2026, 3, 1))
    client.force_login(supervisor)
    response = client.get("/team/")
    assert [row.plan_reviews_due for row in response.context["rows"]] == [1]
    assert f'href="/team/{practitioner.pk}/?plan=review_due"' in response.content.decode()
    listed = client.get(f"/team/{practitioner.pk}/?plan=review_due").context["caseload"]
    assert [p.pk for p in listed] == [person.pk]


def test_the_plan_page_pins_its_queries(client, person, practitioner, django_assert_num_queries):
    for n in range(3):
        goal = _goal(person, practitioner, words=f"Goal {n}")
        services.add_step(goal=goal, actor=practitioner, step=services.StepDetails(what=f"Step {n}"))
        goal.sessions.add(SupportSessionFactory(person=person))
    client.force_login(practitioner)
    # session, user, person, audit (lock, last hash, insert), unread notifications, the plan, its goals, their
    # steps, their sessions, its reviews (with who reviewed)
    with django_assert_num_queries(12):
        client.get(f"/people/{person.pk}/plan/")
    goal = _goal(person, practitioner, words="One more")
    goal.sessions.add(SupportSessionFactory(person=person))
    with django_assert_num_queries(12):
        client.get(f"/people/{person.pk}/plan/")


def test_the_person_page_with_a_plan_pins_its_queries(
    client, person, practitioner, django_assert_num_queries
):
    for n in range(3):
        goal = _goal(person, practitioner, words=f"Goal {n}")
        goal.sessions.add(SupportSessionFactory(person=person))
    client.force_login(practitioner)
    # the 19 of the page without a plan, then the plan's goals, their steps, their sessions (not its reviews: the
    # person page shows the goals only)
    with django_assert_num_queries(22):
        client.get(f"/people/{person.pk}/")


# ---- The data migration ----------------------------------------------------------------------------------------


def test_splitting_the_old_goals_keeps_every_word_in_order():
    text = "Get out more.\n\n  - Learn to drive, maybe  \r\nSee my sister at Christmas"
    goals = split_goals(text)
    assert goals == ["Get out more.", "- Learn to drive, maybe", "See my sister at Christmas"]
    assert " ".join(goals).split() == text.split()


def test_the_migration_moves_every_word_into_the_plan_and_empties_the_old_box(practitioner):
    words = "Get out more.\nRing Mum on Sundays (she likes that)\n\n  Walk the dog"
    moved = PersonFactory(practitioner=practitioner, goals=words)
    empty = PersonFactory(practitioner=practitioner, goals="")
    assert move_goals_text(Person, RecoveryPlan, RecoveryGoal) == 1
    goals = list(RecoveryGoal.objects.filter(plan__person=moved).order_by("pk"))
    assert [g.in_their_words for g in goals] == [
        "Get out more.",
        "Ring Mum on Sundays (she likes that)",
        "Walk the dog",
    ]
    assert " ".join(g.in_their_words for g in goals).split() == words.split()
    assert all(g.areas == [] for g in goals)
    assert Person.objects.get(pk=moved.pk).goals == ""
    assert not RecoveryPlan.objects.filter(person=empty).exists()
    assert move_goals_text(Person, RecoveryPlan, RecoveryGoal) == 0  # running again adds nothing
