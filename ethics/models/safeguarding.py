"""Safeguarding: concerns, their chronology, referrals out, closure and escalation.

A concern is never edited in place or deleted. Only its workflow fields (state, current deadline, escalation
level and when it escalates next) change, through ethics.services.safeguarding, and the database holds the state
to the allowed transitions (pgtrigger FSM). Everything else that happens is a new row: a chronology event, a
referral, an escalation, the closure.

Safeguarding records are kept under a legal hold: erasure and retention never remove them (LEGAL_HOLD_MODELS).
"""

from __future__ import annotations

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from chime import personal_data
from chime.personal_data import CONTENT_FREE, FREE_TEXT, IDENTIFYING, ORGANISATION, REFERENCE, TECHNICAL

NEVER_DELETED = pgtrigger.Protect(name="safeguarding_rows_are_never_deleted", operation=pgtrigger.Delete)
NEVER_CHANGED = pgtrigger.Protect(name="safeguarding_rows_are_never_changed", operation=pgtrigger.Update)


class DeadlineUnit(models.TextChoices):
    WORKING_HOURS = "working_hours", "working hours"
    WORKING_DAYS = "working_days", "working days (0 = by the end of the same working day)"
    CLOCK_HOURS = "clock_hours", "hours, round the clock"


class UrgencyLevel(models.Model):
    """How urgent a concern is, and its deadlines. The organisation can rename and reconfigure these."""

    code = models.SlugField(unique=True, help_text="Fixed identifier; the name shown can change.")
    name = models.CharField(max_length=60)
    description = models.CharField(max_length=200, blank=True)
    shows_crisis_routes = models.BooleanField(
        default=False, help_text="Immediate danger: show 999, NHS 111 and local crisis services at once."
    )
    acknowledge_within = models.PositiveSmallIntegerField()
    acknowledge_unit = models.CharField(max_length=20, choices=DeadlineUnit.choices)
    act_within = models.PositiveSmallIntegerField(
        help_text="Until a referral or a no-further-action decision."
    )
    act_unit = models.CharField(max_length=20, choices=DeadlineUnit.choices)
    emails_leads_at_once = models.BooleanField(
        "email the safeguarding leads at once",
        default=False,
        help_text="Leads are told of every new concern in Chime; at this urgency they are emailed at once too.",
    )
    escalate_again_after_hours = models.PositiveSmallIntegerField(
        "escalate again after (working hours)",
        default=4,
        help_text="If a concern is still overdue, how long before it goes to the next level.",
    )
    order = models.PositiveSmallIntegerField(default=0, help_text="Most urgent first.")

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name


personal_data.declare(
    UrgencyLevel,
    person=None,
    fields={
        "id": TECHNICAL,
        **dict.fromkeys(
            [
                "code",
                "name",
                "description",
                "shows_crisis_routes",
                "acknowledge_within",
                "acknowledge_unit",
                "act_within",
                "act_unit",
                "escalate_again_after_hours",
                "emails_leads_at_once",
                "order",
            ],
            ORGANISATION,
        ),
    },
)


# The only steps a concern's state may take, held in the database by an FSM trigger.
CONCERN_TRANSITIONS = [
    ("raised", "acknowledged"),
    ("acknowledged", "action_planned"),
    ("action_planned", "referred"),
    ("action_planned", "no_further_action"),
    ("referred", "closed"),
    ("no_further_action", "closed"),
]
# The only fields of a concern that ever change (through ethics.services.safeguarding); the rest are read-only.
CONCERN_WORKFLOW_FIELDS = ["state", "due_at", "escalation_level", "next_escalation_at", "referral_review_on"]


class ConcernQuerySet(models.QuerySet):
    def open(self) -> ConcernQuerySet:
        return self.exclude(state=Concern.State.CLOSED)

    def under_legal_hold(self) -> ConcernQuerySet:
        """Every safeguarding concern: erasure and retention must leave all of them (and their rows) alone."""
        return self.all()

    def for_list(self) -> ConcernQuerySet:
        """What the queue and the practitioner's list show: overdue first, then by deadline, then concerns with no
        deadline. `overdue` is NULL when there is no deadline, and PostgreSQL sorts NULLs first in a descending
        order, so both sorts say where NULLs go."""
        now = timezone.now()
        return (
            self.select_related("person", "urgency", "raised_by")
            .annotate(overdue=Q(due_at__lt=now))
            .order_by(
                models.F("overdue").desc(nulls_last=True),
                models.F("due_at").asc(nulls_last=True),
                "raised_at",
                "pk",
            )
        )

    def due_for_escalation(self, now) -> ConcernQuerySet:
        return self.open().filter(next_escalation_at__lt=now, escalation_level__lt=Concern.Escalation.ADMINS)


class Concern(models.Model):
    """A worry that someone is at risk, raised by a member of staff. Never edited in place or deleted."""

    REFERRAL_REVIEW_WORKING_DAYS = 10  # the default time to check on a referral; the lead can change the date

    class RiskTo(models.TextChoices):
        PERSON = "person", "Risk to the person"
        OTHERS = "others", "Risk to others"
        FROM_OTHERS = "from_others", "Risk to the person from others"

    class Type(models.TextChoices):
        PHYSICAL = "physical", "Physical"
        SEXUAL = "sexual", "Sexual"
        PSYCHOLOGICAL = "psychological", "Psychological or emotional"
        FINANCIAL = "financial", "Financial or material"
        NEGLECT = "neglect", "Neglect and acts of omission"
        SELF_NEGLECT = "self_neglect", "Self-neglect"
        DOMESTIC = "domestic", "Domestic abuse"
        MODERN_SLAVERY = "modern_slavery", "Modern slavery"
        DISCRIMINATORY = "discriminatory", "Discriminatory"
        ORGANISATIONAL = "organisational", "Organisational"
        SELF_HARM = "self_harm", "Self-harm or suicide risk"
        OTHER = "other", "Other"

    class PersonKnows(models.TextChoices):
        YES = "yes", "Yes, they know"
        NO = "no", "No, not yet"
        NOT_SAFE = "not_safe", "No: telling them could put them or someone else at risk"

    class Consent(models.TextChoices):
        YES = "yes", "Yes, they consent to a referral"
        NO = "no", "No, they do not consent"
        NOT_ASKED = "not_asked", "Not asked yet, or they could not say"

    class State(models.TextChoices):
        RAISED = "raised", "Raised"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        ACTION_PLANNED = "action_planned", "Action planned"
        REFERRED = "referred", "Referred to an external agency"
        NO_FURTHER_ACTION = "no_further_action", "No further action"
        CLOSED = "closed", "Closed"

    class Escalation(models.IntegerChoices):
        NONE = 0, "Not escalated"
        SUPERVISOR = 1, "The practitioner's supervisor"
        LEADS = 2, "The safeguarding leads"
        ADMINS = 3, "The admins"

    TRANSITIONS = CONCERN_TRANSITIONS
    WORKFLOW_FIELDS = CONCERN_WORKFLOW_FIELDS

    person = models.ForeignKey("support.Person", on_delete=models.PROTECT, related_name="concerns")
    session = models.ForeignKey(
        "support.SupportSession", on_delete=models.PROTECT, null=True, blank=True, related_name="concerns"
    )
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(default=timezone.now)
    risk_to = models.CharField("who is at risk", max_length=20, choices=RiskTo.choices)
    type = models.CharField("type of concern", max_length=20, choices=Type.choices)
    urgency = models.ForeignKey(UrgencyLevel, on_delete=models.PROTECT, related_name="+")
    what_happened = models.TextField(
        "what happened", help_text="In plain words: what you saw, heard or were told."
    )
    done_straight_away = models.TextField("what was done straight away", blank=True)
    person_knows = models.CharField(
        "does the person know you are raising this?", max_length=10, choices=PersonKnows.choices
    )
    views_and_wishes = models.TextField("their views and wishes", blank=True)
    wanted_outcome = models.TextField("what they would like to happen", blank=True)
    consent_to_referral = models.CharField(
        "do they consent to a referral?", max_length=10, choices=Consent.choices
    )
    acknowledge_by = models.DateTimeField()
    act_by = models.DateTimeField()
    # The workflow fields: the only ones that ever change, and only through the services.
    state = models.CharField(max_length=20, choices=State.choices, default=State.RAISED)
    due_at = models.DateTimeField("current deadline", null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(choices=Escalation.choices, default=Escalation.NONE)
    next_escalation_at = models.DateTimeField(null=True, blank=True)
    # Once referred: the day to check the referral has been taken up (the deadline while the concern is referred).
    referral_review_on = models.DateField("review the referral on", null=True, blank=True)

    objects = ConcernQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "due_at"], name="concern_queue_idx"),
            models.Index(fields=["next_escalation_at"], name="concern_escalation_idx"),
            models.Index(fields=["person", "state"], name="concern_person_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(what_happened=""), name="concern_says_what_happened"),
            models.CheckConstraint(
                condition=Q(escalation_level__gte=0) & Q(escalation_level__lte=3),
                name="concern_escalation_level_known",
            ),
        ]
        triggers = [
            NEVER_DELETED,
            pgtrigger.ReadOnly(name="concerns_are_never_edited_in_place", exclude=CONCERN_WORKFLOW_FIELDS),
            pgtrigger.FSM(
                name="concern_state_follows_the_workflow",
                field="state",
                transitions=CONCERN_TRANSITIONS,
            ),
        ]

    def __str__(self) -> str:
        return f"Concern {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.state != self.State.CLOSED

    @property
    def is_overdue(self) -> bool:
        return self.due_at is not None and self.due_at < timezone.now()

    @property
    def due_label(self) -> str:
        if self.state == self.State.RAISED:
            return "acknowledge"
        if self.state in (self.State.ACKNOWLEDGED, self.State.ACTION_PLANNED):
            return "decide on action"
        if self.state == self.State.REFERRED:
            return "review the referral"
        return ""

    @property
    def next_step(self) -> str:
        """What a responder is asked to do next, as of now ("" when nothing is due): e.g. "Please acknowledge it
        by Mon 23 Nov, 17:00 (overdue)." Worked out when shown, so it is never out of date."""
        if self.state == self.State.NO_FURTHER_ACTION:
            return "Please close and sign it off."
        if not self.due_label or self.due_at is None:
            return ""
        when = f"{timezone.localtime(self.due_at):%a %-d %b, %H:%M}"
        what = "acknowledge it" if self.state == self.State.RAISED else self.due_label
        return f"Please {what} by {when}{' (overdue)' if self.is_overdue else ''}."


# Safeguarding records are kept under legal hold (LegalHold with a concern): erasure leaves every field intact.
personal_data.declare(
    Concern,
    person="person",
    held_with="pk",
    title="Safeguarding concerns",
    fields={
        "id": TECHNICAL,
        "person": REFERENCE,
        "session": REFERENCE,
        "raised_by": REFERENCE,
        "raised_at": CONTENT_FREE,
        "risk_to": CONTENT_FREE,
        "type": CONTENT_FREE,
        "urgency": REFERENCE,
        "what_happened": FREE_TEXT.held(),
        "done_straight_away": FREE_TEXT.held(),
        "person_knows": CONTENT_FREE,
        "views_and_wishes": FREE_TEXT.held(),
        "wanted_outcome": FREE_TEXT.held(),
        "consent_to_referral": CONTENT_FREE,
        "acknowledge_by": CONTENT_FREE,
        "act_by": CONTENT_FREE,
        "state": CONTENT_FREE,
        "due_at": CONTENT_FREE,
        "escalation_level": CONTENT_FREE,
        "next_escalation_at": CONTENT_FREE,
        "referral_review_on": CONTENT_FREE,
    },
)


class ConcernEvent(models.Model):
    """One entry in a concern's chronology: who did what, when, why, and the state before and after."""

    class Kind(models.TextChoices):
        RAISED = "raised", "Raised"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        ACTION_PLANNED = "action_planned", "Action planned"
        REFERRED = "referred", "Referred"
        NO_FURTHER_ACTION = "no_further_action", "No further action"
        CLOSED = "closed", "Closed"
        NOTE = "note", "Update"
        CORRECTION = "correction", "Correction"
        ESCALATED = "escalated", "Escalated"

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    from_state = models.CharField(max_length=20, choices=Concern.State.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=Concern.State.choices)
    note = models.TextField("why, or what", blank=True)

    class Meta:
        ordering = ["at", "pk"]
        triggers = [NEVER_DELETED, NEVER_CHANGED]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.at:%Y-%m-%d %H:%M}"

    @property
    def who(self) -> str:
        return self.by.name if self.by_id else "Chime (automatic)"


personal_data.declare(
    ConcernEvent,
    person="concern__person",
    held_with="concern",
    title="What happened with each safeguarding concern",
    fields={
        "id": TECHNICAL,
        "concern": REFERENCE,
        "at": CONTENT_FREE,
        "by": REFERENCE,
        "kind": CONTENT_FREE,
        "from_state": CONTENT_FREE,
        "to_state": CONTENT_FREE,
        "note": FREE_TEXT.held(),
    },
)


class Referral(models.Model):
    """A referral to an external agency: what was shared, with whom, and on what basis."""

    class Agency(models.TextChoices):
        ADULT_SOCIAL_CARE = "adult_social_care", "Adult social care"
        POLICE = "police", "Police"
        GP = "gp", "The person's GP"
        CRISIS_TEAM = "crisis_team", "Crisis team"
        OTHER = "other", "Other"

    class Basis(models.TextChoices):
        CONSENT = "consent", "The person consented to this referral"
        RISK_OF_HARM = "risk_of_harm", "Without consent: risk of serious harm to them or others"

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="referrals")
    agency = models.CharField(max_length=20, choices=Agency.choices)
    agency_name = models.CharField("agency name or team", max_length=200, blank=True)
    referred_on = models.DateField("date referred")
    reference = models.CharField("their reference", max_length=100, blank=True)
    what_was_shared = models.TextField("what was shared")
    basis = models.CharField("basis for sharing", max_length=20, choices=Basis.choices)
    risk_justification = models.TextField("why sharing without consent is justified", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    disclosure = models.OneToOneField(
        "ethics.Disclosure", on_delete=models.PROTECT, null=True, blank=True, related_name="referral"
    )

    class Meta:
        ordering = ["referred_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(basis="risk_of_harm") | ~Q(risk_justification=""),
                name="referral_without_consent_is_justified",
            ),
            models.CheckConstraint(condition=~Q(what_was_shared=""), name="referral_says_what_was_shared"),
        ]
        triggers = [NEVER_DELETED, NEVER_CHANGED]

    def __str__(self) -> str:
        return f"Referral to {self.get_agency_display()} on {self.referred_on:%d %b %Y}"


personal_data.declare(
    Referral,
    person="concern__person",
    held_with="concern",
    title="Safeguarding referrals",
    fields={
        "id": TECHNICAL,
        "concern": REFERENCE,
        "agency": CONTENT_FREE,
        "agency_name": FREE_TEXT.held(),
        "referred_on": CONTENT_FREE,
        "reference": IDENTIFYING.held(),
        "what_was_shared": FREE_TEXT.held(),
        "basis": CONTENT_FREE,
        "risk_justification": FREE_TEXT.held(),
        "recorded_by": REFERENCE,
        "recorded_at": CONTENT_FREE,
        "disclosure": TECHNICAL,
    },
)


class ConcernClosure(models.Model):
    """How a concern ended, in the person's voice, signed off by someone other than whoever raised it."""

    class Achieved(models.TextChoices):
        YES = "yes", "Yes"
        PARTLY = "partly", "Partly"
        NO = "no", "No"
        NOT_KNOWN = "not_known", "We could not find out"

    concern = models.OneToOneField(Concern, on_delete=models.PROTECT, related_name="closure")
    outcome = models.TextField("outcome")
    persons_views = models.TextField("the person's views on the outcome")
    wanted_achieved = models.CharField(
        "did they get what they wanted to happen?", max_length=10, choices=Achieved.choices
    )
    signed_off_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_off_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(outcome=""), name="closure_has_an_outcome"),
            models.CheckConstraint(condition=~Q(persons_views=""), name="closure_has_the_persons_views"),
        ]
        triggers = [NEVER_DELETED, NEVER_CHANGED]

    def __str__(self) -> str:
        return f"Closure of concern {self.concern_id}"


personal_data.declare(
    ConcernClosure,
    person="concern__person",
    held_with="concern",
    title="How safeguarding concerns ended",
    fields={
        "id": TECHNICAL,
        "concern": REFERENCE,
        "outcome": FREE_TEXT.held(),
        "persons_views": FREE_TEXT.held(),
        "wanted_achieved": CONTENT_FREE,
        "signed_off_by": REFERENCE,
        "signed_off_at": CONTENT_FREE,
    },
)


class ConcernEscalation(models.Model):
    """A concern that missed its deadline, sent up to the next level. One row per (concern, level)."""

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="escalations")
    level = models.PositiveSmallIntegerField(choices=Concern.Escalation.choices)
    missed = models.CharField("deadline missed", max_length=30)
    escalated_at = models.DateTimeField(default=timezone.now)
    notified = models.PositiveSmallIntegerField("people notified", default=0)

    class Meta:
        ordering = ["concern", "level"]
        constraints = [
            models.UniqueConstraint(fields=["concern", "level"], name="one_escalation_per_concern_and_level")
        ]
        triggers = [NEVER_DELETED, NEVER_CHANGED]

    def __str__(self) -> str:
        return f"Concern {self.concern_id} escalated to {self.get_level_display()}"


personal_data.declare(
    ConcernEscalation,
    person="concern__person",
    held_with="concern",
    title="Safeguarding concerns escalated",
    fields={
        "id": TECHNICAL,
        "concern": REFERENCE,
        "level": CONTENT_FREE,
        "missed": CONTENT_FREE,
        "escalated_at": CONTENT_FREE,
        "notified": CONTENT_FREE,
    },
)


class CrisisService(models.Model):
    """A local crisis service, shown beside the national ones when someone is in immediate danger."""

    name = models.CharField(max_length=150)
    description = models.CharField(max_length=300, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    hours = models.CharField("when it is open", max_length=150, blank=True)
    website = models.URLField(blank=True)
    is_active = models.BooleanField("show it", default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


personal_data.declare(
    CrisisService,
    person=None,
    fields={
        "id": TECHNICAL,
        **dict.fromkeys(
            ["name", "description", "phone", "hours", "website", "is_active", "order"], ORGANISATION
        ),
    },
)


# The data-rights feature (erasure, retention) must never remove rows of these models: safeguarding records are
# kept under a legal hold. Concern.objects.under_legal_hold() lists the concerns themselves.
LEGAL_HOLD_MODELS: tuple[type[models.Model], ...] = (
    Concern,
    ConcernEvent,
    Referral,
    ConcernClosure,
    ConcernEscalation,
)


def is_under_legal_hold(model: type[models.Model]) -> bool:
    return model in LEGAL_HOLD_MODELS


__all__ = [
    "LEGAL_HOLD_MODELS",
    "Concern",
    "ConcernClosure",
    "ConcernEscalation",
    "ConcernEvent",
    "CrisisService",
    "DeadlineUnit",
    "Referral",
    "UrgencyLevel",
    "is_under_legal_hold",
]
