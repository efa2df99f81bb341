"""Reading recovery plans for pages, and moving the old free-text goals into plans (used by migration 0004)."""

from __future__ import annotations

from django.db.models import Prefetch

from sessions.models import GoalStep, Person, RecoveryGoal, RecoveryPlan, SupportSession


def plan_of(person: Person, *, with_reviews: bool = True) -> RecoveryPlan | None:
    """The person's plan with its goals, their steps and the sessions that worked on each, in four queries, and
    its reviews in a fifth (`with_reviews`: the person page shows the goals only)."""
    sessions = SupportSession.objects.order_by("-occurred_at", "-pk").only("pk", "occurred_at", "person_id")
    goals = RecoveryGoal.objects.order_by("achieved_on", "pk").prefetch_related(
        Prefetch("steps", queryset=GoalStep.objects.order_by("done_on", "by_when", "pk")),
        Prefetch("sessions", queryset=sessions),
    )
    plans = RecoveryPlan.objects.filter(person=person).prefetch_related(Prefetch("goals", queryset=goals))
    if with_reviews:
        plans = plans.prefetch_related("reviews__reviewed_by")
    return plans.first()


def goals_of(person: Person) -> list[RecoveryGoal]:
    """The goals a session may say it worked on: the person's goals not yet achieved, oldest first."""
    return list(RecoveryGoal.objects.filter(plan__person=person, achieved_on__isnull=True).order_by("pk"))


def split_goals(text: str) -> list[str]:
    """The old goals box as goals: one per non-empty line, every word kept, in order."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def move_goals_text(person_model: type, plan_model: type, goal_model: type) -> int:
    """Give everyone with text in the old goals box a plan holding those words as goals, then empty the box.

    Takes the models as arguments so that the migration can pass its historical ones. Returns how many people
    were moved. A goal moved this way has no CHIME area until the person and practitioner choose one.
    """
    moved = 0
    for person in person_model.objects.exclude(goals="").only("pk", "goals").iterator():
        plan, _ = plan_model.objects.get_or_create(person_id=person.pk)
        goal_model.objects.bulk_create(
            goal_model(plan=plan, in_their_words=words, areas=[]) for words in split_goals(person.goals)
        )
        person_model.objects.filter(pk=person.pk).update(goals="")
        moved += 1
    return moved


def goals_text(person: Person) -> str:
    """The person's goals as plain text, one a line (what a sharing pack with goals holds)."""
    return "\n".join(
        RecoveryGoal.objects.filter(plan__person=person)
        .order_by("pk")
        .values_list("in_their_words", flat=True)
    )
