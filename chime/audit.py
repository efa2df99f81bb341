"""Write and check the audit trail.

Every audited event goes through `record`. The request's actor, IP address and request id come from the
context that `chime.middleware.AuditContextMiddleware` sets, so callers name only what happened.
Rows are chained: each hash covers the row and the previous row's hash. A transaction-scoped advisory lock
makes concurrent writers take turns, so the chain is written in order.
"""

from __future__ import annotations

import contextvars
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from chime.models import AuditEvent

if TYPE_CHECKING:
    from chime.models import User

GENESIS_HASH = "0" * 64
_CHAIN_LOCK = 7_345_001  # pg_advisory_xact_lock key for the audit chain


@dataclass(frozen=True)
class AuditContext:
    actor: User | None = None
    ip_address: str | None = None
    request_id: str = ""


_NO_CONTEXT = AuditContext()
_context: contextvars.ContextVar[AuditContext | None] = contextvars.ContextVar("chime_audit", default=None)


def set_context(context: AuditContext) -> contextvars.Token:
    return _context.set(context)


def reset_context(token: contextvars.Token) -> None:
    _context.reset(token)


def current_context() -> AuditContext:
    return _context.get() or _NO_CONTEXT


def new_request_id() -> str:
    return uuid.uuid4().hex


def _describe(obj: Model | None) -> tuple[str, str]:
    if obj is None:
        return "", ""
    return obj._meta.label, str(obj.pk)


@transaction.atomic(savepoint=False)  # the chain lock is held until the surrounding transaction ends
def record(
    action: str,
    *,
    obj: Model | None = None,
    object_type: str = "",
    object_id: object = "",
    person_id: int | None = None,
    people: list[int] | None = None,
    outcome: str = AuditEvent.Outcome.SUCCESS,
    reason: str = "",
    actor: User | None = None,
    actor_username: str = "",
) -> AuditEvent:
    """Append one event to the audit trail. Never put note contents or secrets in `reason`."""
    context = current_context()
    actor = actor if actor is not None else context.actor
    if actor is not None and not actor.is_authenticated:
        actor = None
    described_type, described_id = _describe(obj)
    event = AuditEvent(
        at=timezone.now(),
        actor=actor,
        actor_username=actor.get_username() if actor else actor_username[:150],
        actor_roles=",".join(actor.role_names) if actor else "",
        action=action,
        object_type=object_type or described_type,
        object_id=str(object_id or described_id),
        person_id=person_id,
        people=people or [],
        outcome=outcome,
        ip_address=context.ip_address,
        request_id=context.request_id,
        reason=reason[:2000],
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK])
    last = AuditEvent.objects.order_by("-pk").values_list("hash", flat=True).first()
    event.prev_hash = last or GENESIS_HASH
    event.hash = event.compute_hash()
    event.save(force_insert=True)
    return event


def record_list_view(object_type: str, *, people: list[int | None], object_id: object = "") -> AuditEvent:
    """Audit a list, search or page that shows several people: one row that names each person shown.

    "Who has seen my record" (AuditEvent.objects.about_person) finds it for every one of them.
    """
    named = sorted({person for person in people if person is not None})
    return record(AuditEvent.Action.VIEW, object_type=object_type, object_id=object_id, people=named)


def record_denial(model: type, pk: object, *, person_id: int | None, forbidden: bool = False) -> AuditEvent:
    """Audit a refusal by the access policy: 404 for 'not visible', 403 for 'read-only'."""
    return record(
        AuditEvent.Action.DENIED,
        object_type=model._meta.label,
        object_id=pk,
        person_id=person_id,
        outcome=AuditEvent.Outcome.DENIED,
        reason="read-only access" if forbidden else "not visible to this user",
    )


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_bad_id: int | None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.first_bad_id is None


def verify_chain(batch_size: int = 5000) -> ChainReport:
    """Walk the whole chain in id order; report the first row whose hash or link does not match."""
    previous = GENESIS_HASH
    checked = 0
    for event in AuditEvent.objects.order_by("pk").iterator(chunk_size=batch_size):
        if event.prev_hash != previous:
            return ChainReport(checked, event.pk, "its link to the previous row does not match")
        if event.compute_hash() != event.hash:
            return ChainReport(checked, event.pk, "its contents do not match its hash")
        previous = event.hash
        checked += 1
    return ChainReport(checked, None)
