"""People's rights under UK GDPR: subject access, erasure, and how long records are kept."""

from __future__ import annotations

import calendar
import datetime as dt
import json

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils import timezone

from chime import personal_data
from chime.personal_data import (
    CONTENT_FREE,
    ERASED,
    FREE_TEXT,
    IDENTIFYING,
    ORGANISATION,
    REFERENCE,
    TECHNICAL,
)


def one_calendar_month_after(day: dt.date) -> dt.date:
    """The statutory time limit for a subject access request: the same day next month (or that month's last day)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class SubjectAccessRequestQuerySet(models.QuerySet):
    def open(self) -> SubjectAccessRequestQuerySet:
        return self.exclude(state=SubjectAccessRequest.State.CLOSED)

    def closed(self) -> SubjectAccessRequestQuerySet:
        return self.filter(state=SubjectAccessRequest.State.CLOSED)

    def for_list(self) -> SubjectAccessRequestQuerySet:
        """The data protection lead's list: each request with its person, soonest due (so overdue) first."""
        return self.select_related("person").order_by("due_on", "pk")


class SubjectAccessRequest(models.Model):
    """A request for a copy of everything held about a person: who asked, how their identity was checked, when it
    arrived (it is due one calendar month later), and its steps: gathered, released, closed (and re-opened)."""

    class Requester(models.TextChoices):
        PERSON = "person", "The person themselves"
        REPRESENTATIVE = "representative", "Someone acting for them, with their authority"

    class IdentityCheck(models.TextChoices):
        KNOWN_IN_PERSON = "known_in_person", "Asked in person, known to staff"
        PHOTO_ID = "photo_id", "Photo identification seen"
        PROOF_OF_ADDRESS = "proof_of_address", "Proof of address seen"
        QUESTIONS = "questions", "Answered questions only they could answer"
        WRITTEN_AUTHORITY = (
            "written_authority",
            "Their written authority seen, and the representative's identity",
        )
        LEGAL_AUTHORITY = "legal_authority", "Power of attorney or court order seen"
        SIGNED_IN = "signed_in", "Asked while signed in to their own record (invitation or emailed link)"

    class State(models.TextChoices):
        RECEIVED = "received", "Received: the pack is to be gathered"
        GATHERED = "gathered", "Gathered: to be checked and released"
        RELEASED = "released", "Released: to be closed"
        CLOSED = "closed", "Closed"

    person = models.ForeignKey("support.Person", on_delete=models.PROTECT, related_name="access_requests")
    received_on = models.DateField(default=timezone.localdate)
    due_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requester = models.CharField(
        "who asked", max_length=20, choices=Requester.choices, default=Requester.PERSON
    )
    representative_name = models.CharField("their name", max_length=150, blank=True)
    representative_relationship = models.CharField(
        "their relationship to the person", max_length=100, blank=True
    )
    identity_check = models.CharField(
        "how identity was checked", max_length=30, choices=IdentityCheck.choices
    )
    identity_note = models.CharField("about the check", max_length=300, blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.RECEIVED)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = SubjectAccessRequestQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["state", "due_on"], name="access_request_due_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(requester="person")
                | (~models.Q(representative_name="") & ~models.Q(representative_relationship="")),
                name="access_request_representative_named",
            ),
        ]
        triggers = [pgtrigger.Protect(name="access_requests_are_never_deleted", operation=pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"Subject access request received {self.received_on:%d %b %Y}"

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return self.state != self.State.CLOSED and self.due_on < (today or timezone.localdate())


class SubjectAccessPack(models.Model):
    """One gathering of everything held about the person, kept exactly as gathered (the JSON text), so the pages
    show what was gathered and released, never a live view of their record. Released once."""

    class HowSent(models.TextChoices):
        EMAIL = "email", "By secure email"
        POST = "post", "By post"
        IN_PERSON = "in_person", "Handed over in person"
        SECURE_LINK = "secure_link", "Through a secure download link"

    request = models.ForeignKey(SubjectAccessRequest, on_delete=models.PROTECT, related_name="packs")
    contents = models.TextField(help_text="The pack as gathered: JSON text, in the gatherer's order.")
    gathered_at = models.DateTimeField()
    gathered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    released_how = models.CharField("how it was sent", max_length=20, choices=HowSent.choices, blank=True)

    class Meta:
        ordering = ["-gathered_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(released_at__isnull=True, released_by__isnull=True, released_how="")
                | models.Q(released_at__isnull=False, released_by__isnull=False) & ~models.Q(released_how=""),
                name="access_pack_release_is_complete",
            ),
        ]
        triggers = [
            # A snapshot never changes after it is gathered (erasure alone may blank it, past this trigger).
            pgtrigger.Protect(
                name="access_packs_are_never_changed",
                operation=pgtrigger.Update,
                condition=pgtrigger.AnyChange("contents", "gathered_at", "gathered_by", "request"),
            ),
            pgtrigger.Protect(name="access_packs_are_never_deleted", operation=pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return f"Subject access pack gathered {self.gathered_at:%d %b %Y}"

    def data(self) -> dict[str, object]:
        return json.loads(self.contents)


class SubjectAccessReopening(models.Model):
    """Why a closed request was opened again. The reason stays here, where erasure reaches it; the audit row
    points to this record."""

    request = models.ForeignKey(SubjectAccessRequest, on_delete=models.PROTECT, related_name="reopenings")
    reason = models.TextField()
    reopened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reopened_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["reopened_at", "pk"]

    def __str__(self) -> str:
        return f"Re-opened {self.reopened_at:%d %b %Y}"


personal_data.declare(
    SubjectAccessRequest,
    person="person",
    title="Their requests for their records",
    fields={
        "id": TECHNICAL,
        "person": REFERENCE,
        "received_on": CONTENT_FREE,
        "due_on": CONTENT_FREE,
        "recorded_by": REFERENCE,
        "requester": CONTENT_FREE,
        # Someone who asked on their behalf: kept as "[erased]" (a representative's request must name someone).
        "representative_name": IDENTIFYING.anonymise(ERASED),
        "representative_relationship": FREE_TEXT.anonymise(ERASED),
        "identity_check": CONTENT_FREE,
        "identity_note": FREE_TEXT.remove(),
        "state": CONTENT_FREE,
        "closed_at": CONTENT_FREE,
        "closed_by": REFERENCE,
    },
)
# The record that a pack was gathered and released stays; what it contained goes.
personal_data.declare(
    SubjectAccessPack,
    person="request__person",
    title="Copies of their records they were sent",
    fields={
        "id": TECHNICAL,
        "request": REFERENCE,
        "contents": FREE_TEXT.anonymise('{"erased": true}'),
        "gathered_at": CONTENT_FREE,
        "gathered_by": REFERENCE,
        "released_at": CONTENT_FREE,
        "released_by": REFERENCE,
        "released_how": CONTENT_FREE,
    },
)
personal_data.declare(
    SubjectAccessReopening,
    person="request__person",
    title="Why their requests were opened again",
    fields={
        "id": TECHNICAL,
        "request": REFERENCE,
        "reason": FREE_TEXT.anonymise(ERASED),
        "reopened_by": REFERENCE,
        "reopened_at": CONTENT_FREE,
    },
)


class ErasureRequest(models.Model):
    class Decision(models.TextChoices):
        PENDING = "pending", "Waiting for a decision"
        APPROVED = "approved", "Agreed: waiting for a second admin to approve"
        REFUSED = "refused", "Refused"
        CARRIED_OUT = "carried_out", "Carried out"

    class Exception_(models.TextChoices):
        SAFEGUARDING = "safeguarding", "Safeguarding records kept under legal retention"
        LEGAL_CLAIMS = "legal_claims", "Needed for legal claims"
        LEGAL_OBLIGATION = "legal_obligation", "Kept to meet a legal obligation"
        PUBLIC_HEALTH = "public_health", "Public health or archiving in the public interest"

    person = models.ForeignKey("support.Person", on_delete=models.PROTECT, related_name="erasure_requests")
    received_on = models.DateField(default=timezone.localdate)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(max_length=20, choices=Decision.choices, default=Decision.PENDING)
    refusal_exception = models.CharField(max_length=30, choices=Exception_.choices, blank=True)
    decision_notes = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    carried_out_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(decision="refused") | ~models.Q(refusal_exception=""),
                name="erasure_refusal_cites_an_exception",
            ),
            models.CheckConstraint(
                condition=~models.Q(approved_by=models.F("decided_by")), name="erasure_needs_a_second_admin"
            ),
        ]
        triggers = [pgtrigger.Protect(name="erasure_requests_are_never_deleted", operation=pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"Erasure request received {self.received_on:%d %b %Y}"


# The request and its decision stay, as proof that the erasure was decided and carried out; the notes go.
personal_data.declare(
    ErasureRequest,
    person="person",
    title="Their requests for erasure",
    fields={
        "id": TECHNICAL,
        "person": REFERENCE,
        "received_on": CONTENT_FREE,
        "recorded_by": REFERENCE,
        "decision": CONTENT_FREE,
        "refusal_exception": CONTENT_FREE,
        "decision_notes": FREE_TEXT.remove(),
        "decided_by": REFERENCE,
        "decided_at": CONTENT_FREE,
        "approved_by": REFERENCE,
        "carried_out_at": CONTENT_FREE,
    },
)


class LegalHoldQuerySet(models.QuerySet):
    def in_force(self) -> LegalHoldQuerySet:
        return self.filter(lifted_at__isnull=True)

    def on_whole_record(self) -> LegalHoldQuerySet:
        """Holds that stop erasure and retention of the person's whole record (for example legal proceedings)."""
        return self.in_force().filter(concern__isnull=True)

    def on_safeguarding(self) -> LegalHoldQuerySet:
        """Holds that keep one safeguarding concern and what it cites; erasure of the rest goes ahead."""
        return self.in_force().filter(concern__isnull=False)


class LegalHold(models.Model):
    """Keeps records from erasure and retention until someone reviews it.

    With a concern, it holds that safeguarding concern and what it cites (its chronology, referrals, closure,
    escalations, the session it was raised from, the disclosures its referrals made); erasure of the rest of the
    person's record goes ahead. Without one, it holds the person's whole record (for example legal proceedings).
    """

    person = models.ForeignKey("support.Person", on_delete=models.PROTECT, related_name="legal_holds")
    concern = models.ForeignKey(
        "ethics.Concern",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="holds",
        help_text="The safeguarding concern it keeps. Empty: it keeps the person's whole record.",
    )
    reason = models.CharField(max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="legal_holds_owned",
        help_text="The member of staff who reviews the hold.",
    )
    review_on = models.DateField("review by")
    name_kept = models.CharField(
        "name kept with the concern",
        max_length=120,
        blank=True,
        help_text="After erasure, the name the person was known by, kept only so the concern says whom it is about.",
    )
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    placed_at = models.DateTimeField(default=timezone.now)
    lifted_at = models.DateTimeField(null=True, blank=True)

    objects = LegalHoldQuerySet.as_manager()

    class Meta:
        ordering = ["review_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["concern"],
                condition=models.Q(concern__isnull=False, lifted_at__isnull=True),
                name="one_hold_in_force_per_concern",
            )
        ]

    def __str__(self) -> str:
        return self.reason


# A hold on a concern is itself kept with the concern, with the name the person was known by; a lifted hold on the
# whole record loses its reason (which may name them).
personal_data.declare(
    LegalHold,
    person="person",
    held_with="concern",
    title="Holds on their records",
    fields={
        "id": TECHNICAL,
        "person": REFERENCE,
        "concern": REFERENCE,
        "reason": FREE_TEXT.remove(),
        "owner": REFERENCE,
        "review_on": CONTENT_FREE,
        "name_kept": IDENTIFYING.remove(),
        "placed_by": REFERENCE,
        "placed_at": CONTENT_FREE,
        "lifted_at": CONTENT_FREE,
    },
)


class RetentionRule(models.Model):
    """How long one kind of record is kept after it stops being needed, and what happens then."""

    class Kind(models.TextChoices):
        PERSON = "person", "People whose support has ended, with their sessions"
        NOTIFICATION = "notification", "Notifications that have been read"

    class Action(models.TextChoices):
        ANONYMISE = "anonymise", "Anonymise"
        REMOVE = "remove", "Remove"

    kind = models.CharField(max_length=20, choices=Kind.choices, unique=True)
    keep_for_days = models.PositiveIntegerField()
    action = models.CharField(max_length=20, choices=Action.choices)
    explanation = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display()}: {self.get_action_display().lower()} after {self.keep_for_days} days"
        )


personal_data.declare(
    RetentionRule,
    person=None,
    fields={
        "id": TECHNICAL,
        "kind": ORGANISATION,
        "keep_for_days": ORGANISATION,
        "action": ORGANISATION,
        "explanation": ORGANISATION,
    },
)
