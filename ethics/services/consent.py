"""Recording, renewing and withdrawing consent. Each is one transaction with its audit row.

Nothing here edits or deletes a consent: every change adds a version that supersedes the current one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from chime import audit
from chime.audit import Reason
from chime.errors import RuleBroken
from chime.models import AuditEvent
from chime.services import notify
from ethics.access import can_manage_consent
from ethics.models import Consent, ConsentWording, ContentKind
from ethics.own_record import is_own_record

if TYPE_CHECKING:
    from chime.models import User
    from sessions.models import Person


class ConsentError(RuleBroken):
    """A consent rule was broken. `code` says which; the message is for people."""


@dataclass(frozen=True)
class ConsentTerms:
    """What the person agreed to: with whom, what may be shared, how they said so, and for how long."""

    recipient: str
    content_kinds: tuple[str, ...]
    how_given: str
    given_on: dt.date
    expires_on: dt.date
    content_notes: str = ""


def _check_terms(terms: ConsentTerms) -> None:
    if not terms.recipient.strip():
        raise ConsentError("no_recipient", "Say who the information may be shared with.")
    if not terms.content_kinds or not set(terms.content_kinds) <= set(ContentKind.values):
        raise ConsentError("no_content", "Choose what may be shared.")
    if terms.given_on > timezone.localdate():
        raise ConsentError("given_in_future", "Consent cannot be given on a date in the future.")
    if terms.expires_on <= terms.given_on:
        raise ConsentError("ends_before_given", "The end date must be after the day consent was given.")


def _check_current_wording(wording: ConsentWording) -> None:
    if not ConsentWording.objects.current().filter(pk=wording.pk).exists():
        raise ConsentError(
            "wording_changed",
            "The wording for this purpose has changed. Please show the person the new wording.",
        )


def _check_manager(user: User, person: Person) -> None:
    if not can_manage_consent(user, person):
        raise ConsentError(
            "not_allowed", "Only the person's practitioner or an admin can change their consents."
        )


@transaction.atomic
def record_consent(
    *, person: Person, wording: ConsentWording, terms: ConsentTerms, recorded_by: User
) -> Consent:
    """Record a consent the person has just given, with the exact wording they were shown."""
    _check_manager(recorded_by, person)
    _check_terms(terms)
    _check_current_wording(wording)
    consent = Consent.objects.create(
        person=person,
        purpose=wording.purpose,
        wording=wording,
        recorded_by=recorded_by,
        recorded_at=timezone.now(),
        **_term_fields(terms),
    )
    audit.record(
        AuditEvent.Action.CONSENT_GIVEN,
        obj=consent,
        person_id=person.pk,
        actor=recorded_by,
        reason=Reason(
            "purpose {purpose}; ends on {ends:%Y-%m-%d}", purpose=wording.purpose_id, ends=terms.expires_on
        ),
    )
    return consent


@transaction.atomic
def renew_consent(*, consent: Consent, terms: ConsentTerms, renewed_by: User) -> Consent:
    """Renew or change a consent with the person: a new version, shown the purpose's current wording."""
    _check_manager(renewed_by, consent.person)
    _check_terms(terms)
    current = _lock_current(consent)
    if current.is_withdrawn:
        raise ConsentError(
            "withdrawn", "This consent was withdrawn. If the person agrees again, record a new consent."
        )
    wording = ConsentWording.objects.current().filter(purpose=current.purpose).first()
    if wording is None:
        raise ConsentError(
            "purpose_retired", "This purpose is no longer offered, so the consent cannot be renewed."
        )
    renewed = _next_version(current, recorded_by=renewed_by, wording=wording, **_term_fields(terms))
    audit.record(
        AuditEvent.Action.CONSENT_CHANGED,
        obj=renewed,
        person_id=renewed.person_id,
        actor=renewed_by,
        reason=Reason(
            "version {version} of consent {consent}; ends on {ends:%Y-%m-%d}",
            version=renewed.version,
            consent=current.pk,
            ends=terms.expires_on,
        ),
    )
    return renewed


@transaction.atomic
def withdraw_consent(*, consent: Consent, withdrawn_by: User, reason: str = "") -> Consent:
    """Withdraw a consent. It takes effect at once: the next share under it is refused.

    The person themselves may withdraw their own consents (signed in to their own record); then their practitioner
    is told."""
    by_the_person = is_own_record(withdrawn_by, consent.person)
    if not by_the_person:
        _check_manager(withdrawn_by, consent.person)
    current = _lock_current(consent)
    if current.is_withdrawn:
        raise ConsentError(
            "already_withdrawn", f"This consent was already withdrawn on {date_format(current.withdrawn_on)}."
        )
    withdrawn = _next_version(
        current, recorded_by=withdrawn_by, status=Consent.Status.WITHDRAWN, withdrawal_reason=reason.strip()
    )
    # The reason is the person's own words, so it stays in the consent record, not in the audit trail.
    audit.record(
        AuditEvent.Action.CONSENT_WITHDRAWN,
        obj=withdrawn,
        person_id=withdrawn.person_id,
        actor=withdrawn_by,
        reason=Reason(
            "version {version} of consent {consent}", version=withdrawn.version, consent=current.pk
        ),
    )
    if by_the_person:
        notify(
            recipients=[current.person.practitioner],
            title=f"Person {current.person_id} withdrew a consent themselves",
            url=reverse("consent-detail", args=[withdrawn.pk]),
            about=withdrawn,
        )
    return withdrawn


def _lock_current(consent: Consent) -> Consent:
    """Lock the version being changed, so two changes at once cannot both supersede it."""
    # of=("self",): only the consent row; locking the person and purpose too would hold up every share that
    # names the same purpose (a disclosure's foreign key check takes a key-share lock on it).
    locked = (
        Consent.objects.select_for_update(of=("self",)).select_related("person", "purpose").get(pk=consent.pk)
    )
    if Consent.objects.filter(supersedes=locked).exists():
        raise ConsentError(
            "not_current", "This consent has changed since you opened it. Please look at its latest version."
        )
    return locked


def _next_version(current: Consent, *, recorded_by: User, **changes: object) -> Consent:
    fields = {
        name: getattr(current, name)
        for name in (
            "series",
            "person",
            "purpose",
            "wording",
            "recipient",
            "content_kinds",
            "content_notes",
            "how_given",
            "given_on",
            "expires_on",
        )
    }
    fields.update(changes)
    return Consent.objects.create(
        **fields,
        version=current.version + 1,
        supersedes=current,
        recorded_by=recorded_by,
        recorded_at=timezone.now(),
    )


def _term_fields(terms: ConsentTerms) -> dict[str, object]:
    return {
        "recipient": terms.recipient.strip(),
        "content_kinds": list(terms.content_kinds),
        "content_notes": terms.content_notes.strip(),
        "how_given": terms.how_given,
        "given_on": terms.given_on,
        "expires_on": terms.expires_on,
    }
