"""Checkpoints of the audit chain's head, outside the database: trimming or rewriting the chain no longer goes unseen.

Tampering is done as the owning role (the app's own role cannot change audit rows at all), in transactional tests,
so that the owner's separate connection sees the rows.
"""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pgtrigger
import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django_tasks_db.models import DBTaskResult

from chime import audit, checkpoints, tasks
from chime.models import AuditEvent

NOON = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
IGNORE_PROTECTION = "chime.AuditEvent:audit_rows_cannot_change"


def _rows(count: int) -> list[AuditEvent]:
    return [audit.record("view", object_type="test", object_id=n) for n in range(count)]


def _run(command: str, *args: str) -> str:
    out = StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def _verify_fails() -> str:
    with pytest.raises(CommandError) as failed:
        call_command("verify_audit_chain", stdout=StringIO())
    return str(failed.value)


def _lines(settings) -> list[dict]:
    return [json.loads(line) for line in settings.CHIME_AUDIT_CHECKPOINT_FILE.read_text().splitlines()]


def test_a_checkpoint_records_the_latest_rows_id_hash_and_count_signed(db, settings):
    rows = _rows(3)
    with time_machine.travel(NOON, tick=False):
        out = _run("checkpoint_audit_chain")
    [line] = _lines(settings)
    signature = line.pop("signature")
    assert line == {
        "database": connection.settings_dict["NAME"],  # test_chime, or test_chime_gw0 under xdist
        "row_id": rows[2].pk,
        "hash": rows[2].hash,
        "rows": 3,
        "at": "2026-12-01T12:00:00+00:00",
    }
    assert len(signature) == 64
    assert out == (
        f"Checkpoint written to {settings.CHIME_AUDIT_CHECKPOINT_FILE}: "
        f"row {rows[2].pk}, 3 rows, taken 2026-12-01T12:00:00+00:00.\n"
    )


def test_an_unchanged_trail_is_not_checkpointed_twice_and_an_empty_one_not_at_all(db, settings):
    assert _run("checkpoint_audit_chain") == "The audit trail is empty: nothing to checkpoint yet.\n"
    assert not settings.CHIME_AUDIT_CHECKPOINT_FILE.exists()
    _rows(2)
    _run("checkpoint_audit_chain")
    assert _run("checkpoint_audit_chain").startswith(
        "The audit trail has not changed since the last checkpoint"
    )
    _rows(1)
    _run("checkpoint_audit_chain")
    assert [line["rows"] for line in _lines(settings)] == [2, 3]


def test_verify_passes_and_names_the_latest_checkpoint_when_the_chain_matches(db):
    _rows(2)
    _run("checkpoint_audit_chain")
    rows = _rows(2)  # rows written after the latest checkpoint are checked by their links alone
    with time_machine.travel(NOON, tick=False):
        _run("checkpoint_audit_chain")
    assert _run("verify_audit_chain") == (
        "Audit chain intact: 4 rows checked.\n"
        f"It matches every checkpoint of this database (2); the latest: row {rows[1].pk}, 4 rows, "
        "taken 2026-12-01T12:00:00+00:00.\n"
    )


def test_without_a_checkpoint_verify_still_checks_the_chain_and_says_none_exists(db, settings):
    _rows(3)
    assert _run("verify_audit_chain") == (
        "Audit chain intact: 3 rows checked.\n"
        f"No checkpoint of this database exists yet in {settings.CHIME_AUDIT_CHECKPOINT_FILE}, so the end of the "
        "chain cannot be checked: run `python manage.py checkpoint_audit_chain` (the background worker does, "
        "every 5 minutes).\n"
    )


def test_a_missing_checkpoint_fails_verify_when_one_is_required(db, settings):
    _rows(1)
    with pytest.raises(CommandError, match="^No checkpoint of this database exists yet in "):
        call_command("verify_audit_chain", "--require-checkpoint", stdout=StringIO())
    _run("checkpoint_audit_chain")
    assert _run("verify_audit_chain", "--require-checkpoint").startswith("Audit chain intact: 1 row checked.")


def test_trimming_the_end_of_the_chain_after_a_checkpoint_fails_verify(as_owner):
    rows = _rows(5)
    with time_machine.travel(NOON, tick=False):
        _run("checkpoint_audit_chain")
    with as_owner(), pgtrigger.ignore(IGNORE_PROTECTION):
        AuditEvent.objects.filter(pk__gte=rows[3].pk).delete()
    assert audit.verify_chain().ok  # the links alone cannot tell
    assert _verify_fails() == (
        f"Audit chain broken at row {rows[3].pk}: the chain now ends after row {rows[2].pk} (3 rows), but the "
        f"checkpoint row {rows[4].pk}, 5 rows, taken 2026-12-01T12:00:00+00:00 recorded rows up to row "
        f"{rows[4].pk}: the end of the chain was removed. 3 rows before it are intact."
    )


def test_a_trimmed_chain_is_never_covered_by_a_new_checkpoint(as_owner, settings):
    rows = _rows(3)
    _run("checkpoint_audit_chain")
    with as_owner(), pgtrigger.ignore(IGNORE_PROTECTION):
        AuditEvent.objects.filter(pk=rows[2].pk).delete()
    audit.record("view", object_type="test", object_id="after")
    with pytest.raises(CommandError, match="The audit trail no longer matches its last checkpoint"):
        call_command("checkpoint_audit_chain")
    assert len(_lines(settings)) == 1


def test_deleting_a_middle_row_fails_verify_naming_it(as_owner):
    rows = _rows(4)
    _run("checkpoint_audit_chain")
    with as_owner(), pgtrigger.ignore(IGNORE_PROTECTION):
        AuditEvent.objects.filter(pk=rows[1].pk).delete()
    assert _verify_fails() == (
        f"Audit chain broken at row {rows[1].pk}: row {rows[1].pk} is missing: row {rows[2].pk} no longer links "
        f"to row {rows[0].pk} before it. 1 row before it is intact."
    )


def test_a_chain_rewritten_with_fresh_hashes_fails_verify_at_the_checkpoint(as_owner):
    rows = _rows(4)
    with time_machine.travel(NOON, tick=False):
        _run("checkpoint_audit_chain")
    # Someone with the owner's power deletes row 2 and re-chains the rows after it: every link holds again.
    with as_owner(), pgtrigger.ignore(IGNORE_PROTECTION):
        AuditEvent.objects.filter(pk=rows[1].pk).delete()
        previous = rows[0].hash
        for event in AuditEvent.objects.filter(pk__gt=rows[0].pk).order_by("pk"):
            event.prev_hash = previous
            event.hash = previous = event.compute_hash()
            event.save(update_fields=["prev_hash", "hash"])
    assert audit.verify_chain().ok  # the links alone cannot tell
    assert _verify_fails() == (
        f"Audit chain broken at row {rows[3].pk}: row {rows[3].pk} does not match the checkpoint row "
        f"{rows[3].pk}, 4 rows, taken 2026-12-01T12:00:00+00:00 (3 rows up to it now): the rows up to it were "
        "rewritten. 2 rows before it are intact."
    )


def test_a_forged_checkpoint_line_fails_verify(db, settings):
    rows = _rows(3)
    _run("checkpoint_audit_chain")
    [line] = _lines(settings)
    forged = {**line, "row_id": rows[1].pk, "hash": rows[1].hash, "rows": 2}  # the old signature kept
    with settings.CHIME_AUDIT_CHECKPOINT_FILE.open("a") as file:
        file.write(json.dumps(forged) + "\n")
    assert _verify_fails() == (
        "The audit chain links up (3 rows checked), but its checkpoints cannot be trusted: "
        f"{settings.CHIME_AUDIT_CHECKPOINT_FILE}, line 2: its signature does not match. It was forged or altered, "
        "or signed with another key."
    )


def test_a_checkpoint_signed_with_another_key_fails_verify(db, settings):
    _rows(2)
    settings.CHIME_AUDIT_CHECKPOINT_KEY = "someone-elses-key-" + "x" * 32
    _run("checkpoint_audit_chain")
    settings.CHIME_AUDIT_CHECKPOINT_KEY = "the-real-key-" + "y" * 32
    assert "line 1: its signature does not match" in _verify_fails()


def test_a_damaged_checkpoint_file_fails_verify(db, settings):
    _rows(1)
    settings.CHIME_AUDIT_CHECKPOINT_FILE.write_text('{"row_id": 1, "hash": "abc"\n')
    assert _verify_fails().endswith("line 1 is not a checkpoint: the file was damaged or edited.")


def test_checkpoints_of_another_database_in_the_same_file_are_left_aside_whatever_their_key(db, settings):
    _rows(2)
    _run("checkpoint_audit_chain")
    ours, settings.CHIME_AUDIT_CHECKPOINT_KEY = (
        settings.CHIME_AUDIT_CHECKPOINT_KEY,
        "the-benchmarks-key-" + "z" * 32,
    )
    other = checkpoints.Checkpoint(
        database="chime_elsewhere", row_id=99, hash="f" * 64, rows=99, at="2026-11-30"
    )
    checkpoints.append_checkpoint(settings.CHIME_AUDIT_CHECKPOINT_FILE, other)
    settings.CHIME_AUDIT_CHECKPOINT_KEY = ours
    assert checkpoints.read_checkpoints()[-1].rows == 2
    assert "It matches every checkpoint of this database (1)" in _run("verify_audit_chain")


@pytest.mark.django_db(transaction=True)
def test_the_background_worker_checkpoints_and_queues_the_next_checkpoint(settings):
    settings.CHIME_AUDIT_CHECKPOINT_MINUTES = 5
    rows = _rows(2)
    with time_machine.travel(NOON, tick=False):
        assert (
            _run("checkpoint_audit_chain", "--in-background")
            == "Audit checkpoint queued for the background worker.\n"
        )
        assert _run("checkpoint_audit_chain", "--in-background") == "Audit checkpoint already queued.\n"
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert [line["row_id"] for line in _lines(settings)] == [rows[1].pk]
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 1
    waiting = DBTaskResult.objects.get(status="READY")
    assert waiting.task_path == "chime.tasks.checkpoint_audit_chain"
    assert waiting.run_after == NOON + dt.timedelta(minutes=5)


def test_queueing_the_background_checkpoint_twice_queues_it_once(db):
    assert tasks.schedule_checkpoint() is True
    assert tasks.schedule_checkpoint() is False
    assert DBTaskResult.objects.count() == 1
