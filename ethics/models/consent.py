"""Consent to share, the exact wording people were shown, and every disclosure made.

Consent records are never edited or deleted: renewing, changing or withdrawing a consent adds a new version that
supersedes the one before it, so the history shows exactly what the person agreed to at each point. The one
question "does an active consent cover this share?" is answered by `ConsentQuerySet.covering`, and nowhere else.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING

import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from chime import personal_data
from chime.personal_data import CONTENT_FREE, ERASED, FREE_TEXT, ORGANISATION, REFERENCE, TECHNICAL
from sessions import rollup_triggers

if TYPE_CHECKING:
    from chime.models import User
    from sessions.models import Person


class SharingPurpose(models.Model):
    """A reason the organisation may share information, from a list admins manage in the Django admin."""

    name = models.CharField(max_length=120, unique=True)
    description = models.CharField(
        max_length=300, blank=True, help_text="One plain sentence, shown to staff when they choose a purpose."
    )
    is_active = models.BooleanField(
        "offered for new consents",
        default=True,
        help_text="Untick to stop offering it. Consents already given keep it.",
    )
    order = models.PositiveSmallIntegerField(default=100, help_text="Lower numbers come first in lists.")

    class Meta:
        ordering = ["order", "name"]
        triggers = [
            pgtrigger.Protect(name="purposes_are_never_deleted", operation=pgtrigger.Delete),
            *rollup_triggers.noting_every_period("purpose"),  # the reporting purpose is found by its name
        ]

    def __str__(self) -> str:
        return self.name


personal_data.declare(
    SharingPurpose,
    person=None,
    fields={
        "id": TECHNICAL,
        "name": ORGANISATION,
        "description": ORGANISATION,
        "is_active": ORGANISATION,
        "order": ORGANISATION,
    },
)


class OrganisationContact(models.Model):
    """How people reach the organisation to change their mind about a consent (or ask anything): printed on every
    consent receipt. One row; admins change it in the Django admin, through the audited settings service."""

    phone = models.CharField("phone number", max_length=40, blank=True)
    email = models.EmailField("email address", blank=True)
    address = models.TextField("postal address", blank=True)
    hours = models.CharField("when someone answers", max_length=150, blank=True)

    class Meta:
        verbose_name = "contact details for people we support"
        verbose_name_plural = "contact details for people we support"

    def __str__(self) -> str:
        return "Contact details for people we support"

    @classmethod
    def current(cls) -> OrganisationContact | None:
        return cls.objects.order_by("pk").first()


personal_data.declare(
    OrganisationContact,
    person=None,
    fields={"id": TECHNICAL, **dict.fromkeys(["phone", "email", "address", "hours"], ORGANISATION)},
)


class ConsentWordingQuerySet(models.QuerySet):
    def current(self) -> ConsentWordingQuerySet:
        """The newest wording of each purpose still offered: what a person is shown today."""
        newer = ConsentWording.objects.filter(purpose=OuterRef("purpose"), version__gt=OuterRef("version"))
        return (
            self.filter(purpose__is_active=True)
            .exclude(Exists(newer))
            .select_related("purpose")
            .order_by("purpose__order", "purpose__name")
        )


class ConsentWording(models.Model):
    """The exact words a person is shown when asked for consent for one purpose. New words are a new version."""

    purpose = models.ForeignKey(SharingPurpose, on_delete=models.PROTECT, related_name="wordings")
    version = models.PositiveSmallIntegerField()
    text = models.TextField(help_text="Plain words, as they will be read to or by the person.")
    published_at = models.DateTimeField(default=timezone.now)

    objects = ConsentWordingQuerySet.as_manager()

    class Meta:
        ordering = ["purpose", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["purpose", "version"], name="one_wording_per_purpose_version")
        ]
        triggers = [
            pgtrigger.Protect(
                name="consent_wording_is_never_changed", operation=pgtrigger.Update | pgtrigger.Delete
            )
        ]

    def __str__(self) -> str:
        return f"{self.purpose} (wording version {self.version})"


personal_data.declare(
    ConsentWording,
    person=None,
    fields={
        "id": TECHNICAL,
        "purpose": REFERENCE,
        "version": ORGANISATION,
        "text": ORGANISATION,
        "published_at": ORGANISATION,
    },
)


class ContentKind(models.TextChoices):
    """What may be shared. Each kind maps to one part of a disclosure pack (see ethics.services.sharing)."""

    SESSION_SUMMARIES = "session_summaries", "Summary of chosen sessions"
    CONTACT_DETAILS = "contact_details", "Contact details"
    GOALS_AND_STRENGTHS = "goals_and_strengths", "Goals and strengths"
    SAFEGUARDING_REFERRAL = "safeguarding_referral", "What was shared in a safeguarding referral"


class ConsentQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> ConsentQuerySet:
        """Admins manage every consent; practitioners and supervisors see those of people they may see."""
        from sessions.models import Person

        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_org_admin:
            return self.all()
        return self.filter(person__in=Person.objects.visible_to(user))

    def current(self) -> ConsentQuerySet:
        """The latest version of each consent: the ones no later version supersedes."""
        return self.filter(superseded_by__isnull=True)

    def active(self, *, on: dt.date | None = None) -> ConsentQuerySet:
        """Current, given (not withdrawn), started and not yet expired on the day `on` (today by default)."""
        on = on or timezone.localdate()
        return self.current().filter(status=Consent.Status.GIVEN, given_on__lte=on, expires_on__gt=on)

    def covering(
        self, *, person: Person, purpose: SharingPurpose, recipient: str, content_kinds: list[str], on=None
    ) -> ConsentQuerySet:
        """Active consents that allow sharing all these kinds of content with this recipient for this purpose.

        This is the one consent check; every share goes through it (see ethics.services.sharing).
        """
        return self.active(on=on).filter(
            person=person,
            purpose=purpose,
            recipient__iexact=recipient.strip(),
            content_kinds__contains=list(content_kinds),
        )

    def for_person_page(self, person: Person) -> ConsentQuerySet:
        return (
            self.current()
            .filter(person=person)
            .select_related("purpose", "recorded_by")
            .order_by("purpose__order", "purpose__name", "-recorded_at")
        )

    def recipients_named(self, person: Person) -> list[tuple[str, bool]]:
        """Everyone the person's current consents name, once each (as first written), and whether an active
        consent names them: the share form offers these rather than asking for a name typed to match."""
        active = set(self.active().filter(person=person).values_list("pk", flat=True))
        named: dict[str, tuple[str, bool]] = {}
        for pk, recipient in (
            self.current().filter(person=person).order_by("recipient", "pk").values_list("pk", "recipient")
        ):
            key = recipient.strip().casefold()
            shown, was_active = named.get(key, (recipient.strip(), False))
            named[key] = (shown, was_active or pk in active)
        return sorted(named.values(), key=lambda item: item[0].casefold())

    def expiring(self, *, within_days: int = 30) -> ConsentQuerySet:
        """What the renewal list shows: active consents that end within the next `within_days` days."""
        today = timezone.localdate()
        return (
            self.active(on=today)
            .filter(expires_on__lte=today + dt.timedelta(days=within_days))
            .select_related("person", "person__practitioner", "purpose")
            .order_by("expires_on", "person__preferred_name", "pk")
        )


class Consent(models.Model):
    """One version of a person's consent to share information for one purpose with one recipient."""

    class Status(models.TextChoices):
        GIVEN = "given", "Given"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class HowGiven(models.TextChoices):
        WRITTEN = "written", "In writing"
        VERBAL = "verbal", "Spoken (verbal)"
        ELECTRONIC = "electronic", "Electronically (for example email or text)"

    series = models.UUIDField(default=uuid.uuid4, editable=False, db_index=True)
    version = models.PositiveSmallIntegerField(default=1)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    person = models.ForeignKey("support.Person", on_delete=models.PROTECT, related_name="consents")
    purpose = models.ForeignKey(SharingPurpose, on_delete=models.PROTECT, related_name="consents")
    wording = models.ForeignKey(
        ConsentWording, on_delete=models.PROTECT, related_name="consents", verbose_name="wording shown"
    )
    recipient = models.CharField("who it may be shared with", max_length=200)
    content_kinds = ArrayField(
        models.CharField(max_length=30, choices=ContentKind.choices), verbose_name="what may be shared"
    )
    content_notes = models.TextField("anything else about what may be shared", blank=True)
    how_given = models.CharField(max_length=20, choices=HowGiven.choices)
    given_on = models.DateField("consent given on")
    expires_on = models.DateField("consent ends on")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.GIVEN)
    withdrawal_reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["series", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["series", "version"], name="one_consent_row_per_version"),
            models.CheckConstraint(
                condition=Q(expires_on__gt=models.F("given_on")), name="consent_ends_after_given"
            ),
            models.CheckConstraint(condition=~Q(content_kinds=[]), name="consent_covers_some_content"),
            models.CheckConstraint(
                condition=Q(version=1, supersedes__isnull=True) | Q(version__gt=1, supersedes__isnull=False),
                name="consent_versions_link_to_the_one_before",
            ),
        ]
        indexes = [models.Index(fields=["person", "purpose"], name="consent_person_purpose_idx")]
        triggers = [
            pgtrigger.Protect(
                name="consent_records_are_never_changed", operation=pgtrigger.Update | pgtrigger.Delete
            ),
            # Consent for reporting decides whether the report counts its person, in every period
            # (sessions/kept_figures.py).
            *rollup_triggers.noting_every_period("consent", person="person_id"),
        ]

    def __str__(self) -> str:
        return f"Consent for {self.purpose} with {self.recipient} (version {self.version})"

    @property
    def is_withdrawn(self) -> bool:
        return self.status == self.Status.WITHDRAWN

    def is_expired(self, on: dt.date | None = None) -> bool:
        return self.expires_on <= (on or timezone.localdate())

    @property
    def state(self) -> str:
        """What a person reading a list needs to know: active, withdrawn or expired (words, not colours)."""
        if self.is_withdrawn:
            return "Withdrawn"
        return "Expired" if self.is_expired() else "Active"

    @property
    def withdrawn_on(self) -> dt.date | None:
        return timezone.localdate(self.recorded_at) if self.is_withdrawn else None

    def content_labels(self) -> list[str]:
        labels = dict(ContentKind.choices)
        return [labels[kind] for kind in self.content_kinds]


# Who a consent names as recipient may say a lot about a person (their GP, their landlord): it is free text.
personal_data.declare(
    Consent,
    person="person",
    title="Their consents, every version",
    fields={
        "id": TECHNICAL,
        "series": TECHNICAL,
        "version": CONTENT_FREE,
        "supersedes": TECHNICAL,
        "person": REFERENCE,
        "purpose": REFERENCE,
        "wording": REFERENCE,
        "recipient": FREE_TEXT.anonymise(ERASED),
        "content_kinds": CONTENT_FREE,
        "content_notes": FREE_TEXT.remove(),
        "how_given": CONTENT_FREE,
        "given_on": CONTENT_FREE,
        "expires_on": CONTENT_FREE,
        "status": CONTENT_FREE,
        "withdrawal_reason": FREE_TEXT.remove(),
        "recorded_by": REFERENCE,
        "recorded_at": CONTENT_FREE,
    },
)


class DisclosureQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> DisclosureQuerySet:
        from sessions.models import Person

        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_org_admin:
            return self.all()
        return self.filter(person__in=Person.objects.visible_to(user))

    def for_person_page(self, person: Person) -> DisclosureQuerySet:
        return self.filter(person=person).select_related("purpose", "shared_by").order_by("-shared_at", "-pk")


class Disclosure(models.Model):
    """Information that left the organisation: what, to whom, when, by whom, and on what basis.

    `content` keeps exactly what was in the pack at the time, so the record of a disclosure never changes when
    the person's record is edited later.
    """

    class LegalBasis(models.TextChoices):
        CONSENT = "consent", "The person's consent"
        REFERRAL_CONSENT = "referral_consent", "The person's consent to a safeguarding referral"
        RISK_OF_HARM = "risk_of_harm", "Risk of harm (emergency exception)"

    person = models.ForeignKey("support.Person", on_delete=models.PROTECT, related_name="disclosures")
    purpose = models.ForeignKey(SharingPurpose, on_delete=models.PROTECT, related_name="disclosures")
    recipient = models.CharField("shared with", max_length=200)
    content_kinds = ArrayField(
        models.CharField(max_length=30, choices=ContentKind.choices), verbose_name="what was shared"
    )
    content = models.JSONField("the pack as shared", default=dict)
    legal_basis = models.CharField(max_length=20, choices=LegalBasis.choices, default=LegalBasis.CONSENT)
    consent = models.ForeignKey(
        Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="disclosures"
    )
    justification = models.TextField(blank=True, help_text="Required when sharing without consent.")
    shared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    shared_at = models.DateTimeField(default=timezone.now)

    objects = DisclosureQuerySet.as_manager()

    class Meta:
        ordering = ["-shared_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(legal_basis="consent", consent__isnull=False)
                | Q(legal_basis="referral_consent", consent__isnull=True)
                | Q(legal_basis="risk_of_harm", consent__isnull=True) & ~Q(justification=""),
                name="disclosure_has_consent_or_a_justification",
            )
        ]
        indexes = [models.Index(fields=["person", "-shared_at"], name="disclosure_person_idx")]
        triggers = [
            pgtrigger.Protect(
                name="disclosures_are_never_changed", operation=pgtrigger.Update | pgtrigger.Delete
            )
        ]

    def __str__(self) -> str:
        return f"Shared with {self.recipient} on {timezone.localtime(self.shared_at):%d %b %Y}"

    def content_labels(self) -> list[str]:
        labels = dict(ContentKind.choices)
        return [labels[kind] for kind in self.content_kinds]


# What was shared stays recorded (when, why, on what basis, by whom); to whom, the copy and the reasons go. A
# disclosure made in a safeguarding referral is kept with the concern.
personal_data.declare(
    Disclosure,
    person="person",
    held_with="referral__concern",
    title="What was shared, with whom and why",
    fields={
        "id": TECHNICAL,
        "person": REFERENCE,
        "purpose": REFERENCE,
        "recipient": FREE_TEXT.anonymise(ERASED),
        "content_kinds": CONTENT_FREE,
        "content": FREE_TEXT.anonymise({"erased": True}),
        "legal_basis": CONTENT_FREE,
        "consent": TECHNICAL,
        "justification": FREE_TEXT.anonymise(ERASED),  # never blank when shared without consent
        "shared_by": REFERENCE,
        "shared_at": CONTENT_FREE,
    },
)
