"""The emergency exception: declared, justified, time-limited access to one person's record, reviewed afterwards."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils import timezone

from chime import personal_data
from chime.personal_data import CONTENT_FREE, ERASED, FREE_TEXT, IDENTIFYING, REFERENCE, TECHNICAL

if TYPE_CHECKING:
    from chime.models import User
    from sessions.models import PersonQuerySet


class EmergencyAccessQuerySet(models.QuerySet):
    def active_for(self, user: User) -> EmergencyAccessQuerySet:
        return self.filter(user=user, kind=EmergencyAccess.Kind.ACCESS, expires_at__gt=timezone.now())

    def awaiting_review(self) -> EmergencyAccessQuerySet:
        return self.filter(reviewed_at__isnull=True)

    def for_review_queue(self, reviewer: User) -> EmergencyAccessQuerySet:
        """Uses this reviewer may close: not their own; admins see all, supervisors their supervisees' people."""
        queryset = self.exclude(user=reviewer).select_related("user", "person", "person__practitioner")
        if reviewer.is_org_admin:
            return queryset
        if reviewer.is_supervisor:
            return queryset.filter(person__practitioner__supervisor=reviewer)
        return queryset.none()


class EmergencyReason(models.TextChoices):
    RISK_TO_PERSON = "risk_to_person", "Risk of harm to the person"
    RISK_TO_OTHERS = "risk_to_others", "Risk of harm to others"
    RISK_FROM_OTHERS = "risk_from_others", "Risk of harm to the person from others"
    SAFEGUARDING = "safeguarding", "Urgent safeguarding concern"


class EmergencySearchQuerySet(models.QuerySet):
    def open_for(self, user: User) -> EmergencySearchQuerySet:
        """This user's own declarations that may still be used to pick a person: recent, and not used yet."""
        return self.filter(
            user=user, declared_at__gt=timezone.now() - EmergencySearch.PICK_WITHIN, access__isnull=True
        )


class EmergencySearch(models.Model):
    """A declaration made before looking anyone up under the emergency exception.

    Who is being looked for (as typed), what the risk is and why: recorded before anything shows whether that
    person is supported here, or by whom, and kept whether or not anyone matched. Picking one of the matches opens
    one record (an `EmergencyAccess` pointing here); a declaration opens at most one.
    """

    PICK_WITHIN = dt.timedelta(minutes=15)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    name_sought = models.CharField("name of the person you are looking for", max_length=120)
    reason = models.CharField(max_length=30, choices=EmergencyReason.choices)
    justification = models.TextField(help_text="What is the risk, and why you need this record now.")
    declared_at = models.DateTimeField(default=timezone.now)

    objects = EmergencySearchQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "emergency searches"
        ordering = ["-declared_at", "-pk"]
        indexes = [models.Index(fields=["user", "-declared_at"], name="emergency_search_user_idx")]
        triggers = [
            pgtrigger.ReadOnly(
                name="emergency_search_is_read_only",
                fields=["user", "name_sought", "reason", "justification", "declared_at"],
            ),
            pgtrigger.Protect(name="emergency_search_is_never_deleted", operation=pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return f"Emergency declaration by {self.user} at {self.declared_at:%d %b %Y %H:%M}"

    def matches(self) -> PersonQuerySet:
        """People whose name contains the name sought: only what picking needs (name, start date)."""
        from sessions.models import Person

        return (
            Person.objects.filter(preferred_name__icontains=self.name_sought.strip(), erased_at__isnull=True)
            .only("pk", "preferred_name", "support_started")
            .order_by("preferred_name", "pk")
        )


class EmergencyAccess(models.Model):
    Reason = EmergencyReason

    class Outcome(models.TextChoices):
        JUSTIFIED = "justified", "Justified"
        NOT_JUSTIFIED = "not_justified", "Not justified: follow up with the member of staff"
        FOLLOW_UP = "follow_up", "Justified, but follow-up needed"

    class Kind(models.TextChoices):
        ACCESS = "access", "Opened a record outside their caseload"
        SHARE = "share", "Shared information without consent"

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ACCESS)
    search = models.OneToOneField(
        EmergencySearch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="access",
        help_text="The declaration made before looking the person up (none for shares under the exception).",
    )
    disclosure = models.OneToOneField(
        "ethics.Disclosure", on_delete=models.PROTECT, null=True, blank=True, related_name="emergency"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="emergency_uses"
    )
    person = models.ForeignKey("support.Person", on_delete=models.PROTECT, related_name="emergency_accesses")
    reason = models.CharField(max_length=30, choices=Reason.choices)
    justification = models.TextField(help_text="What is the risk, and why you need this record now.")
    started_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    review_notes = models.TextField(blank=True)

    objects = EmergencyAccessQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "emergency accesses"
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["user", "expires_at"], name="emergency_active_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(reviewed_by=models.F("user")), name="emergency_reviewed_by_someone_else"
            ),
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("started_at")), name="emergency_expires"
            ),
        ]
        triggers = [
            # What was declared can never change or disappear; only the review is added later.
            pgtrigger.ReadOnly(
                name="emergency_declaration_is_read_only",
                fields=[
                    "kind",
                    "search",
                    "disclosure",
                    "user",
                    "person",
                    "reason",
                    "justification",
                    "started_at",
                    "expires_at",
                ],
            ),
            pgtrigger.Protect(name="emergency_access_is_never_deleted", operation=pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return f"Emergency access by {self.user} at {self.started_at:%d %b %Y %H:%M}"

    @property
    def is_active(self) -> bool:
        return self.expires_at > timezone.now()


# The declaration stays (who, when, why in a word, the review's outcome); the words written about the person go.
# An emergency share made in a safeguarding referral is kept with the concern.
personal_data.declare(
    EmergencyAccess,
    person="person",
    held_with="disclosure__referral__concern",
    title="Emergency access to their record",
    fields={
        "id": TECHNICAL,
        "kind": CONTENT_FREE,
        "search": TECHNICAL,
        "disclosure": TECHNICAL,
        "user": REFERENCE.labelled("by"),
        "person": REFERENCE,
        "reason": CONTENT_FREE,
        "justification": FREE_TEXT.anonymise(ERASED),
        "started_at": CONTENT_FREE,
        "expires_at": CONTENT_FREE,
        "reviewed_by": REFERENCE,
        "reviewed_at": CONTENT_FREE,
        "review_outcome": CONTENT_FREE,
        "review_notes": FREE_TEXT.remove(),
    },
)
# A declaration is about the person it led to (through the access it opened). One that matched nobody, or where
# nobody was picked, names no one on Chime; the name typed stays with the declaration.
personal_data.declare(
    EmergencySearch,
    person="access__person",
    title="Emergency declarations made before looking them up",
    fields={
        "id": TECHNICAL,
        "user": REFERENCE.labelled("by"),
        "name_sought": IDENTIFYING.anonymise(ERASED),
        "reason": CONTENT_FREE,
        "justification": FREE_TEXT.anonymise(ERASED),
        "declared_at": CONTENT_FREE,
    },
)
