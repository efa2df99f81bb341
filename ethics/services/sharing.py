"""Information leaves the organisation only through here.

`share_information` allows a share only when an active consent covers its purpose, recipient and content
(`find_covering_consent`, the one consent check), records it as a `Disclosure` with the pack exactly as shared,
and audits it. A refused share is audited too, with the reason, and nothing is recorded as shared.
`record_disclosure` is the only writer of disclosures: the risk-of-harm exception will call it with its own basis.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.formats import date_format

from chime import audit
from chime.audit import Reason
from chime.errors import RuleBroken
from chime.models import AuditEvent
from ethics.access import can_manage_consent, can_read_sessions
from ethics.models import Consent, ContentKind, Disclosure, SharingPurpose
from sessions.models import NoteFlagStep, SupportSession
from sessions.plans import goals_text

if TYPE_CHECKING:
    from chime.models import User
    from sessions.models import Person


_REFUSED = {  # SharingError codes, as the audit trail says them
    "content_not_covered": Reason("the consent does not cover all of the content"),
    "withdrawn": Reason("the consent was withdrawn"),
    "expired": Reason("the consent has expired"),
    "no_consent": Reason("no consent"),
    "not_allowed": Reason("not allowed to share"),
    "nothing_chosen": Reason("nothing chosen"),
    "notes_need_to_know": Reason("session notes are need-to-know"),
    "no_sessions": Reason("no sessions chosen"),
    "wrong_person": Reason("sessions of someone else"),
}


class SharingError(RuleBroken):
    """A share was refused. `code` says why; the message says it to people, plainly."""


def find_covering_consent(
    *,
    person: Person,
    purpose: SharingPurpose,
    recipient: str,
    content_kinds: Iterable[str],
    on: dt.date | None = None,
) -> Consent:
    """The active consent that covers sharing these kinds of content with this recipient for this purpose.

    Raises SharingError saying why not: withdrawn (and when), expired (and when), not covering some of the
    content, or no consent at all for this purpose and recipient.
    """
    on = on or timezone.localdate()
    kinds = list(content_kinds)
    found = Consent.objects.covering(
        person=person, purpose=purpose, recipient=recipient, content_kinds=kinds, on=on
    ).order_by("-recorded_at", "-pk")
    consent = found.first()
    if consent is None:
        raise _why_not_covered(person, purpose, recipient, kinds, on)
    return consent


HOLD_ATTEMPTS = 3


def hold_covering_consent(
    *, person: Person, purpose: SharingPurpose, recipient: str, content_kinds: list[str]
) -> Consent:
    """The covering consent, held (FOR SHARE) until the surrounding transaction commits. Call inside it.

    Withdrawing or renewing locks the current version FOR UPDATE before superseding it (ethics.services.consent),
    so while a share holds that version nothing can supersede it, and a share that had to wait for a withdrawal
    sees it once the lock is granted: each statement reads what is committed by then (READ COMMITTED), so the
    version found is checked again and, if superseded, the search starts over with the newer version. Shares do
    not wait for one another (FOR SHARE locks are compatible).
    """
    for _attempt in range(HOLD_ATTEMPTS):
        consent = find_covering_consent(
            person=person, purpose=purpose, recipient=recipient, content_kinds=content_kinds
        )
        if _hold(consent):
            return consent
    raise SharingError(
        "consent_changing",
        "This consent is being changed right now. Look at its latest version and try again.",
    )


def _hold(consent: Consent) -> bool:
    """Lock this consent version for share; True if it is still the current version once the lock is held."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM ethics_consent WHERE id = %s FOR SHARE", [consent.pk])
    return not Consent.objects.filter(supersedes=consent).exists()


def _why_not_covered(
    person: Person, purpose: SharingPurpose, recipient: str, kinds: list[str], on: dt.date
) -> SharingError:
    latest = list(
        Consent.objects.current()
        .filter(person=person, purpose=purpose, recipient__iexact=recipient.strip())
        .order_by("-recorded_at", "-pk")
    )
    about = f"{person}’s consent to share with {recipient.strip()} for “{purpose}”"
    active = [c for c in latest if not c.is_withdrawn and not c.is_expired(on) and c.given_on <= on]
    if active:
        labels = dict(ContentKind.choices)
        missing = sorted({labels[k] for k in kinds} - {labels[k] for k in active[0].content_kinds})
        return SharingError("content_not_covered", f"{about} does not include: {', '.join(missing)}.")
    if latest and latest[0].is_withdrawn:
        return SharingError(
            "withdrawn",
            f"{about} was withdrawn on {date_format(latest[0].withdrawn_on)}. Nothing can be shared under it.",
        )
    if latest and latest[0].is_expired(on):
        return SharingError(
            "expired",
            f"{about} expired on {date_format(latest[0].expires_on)}. Renew it with them before sharing anything.",
        )
    return SharingError(
        "no_consent", f"{person} has not given consent to share with {recipient.strip()} for “{purpose}”."
    )


def share_information(
    *,
    person: Person,
    purpose: SharingPurpose,
    recipient: str,
    content_kinds: Iterable[str],
    shared_by: User,
    sessions: Iterable[SupportSession] = (),
) -> Disclosure:
    """Share chosen information under the person's consent, and record it as a disclosure.

    Raises SharingError when the share is not allowed; the refusal is audited (outcome denied) all the same.
    """
    kinds = list(dict.fromkeys(content_kinds))
    try:
        return _share_under_consent(person, purpose, recipient.strip(), kinds, list(sessions), shared_by)
    except SharingError as refusal:
        audit.record(
            AuditEvent.Action.SHARE,
            object_type=Disclosure._meta.label,
            person_id=person.pk,
            outcome=AuditEvent.Outcome.DENIED,
            actor=shared_by,
            reason=Reason(
                "refused: {why}; purpose {purpose}",
                why=_REFUSED.get(refusal.code, Reason("another reason")),
                purpose=purpose.pk,
            ),
        )
        raise


@transaction.atomic
def _share_under_consent(
    person: Person,
    purpose: SharingPurpose,
    recipient: str,
    kinds: list[str],
    sessions: list[SupportSession],
    shared_by: User,
) -> Disclosure:
    check_share_request(person, kinds, sessions, shared_by)
    consent = hold_covering_consent(person=person, purpose=purpose, recipient=recipient, content_kinds=kinds)
    return record_disclosure(
        person=person,
        purpose=purpose,
        recipient=recipient,
        content_kinds=kinds,
        content=build_pack(person, kinds, sessions),
        shared_by=shared_by,
        consent=consent,
    )


def check_share_request(
    person: Person, kinds: list[str], sessions: list[SupportSession], shared_by: User
) -> None:
    if not can_manage_consent(shared_by, person):
        raise SharingError(
            "not_allowed", "Only the person's practitioner or an admin can share their information."
        )
    if not kinds or not set(kinds) <= set(ContentKind.values):
        raise SharingError("nothing_chosen", "Choose what to share.")
    wants_sessions = ContentKind.SESSION_SUMMARIES in kinds
    if wants_sessions and not can_read_sessions(shared_by, person):
        raise SharingError(
            "notes_need_to_know",
            "Only the person's practitioner can share session summaries: admins do not read session notes.",
        )
    if wants_sessions and not sessions:
        raise SharingError("no_sessions", "Choose which sessions to summarise.")
    if any(session.person_id != person.pk for session in sessions):
        raise SharingError("wrong_person", "Choose sessions with this person only.")


@transaction.atomic
def record_disclosure(
    *,
    person: Person,
    purpose: SharingPurpose,
    recipient: str,
    content_kinds: list[str],
    content: dict[str, object],
    shared_by: User,
    consent: Consent | None = None,
    legal_basis: str = Disclosure.LegalBasis.CONSENT,
    justification: str = "",
) -> Disclosure:
    """Write one disclosure and its `share` audit row. Callers decide first that the share is allowed."""
    disclosure = Disclosure.objects.create(
        person=person,
        purpose=purpose,
        recipient=recipient,
        content_kinds=content_kinds,
        content=content,
        legal_basis=legal_basis,
        consent=consent,
        justification=justification,
        shared_by=shared_by,
        shared_at=timezone.now(),
    )
    basis = (  # what was shared, with whom and why stay on the disclosure, which the row points to
        Reason("under consent {consent}", consent=consent.pk)
        if consent
        else Reason("basis: {basis}", basis=Disclosure.LegalBasis(legal_basis))
    )
    audit.record(
        AuditEvent.Action.SHARE,
        obj=disclosure,
        person_id=person.pk,
        actor=shared_by,
        reason=Reason("{basis}; purpose {purpose}", basis=basis, purpose=purpose.pk),
    )
    return disclosure


def build_pack(person: Person, kinds: list[str], sessions: list[SupportSession]) -> dict[str, object]:
    """The pack as it leaves the organisation: the person's name, then only the chosen content."""
    pack: dict[str, object] = {"person": {"name": person.preferred_name, "pronouns": person.pronouns}}
    if ContentKind.CONTACT_DETAILS in kinds:
        pack[ContentKind.CONTACT_DETAILS] = {"phone": person.phone, "email": person.email}
    if ContentKind.GOALS_AND_STRENGTHS in kinds:
        pack[ContentKind.GOALS_AND_STRENGTHS] = {"goals": goals_text(person), "strengths": person.strengths}
    if ContentKind.SESSION_SUMMARIES in kinds:
        pack[ContentKind.SESSION_SUMMARIES] = [_session_summary(s) for s in _with_areas(sessions)]
    return pack


def _with_areas(sessions: list[SupportSession]) -> list[SupportSession]:
    corrections = NoteFlagStep.objects.filter(kind=NoteFlagStep.Kind.CORRECTION).order_by("at", "pk")
    return list(
        SupportSession.objects.filter(pk__in=[s.pk for s in sessions])
        .select_related("own_words")
        .prefetch_related("areas", "signposted_services", Prefetch("note_flags__steps", queryset=corrections))
        .order_by("occurred_at", "pk")
    )


def _session_summary(session: SupportSession) -> dict[str, object]:
    """A session as shared: the practitioner's note, and beside it the person's own words and any correction the
    practitioner added after the person flagged the note (sessions.own_words), each marked as what it is."""
    own = getattr(session, "own_words", None)
    return {
        "date": f"{session.occurred_on:%-d %B %Y}",
        "how": session.get_mode_display(),
        "minutes": session.duration_minutes,
        "areas": [{"area": area.get_area_display(), "note": area.note} for area in session.areas.all()],
        "next_steps": session.next_steps,
        "in_their_words": own.words if own else "",
        "corrections": [step.words for flag in session.note_flags.all() for step in flag.steps.all()],
        # Services from the directory by name, then anywhere else typed in.
        "signposted_to": [service.name for service in session.signposted_services.all()]
        + ([session.signposted_to] if session.signposted_to else []),
    }
