"""The person's own view of their record: their choice to have it, their invitations, and notes held back.

Nobody has online access by default. A practitioner offers it; the person's choice is recorded like a consent,
with the exact words they were shown (`OnlineAccess`), and they can turn it off at any time. Each choice has its
own sign-in account (a `chime.User` with `is_person` set, never a member of staff), so turning access off, or
choosing again later, leaves nothing of the old account working. They sign in first with a one-time invitation
(`Invitation`: a short code to read out or print, or the same code in a link), then by a one-time link emailed to
the address on their record.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from chime import personal_data
from chime.personal_data import CONTENT_FREE, ORGANISATION, REFERENCE, STAFF, TECHNICAL

# The words a practitioner shows or reads to the person before they choose. A change is a new version here,
# and each choice keeps the text it was shown.
ONLINE_ACCESS_WORDING = (
    "I would like to read my record online. I will see my sessions, my goals and who has looked at my record."
    " I can sign in with a code or with a link sent to my email. I can turn this off at any time, here or by"
    " telling any member of staff. Turning it off will not change the support I get."
)


class OnlineAccessQuerySet(models.QuerySet):
    def active(self) -> OnlineAccessQuerySet:
        return self.filter(turned_off_at__isnull=True)


class OnlineAccess(models.Model):
    """A person's choice to read their record online: who offered it, the words shown, and when it ended."""

    class HowGiven(models.TextChoices):
        SPOKEN = "spoken", "Said yes in a session"
        WRITTEN = "written", "Signed in writing"

    person = models.ForeignKey("support.Person", on_delete=models.PROTECT, related_name="online_access")
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="online_access"
    )
    wording = models.TextField("the words shown")
    how_given = models.CharField(max_length=20, choices=HowGiven.choices)
    offered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    chosen_at = models.DateTimeField()
    turned_off_at = models.DateTimeField(null=True, blank=True)
    turned_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = OnlineAccessQuerySet.as_manager()

    class Meta:
        ordering = ["-chosen_at", "-pk"]
        verbose_name_plural = "online access choices"
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(turned_off_at__isnull=True),
                name="one_online_access_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"Online access #{self.pk}"

    @property
    def is_on(self) -> bool:
        return self.turned_off_at is None


personal_data.declare(
    OnlineAccess,
    person="person",
    title="Reading their record online",
    fields={
        "id": TECHNICAL,
        "person": REFERENCE,
        "account": REFERENCE,
        "wording": ORGANISATION,
        "how_given": CONTENT_FREE,
        "offered_by": STAFF,
        "chosen_at": CONTENT_FREE,
        "turned_off_at": CONTENT_FREE,
        "turned_off_by": REFERENCE,
    },
)


class InvitationQuerySet(models.QuerySet):
    def usable(self, now) -> InvitationQuerySet:
        return self.filter(
            used_at__isnull=True,
            cancelled_at__isnull=True,
            expires_at__gt=now,
            access__turned_off_at__isnull=True,
        )


class Invitation(models.Model):
    """A one-time code that signs the person in for the first time (or after losing their way in).

    Only a hash of the code is kept. A new invitation cancels the ones before it."""

    access = models.ForeignKey(OnlineAccess, on_delete=models.PROTECT, related_name="invitations")
    code_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    emailed = models.BooleanField(default=False)
    used_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Invitation #{self.pk}"


personal_data.declare(
    Invitation,
    person="access__person",
    title="Invitations to read their record online",
    fields={
        "id": TECHNICAL,
        "access": REFERENCE,
        "code_hash": TECHNICAL,
        "created_by": STAFF,
        "created_at": CONTENT_FREE,
        "expires_at": CONTENT_FREE,
        "emailed": CONTENT_FREE,
        "used_at": CONTENT_FREE,
        "cancelled_at": CONTENT_FREE,
    },
)


class WithheldSessionQuerySet(models.QuerySet):
    def current(self) -> WithheldSessionQuerySet:
        return self.filter(released_at__isnull=True)


class WithheldSession(models.Model):
    """A session's notes held back from the person's own view, for a reason the law allows.

    The person sees that something was held back on that day, never what. Showing it again keeps this row."""

    class Reason(models.TextChoices):
        NAMES_SOMEONE_ELSE = "names_someone_else", "It names or is about someone else"
        SERIOUS_HARM = "serious_harm", "Seeing it would be likely to cause serious harm"

    session = models.ForeignKey("support.SupportSession", on_delete=models.PROTECT, related_name="withheld")
    reason = models.CharField(max_length=30, choices=Reason.choices)
    withheld_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    withheld_at = models.DateTimeField()
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = WithheldSessionQuerySet.as_manager()

    class Meta:
        ordering = ["-withheld_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session"],
                condition=Q(released_at__isnull=True),
                name="one_current_hold_back_per_session",
            )
        ]

    def __str__(self) -> str:
        return f"Held back #{self.pk}"


personal_data.declare(
    WithheldSession,
    person="session__person",
    title="Notes held back from their own view",
    fields={
        "id": TECHNICAL,
        "session": REFERENCE,
        "reason": CONTENT_FREE,
        "withheld_by": STAFF,
        "withheld_at": CONTENT_FREE,
        "released_at": CONTENT_FREE,
        "released_by": STAFF,
    },
)
