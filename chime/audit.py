"""Write and check the audit trail.

Every audited event goes through `record`. The request's actor, IP address and request id come from the
context that `chime.middleware.AuditContextMiddleware` sets, so callers name only what happened.
Rows are chained: each hash covers the row and the previous row's hash. A transaction-scoped advisory lock
makes concurrent writers take turns, so the chain is written in order.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import enum
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


class Reason(str):
    """An audit row's reason: a phrase written in the code, never text a user typed or a record holds.

    The audit trail outlives erasure, so it must never hold free text about a person: a justification, a note or
    a reason belongs on the record it justifies, which the row points to (object_type, object_id). The phrase is a
    string literal (tests/chime/test_audit_reasons.py checks every `Reason(...)` in the code) and the only values it
    may take are numbers, dates, choices (enum members, shown by their label) and other Reasons:
    `Reason("escalated to level {level}", level=2)`. Anything else is a TypeError, so a leak fails loudly.
    """

    __slots__ = ()

    def __new__(cls, phrase: str, /, **values: object) -> Reason:
        for name, value in values.items():
            if not _content_free(value):
                raise TypeError(
                    f"Audit reason value {name!r} is a {type(value).__name__}: only numbers, dates, choices "
                    "and Reasons may go into an audit reason. Put free text on the record and point to it."
                )
        return super().__new__(cls, phrase.format(**{name: _shown(v) for name, v in values.items()}))


def _content_free(value: object) -> bool:
    if isinstance(value, (Reason, enum.Enum, dt.date)):  # dt.datetime is a dt.date
        return True
    return isinstance(value, int) and not isinstance(value, bool)


def _shown(value: object) -> object:
    return getattr(value, "label", value) if isinstance(value, enum.Enum) else value


def _checked(reason: object) -> Reason | str:
    if reason == "" or isinstance(reason, Reason):
        return reason
    raise TypeError(
        "An audit reason must be an audit.Reason (a declared phrase), never free text: put the text on the record "
        f"it belongs to and point the audit row at it. Got {type(reason).__name__}."
    )


def _describe(obj: Model | None) -> tuple[str, str]:
    if obj is None:
        return "", ""
    return obj._meta.label, str(obj.pk)


def record(
    action: str,
    *,
    obj: Model | None = None,
    object_type: str = "",
    object_id: object = "",
    person_id: int | None = None,
    outcome: str = AuditEvent.Outcome.SUCCESS,
    reason: Reason | str = "",
    actor: User | None = None,
    actor_username: str = "",
) -> AuditEvent:
    """Append one event to the audit trail. `reason` is an `audit.Reason` (a declared phrase) or empty."""
    return _append(
        action,
        obj=obj,
        object_type=object_type,
        object_id=object_id,
        person_id=person_id,
        outcome=outcome,
        reason=_checked(reason),  # before the transaction: free text fails loudly and leaves it usable
        actor=actor,
        actor_username=actor_username,
    )


@transaction.atomic(savepoint=False)  # the chain lock is held until the surrounding transaction ends
def _append(
    action: str,
    *,
    obj: Model | None,
    object_type: str,
    object_id: object,
    person_id: int | None,
    outcome: str,
    reason: str,
    actor: User | None,
    actor_username: str,
) -> AuditEvent:
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


def record_denial(model: type, pk: object, *, person_id: int | None, forbidden: bool = False) -> AuditEvent:
    """Audit a refusal by the access policy: 404 for 'not visible', 403 for 'read-only'."""
    return record(
        AuditEvent.Action.DENIED,
        object_type=model._meta.label,
        object_id=pk,
        person_id=person_id,
        outcome=AuditEvent.Outcome.DENIED,
        reason=Reason("read-only access") if forbidden else Reason("not visible to this user"),
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
