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
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from chime.models import AuditEvent

if TYPE_CHECKING:
    from chime.checkpoints import Checkpoint
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


class AboutStaff(str):
    """Words about a member of staff's account (usernames, role names, what changed from what to what), which may
    go into an audit reason: staff administration must say what changed. Never text about a person supported."""

    __slots__ = ()


class AboutOrganisation(str):
    """Words from the organisation's own settings (a sharing purpose's name, a wording, a deadline), which may go
    into an audit reason so that a change shows before and after. Never text about a person supported."""

    __slots__ = ()


def _content_free(value: object) -> bool:
    if isinstance(
        value, (Reason, AboutStaff, AboutOrganisation, enum.Enum, dt.date)
    ):  # dt.datetime is a dt.date
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
    people: list[int] | None = None,
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
        people=people,
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
    people: list[int] | None,
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
        reason=Reason("read-only access") if forbidden else Reason("not visible to this user"),
    )


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_bad_id: int | None
    problem: str = ""
    checkpoints_matched: int = 0

    @property
    def ok(self) -> bool:
        return self.first_bad_id is None


def verify_chain(checkpoints: Sequence[Checkpoint] = (), batch_size: int = 5000) -> ChainReport:
    """Walk the whole chain in id order; report the first row that is missing or does not match.

    Each row's hash must cover its contents and link to the row before. Each checkpoint (chime.checkpoints) must
    find its row, with its hash and the same number of rows up to it: this is what shows the end of the chain cut
    off, or the chain rewritten with fresh hashes, up to the latest checkpoint.
    """
    pending = deque(sorted({c.row_id: c for c in checkpoints}.values(), key=lambda c: c.row_id))
    previous, previous_id, checked, matched = GENESIS_HASH, None, 0, 0
    for event in AuditEvent.objects.order_by("pk").iterator(chunk_size=batch_size):
        if event.prev_hash != previous:
            return _broken_link(checked, event.pk, previous_id, matched)
        if pending and pending[0].row_id < event.pk:
            return ChainReport(
                checked, pending[0].row_id, _missing_checkpointed_row(pending[0], event.pk), matched
            )
        if event.compute_hash() != event.hash:
            return ChainReport(checked, event.pk, f"row {event.pk}'s contents do not match its hash", matched)
        checked += 1
        if pending and pending[0].row_id == event.pk:
            checkpoint = pending.popleft()
            if event.hash != checkpoint.hash or checked != checkpoint.rows:
                return ChainReport(checked - 1, event.pk, _rewritten(checkpoint, checked), matched)
            matched += 1
        previous, previous_id = event.hash, event.pk
    if pending:
        return ChainReport(
            checked, (previous_id or 0) + 1, _trimmed(pending[-1], previous_id, checked), matched
        )
    return ChainReport(checked, None, checkpoints_matched=matched)


def _broken_link(checked: int, row_id: int, previous_id: int | None, matched: int) -> ChainReport:
    if previous_id is None:
        return ChainReport(
            checked, row_id, f"the rows before row {row_id}, the first left, are missing", matched
        )
    if row_id == previous_id + 2:
        missing = previous_id + 1
        problem = f"row {missing} is missing: row {row_id} no longer links to row {previous_id} before it"
        return ChainReport(checked, missing, problem, matched)
    if row_id > previous_id + 2:
        problem = (
            f"rows between row {previous_id} and row {row_id} are missing: row {row_id} no longer links to it"
        )
        return ChainReport(checked, previous_id + 1, problem, matched)
    problem = f"row {row_id} does not link to row {previous_id} before it: one of the two was changed"
    return ChainReport(checked, row_id, problem, matched)


def _missing_checkpointed_row(checkpoint: Checkpoint, next_id: int) -> str:
    return f"row {checkpoint.row_id} is missing (the checkpoint {checkpoint.describe()} names it; row {next_id} follows)"


def _rewritten(checkpoint: Checkpoint, rows: int) -> str:
    return (
        f"row {checkpoint.row_id} does not match the checkpoint {checkpoint.describe()}"
        f" ({rows} rows up to it now): the rows up to it were rewritten"
    )


def _trimmed(checkpoint: Checkpoint, last_id: int | None, rows: int) -> str:
    end = f"after row {last_id} ({rows} rows)" if last_id else "with no rows at all"
    return (
        f"the chain now ends {end}, but the checkpoint {checkpoint.describe()} recorded rows up to "
        f"row {checkpoint.row_id}: the end of the chain was removed"
    )
