"""Checkpoints of the audit chain's head, kept outside the database and signed with a key it does not hold.

The hash chain shows a row altered or removed in the middle, but not the end of the chain cut off, nor the whole
chain rewritten by someone able to recompute the hashes. So every few minutes the background worker appends the
latest row's id and hash, and the number of rows up to it, to CHIME_AUDIT_CHECKPOINT_FILE (one JSON line each),
signed with an HMAC of CHIME_AUDIT_CHECKPOINT_KEY. `verify_audit_chain` checks the chain against every checkpoint
of this database. One file may hold the checkpoints of several databases (each line names its own).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from chime.models import AuditEvent


class CheckpointError(Exception):
    """The checkpoint file cannot be trusted (a forged, altered or unreadable line), or the chain no longer
    matches its latest checkpoint."""


@dataclass(frozen=True)
class Checkpoint:
    database: str
    row_id: int
    hash: str
    rows: int  # how many audit rows there were up to and including row_id
    at: str  # when it was taken (UTC, ISO 8601)

    def describe(self) -> str:
        return f"row {self.row_id}, {'1 row' if self.rows == 1 else f'{self.rows} rows'}, taken {self.at}"


def _sign(fields: dict[str, object]) -> str:
    message = json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()
    return hmac.new(settings.CHIME_AUDIT_CHECKPOINT_KEY.encode(), message, hashlib.sha256).hexdigest()


def _database() -> str:
    return connection.settings_dict["NAME"]


def read_checkpoints(path: Path | None = None, *, database: str | None = None) -> list[Checkpoint]:
    """This database's checkpoints in the order they were written, each line's signature checked. `database`
    names another database's instead: the one a restored backup was taken from.

    Lines of other databases are left aside unchecked: they may be signed with another key (in development, the
    benchmark's databases beside the demo's). A line whose database was edited is thereby hidden, which is no more
    than deleting it, which someone able to write the file can do anyway (hence: ship the file off the machine).
    """
    path = path or settings.CHIME_AUDIT_CHECKPOINT_FILE
    if not path.exists():
        return []
    found = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            checkpoint = _parse(line, f"{path}, line {number}", database or _database())
            if checkpoint is not None:
                found.append(checkpoint)
    return found


def _parse(line: str, where: str, database: str) -> Checkpoint | None:
    try:
        fields = json.loads(line)
        signature = fields.pop("signature")
        checkpoint = Checkpoint(**fields)
    except (ValueError, TypeError, KeyError, AttributeError) as unreadable:
        raise CheckpointError(f"{where} is not a checkpoint: the file was damaged or edited.") from unreadable
    if checkpoint.database != database:
        return None
    if not hmac.compare_digest(str(signature), _sign(fields)):
        raise CheckpointError(
            f"{where}: its signature does not match. It was forged or altered, or signed with another key."
        )
    return checkpoint


def still_matches(checkpoint: Checkpoint) -> bool:
    """Whether the row a checkpoint names is still there, with its hash and the same number of rows up to it."""
    row = AuditEvent.objects.filter(pk=checkpoint.row_id, hash=checkpoint.hash)
    return row.exists() and AuditEvent.objects.filter(pk__lte=checkpoint.row_id).count() == checkpoint.rows


def take_checkpoint(path: Path | None = None) -> tuple[Checkpoint | None, bool]:
    """Append a signed checkpoint of the chain's head. Returns it and whether it was written: nothing is written
    while the trail is empty or unchanged since the last checkpoint.

    Refuses (CheckpointError) when the chain no longer matches the last checkpoint, so that a trimmed or rewritten
    trail is reported within minutes and never covered by a new checkpoint.
    """
    path = path or settings.CHIME_AUDIT_CHECKPOINT_FILE
    previous = (read_checkpoints(path) or [None])[-1]
    if previous is not None and not still_matches(previous):
        raise CheckpointError(
            f"The audit trail no longer matches its last checkpoint ({previous.describe()}): "
            "run `manage.py verify_audit_chain` to find the first missing or altered row. No checkpoint written."
        )
    head = AuditEvent.objects.order_by("-pk").values_list("pk", "hash").first()
    if head is None:
        return None, False
    if previous is not None and (previous.row_id, previous.hash) == head:
        return previous, False
    checkpoint = Checkpoint(
        database=_database(),
        row_id=head[0],
        hash=head[1],
        rows=AuditEvent.objects.filter(pk__lte=head[0]).count(),
        at=timezone.now().astimezone(dt.UTC).isoformat(timespec="seconds"),
    )
    append_checkpoint(path, checkpoint)
    return checkpoint, True


def append_checkpoint(path: Path, checkpoint: Checkpoint) -> None:
    """Append one signed line (a backup writes its database's latest checkpoint beside itself)."""
    fields = asdict(checkpoint)
    line = json.dumps({**fields, "signature": _sign(fields)}, sort_keys=True) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    with os.fdopen(descriptor, "a", encoding="utf-8") as file:
        file.write(line)  # one write of one short line: appends from two processes never interleave
        file.flush()
        os.fsync(file.fileno())
