"""A person's request to have something in their record corrected or deleted (UK GDPR articles 16 and 17).

The person asks from their own view; the request waits in the data protection lead's queue, due one calendar month
after it arrived (the same rule as a subject access request), until the lead records the outcome. A deletion request
may lead into the erasure flow (ErasureRequest), which keeps its own decision and second-person approval.
"""

from __future__ import annotations

import datetime as dt

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils import timezone

from chime import personal_data
from chime.personal_data import CONTENT_FREE, ERASED, FREE_TEXT, REFERENCE, TECHNICAL


class RecordChangeRequestQuerySet(models.QuerySet):
    def open(self) -> RecordChangeRequestQuerySet:
        return self.filter(outcome="")

    def closed(self) -> RecordChangeRequestQuerySet:
        return self.exclude(outcome="")

    def for_queue(self) -> RecordChangeRequestQuerySet:
        """The data protection lead's queue: each request with its person, soonest due (so overdue) first."""
        return self.select_related("person").order_by("due_on", "pk")


class RecordChangeRequest(models.Model):
    """What the person asked to be corrected or deleted, when it is due, and what the lead decided (with the reason
    the person is given). Never deleted: it is the record that the request was answered."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correct something"
        DELETION = "deletion", "Delete something"

    class Outcome(models.TextChoices):
        DONE = "done", "Done"
        PARTLY = "partly", "Partly done"
        REFUSED = "refused", "Refused"

    person = models.ForeignKey("support.Person", on_delete=models.PROTECT, related_name="change_requests")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    session = models.ForeignKey(
        "support.SupportSession",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="change_requests",
        help_text="The session it is about, when the person chose one.",
    )
    what = models.TextField(help_text="Correction: what is wrong. Deletion: what they want deleted.")
    should_say = models.TextField(blank=True, help_text="Correction: what it should say.")
    why = models.TextField(blank=True, help_text="Deletion: why, if they said.")
    received_on = models.DateField(default=timezone.localdate)
    due_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(
        "what we tell them", blank=True, help_text="Shown to the person. A refusal must give the reason."
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    erasure = models.ForeignKey(
        "ethics.ErasureRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="change_requests",
        help_text="The erasure request a deletion request led to (decided and approved there).",
    )

    objects = RecordChangeRequestQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["outcome", "due_on"], name="change_request_due_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(outcome="refused") | ~models.Q(outcome_note=""),
                name="change_request_refusal_gives_a_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(outcome="", decided_by__isnull=True, decided_at__isnull=True)
                | (~models.Q(outcome="") & models.Q(decided_by__isnull=False, decided_at__isnull=False)),
                name="change_request_outcome_is_complete",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="deletion") | models.Q(erasure__isnull=True),
                name="change_request_only_deletion_leads_to_erasure",
            ),
        ]
        triggers = [pgtrigger.Protect(name="change_requests_are_never_deleted", operation=pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: request received {self.received_on:%d %b %Y}"

    @property
    def is_open(self) -> bool:
        return not self.outcome

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return self.is_open and self.due_on < (today or timezone.localdate())


# The request and its outcome stay, as proof that it was answered; the words the person wrote, and the note they
# were given (which may repeat them), go.
personal_data.declare(
    RecordChangeRequest,
    person="person",
    title="Their requests to correct or delete something",
    fields={
        "id": TECHNICAL,
        "person": REFERENCE,
        "kind": CONTENT_FREE.labelled("What they asked for"),
        "session": REFERENCE.labelled("The session it is about"),
        "what": FREE_TEXT.anonymise(ERASED).labelled("What they said"),
        "should_say": FREE_TEXT.remove().labelled("What it should say"),
        "why": FREE_TEXT.remove().labelled("Why"),
        "received_on": CONTENT_FREE.labelled("Asked on"),
        "due_on": CONTENT_FREE.labelled("Due by"),
        "recorded_by": REFERENCE,
        "outcome": CONTENT_FREE.labelled("Our answer"),
        "outcome_note": FREE_TEXT.anonymise(ERASED).labelled("What we told them"),
        "decided_by": REFERENCE,
        "decided_at": CONTENT_FREE.labelled("Answered on"),
        "erasure": REFERENCE,
    },
)
