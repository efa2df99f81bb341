"""People supported, their caseload assignments, and the support sessions logged with them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

import pghistory
import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import CharField, Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Concat
from django.utils import formats, timezone

from chime import access, personal_data
from chime.framework import AREAS_BY_CODE, RATING_CHOICES, AreaChoices
from chime.personal_data import (
    CONTENT_FREE,
    ERASED,
    FREE_TEXT,
    IDENTIFYING,
    ORGANISATION,
    REFERENCE,
    STAFF,
    TECHNICAL,
)
from sessions import hooks, rollup_triggers
from sessions.service_kinds import ServiceKind

if TYPE_CHECKING:
    from chime.models import User


def _area_name(code: str) -> str:
    """An area's name from its code (a code no longer in the framework is shown as it is)."""
    area = AREAS_BY_CODE.get(code)
    return area.name if area else code


class PersonQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> PersonQuerySet:
        """People whose records this user may read: their own caseload, and their supervisees' caseloads."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        mine = Q(practitioner=user) if user.is_practitioner else Q(pk__in=[])
        supervised = Q(practitioner__supervisor=user) if user.is_supervisor else Q(pk__in=[])
        # Apps built on this one may open more (ethics: a declared emergency opens one person's record to its
        # declarer until it expires). They register the rule; this module never imports them.
        return self.filter(mine | supervised | access.extra_visibility(Person._meta.label, user))

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
                plan_review_on=models.F("plan__review_on"),
            )
            .annotate(
                follow_up_overdue=Q(next_follow_up__lt=today), plan_review_due=Q(plan_review_on__lte=today)
            )
            .order_by(models.F("next_follow_up").asc(nulls_last=True), "preferred_name", "pk")
        )

    def with_flags(self, user: User) -> PersonQuerySet:
        """What needs attention for each person, as annotations of this one query (Person.flags reads them):
        new feedback on their sessions the practitioner has not opened, and what consent and safeguarding add
        (an open concern, a consent ending soon) through sessions.hooks."""
        unread = SessionReview.objects.filter(
            session__person=OuterRef("pk"),
            session__practitioner=OuterRef("practitioner"),
            seen_at__isnull=True,
        ).exclude(comment="")
        flagged = NoteFlag.objects.open().filter(session__person=OuterRef("pk"))
        return self.annotate(
            new_feedback=Exists(unread), open_note_flag=Exists(flagged), **hooks.caseload_flags(user)
        )


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
    # Goals now live in the recovery plan (RecoveryGoal); migration 0004 moved every word there. Kept, not edited.
    goals = models.TextField("their goals (before recovery plans)", blank=True, editable=False)
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

    @property
    def flags(self) -> list[Flag]:
        """What needs attention, in words (colour only repeats them): read from `with_flags` and `for_caseload`."""
        flags = []
        if getattr(self, "open_concern", False):
            flags.append(Flag("concern", "Open safeguarding concern"))
        if getattr(self, "follow_up_overdue", False):
            flags.append(Flag("overdue", "Follow-up overdue"))
        ends_on = getattr(self, "consent_ends_on", None)
        if ends_on is not None:
            flags.append(Flag("consent", f"Consent ends {formats.date_format(ends_on)}"))
        if getattr(self, "new_feedback", False):
            flags.append(Flag("feedback", "New feedback"))
        if getattr(self, "open_note_flag", False):
            flags.append(Flag("note-flag", "Open flag on a note"))
        return flags

    @property
    def support_started_at(self) -> dt.datetime:
        """The moment support started: the start of the `support_started` day, where the first assignment begins."""
        return start_of_day(self.support_started)


@dataclass(frozen=True)
class Flag:
    kind: str
    words: str


def start_of_day(day: dt.date) -> dt.datetime:
    """Midnight at the start of `day`, in the organisation's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


personal_data.declare(
    Person,
    person="self",
    title="Their details",
    fields={
        "id": TECHNICAL,
        "preferred_name": IDENTIFYING.anonymise(
            Concat(Value("Erased person "), Cast("id", CharField())), shown_as="Erased person <id>"
        ),
        "pronouns": IDENTIFYING.remove(),
        "phone": IDENTIFYING.remove(),
        "email": IDENTIFYING.remove(),
        "what_matters": FREE_TEXT.remove(),
        "goals": FREE_TEXT.remove(),
        "strengths": FREE_TEXT.remove(),
        "support_started": CONTENT_FREE,
        "support_ended": CONTENT_FREE,
        "route": CONTENT_FREE,
        "referred_by": IDENTIFYING.remove(),
        "chose_to_take_part": CONTENT_FREE,
        "practitioner": REFERENCE,
        "created_at": CONTENT_FREE,
        "updated_at": CONTENT_FREE,
        "erased_at": CONTENT_FREE,
    },
)

# The details a person's record holds, as forms edit them: every editable field the map declares for a person.
PERSON_FIELDS = personal_data.editable_fields(Person)


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


personal_data.declare(
    CaseloadAssignment,
    person="person",
    title="Who has supported them",
    fields={
        "id": TECHNICAL,
        "person": REFERENCE,
        "practitioner": REFERENCE,
        "started_at": CONTENT_FREE,
        "ended_at": CONTENT_FREE,
        "assigned_by": REFERENCE,
        "reason": FREE_TEXT.remove(),
    },
)


class SupportSessionQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> SupportSessionQuerySet:
        return self.filter(person__in=Person.objects.visible_to(user))

    def for_timeline(self) -> SupportSessionQuerySet:
        return (
            self.select_related("practitioner")
            .prefetch_related("areas", "signposted_services")
            .order_by("-occurred_at", "-pk")
        )

    def with_their_voice(self) -> SupportSessionQuerySet:
        """The person's own words on each session (joined, so they can sit beside the note), whether they added
        any, and whether they flagged its note and the flag is still open (sessions.own_words), in the same query."""
        return self.select_related("own_words").annotate(
            has_own_words=Exists(OwnWords.objects.filter(session=OuterRef("pk"))),
            open_note_flag=Exists(NoteFlag.objects.open().filter(session=OuterRef("pk"))),
        )

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
    signposted_to = models.CharField("signposted somewhere else", max_length=300, blank=True)
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
        triggers = [
            pgtrigger.Protect(name="sessions_are_never_hard_deleted", operation=pgtrigger.Delete),
            *rollup_triggers.on_sessions(),
            *rollup_triggers.history_on_sessions(),
        ]

    def __str__(self) -> str:
        return f"Session on {timezone.localtime(self.occurred_at):%d %b %Y}"

    @property
    def occurred_on(self) -> dt.date:
        return timezone.localdate(self.occurred_at)


personal_data.declare(
    SupportSession,
    person="person",
    held_with="concerns",
    fields={
        "id": TECHNICAL,
        "person": REFERENCE,
        "practitioner": REFERENCE,
        "occurred_at": CONTENT_FREE,
        "duration_minutes": CONTENT_FREE,
        "mode": CONTENT_FREE,
        "location": IDENTIFYING.remove(),
        "next_steps": FREE_TEXT.remove(),
        "follow_up_on": CONTENT_FREE,
        "signposted_to": FREE_TEXT.remove(),
        "signposting_notes": FREE_TEXT.remove(),
        "submission_key": TECHNICAL,
        "created_at": CONTENT_FREE,
        "updated_at": CONTENT_FREE,
    },
)


class View(models.TextChoices):
    """Whose view a CHIME rating or a measure is: it changes what the figure means, so it is kept with it."""

    OWN = "own", "Their own view"
    AGREED = "agreed", "Agreed together"
    PRACTITIONER = "practitioner", "The practitioner's view"


class SessionArea(models.Model):
    """One CHIME area a session touched, with a short note and, if the person chose to give one, their rating."""

    session = models.ForeignKey(SupportSession, on_delete=models.CASCADE, related_name="areas")
    area = models.CharField(max_length=20, choices=AreaChoices.choices)
    note = models.TextField()
    rating = models.PositiveSmallIntegerField(
        "their own rating today", null=True, blank=True, choices=RATING_CHOICES
    )
    rating_view = models.CharField(
        "whose view the rating is", max_length=20, choices=View.choices, default=View.OWN, db_default=View.OWN
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
        triggers = [*rollup_triggers.on_areas(), *rollup_triggers.history_on_areas()]

    def __str__(self) -> str:
        return self.get_area_display()


personal_data.declare(
    SessionArea,
    person="session__person",
    held_with="session__concerns",
    title="What each session covered",
    fields={
        "id": TECHNICAL,
        "session": REFERENCE,
        "area": CONTENT_FREE,
        "note": FREE_TEXT.anonymise(ERASED),  # a note is never blank (area_note_not_blank)
        "rating": CONTENT_FREE,
        "rating_view": CONTENT_FREE,
    },
)


class SessionCounts(models.Model):
    """One person's sessions in one period, counted for the commissioners' report: how many, their minutes, how
    many signposted, and how many touched each CHIME area; and the group meetings they were named on the register of.

    Kept by database triggers on sessions, their area notes and signposts, and group registers and meetings
    (sessions/rollup_triggers.py), never written by the app; `manage.py rebuild_report_rollups` recounts them and
    proves them equal. Keyed by person, so the report can still count different people and apply the consent filter
    for reporting at the time it runs."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    sessions = models.IntegerField(default=0)
    minutes = models.IntegerField(default=0)
    signposted = models.IntegerField("sessions with signposting", default=0)
    connectedness = models.IntegerField("sessions touching connectedness", default=0)
    hope = models.IntegerField("sessions touching hope", default=0)
    identity = models.IntegerField("sessions touching identity", default=0)
    meaning = models.IntegerField("sessions touching meaning", default=0)
    empowerment = models.IntegerField("sessions touching empowerment", default=0)
    # Sessions signposted to each kind of service (rollup_triggers.KIND_COLUMNS), and to somewhere typed in.
    to_housing = models.IntegerField("sessions signposted to housing", default=0)
    to_money = models.IntegerField("sessions signposted to money and debt", default=0)
    to_mental_health = models.IntegerField("sessions signposted to mental health", default=0)
    to_drug_and_alcohol = models.IntegerField("sessions signposted to drug and alcohol", default=0)
    to_employment = models.IntegerField("sessions signposted to employment and learning", default=0)
    to_peer_and_community = models.IntegerField("sessions signposted to peer and community groups", default=0)
    to_physical_health = models.IntegerField("sessions signposted to physical health", default=0)
    to_legal = models.IntegerField("sessions signposted to legal", default=0)
    to_crisis = models.IntegerField("sessions signposted to crisis", default=0)
    to_other = models.IntegerField("sessions signposted to other services", default=0)
    to_typed = models.IntegerField("sessions signposted somewhere typed in", default=0)
    attended = models.IntegerField("group meetings named on the register of", default=0)

    class Meta:
        abstract = True


class SessionYear(SessionCounts):
    """A person's sessions in one calendar year (the organisation's time zone): the report's whole years."""

    year = models.DateField("year (its first day)")

    class Meta:
        db_table = rollup_triggers.YEAR_TABLE
        triggers = rollup_triggers.blocks_kept_by(rollup_triggers.YEAR_TABLE)
        constraints = [models.UniqueConstraint(fields=["person", "year"], name="one_rollup_per_person_year")]
        indexes = [models.Index(fields=["year", "person"], name="rollup_year_idx")]

    def __str__(self) -> str:
        return f"Sessions in {self.year.year}"


class SessionQuarter(SessionCounts):
    """A person's sessions in one calendar quarter (the organisation's time zone): the report's whole quarters."""

    quarter = models.DateField("quarter (its first day)")

    class Meta:
        db_table = rollup_triggers.QUARTER_TABLE
        triggers = rollup_triggers.blocks_kept_by(rollup_triggers.QUARTER_TABLE)
        constraints = [
            models.UniqueConstraint(fields=["person", "quarter"], name="one_rollup_per_person_quarter")
        ]
        indexes = [models.Index(fields=["quarter", "person"], name="rollup_quarter_idx")]

    def __str__(self) -> str:
        return f"Sessions in the quarter from {formats.date_format(self.quarter, 'F Y')}"


class SessionMonth(SessionCounts):
    """A person's sessions in one calendar month (the organisation's time zone): the report's whole months."""

    month = models.DateField("month (its first day)")

    class Meta:
        db_table = rollup_triggers.MONTH_TABLE
        triggers = rollup_triggers.blocks_kept_by(rollup_triggers.MONTH_TABLE)
        constraints = [
            models.UniqueConstraint(fields=["person", "month"], name="one_rollup_per_person_month")
        ]
        indexes = [models.Index(fields=["month", "person"], name="rollup_month_idx")]

    def __str__(self) -> str:
        return f"Sessions in {self.month:%B %Y}"


class SessionDay(SessionCounts):
    """A person's sessions on one day (the organisation's time zone): the part months at a report's edges."""

    day = models.DateField()

    class Meta:
        db_table = rollup_triggers.DAY_TABLE
        triggers = rollup_triggers.blocks_kept_by(rollup_triggers.DAY_TABLE)
        constraints = [models.UniqueConstraint(fields=["person", "day"], name="one_rollup_per_person_day")]
        indexes = [models.Index(fields=["day", "person"], name="rollup_day_idx")]

    def __str__(self) -> str:
        return f"Sessions on {self.day:%d %B %Y}"


ROLLUP_FIELDS = {
    "id": TECHNICAL,
    "person": REFERENCE,
    **dict.fromkeys(rollup_triggers.COUNTS, CONTENT_FREE),
}
personal_data.declare(
    SessionYear,
    person="person",
    title="Yearly counts for the commissioners' report",
    note="Counts of their sessions per year (no words); anonymised and suppressed below 5 in any report.",
    fields={**ROLLUP_FIELDS, "year": CONTENT_FREE},
)
personal_data.declare(
    SessionQuarter,
    person="person",
    title="Quarterly counts for the commissioners' report",
    note="Counts of their sessions per quarter (no words); anonymised and suppressed below 5 in any report.",
    fields={**ROLLUP_FIELDS, "quarter": CONTENT_FREE},
)
personal_data.declare(
    SessionMonth,
    person="person",
    title="Monthly counts for the commissioners' report",
    note="Counts of their sessions per month (no words); anonymised and suppressed below 5 in any report.",
    fields={**ROLLUP_FIELDS, "month": CONTENT_FREE},
)
personal_data.declare(
    SessionDay,
    person="person",
    title="Daily counts for the commissioners' report",
    note="Counts of their sessions per day (no words); anonymised and suppressed below 5 in any report.",
    fields={**ROLLUP_FIELDS, "day": CONTENT_FREE},
)


class Bits(models.Field):
    """A PostgreSQL bit string of a fixed length (`bit(length)`), read as a string of 0s and 1s."""

    def __init__(self, *args, length: int, **kwargs) -> None:
        self.length = length
        super().__init__(*args, **kwargs)

    def db_type(self, connection) -> str:
        return f"bit({self.length})"

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        return name, path, args, {**kwargs, "length": self.length}


class PeopleBlock(models.Model):
    """One period block (a year, quarter, month or day in the roll-ups) for one part of the people and one chunk of
    them (`rollup_triggers.CHUNK_BITS`): the roll-ups' counts summed, and for each count the people with more than
    none, as a bitmap. A report's range is the blocks it holds whole, nothing taken away, so its different people
    are the bitmaps ORed and their bits counted, with no row read per person (`rollups.session_figures_by_part`).

    Kept by database triggers on the roll-up tables (sessions/rollup_triggers.py `blocks_kept_by`), never written by
    the app; `manage.py rebuild_report_rollups` proves them equal to the roll-ups. Totals and bit positions only: no
    one is named."""

    level = models.CharField(
        max_length=7, choices=[(key, key) for key, _ in rollup_triggers.ROLLUPS.values()]
    )
    block = models.DateField("first day")
    part = models.SmallIntegerField(
        help_text="The people whose id leaves this remainder, divided by the parts."
    )
    chunk = models.IntegerField(
        help_text="The people whose id, divided by the parts, then by the chunk's bits, is this."
    )

    class Meta:
        db_table = rollup_triggers.BLOCK_TABLE
        constraints = [
            models.UniqueConstraint(fields=["level", "block", "part", "chunk"], name="one_people_block"),
            models.CheckConstraint(
                condition=models.Q(part__gte=0, part__lt=rollup_triggers.PARTS),
                name="people_block_part_known",
            ),
        ]

    def __str__(self) -> str:
        return f"People in the {self.level} from {self.block}"


for _count in rollup_triggers.COUNTS:
    PeopleBlock.add_to_class(_count, models.BigIntegerField(default=0))
for _count in rollup_triggers.PEOPLE_COUNTS:
    PeopleBlock.add_to_class(rollup_triggers.had(_count), Bits(length=rollup_triggers.CHUNK_BITS))
personal_data.declare(
    PeopleBlock,
    person=None,
    fields={"id": TECHNICAL, "part": TECHNICAL, "chunk": TECHNICAL}
    | dict.fromkeys(
        ["level", "block", *rollup_triggers.COUNTS, *map(rollup_triggers.had, rollup_triggers.PEOPLE_COUNTS)],
        CONTENT_FREE,
    ),
    note="Totals for the commissioners' report per period, and which bit positions had any (no one named); "
    "a person's bits clear as their roll-ups do.",
)


class RatingHistory(models.Model):
    """A person's CHIME ratings of one area in one view, in the order they were given, with each one's day (the
    organisation's time zone): the report's "CHIME rating change", a first and last rating in any period, is read
    from these rows without sorting the ratings themselves.

    Kept by database triggers on sessions and area notes (sessions/rollup_triggers.py), never written by the app;
    `manage.py rebuild_report_rollups` rebuilds them and proves them equal to the ratings."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    rating_view = models.CharField("whose view", max_length=20, choices=View.choices)
    area = models.CharField(max_length=20, choices=AreaChoices.choices)
    days = ArrayField(models.DateField(), help_text="The day of each rating, earliest first.")
    ratings = ArrayField(models.PositiveSmallIntegerField(), help_text="The ratings, in the same order.")

    class Meta:
        db_table = rollup_triggers.HISTORY_TABLE
        constraints = [
            models.UniqueConstraint(
                fields=["person", "rating_view", "area"], name="one_rating_history_per_area"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_area_display()} ratings ({self.get_rating_view_display()})"


personal_data.declare(
    RatingHistory,
    person="person",
    title="Ratings in order, for the commissioners' report",
    note="Their CHIME ratings and the day of each (no words); counted anonymously in any report.",
    fields={
        "id": TECHNICAL,
        "person": REFERENCE,
        **dict.fromkeys(["rating_view", "area", "days", "ratings"], CONTENT_FREE),
    },
)


class KeptFigures(models.Model):
    """The report's costly figures for one period and one part of the people, kept once worked out: used again
    until a change to what they count commits (`FigureChange`), or for 31 days (sessions/kept_figures.py). Totals
    only: no one is named."""

    first = models.DateField("first day")
    last = models.DateField("last day")
    part = models.SmallIntegerField(
        help_text="The people whose id leaves this remainder, divided by the parts."
    )
    basis = models.CharField(max_length=64, help_text="Whom the figures count and how: a hash of the rule.")
    snapshot = models.TextField(help_text="The PostgreSQL snapshot the figures were worked out in.")
    figures = models.JSONField()
    worked_out_at = models.DateTimeField()

    class Meta:
        db_table = rollup_triggers.KEPT_TABLE
        constraints = [
            models.UniqueConstraint(
                fields=["first", "last", "basis", "part"], name="one_kept_figures_per_period_part"
            ),
            models.CheckConstraint(
                condition=models.Q(part__gte=0, part__lt=rollup_triggers.PARTS),
                name="kept_figures_part_known",
            ),
        ]
        verbose_name_plural = "kept figures"

    def __str__(self) -> str:
        return f"Report figures for {self.first} to {self.last}"


class FigureChange(models.Model):
    """A transaction changed what the report counts in a month (or, on `-infinity`, in every period) for a part of
    the people (or, on -1, for every part): written only by database triggers (sessions/rollup_triggers.py
    `noted`), read by sessions/kept_figures.py."""

    month = models.DateField()
    part = models.SmallIntegerField()
    xact = models.BigIntegerField("transaction id")
    noted_at = models.DateTimeField()

    class Meta:
        db_table = rollup_triggers.CHANGE_TABLE
        constraints = [
            models.UniqueConstraint(
                fields=["xact", "month", "part"], name="one_figure_change_per_transaction_month_part"
            ),
            models.CheckConstraint(
                condition=models.Q(part__gte=rollup_triggers.EVERY_PART, part__lt=rollup_triggers.PARTS),
                name="figure_change_part_known",
            ),
        ]

    def __str__(self) -> str:
        return f"Figures changed in transaction {self.xact}"


personal_data.declare(
    KeptFigures,
    person=None,
    fields={"id": TECHNICAL, "basis": TECHNICAL, "snapshot": TECHNICAL, "part": TECHNICAL}
    | dict.fromkeys(["first", "last", "figures", "worked_out_at"], CONTENT_FREE),
    note="Totals for the commissioners' report (no one named), kept until what they count changes.",
)
personal_data.declare(
    FigureChange,
    person=None,
    fields={
        "id": TECHNICAL,
        "xact": TECHNICAL,
        "part": TECHNICAL,
        "month": CONTENT_FREE,
        "noted_at": CONTENT_FREE,
    },
    note="Which months' report figures a transaction changed (no one named).",
)


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
personal_data.declare_history(
    SupportSessionVersion,
    of=SupportSession,
    person="person",
    held_with="pgh_obj__concerns",
    title="Earlier versions of their sessions",
)
personal_data.declare_history(
    SessionAreaVersion,
    of=SessionArea,
    person="session__person",
    held_with="session__concerns",
    title="Earlier versions of what each session covered",
)
personal_data.declare_history(
    PersonVersion, of=Person, person="pgh_obj", title="Earlier versions of their details"
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


personal_data.declare(
    SessionReview,
    person="session__person",
    title="Supervisors' reviews of their sessions",
    fields={
        "id": TECHNICAL,
        "session": REFERENCE,
        "reviewer": REFERENCE,
        "reviewed_at": CONTENT_FREE,
        "comment": FREE_TEXT.remove(),
        "seen_at": CONTENT_FREE,
    },
)


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


# A supervision record is about the practitioner; it concerns a person supported when it names them among the
# people discussed. Its agreed actions may describe them, so erasing one person discussed removes those; the
# practitioner's own wellbeing notes are staff data and stay.
personal_data.declare(
    SupervisionRecord,
    person="people_discussed",
    title="Supervision meetings that discussed them",
    fields={
        "id": TECHNICAL,
        "supervisor": REFERENCE,
        "practitioner": REFERENCE,
        "met_on": CONTENT_FREE,
        "agreed_actions": FREE_TEXT.remove(),
        "wellbeing": STAFF,
        "wellbeing_notes": STAFF,
        "created_at": CONTENT_FREE,
    },
)
personal_data.declare(
    SupervisionRecord.people_discussed.through,
    person="person",
    fields={"id": TECHNICAL, "supervisionrecord": REFERENCE, "person": REFERENCE},
    in_pack=False,  # the meetings themselves are in the pack
    note="Which people a supervision meeting discussed: links only (a link to an erased person stays).",
)


# ---- Recovery plans: goals in the person's words, their steps, and the plan's reviews ---------------------------


class RecoveryPlanQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> RecoveryPlanQuerySet:
        return self.filter(person__in=Person.objects.visible_to(user))

    def review_due(self, today: dt.date | None = None) -> RecoveryPlanQuerySet:
        """Plans of people still supported whose review date has come."""
        today = today or timezone.localdate()
        return self.filter(review_on__lte=today, person__support_ended__isnull=True)


class RecoveryPlan(models.Model):
    """A person's recovery plan: their goals, the steps towards them, and when to look at it together again."""

    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="plan")
    review_on = models.DateField("review the plan by", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RecoveryPlanQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["review_on"], name="plan_review_on_idx")]

    def __str__(self) -> str:
        return f"Recovery plan {self.pk}"

    def review_is_due(self, today: dt.date | None = None) -> bool:
        return self.review_on is not None and self.review_on <= (today or timezone.localdate())


personal_data.declare(
    RecoveryPlan,
    person="person",
    title="Their recovery plan",
    fields={
        "id": TECHNICAL,
        "person": REFERENCE,
        "review_on": CONTENT_FREE,
        "created_at": CONTENT_FREE,
        "updated_at": CONTENT_FREE,
    },
)


class RecoveryGoal(models.Model):
    """A goal in the person's own words, tied to the CHIME areas it is about."""

    plan = models.ForeignKey(RecoveryPlan, on_delete=models.PROTECT, related_name="goals")
    in_their_words = models.TextField("the goal, in their words")
    areas = ArrayField(
        models.CharField(max_length=20, choices=AreaChoices.choices), verbose_name="CHIME areas", default=list
    )
    achieved_on = models.DateField("achieved on", null=True, blank=True)
    changed_by_person_at = models.DateTimeField(
        "last changed by the person in their own view", null=True, blank=True
    )  # so the practitioner sees what the person changed themselves
    sessions = models.ManyToManyField(
        SupportSession, blank=True, related_name="goals_worked_on", verbose_name="sessions that worked on it"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["plan", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(in_their_words=""), name="goal_words_not_blank"),
        ]  # a goal moved from the old free-text goals has no area until the person and practitioner choose one

    def __str__(self) -> str:
        return f"Goal {self.pk}"

    def area_names(self) -> list[str]:
        return [AreaChoices(code).label for code in self.areas]


personal_data.declare(
    RecoveryGoal,
    person="plan__person",
    title="Goals in their recovery plan",
    fields={
        "id": TECHNICAL,
        "plan": REFERENCE,
        "in_their_words": FREE_TEXT.anonymise(ERASED),  # a goal is never blank (goal_words_not_blank)
        "areas": CONTENT_FREE,
        "achieved_on": CONTENT_FREE,
        "changed_by_person_at": CONTENT_FREE,
        "created_at": CONTENT_FREE,
        "updated_at": CONTENT_FREE,
    },
)
personal_data.declare(
    RecoveryGoal.sessions.through,
    person="recoverygoal__plan__person",
    fields={"id": TECHNICAL, "recoverygoal": REFERENCE, "supportsession": REFERENCE},
    in_pack=False,  # the goals and the sessions are in the pack
    note="Which sessions worked on which goal: links only.",
)


class GoalStep(models.Model):
    """One step towards a goal: what, who does it, by when, and whether it is done."""

    class Who(models.TextChoices):
        PERSON = "person", "They will"
        PRACTITIONER = "practitioner", "The practitioner will"
        SOMEONE_ELSE = "someone_else", "Someone else will"

    goal = models.ForeignKey(RecoveryGoal, on_delete=models.CASCADE, related_name="steps")
    what = models.TextField("what")
    who = models.CharField("who", max_length=20, choices=Who.choices, default=Who.PERSON)
    who_else = models.CharField("who else", max_length=200, blank=True)
    by_when = models.DateField("by when", null=True, blank=True)
    done_on = models.DateField("done on", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["goal", "pk"]
        constraints = [models.CheckConstraint(condition=~Q(what=""), name="step_what_not_blank")]

    def __str__(self) -> str:
        return f"Step {self.pk}"

    @property
    def who_text(self) -> str:
        return (
            self.who_else if self.who == self.Who.SOMEONE_ELSE and self.who_else else self.get_who_display()
        )


personal_data.declare(
    GoalStep,
    person="goal__plan__person",
    title="Steps towards their goals",
    fields={
        "id": TECHNICAL,
        "goal": REFERENCE,
        "what": FREE_TEXT.anonymise(ERASED),  # a step is never blank (step_what_not_blank)
        "who": CONTENT_FREE,
        "who_else": IDENTIFYING.remove(),
        "by_when": CONTENT_FREE,
        "done_on": CONTENT_FREE,
        "created_at": CONTENT_FREE,
    },
)


class PlanReview(models.Model):
    """A look at the plan together: what changed, what next, and when to look again."""

    plan = models.ForeignKey(RecoveryPlan, on_delete=models.PROTECT, related_name="reviews")
    reviewed_on = models.DateField("reviewed on", default=timezone.localdate)
    what_changed = models.TextField("what changed")
    what_next = models.TextField("what next", blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reviewed_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(what_changed=""), name="review_what_changed_not_blank")
        ]

    def __str__(self) -> str:
        return f"Plan review on {self.reviewed_on:%d %b %Y}"


personal_data.declare(
    PlanReview,
    person="plan__person",
    title="Reviews of their recovery plan",
    fields={
        "id": TECHNICAL,
        "plan": REFERENCE,
        "reviewed_on": CONTENT_FREE,
        "what_changed": FREE_TEXT.anonymise(ERASED),  # never blank (review_what_changed_not_blank)
        "what_next": FREE_TEXT.remove(),
        "reviewed_by": REFERENCE,
        "created_at": CONTENT_FREE,
    },
)


# ---- Recovery measures: questionnaires defined as data, and the answers people give -----------------------------


class ThresholdKind(models.TextChoices):
    RELIABLE_CHANGE = "reliable_change", "reliable change index"
    MINIMUM_IMPORTANT = "minimum_important", "minimum important difference (within a person)"


class Measure(models.Model):
    """A questionnaire, defined entirely as data: items, answer options, how it is scored, its source and licence,
    and (where published) its reliable change threshold. An organisation adds one it holds a licence for in the
    admin, through the audited settings service; the questions and scoring need no code."""

    class Scoring(models.TextChoices):
        SUM = "sum", "Add up the answers"

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=40)
    asks_about = models.CharField(
        "the period it asks about", max_length=100, help_text="e.g. the last 7 days"
    )
    instructions = models.TextField()
    items = models.JSONField(help_text="The questions, in order: a list of their exact wording.")
    options = models.JSONField(
        help_text='The answers offered for every item: [{"value": 0, "label": "…"}, …]'
    )
    scoring = models.CharField(max_length=20, choices=Scoring.choices, default=Scoring.SUM)
    max_missing = models.PositiveSmallIntegerField(
        "answers that may be missing",
        default=0,
        help_text="How many items may be left unanswered and still give a total (scaled up to the full length), "
        "as the measure's guidance says. More missing: no total.",
    )
    higher_is_better = models.BooleanField(default=True)
    change_threshold = models.DecimalField(
        "change threshold",
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="The published change in the total that counts as real change, if one is published.",
    )
    change_threshold_kind = models.CharField(
        "what kind of threshold", max_length=20, choices=ThresholdKind.choices, blank=True
    )
    change_threshold_reference = models.TextField("where the threshold is published", blank=True)
    source = models.TextField(help_text="Who wrote the measure and where it is published.")
    licence = models.TextField(help_text="The terms it may be used on.")
    free_to_use = models.BooleanField(default=False)
    wording_checked = models.BooleanField(
        "wording checked against the published source",
        default=False,
        help_text="Tick only once someone has checked every item against the published questionnaire.",
    )
    repeat_every_weeks = models.PositiveSmallIntegerField(
        "ask again every (weeks)", default=12, help_text="After the first, it is due again this often."
    )
    is_active = models.BooleanField("offered", default=True)
    order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(repeat_every_weeks__gte=1), name="measure_repeats_after_a_week"
            )
        ]

    def __str__(self) -> str:
        return self.short_name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if (
            not isinstance(self.items, list)
            or not self.items
            or not all(isinstance(i, str) and i.strip() for i in self.items)
        ):
            raise ValidationError({"items": "List the items as a list of their exact wording."})
        values = (
            [o.get("value") for o in self.options if isinstance(o, dict)]
            if isinstance(self.options, list)
            else []
        )
        if (
            len(values) < 2
            or len(values) != len(self.options)
            or not all(
                isinstance(v, int) and isinstance(o.get("label"), str)
                for v, o in zip(values, self.options, strict=True)
            )
        ):
            raise ValidationError({"options": 'List the answers as [{"value": 0, "label": "…"}, …].'})
        if len(set(values)) != len(values):
            raise ValidationError({"options": "Each answer needs its own value."})
        if self.max_missing >= len(self.items):
            raise ValidationError({"max_missing": "At least one item must be answered for a total."})

    @property
    def values(self) -> list[int]:
        return [option["value"] for option in self.options]

    @property
    def lowest_total(self) -> int:
        return min(self.values) * len(self.items)

    @property
    def highest_total(self) -> int:
        return max(self.values) * len(self.items)

    def score(self, answers: list[int | None]) -> Decimal | None:
        """The total, as the measure's scoring says. Missing answers (None) are allowed up to `max_missing`: the
        total of those given is scaled up to the full length (prorated) and rounded to one decimal place. More
        missing, no total. Answers must be one per item, each an offered value or None."""
        if len(answers) != len(self.items):
            raise ValueError(f"{self.short_name} has {len(self.items)} items, not {len(answers)}.")
        given = [answer for answer in answers if answer is not None]
        if any(answer not in self.values for answer in given):
            raise ValueError(f"An answer is not one of {self.short_name}'s options.")
        if not given or len(answers) - len(given) > self.max_missing:
            return None
        total = Decimal(sum(given)) * len(answers) / len(given)
        return total.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    def change_between(self, first: Decimal, last: Decimal) -> str:
        """'improved', 'same' or 'worse' by the published threshold (a change of at least the threshold, in
        the better or the worse direction); 'no_threshold' when none is published."""
        if self.change_threshold is None:
            return "no_threshold"
        change = (last - first) if self.higher_is_better else (first - last)
        if change >= self.change_threshold:
            return "improved"
        if change <= -self.change_threshold:
            return "worse"
        return "same"


personal_data.declare(
    Measure,
    person=None,
    fields={"id": TECHNICAL}
    | {
        name: ORGANISATION
        for name in (
            "code name short_name asks_about instructions items options scoring max_missing higher_is_better "
            "change_threshold change_threshold_kind change_threshold_reference source licence free_to_use wording_checked "
            "repeat_every_weeks is_active order"
        ).split()
    },
)


class MeasureResponseQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> MeasureResponseQuerySet:
        return self.filter(person__in=Person.objects.visible_to(user))


class MeasureResponse(models.Model):
    """One time a measure was offered: the answers and total, or that the person chose not to do it."""

    class Occasion(models.TextChoices):
        START = "start", "Start of support"
        REVIEW = "review", "Review"
        END = "end", "End of support"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="measures")
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="responses")
    session = models.ForeignKey(
        SupportSession, on_delete=models.PROTECT, null=True, blank=True, related_name="measures"
    )
    occasion = models.CharField(max_length=20, choices=Occasion.choices)
    taken_on = models.DateField("date", default=timezone.localdate)
    view = models.CharField("whose view", max_length=20, choices=View.choices, default=View.OWN)
    declined = models.BooleanField("they chose not to do it", default=False)
    answers = models.JSONField(default=list, blank=True)
    total = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MeasureResponseQuerySet.as_manager()

    class Meta:
        ordering = ["taken_on", "pk"]
        indexes = [models.Index(fields=["person", "measure", "taken_on"], name="measure_person_idx")]
        triggers = rollup_triggers.history_on_measures()  # each person's results in order, for the report
        constraints = [
            models.CheckConstraint(
                condition=Q(declined=False) | (Q(answers=[]) & Q(total__isnull=True)),
                name="declined_measure_has_no_answers",
            )
        ]

    def __str__(self) -> str:
        return f"{self.measure} on {self.taken_on:%d %b %Y}"


personal_data.declare(
    MeasureResponse,
    person="person",
    title="Recovery measures they completed or chose not to do",
    fields={
        "id": TECHNICAL,
        "person": REFERENCE,
        "measure": REFERENCE,
        "session": REFERENCE,
        "occasion": CONTENT_FREE,
        "taken_on": CONTENT_FREE,
        "view": CONTENT_FREE,
        "declined": CONTENT_FREE,
        "answers": CONTENT_FREE,
        "total": CONTENT_FREE,
        "recorded_by": REFERENCE,
        "created_at": CONTENT_FREE,
    },
)


class MeasureHistory(models.Model):
    """A person's completed results of one measure in the order taken, with each one's date: the report's
    "Distance travelled", a first and last result in any period, is read from these rows (see `RatingHistory`).
    Kept by database triggers on the results (sessions/rollup_triggers.py), never written by the app."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="+")
    days = ArrayField(models.DateField(), help_text="The date of each result, earliest first.")
    totals = ArrayField(
        models.DecimalField(max_digits=6, decimal_places=1), help_text="The totals, in the same order."
    )

    class Meta:
        db_table = rollup_triggers.MEASURE_HISTORY_TABLE
        constraints = [models.UniqueConstraint(fields=["person", "measure"], name="one_history_per_measure")]

    def __str__(self) -> str:
        return f"Results of measure {self.measure_id} in order"


personal_data.declare(
    MeasureHistory,
    person="person",
    title="Measure results in order, for the commissioners' report",
    note="Their measure totals and the date of each (no answers, no words); counted anonymously in any report.",
    fields={
        "id": TECHNICAL,
        "person": REFERENCE,
        "measure": REFERENCE,
        "days": CONTENT_FREE,
        "totals": CONTENT_FREE,
    },
)


# ---- Groups, drop-ins and outreach -------------------------------------------------------------------------------
# Peer support that is not one-to-one: a group (a recovery café, a walking group) meets; each meeting has a register
# of named attendees plus a count of people who came without giving a name. Attending a group is personal data: the
# register is seen only by the group's facilitators, their supervisors and the admins who manage groups.


class GroupMode(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    ONLINE = "online", "Online"
    WALK_AND_TALK = "walk_and_talk", "Walk and talk"
    OTHER = "other", "Other"


class GroupQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> GroupQuerySet:
        """Groups whose pages and registers this user may see: the ones they facilitate, the ones their
        supervisees facilitate, and (for admins, who manage groups) all of them."""
        if not access.is_staff_member(user):
            return self.none()
        if access.is_admin(user):
            return self.all()
        links = Group.facilitators.through.objects
        mine = Q(pk__in=links.filter(user=user).values("group_id"))
        if not access.is_supervisor(user):
            return self.filter(mine)
        supervised = Q(pk__in=links.filter(user__supervisor=user).values("group_id"))
        return self.filter(mine | supervised)

    def for_list(self) -> GroupQuerySet:
        latest = GroupMeeting.objects.filter(group=OuterRef("pk")).order_by("-occurred_at", "-pk")
        return (
            self.prefetch_related("facilitators")
            .annotate(last_met_at=Subquery(latest.values("occurred_at")[:1]))
            .order_by("ended_on", "name", "pk")
        )


class Group(models.Model):
    """A group the organisation runs: a recovery café, a walking group, a creative group, a drop-in."""

    class Membership(models.TextChoices):
        OPEN = "open", "Open: anyone may come"
        CLOSED = "closed", "Closed: members only"

    name = models.CharField(max_length=120)
    purpose = models.TextField("what it is for", max_length=1000)
    usual_place = models.CharField("where it usually meets", max_length=200, blank=True)
    usual_time = models.CharField(
        "when it usually meets",
        max_length=120,
        blank=True,
        help_text="For example: Thursdays, 10:30 to 12:00.",
    )
    membership = models.CharField(max_length=10, choices=Membership.choices, default=Membership.OPEN)
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="groups_facilitated",
        limit_choices_to={"is_practitioner": True},
    )
    volunteer_facilitators = models.CharField(
        "volunteers with lived experience who co-facilitate",
        max_length=300,
        blank=True,
        help_text="Their names, as they want to be credited. Optional.",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    ended_on = models.DateField("stopped meeting on", null=True, blank=True)

    objects = GroupQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [models.CheckConstraint(condition=~Q(name=""), name="group_has_a_name")]
        triggers = [pgtrigger.Protect(name="groups_are_never_hard_deleted", operation=pgtrigger.Delete)]

    def __str__(self) -> str:
        return self.name


# A group is the organisation's own: its name, purpose and usual place say nothing about anyone supported.
personal_data.declare(
    Group,
    person=None,
    fields={
        "id": TECHNICAL,
        "name": ORGANISATION,
        "purpose": ORGANISATION,
        "usual_place": ORGANISATION,
        "usual_time": ORGANISATION,
        "membership": CONTENT_FREE,
        "volunteer_facilitators": STAFF,
        "created_by": REFERENCE,
        "created_at": CONTENT_FREE,
        "ended_on": CONTENT_FREE,
    },
)
personal_data.declare(
    Group.facilitators.through,
    person=None,
    fields={"id": TECHNICAL, "group": REFERENCE, "user": REFERENCE},
    note="Which members of staff facilitate a group.",
)


class GroupMeetingQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> GroupMeetingQuerySet:
        return self.filter(group__in=Group.objects.visible_to(user))

    def with_counts(self) -> GroupMeetingQuerySet:
        """Each meeting's named attendees and everyone who came unnamed (the count given, plus anyone named who
        was later erased: erasure turns their attendance into an anonymous one)."""
        return self.annotate(
            named_count=models.Count("attendances", filter=Q(attendances__person__isnull=False)),
            erased_count=models.Count("attendances", filter=Q(attendances__person__isnull=True)),
        )

    def for_group_page(self) -> GroupMeetingQuerySet:
        return self.with_counts().prefetch_related("facilitators").order_by("-occurred_at", "-pk")


class GroupMeeting(models.Model):
    """One meeting of a group: when, where, who facilitated, the CHIME areas it touched, one note for the group as
    a whole (themes, not people), and its register (`Attendance`) with a count of people who came unnamed."""

    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="meetings")
    occurred_at = models.DateTimeField("when")
    duration_minutes = models.PositiveSmallIntegerField("how long (minutes)")
    mode = models.CharField("how", max_length=20, choices=GroupMode.choices, default=GroupMode.IN_PERSON)
    location = models.CharField("where", max_length=200, blank=True)
    facilitators = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+")
    volunteer_facilitators = models.CharField(
        "volunteers with lived experience who co-facilitated", max_length=300, blank=True
    )
    areas = ArrayField(
        models.CharField(max_length=20, choices=AreaChoices.choices), verbose_name="CHIME areas it touched"
    )
    group_note = models.TextField("group note", blank=True)
    anonymous_count = models.PositiveSmallIntegerField("came without giving a name", default=0)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submission_key = models.UUIDField(unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = GroupMeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1) & Q(duration_minutes__lte=24 * 60),
                name="meeting_duration_within_a_day",
            ),
            models.CheckConstraint(
                condition=Q(anonymous_count__lte=1000), name="meeting_anonymous_count_sane"
            ),
            models.CheckConstraint(condition=~Q(areas=[]), name="meeting_touched_an_area"),
        ]
        indexes = [models.Index(fields=["group", "-occurred_at"], name="meeting_group_timeline_idx")]
        triggers = [
            pgtrigger.Protect(name="meetings_are_never_hard_deleted", operation=pgtrigger.Delete),
            *rollup_triggers.on_meetings(),  # a meeting moved to another day moves its register in the roll-ups
        ]

    def __str__(self) -> str:
        return f"{self.group.name}, {timezone.localtime(self.occurred_at):%d %b %Y}"

    @property
    def unnamed_count(self) -> int:
        """Everyone who came without being named: needs `with_counts()`."""
        return self.anonymous_count + self.erased_count

    @property
    def attendance_total(self) -> int:
        return self.named_count + self.unnamed_count

    def get_areas_display(self) -> list[str]:
        return [_area_name(code) for code in self.areas]


# A meeting is the organisation's record of its group work. The group note is about the group as a whole: the form
# refuses one that names someone on its register and asks for a personal addendum instead, so it holds nothing about
# one person, and erasing someone who came leaves it alone. Who came is in `Attendance`, which is about each person.
personal_data.declare(
    GroupMeeting,
    person=None,
    fields={
        "id": TECHNICAL,
        "group": REFERENCE,
        "occurred_at": CONTENT_FREE,
        "duration_minutes": CONTENT_FREE,
        "mode": CONTENT_FREE,
        "location": ORGANISATION,
        "volunteer_facilitators": STAFF,
        "areas": CONTENT_FREE,
        "group_note": ORGANISATION,
        "anonymous_count": CONTENT_FREE,
        "recorded_by": REFERENCE,
        "submission_key": TECHNICAL,
        "created_at": CONTENT_FREE,
    },
    note="Group meetings: themes for the group as a whole, never one person (the form checks for names).",
)
personal_data.declare(
    GroupMeeting.facilitators.through,
    person=None,
    fields={"id": TECHNICAL, "groupmeeting": REFERENCE, "user": REFERENCE},
    note="Which members of staff facilitated a meeting.",
)


class AttendanceQuerySet(models.QuerySet):
    def named(self) -> AttendanceQuerySet:
        return self.filter(person__isnull=False)

    def for_register(self) -> AttendanceQuerySet:
        return self.named().select_related("person").order_by("person__preferred_name", "person_id")

    def for_person_record(self) -> AttendanceQuerySet:
        return self.select_related("meeting", "meeting__group").order_by("-meeting__occurred_at", "-pk")

    def newest_first(self) -> AttendanceQuerySet:
        """Newest meeting first, chosen among these rows alone (`with_meeting`): for a person's list of meetings."""
        return self.with_meeting("occurred_at").order_by("-meeting_occurred_at", "-pk")

    def with_meeting(self, *fields: str) -> AttendanceQuerySet:
        """Each row with these fields of its meeting (as `meeting_<field>`), looked up by the meeting's key row by
        row. For one person's few hundred rows PostgreSQL would otherwise read and hash the whole meetings table to
        join them (4 ms on the large set, where the lookups take a fraction of a millisecond)."""
        meeting = GroupMeeting.objects.filter(pk=OuterRef("meeting_id")).order_by()
        return self.annotate(**{f"meeting_{field}": Subquery(meeting.values(field)) for field in fields})


class Attendance(models.Model):
    """A named person came to a meeting, with an optional personal addendum that belongs to their record only.

    Erasing the person keeps the row without them (person empty, addendum removed): the meeting still counts
    them, now among those who came unnamed."""

    meeting = models.ForeignKey(GroupMeeting, on_delete=models.PROTECT, related_name="attendances")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="attendances"
    )
    addendum = models.TextField("personal addendum", blank=True)

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person"],
                condition=Q(person__isnull=False),
                name="one_attendance_per_person_per_meeting",
            ),
            models.CheckConstraint(
                condition=Q(person__isnull=False) | Q(addendum=""), name="an_addendum_belongs_to_a_person"
            ),
        ]
        indexes = [models.Index(fields=["person", "meeting"], name="attendance_person_idx")]
        triggers = [
            pgtrigger.Protect(name="attendances_are_never_deleted", operation=pgtrigger.Delete),
            *rollup_triggers.on_attendances(),  # "attended" in the report's roll-ups
        ]

    def __str__(self) -> str:
        return f"Came to {self.meeting}"


personal_data.declare(
    Attendance,
    person="person",
    title="Group meetings they came to",
    fields={
        "id": TECHNICAL,
        "meeting": REFERENCE,
        # Erasure unlinks the row from the person: it stays as an attendance by nobody in particular.
        "person": personal_data.Field(
            personal_data.Kind.REFERENCE,
            personal_data.OnErasure.ANONYMISE,
            None,
            shown_as="nobody: counted among those who came unnamed",
        ),
        "addendum": FREE_TEXT.remove(),
    },
)


class BriefContactQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> BriefContactQuerySet:
        """Brief contacts this user recorded, or (for a supervisor) their supervisees recorded."""
        if not access.is_staff_member(user):
            return self.none()
        mine = Q(recorded_by=user)
        supervised = Q(recorded_by__supervisor=user) if access.is_supervisor(user) else Q(pk__in=[])
        return self.filter(mine | supervised)

    def for_list(self) -> BriefContactQuerySet:
        return (
            self.select_related("recorded_by", "person")
            .prefetch_related("signposted_services")
            .order_by("-occurred_at", "-pk")
        )


class BriefContact(models.Model):
    """A short outreach or drop-in conversation with someone who need not give a name. It can be linked to a
    person's record later, if they choose to join."""

    occurred_at = models.DateTimeField("when")
    duration_minutes = models.PositiveSmallIntegerField("how long (minutes)")
    location = models.CharField("where", max_length=200, blank=True)
    areas = ArrayField(
        models.CharField(max_length=20, choices=AreaChoices.choices),
        verbose_name="CHIME areas it touched",
        blank=True,
        default=list,
    )
    signposted_to = models.CharField("signposted somewhere else", max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="brief_contacts"
    )
    submission_key = models.UUIDField(unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BriefContactQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1) & Q(duration_minutes__lte=24 * 60),
                name="brief_contact_within_a_day",
            )
        ]
        indexes = [models.Index(fields=["recorded_by", "-occurred_at"], name="brief_contact_recorder_idx")]
        triggers = [pgtrigger.Protect(name="brief_contacts_are_never_deleted", operation=pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"Brief contact on {timezone.localtime(self.occurred_at):%d %b %Y}"

    def get_areas_display(self) -> list[str]:
        return [_area_name(code) for code in self.areas]


personal_data.declare(
    BriefContact,
    person="person",
    title="Brief contacts linked to their record",
    fields={
        "id": TECHNICAL,
        "occurred_at": CONTENT_FREE,
        "duration_minutes": CONTENT_FREE,
        "location": IDENTIFYING.remove(),
        "areas": CONTENT_FREE,
        "signposted_to": FREE_TEXT.remove(),
        "recorded_by": REFERENCE,
        "person": REFERENCE,
        "submission_key": TECHNICAL,
        "created_at": CONTENT_FREE,
    },
)


# ---- Check-ins: the person's own ratings, given in their own view ------------------------------------------------


class CheckInQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> CheckInQuerySet:
        return self.filter(person__in=Person.objects.visible_to(user))


class CheckIn(models.Model):
    """The person's own rating of one CHIME area (1 to 5, with words if they want), given in their own view
    whenever they like. Always their own view and never a session's, so charts draw it apart from session ratings.
    The areas rated at one go share `checked_in_at`."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="check_ins")
    area = models.CharField(max_length=20, choices=AreaChoices.choices)
    rating = models.PositiveSmallIntegerField("their rating", choices=RATING_CHOICES)
    words = models.TextField("in their words", blank=True)
    checked_in_at = models.DateTimeField(default=timezone.now)

    objects = CheckInQuerySet.as_manager()

    class Meta:
        ordering = ["-checked_in_at", "pk"]
        indexes = [models.Index(fields=["person", "checked_in_at"], name="check_in_person_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1) & Q(rating__lte=5), name="check_in_rating_between_1_and_5"
            )
        ]

    def __str__(self) -> str:
        return f"Check-in {self.pk}"


personal_data.declare(
    CheckIn,
    person="person",
    title="Their own check-ins on the CHIME areas",
    fields={
        "id": TECHNICAL,
        "person": REFERENCE,
        "area": CONTENT_FREE,
        "rating": CONTENT_FREE,
        "words": FREE_TEXT.remove(),
        "checked_in_at": CONTENT_FREE,
    },
)


# ---- Signposting: the organisation's directory of services, and who was pointed where ---------------------------


class DirectoryServiceQuerySet(models.QuerySet):
    def offered(self) -> DirectoryServiceQuerySet:
        """Services a practitioner may choose today: the active ones, by kind and then name."""
        return self.filter(is_active=True).order_by("kind", "name", "pk")

    def offered_or_among(self, kept: list[int]) -> DirectoryServiceQuerySet:
        """What a form offers: the active services, plus any retired one a record already names (it stays)."""
        return self.filter(Q(is_active=True) | Q(pk__in=kept)).order_by("kind", "name", "pk")


class DirectoryService(models.Model):
    """A service the organisation signposts people to. Retired services stay on the records that name them but are
    no longer offered. Organisation data: nothing here is about a person."""

    Kind = ServiceKind

    name = models.CharField("name", max_length=150)
    kind = models.CharField("kind of service", max_length=30, choices=Kind.choices)
    phone = models.CharField("phone", max_length=40, blank=True)
    email = models.EmailField("email", blank=True)
    website = models.URLField("website", blank=True)
    is_active = models.BooleanField(
        "offered", default=True, help_text="Retired services stay on old records."
    )
    sessions = models.ManyToManyField(
        SupportSession, through="SessionSignpost", related_name="signposted_services", blank=True
    )
    brief_contacts = models.ManyToManyField(
        BriefContact, through="BriefContactSignpost", related_name="signposted_services", blank=True
    )

    objects = DirectoryServiceQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name", "pk"]
        triggers = (
            rollup_triggers.on_directory()
        )  # a service moved to another kind moves its sessions' counts
        verbose_name = "service in the directory"
        verbose_name_plural = "services in the directory"
        constraints = [
            models.UniqueConstraint(models.functions.Lower("name"), name="directory_service_names_differ"),
            models.CheckConstraint(condition=~Q(name=""), name="directory_service_has_a_name"),
        ]

    def __str__(self) -> str:
        return self.name


personal_data.declare(
    DirectoryService,
    person=None,
    fields={
        "id": TECHNICAL,
        **dict.fromkeys(["name", "kind", "phone", "email", "website", "is_active"], ORGANISATION),
    },
)


class SessionSignpost(models.Model):
    """A session pointed the person to a service in the directory. Which person was signposted where is about them."""

    session = models.ForeignKey(SupportSession, on_delete=models.CASCADE, related_name="signposts")
    service = models.ForeignKey(
        DirectoryService, on_delete=models.PROTECT, related_name="+", verbose_name="signposted to"
    )

    class Meta:
        ordering = ["session", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "service"], name="one_signpost_per_service_per_session"
            )
        ]
        indexes = [models.Index(fields=["service", "session"], name="signpost_service_idx")]
        triggers = rollup_triggers.on_signposts()  # "sessions with signposting" in the report's roll-ups

    def __str__(self) -> str:
        return f"Signposted to service {self.service_id}"


class BriefContactSignpost(models.Model):
    """A brief contact pointed someone to a service in the directory."""

    contact = models.ForeignKey(BriefContact, on_delete=models.CASCADE, related_name="signposts")
    service = models.ForeignKey(
        DirectoryService, on_delete=models.PROTECT, related_name="+", verbose_name="signposted to"
    )

    class Meta:
        ordering = ["contact", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["contact", "service"], name="one_signpost_per_service_per_contact"
            )
        ]

    def __str__(self) -> str:
        return f"Signposted to service {self.service_id}"


_session_signposts = personal_data.declare(
    SessionSignpost,
    person="session__person",
    held_with="session__concerns",
    remove_rows=True,  # as the typed "somewhere else" is blanked, so are the services chosen
    title="Services they were signposted to in sessions",
    fields={"id": TECHNICAL, "session": REFERENCE, "service": REFERENCE},
)
_contact_signposts = personal_data.declare(
    BriefContactSignpost,
    person="contact__person",
    remove_rows=True,
    title="Services they were signposted to in brief contacts",
    fields={"id": TECHNICAL, "contact": REFERENCE, "service": REFERENCE},
)
# The pack names the session (or contact) each service was chosen in, by its date: without it the rows say nothing.
_session_signposts.hidden_from_pack -= {"session"}
_contact_signposts.hidden_from_pack -= {"contact"}

# A change of the services chosen is part of the session's edit history (sessions/history.py reads it).
SessionSignpostVersion = pghistory.create_event_model(
    SessionSignpost,
    pghistory.InsertEvent("signpost_added"),
    pghistory.DeleteEvent("signpost_removed"),
    append_only=True,
    model_name="SessionSignpostVersion",
    abstract=False,
)
personal_data.declare_history(
    SessionSignpostVersion,
    of=SessionSignpost,
    person="session__person",
    held_with="session__concerns",
    title="Earlier signposting of their sessions",
)


# The person's own words and their flags on a note live beside the sessions (see sessions/own_words.py).
from sessions.own_words import NoteFlag, NoteFlagStep, OwnWords, OwnWordsVersion  # noqa: E402, F401
