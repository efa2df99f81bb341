"""People supported, their caseload assignments, and the support sessions logged with them."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from chime.framework import RATING_CHOICES, AreaChoices

if TYPE_CHECKING:
    from chime.models import User


class PersonQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> PersonQuerySet:
        """People whose records this user may read: their own caseload, and their supervisees' caseloads."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        from ethics.models import EmergencyAccess

        mine = Q(practitioner=user) if user.is_practitioner else Q(pk__in=[])
        supervised = Q(practitioner__supervisor=user) if user.is_supervisor else Q(pk__in=[])
        # A declared emergency opens one person's record to its declarer until it expires (ethics.services.emergency).
        emergency = Q(pk__in=EmergencyAccess.objects.active_for(user).values("person_id"))
        return self.filter(mine | supervised | emergency)

    def for_caseload(self) -> PersonQuerySet:
        """What the caseload page shows: last session, the follow-up it set, and whether it is overdue."""
        latest = SupportSession.objects.filter(person=OuterRef("pk")).order_by("-occurred_at", "-pk")
        today = timezone.localdate()
        return (
            self.filter(support_ended__isnull=True)
            .select_related("practitioner")
            .annotate(
                last_session_at=Subquery(latest.values("occurred_at")[:1]),
                next_follow_up=Subquery(latest.values("follow_up_on")[:1]),
            )
            .annotate(follow_up_overdue=Q(next_follow_up__lt=today))
            .order_by(models.F("next_follow_up").asc(nulls_last=True), "preferred_name", "pk")
        )


# The details a person's record holds (in their own words), as forms edit them and subject access reports them.
PERSON_FIELDS = [
    "preferred_name",
    "pronouns",
    "phone",
    "email",
    "what_matters",
    "goals",
    "strengths",
    "support_started",
    "support_ended",
    "route",
    "referred_by",
    "chose_to_take_part",
]


class Person(models.Model):
    """Someone the organisation supports, described in their own words. No diagnosis, no labels."""

    class Route(models.TextChoices):
        SELF = "self", "Self-referred"
        REFERRED = "referred", "Referred by someone else"

    preferred_name = models.CharField("name they want to be called", max_length=120)
    pronouns = models.CharField(max_length=40, blank=True)
    phone = models.CharField("phone number", max_length=40, blank=True)
    email = models.EmailField("email address", blank=True)
    what_matters = models.TextField("what matters to them", blank=True, help_text="In their own words.")
    goals = models.TextField("their goals", blank=True, help_text="In their own words.")
    strengths = models.TextField("their strengths", blank=True, help_text="What's strong, not what's wrong.")
    support_started = models.DateField("support started", default=timezone.localdate)
    support_ended = models.DateField("support ended", null=True, blank=True)
    route = models.CharField("how they came to us", max_length=20, choices=Route.choices, default=Route.SELF)
    referred_by = models.CharField(
        "referred by", max_length=200, blank=True, help_text="Who referred them, if someone did."
    )
    chose_to_take_part = models.BooleanField(
        "they chose to take part",
        default=False,
        help_text="Peer support is voluntary: the person has said they want it.",
    )
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="caseload",
        limit_choices_to={"is_practitioner": True},
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    erased_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When an erasure or retention rule anonymised this record.",
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "people"
        ordering = ["preferred_name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(support_ended__isnull=True) | Q(support_ended__gte=models.F("support_started")),
                name="person_support_ends_after_it_starts",
            ),
            models.CheckConstraint(condition=Q(chose_to_take_part=True), name="person_chose_to_take_part"),
        ]
        indexes = [models.Index(fields=["practitioner", "preferred_name"], name="person_caseload_idx")]
        triggers = [pgtrigger.Protect(name="people_are_never_hard_deleted", operation=pgtrigger.Delete)]

    def __str__(self) -> str:
        return self.preferred_name


class CaseloadAssignment(models.Model):
    """Who supported a person, from when to when. The open row (ended_at is null) is the current one."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="assignments")
    practitioner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(ended_at__isnull=True),
                name="one_current_assignment_per_person",
            )
        ]
        triggers = [pgtrigger.Protect(name="assignments_are_never_deleted", operation=pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"{self.practitioner} supporting {self.person} from {self.started_at:%d %b %Y}"


class SupportSessionQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> SupportSessionQuerySet:
        return self.filter(person__in=Person.objects.visible_to(user))

    def for_timeline(self) -> SupportSessionQuerySet:
        return self.select_related("practitioner").prefetch_related("areas").order_by("-occurred_at", "-pk")

    def for_review_queue(self) -> SupportSessionQuerySet:
        return (
            self.select_related("person", "review").prefetch_related("areas").order_by("-occurred_at", "-pk")
        )


class SupportSession(models.Model):
    class Mode(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        PHONE = "phone", "Phone"
        VIDEO = "video", "Video call"
        GROUP = "group", "Group"
        WALK_AND_TALK = "walk_and_talk", "Walk and talk"
        OTHER = "other", "Other"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="sessions")
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="sessions_logged",
        verbose_name="logged by",
    )
    occurred_at = models.DateTimeField("when")
    duration_minutes = models.PositiveSmallIntegerField("how long (minutes)")
    mode = models.CharField("how", max_length=20, choices=Mode.choices, default=Mode.IN_PERSON)
    location = models.CharField("where", max_length=200, blank=True)
    next_steps = models.TextField("what they want to do next", blank=True)
    follow_up_on = models.DateField("follow-up date", null=True, blank=True)
    signposted_to = models.CharField("signposted to", max_length=300, blank=True)
    signposting_notes = models.TextField("signposting notes", blank=True)
    submission_key = models.UUIDField(unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SupportSessionQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1) & Q(duration_minutes__lte=24 * 60),
                name="session_duration_within_a_day",
            )
        ]
        indexes = [
            models.Index(fields=["person", "-occurred_at"], name="session_person_timeline_idx"),
            models.Index(fields=["practitioner", "-occurred_at"], name="session_practitioner_idx"),
        ]
        triggers = [pgtrigger.Protect(name="sessions_are_never_hard_deleted", operation=pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"Session on {timezone.localtime(self.occurred_at):%d %b %Y}"

    @property
    def occurred_on(self) -> dt.date:
        return timezone.localdate(self.occurred_at)


class SessionArea(models.Model):
    """One CHIME area a session touched, with a short note and, if the person chose to give one, their rating."""

    session = models.ForeignKey(SupportSession, on_delete=models.CASCADE, related_name="areas")
    area = models.CharField(max_length=20, choices=AreaChoices.choices)
    note = models.TextField()
    rating = models.PositiveSmallIntegerField(
        "their own rating today", null=True, blank=True, choices=RATING_CHOICES
    )

    class Meta:
        ordering = ["session", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "area"], name="one_note_per_area_per_session"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | (Q(rating__gte=1) & Q(rating__lte=5)),
                name="rating_between_1_and_5",
            ),
            models.CheckConstraint(condition=~Q(note=""), name="area_note_not_blank"),
        ]

    def __str__(self) -> str:
        return self.get_area_display()


# Every edit keeps the earlier version: the row as it was before each update (and each added or removed area),
# with the request's user attached by pghistory's middleware. The version tables are append-only.
SupportSessionVersion = pghistory.create_event_model(
    SupportSession,
    pghistory.UpdateEvent("before_edit", row=pghistory.Old),
    exclude=["updated_at"],
    append_only=True,
    model_name="SupportSessionVersion",
    abstract=False,
)
SessionAreaVersion = pghistory.create_event_model(
    SessionArea,
    pghistory.InsertEvent("area_added"),
    pghistory.UpdateEvent("before_edit", row=pghistory.Old),
    pghistory.DeleteEvent("area_removed"),
    append_only=True,
    model_name="SessionAreaVersion",
    abstract=False,
)
PersonVersion = pghistory.create_event_model(
    Person,
    pghistory.UpdateEvent("before_edit", row=pghistory.Old),
    exclude=["updated_at"],
    append_only=True,
    model_name="PersonVersion",
    abstract=False,
)


# ---- Supervision: reviews of sessions, and supervision meetings -------------------------------------------------


class SessionReviewQuerySet(models.QuerySet):
    def addressed_to(self, practitioner: User) -> SessionReviewQuerySet:
        """Feedback with a comment on sessions this practitioner logged, with people they may still see.

        Feedback goes with the person's record: once a person moves to another practitioner, the comments on
        their sessions (which may quote the notes) are read on those sessions' pages by whoever holds the record
        now, and leave the old practitioner's feedback page and new-feedback count altogether.
        """
        return self.filter(
            session__practitioner=practitioner, session__person__in=Person.objects.visible_to(practitioner)
        ).exclude(comment="")

    def new_feedback_for(self, practitioner: User) -> SessionReviewQuerySet:
        """Feedback the practitioner has not opened yet (see `addressed_to`)."""
        return self.addressed_to(practitioner).filter(seen_at__isnull=True)

    def for_feedback_page(self, practitioner: User) -> SessionReviewQuerySet:
        return (
            self.addressed_to(practitioner)
            .select_related("session", "session__person", "reviewer")
            .order_by("-reviewed_at", "-pk")
        )


class SessionReview(models.Model):
    """A supervisor has read a session, and may have left the practitioner a comment on it."""

    session = models.OneToOneField(SupportSession, on_delete=models.PROTECT, related_name="review")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(default=timezone.now)
    comment = models.TextField("feedback for the practitioner", blank=True)
    seen_at = models.DateTimeField("practitioner opened the feedback", null=True, blank=True)

    objects = SessionReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-reviewed_at", "-pk"]
        indexes = [models.Index(fields=["reviewer", "-reviewed_at"], name="review_reviewer_idx")]

    def __str__(self) -> str:
        return f"Review of {self.session}"


class SupervisionRecordQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> SupervisionRecordQuerySet:
        """Only the two people in the meeting ever see its record."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(Q(supervisor=user) | Q(practitioner=user))

    def for_list(self) -> SupervisionRecordQuerySet:
        return self.select_related("supervisor", "practitioner").order_by("-met_on", "-pk")


class SupervisionRecord(models.Model):
    """A supervision meeting between a supervisor and a practitioner. Never shown on a person's record."""

    class Wellbeing(models.TextChoices):
        WELL = "well", "Doing well"
        OKAY = "okay", "Getting by"
        STRETCHED = "stretched", "Feeling stretched"
        STRUGGLING = "struggling", "Struggling: needs more support"

    supervisor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="supervision_records"
    )
    met_on = models.DateField("date of the meeting", default=timezone.localdate)
    people_discussed = models.ManyToManyField(Person, blank=True, related_name="+")
    agreed_actions = models.TextField("agreed actions", blank=True)
    wellbeing = models.CharField(
        "how the practitioner is doing", max_length=20, choices=Wellbeing.choices, default=Wellbeing.OKAY
    )
    wellbeing_notes = models.TextField("about their own wellbeing", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SupervisionRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-met_on", "-pk"]
        indexes = [
            models.Index(fields=["practitioner", "-met_on"], name="supervision_practitioner_idx"),
            models.Index(fields=["supervisor", "-met_on"], name="supervision_supervisor_idx"),
        ]

    def __str__(self) -> str:
        return f"Supervision on {self.met_on:%d %b %Y}"
