"""`make bench`: build (once) a small and a large data set in their own databases, then time the main pages.

The data sets live in databases `chime_bench_small` and `chime_bench` on the project's embedded PostgreSQL, so
the demo database is never touched. Each is built once and reused while it is there; delete it with
`DROP DATABASE` (or remove .pgdata/) to rebuild. Each run times a fresh copy of each set (`<set>_run`, dropped after),
because the benchmark writes: it logs sessions and group meetings, and timed on the set itself, every run would find
more of them than the last (one group had gone from 26 meetings to 570, and the register's candidates with them).
Results: a table on stdout and .bench/results.json.

`make bench SCALE=10x` (`run.py --10x`) times the large set beside one ten times its size (5 million sessions, in
`chime_bench_10x`; building it takes a long while and about 10 GB of disk). Only the report has a target there
(REPORT_P95_MS["10x"]); the other pages are shown for information. Results: .bench/results-10x.json.
"""

from __future__ import annotations

import json
import math
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.databases import database_url, owner_url  # noqa: E402

PYTHON = sys.executable
ROUNDS = 4
REQUESTS_PER_ROUND = 10  # 40 timed requests per page and data set
# The same shape for every user in both sets (teams of 10 practitioners, caseloads of 50): only the volume differs.
DATASETS = {
    "small": ("chime_bench_small", ["--scale", "10", "--sessions-per-person", "5"], 2_500),
    "large": ("chime_bench", ["--scale", "200", "--sessions-per-person", "50"], 500_000),
    "10x": ("chime_bench_10x", ["--scale", "2000", "--sessions-per-person", "50"], 5_000_000),
}
RUNS = {"default": ("small", "large"), "10x": ("large", "10x")}
INTERACTIVE_P95_MS = 100
LARGE_OVER_SMALL = 1.5
REPORT_P95_MS = {"large": 200, "10x": 1000}  # the report reads monthly roll-ups (sessions/rollups.py)
WORKER_RSS_MB = 300
ENV = {
    "DJANGO_DEBUG": "false",
    "EMAIL_SMTP": "false",  # the demo's notifications are printed, not sent
    "CHIME_REQUIRE_2FA": "false",  # logged in by the test client; with two-factor on, each page has one more query
    "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789",
    "ALLOWED_HOSTS": "testserver,localhost",
    "HTTPS": "false",
    "CHIME_STATIC_MANIFEST": "false",
    "LOG_LEVEL": "ERROR",
    "CHIME_AUDIT_CHECKPOINT_KEY": "bench-only-checkpoint-key-not-for-production-0123456789",
}


def _sessions_in(url: str) -> int:
    with psycopg.connect(url.replace("postgres://", "postgresql://")) as db:
        exists = db.execute("SELECT to_regclass('support_supportsession')").fetchone()[0]
        if exists is None:
            return 0
        return db.execute("SELECT count(*) FROM support_supportsession").fetchone()[0]


def _run(args: list[str], url: str) -> None:
    subprocess.run(args, env={**os.environ, **ENV, "DATABASE_URL": url}, check=True, cwd=ROOT)  # noqa: S603


def prepare(name: str) -> tuple[str, dict | None]:
    database, seed_args, sessions = DATASETS[name]
    url = database_url(database)
    _run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], url)
    if _sessions_in(url) >= sessions:
        print(f"{name}: reusing {database}")
        return url, None
    print(f"{name}: building {database} (seed_demo {' '.join(seed_args)}) …", flush=True)
    started = time.monotonic()
    _run([PYTHON, "manage.py", "seed_demo", *seed_args], url)
    seconds = round(time.monotonic() - started, 1)
    peak_mb = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
    return url, {"seconds": seconds, "peak_rss_mb": peak_mb}


def fresh_copy(name: str) -> str:
    """DATABASE_URL for a fresh copy of data set `name` (its database as the template, copied file by file: about
    5 s for the large set), replacing any copy a stopped run left behind."""
    database = DATASETS[name][0]
    copy = f"{database}_run"
    with psycopg.connect(owner_url("postgres"), autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{database}" STRATEGY FILE_COPY')
    return database_url(copy)


def drop_copy(name: str) -> None:
    with psycopg.connect(owner_url("postgres"), autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{DATASETS[name][0]}_run" WITH (FORCE)')


def start_measuring(url: str) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603
        [PYTHON, "tests/bench/measure.py", str(REQUESTS_PER_ROUND)],
        env={**os.environ, **ENV, "DATABASE_URL": url},
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def measure_round(worker: subprocess.Popen) -> dict:
    worker.stdin.write("round\n")
    worker.stdin.flush()
    return json.loads(worker.stdout.readline())


def _percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return round(ordered[max(0, math.ceil(fraction * len(ordered)) - 1)], 1)


def merge(rounds: list[dict]) -> dict:
    """One result per page from several rounds: percentiles over all samples; the query count must not vary."""
    pages = {}
    for page, first in rounds[0]["pages"].items():
        if first.get("skipped"):
            pages[page] = first
            continue
        samples = [ms for r in rounds for ms in r["pages"][page]["samples_ms"]]
        pages[page] = {
            "kind": first["kind"],
            "requests": len(samples),
            "p50_ms": round(statistics.median(samples), 1),
            "p95_ms": _percentile(samples, 0.95),
            "queries": max(r["pages"][page]["queries"] for r in rounds),
            "queries_vary": len({r["pages"][page]["queries"] for r in rounds}) > 1,
        }
    return {"pages": pages, "rss_mb": rounds[-1]["rss_mb"]}


def check(results: dict, sets: tuple[str, str] = RUNS["default"]) -> list[str]:
    """The targets: every page's on the default run; on the 10x run, the report's and equal query counts."""
    problems = []
    smaller, bigger = sets
    small, large = results[smaller]["pages"], results[bigger]["pages"]
    for page, big in large.items():
        if page not in small or big.get("skipped"):
            continue
        if big["kind"] == "report":
            if big["p95_ms"] > REPORT_P95_MS[bigger]:
                problems.append(
                    f"{page}: p95 {big['p95_ms']} ms > {REPORT_P95_MS[bigger]} ms on the {bigger} set"
                )
        elif bigger == "large":
            if big["p95_ms"] > INTERACTIVE_P95_MS:
                problems.append(f"{page}: p95 {big['p95_ms']} ms > {INTERACTIVE_P95_MS} ms on the large set")
            if big["p95_ms"] > LARGE_OVER_SMALL * small[page]["p95_ms"]:
                problems.append(f"{page}: large p95 is more than {LARGE_OVER_SMALL}× the small p95")
        if big["queries_vary"] or small[page]["queries_vary"]:
            problems.append(f"{page}: the query count changed between requests")
        if big["queries"] != small[page]["queries"]:
            problems.append(
                f"{page}: {small[page]['queries']} queries on the small set, {big['queries']} on the large"
            )
    for name in sets:
        if results[name]["rss_mb"] > WORKER_RSS_MB:
            problems.append(f"{name}: worker RSS {results[name]['rss_mb']} MB > {WORKER_RSS_MB} MB")
    return problems


def table(results: dict, sets: tuple[str, str] = RUNS["default"]) -> str:
    smaller, bigger = sets
    small, large = results[smaller]["pages"], results[bigger]["pages"]
    lines = [
        f"| page | requests | {smaller} p50 / p95 (ms) | {bigger} p50 / p95 (ms) | queries ({smaller} / {bigger}) |",
        "| --- | --- | --- | --- | --- |",
    ]
    for page, big in large.items():
        few = small.get(page)
        if big.get("skipped"):
            lines.append(f"| {page} | skipped: {big['skipped']} | | | |")
            continue
        lines.append(
            f"| {page} | {big['requests']} | {few['p50_ms']} / {few['p95_ms']} | {big['p50_ms']} / {big['p95_ms']} "
            f"| {few['queries']} / {big['queries']} |"
        )
    lines.append(
        f"\nServing process RSS after the benchmark: {smaller} {results[smaller]['rss_mb']} MB, "
        f"{bigger} {results[bigger]['rss_mb']} MB. Load average {results['load_average']['before']:.1f} before, "
        f"{results['load_average']['after']:.1f} after, on {results['load_average']['cores']} cores."
    )
    return "\n".join(lines)


def main(run: str = "default") -> int:
    sets = RUNS[run]
    results: dict = {"built": {}}
    urls = {}
    for name in sets:
        _, built = prepare(name)
        if built:
            results["built"][name] = built
        urls[name] = fresh_copy(name)
    # Rounds alternate between the data sets, so both see the same background load on a shared machine.
    rounds: dict[str, list[dict]] = {name: [] for name in sets}
    workers = {name: start_measuring(urls[name]) for name in sets}
    load_before = os.getloadavg()[0]
    for number in range(ROUNDS):
        for name in sets:
            print(f"{name}: measuring, round {number + 1} of {ROUNDS} …", flush=True)
            rounds[name].append(measure_round(workers[name]))
    for worker in workers.values():
        worker.stdin.close()
        worker.wait()
    for name in sets:
        drop_copy(name)
    for name in sets:
        results[name] = merge(rounds[name])
    results["load_average"] = {"before": load_before, "after": os.getloadavg()[0], "cores": os.cpu_count()}
    problems = check({k: v for k, v in results.items() if k in sets}, sets)
    results["targets_met"] = not problems
    results["problems"] = problems
    (ROOT / ".bench").mkdir(exist_ok=True)
    written = ROOT / ".bench" / ("results.json" if run == "default" else f"results-{run}.json")
    written.write_text(json.dumps(results, indent=2))
    print(table(results, sets))
    for name, built in results["built"].items():
        print(
            f"Built the {name} set in {built['seconds']} s (peak RSS of the seeding process {built['peak_rss_mb']} MB)."
        )
    print("All targets met." if not problems else "Targets missed:\n  " + "\n  ".join(problems))
    print(f"Results written to {written.relative_to(ROOT)}")
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main("10x" if "--10x" in sys.argv[1:] else "default"))
