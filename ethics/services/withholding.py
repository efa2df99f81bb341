"""Holding a session's notes back from the person's own view, only for a reason the law allows, and showing them
again. Each is one transaction with its audit row; the person sees that something was held back, never what."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from chime import audit
from chime.audit import Reason
from chime.errors import RuleBroken
from chime.models import AuditEvent
from ethics.models.online_access import WithheldSession

if TYPE_CHECKING:
    from chime.models import User
    from sessions.models import SupportSession


class WithholdingError(RuleBroken):
    """A session could not be held back from, or given back to, the person's view."""


@transaction.atomic
def withhold_session(*, session: SupportSession, by: User, reason: str) -> WithheldSession:
    """Hold this session's notes back from the person's view, for `reason` (names someone else / serious harm)."""
    if reason not in WithheldSession.Reason.values:
        raise WithholdingError("reason", "Choose the reason the law allows.")
    if WithheldSession.objects.current().filter(session=session).exists():
        raise WithholdingError("already", "This session is already held back.")
    held = WithheldSession.objects.create(
        session=session, reason=reason, withheld_by=by, withheld_at=timezone.now()
    )
    audit.record(
        AuditEvent.Action.UPDATE,
        obj=held,
        person_id=session.person_id,
        reason=Reason(
            "session {session} held back from the person's view ({why})",
            session=session.pk,
            why=WithheldSession.Reason(reason),
        ),
    )
    return held


@transaction.atomic
def release_session(*, held: WithheldSession, by: User) -> None:
    """Let the person read this session's notes again. The record of the hold stays."""
    held.released_at = timezone.now()
    held.released_by = by
    held.save(update_fields=["released_at", "released_by"])
    audit.record(
        AuditEvent.Action.UPDATE,
        obj=held,
        person_id=held.session.person_id,
        reason=Reason("session {session} shown to the person again", session=held.session_id),
    )
