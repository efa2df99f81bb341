"""People's rights under UK GDPR: subject access, erasure, and how long records are kept."""

from __future__ import annotations

import calendar
import datetime as dt

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils import timezone


def one_calendar_month_after(day: dt.date) -> dt.date:
    """The statutory time limit for a subject access request: the same day next month (or that month's last day)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class SubjectAccessRequest(models.Model):
    person = models.ForeignKey("support.Person", on_delete=models.PROTECT, related_name="access_requests")
    received_on = models.DateField(default=timezone.localdate)
    due_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"Subject access request received {self.received_on:%d %b %Y}"


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


class LegalHold(models.Model):
    """Keeps one person's records from erasure and retention (for example during legal proceedings)."""

    person = models.ForeignKey("support.Person", on_delete=models.PROTECT, related_name="legal_holds")
    reason = models.CharField(max_length=300)
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    placed_at = models.DateTimeField(default=timezone.now)
    lifted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.reason


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
