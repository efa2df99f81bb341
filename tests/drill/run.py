"""`make restore-drill`: back up the large benchmark set, restore it into a fresh database, and prove it whole.

1. `manage.py backup` of `chime_bench` (built once, as `make bench` builds it), with its audit checkpoint;
2. a fresh, empty database `chime_drill`, and `manage.py restore` of that backup into it;
3. every table's row count in both databases, compared one by one;
4. `manage.py verify_audit_chain` in the restored database against the checkpoint taken with the backup.
Prints how long each step took and how big the backup is; results in .bench/drill.json. Exits non-zero on any
difference. The drill database is dropped afterwards; the backup stays in .bench/drill/ until the next drill.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.databases import database_url, owner_url  # noqa: E402
from tests.bench.run import ENV, prepare  # noqa: E402

SOURCE, DRILL = "chime_bench", "chime_drill"
FOLDER = ROOT / ".bench" / "drill"
DRILL_ENV = {
    **ENV,
    "CHIME_BACKUP_KEY": "drill-only-backup-key-not-for-production-0123456789",
    "CHIME_AUDIT_CHECKPOINT_FILE": str(FOLDER / "audit-chain.jsonl"),
}


def _manage(url: str, *args: str) -> float:
    started = time.monotonic()
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        env={**os.environ, **DRILL_ENV, "DATABASE_URL": url},
        check=True,
        cwd=ROOT,
    )
    return round(time.monotonic() - started, 1)


def _fresh_database(name: str) -> str:
    import psycopg

    with psycopg.connect(owner_url("postgres"), autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return database_url(name)


def _drop(name: str) -> None:
    import psycopg

    with psycopg.connect(owner_url("postgres"), autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def row_counts(name: str) -> dict[str, int]:
    """Every table's exact row count (count(*), not the planner's estimate)."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(owner_url(name)) as db:
        tables = [row[0] for row in db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        return {
            table: db.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))).fetchone()[0]
            for table in sorted(tables)
        }


def main() -> int:
    source_url, _ = prepare("large")
    shutil.rmtree(FOLDER, ignore_errors=True)
    FOLDER.mkdir(parents=True)
    backup_seconds = _manage(source_url, "backup", "--folder", str(FOLDER))
    (backup,) = FOLDER.glob("*.dump.gpg")
    (checkpoint,) = FOLDER.glob("*.checkpoint.jsonl")
    drill_url = _fresh_database(DRILL)
    try:
        restore_seconds = _manage(drill_url, "restore", str(backup))
        source, restored = row_counts(SOURCE), row_counts(DRILL)
        differ = {
            t: (source.get(t), restored.get(t))
            for t in source.keys() | restored.keys()
            if source.get(t) != restored.get(t)
        }
        verify_seconds = _manage(
            drill_url,
            "verify_audit_chain",
            "--checkpoint-file",
            str(checkpoint),
            "--restored-from",
            SOURCE,
            "--require-checkpoint",
        )
    finally:
        _drop(DRILL)
    results = {
        "backup_seconds": backup_seconds,
        "backup_bytes": backup.stat().st_size,
        "restore_seconds": restore_seconds,
        "verify_seconds": verify_seconds,
        "tables": len(source),
        "rows": sum(source.values()),
        "largest_tables": dict(sorted(source.items(), key=lambda item: -item[1])[:5]),
        "tables_that_differ": differ,
    }
    (ROOT / ".bench" / "drill.json").write_text(json.dumps(results, indent=2) + "\n")
    print(f"backup:  {backup_seconds} s, {results['backup_bytes'] / 1e6:.1f} MB ({backup.name})")
    print(f"restore: {restore_seconds} s into a fresh database")
    print(f"verify:  {verify_seconds} s (verify_audit_chain against the backup's checkpoint)")
    print(
        f"tables:  {len(source)}, {results['rows']:,} rows; "
        + ("all match" if not differ else f"DIFFER: {differ}")
    )
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
