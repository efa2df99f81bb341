"""Time Chime's main pages in this process with Django's test client, against the database in DATABASE_URL.

Run by tests/bench/run.py with DATABASE_URL set: `measure.py REQUESTS`. Each round gives, per page, the server time of
REQUESTS requests (after a warm-up) and the SQL query count of one request, plus this process's memory.
tests/bench/run.py keeps one of these per data set and alternates rounds between them, then merges the samples.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chime.settings")

# Started as a production worker is (chime/wsgi.py: Django set up, then what is loaded frozen out of the garbage
# collector's way), so the pages' times include what a real worker's would, and no more.
import chime.wsgi  # noqa: E402, F401, I001

# isort: split
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from chime.models import User  # noqa: E402
from sessions.models import Group, KeptFigures, Person  # noqa: E402

WARM_UP = 3


def _session_form() -> dict[str, str]:
    return {
        "occurred_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
        "occurred_time": "10:30",
        "duration_minutes": "60",
        "mode": "in_person",
        "hope_note": "Talked about what went well this week.",
        "hope_rating": "4",
        "next_steps": "Keep going.",
        "submission_key": str(uuid.uuid4()),
    }


def _meeting_form(facilitator: int, people: list[int]):
    def data() -> dict[str, object]:
        return {
            "occurred_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
            "duration_minutes": "90",
            "mode": "in_person",
            "facilitators": [str(facilitator)],
            "areas": ["connectedness", "hope"],
            "group_note": "Shared what helped this week.",
            "attendees": [str(pk) for pk in people],
            "anonymous_count": "3",
            "submission_key": str(uuid.uuid4()),
        }

    return data


def time_page(
    client: Client, method: str, url: str, data_for, expect: int, requests: int, before=None
) -> dict:
    def once() -> float:
        started = time.perf_counter()
        if method == "post":
            response = client.post(url, data_for())
        else:
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == expect, f"{url}: {response.status_code}"  # noqa: S101 - a bench check
        return elapsed

    def ready() -> None:  # untimed and uncounted: what must be true before each request
        if before is not None:
            before()

    for _ in range(WARM_UP):
        ready()
        once()
    # The idle timer writes the session once a minute (3 queries) on whichever request comes next, on any page: it
    # cannot fall on two requests in a row, so the lower count of two is the page's own.
    counts = []
    for _ in range(2):
        ready()
        with CaptureQueriesContext(connection) as queries:
            once()
        counts.append(len(queries))  # now: the next request's start clears the connection's query log
    query_count = min(counts)
    samples = []
    for _ in range(requests):
        ready()
        samples.append(round(once(), 2))
    return {"samples_ms": samples, "queries": query_count}


def _rss_mb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024)
    return 0


def one_round(clients: dict[str, Client], ids: dict[str, int], requests: int) -> dict:
    today = timezone.localdate()
    last_year = f"?start={(today - dt.timedelta(days=365)).isoformat()}&end={today.isoformat()}"

    def timed(role: str, method: str, url: str, data_for=None, expect: int = 200, before=None) -> dict:
        return time_page(clients[role], method, url, data_for, expect, requests, before)

    pages = {
        "caseload": timed("practitioner", "get", "/"),
        "person page (plan, QPR-15 scores)": timed("practitioner", "get", f"/people/{ids['person']}/"),
        "recovery plan": timed("practitioner", "get", f"/people/{ids['person']}/plan/"),
        "log a session (POST)": timed(
            "practitioner", "post", f"/people/{ids['other']}/sessions/new/", _session_form, expect=302
        ),
        "supervisor dashboard": timed("supervisor", "get", "/team/"),
        "sessions awaiting review": timed(
            "supervisor", "get", f"/team/{ids['practitioner']}/sessions/?review=awaiting"
        ),
    }
    try:
        queue = reverse("safeguarding-queue")
    except NoReverseMatch:
        pages["safeguarding queue"] = {"skipped": "no safeguarding queue on this branch yet"}
    else:
        pages["safeguarding queue"] = timed("supervisor", "get", queue)
    if ids.get("group"):
        pages["group page"] = timed("practitioner", "get", f"/groups/{ids['group']}/")
        pages["log a group meeting, 12 named (POST)"] = timed(
            "practitioner",
            "post",
            f"/groups/{ids['group']}/meetings/new/",
            _meeting_form(ids["practitioner"], ids["attendees"]),
            expect=302,
        )
    else:
        pages["group page"] = {"skipped": "no groups in this data set (rebuild it)"}
    pages["commissioners' report (12 months)"] = timed("admin", "get", f"/reports/{last_year}")
    pages["commissioners' report CSV"] = timed("admin", "get", f"/reports/csv/{last_year}")

    # The rows above find the costly figures kept (sessions/kept_figures.py): this round's sessions, saved today,
    # set aside the 12 months' figures, so only the first warm-up request works them out. Two more rows time the
    # report when they are not kept: just after a session is saved today (the 12 months worked out again, the
    # previous 12 found kept), and a range opened for the first time (both periods worked out: the worst case, a
    # range nobody has asked for; the usual ranges are prepared ahead by the background worker, sessions/tasks.py).
    def session_saved_today() -> None:
        response = clients["practitioner"].post(f"/people/{ids['other']}/sessions/new/", _session_form())
        assert response.status_code == 302  # noqa: S101 - a bench check

    pages["commissioners' report, just after a session is saved"] = timed(
        "admin", "get", f"/reports/{last_year}", before=session_saved_today
    )
    pages["commissioners' report, a range opened for the first time"] = timed(
        "admin", "get", f"/reports/{last_year}", before=lambda: KeptFigures.objects.all().delete()
    )
    for name, page in pages.items():
        page["kind"] = "report" if "report" in name else "interactive"
    return pages


def main(requests: int) -> None:
    """Serve rounds on request: each line on stdin runs one round and answers one JSON line on stdout.

    One process serves the whole benchmark for its data set, so its memory at the end is a worker's memory
    after the whole benchmark.
    """
    practitioner = (
        User.objects.filter(username__startswith="scale-", is_practitioner=True).order_by("pk").first()
    )
    people = list(
        Person.objects.filter(practitioner=practitioner).order_by("pk").values_list("pk", flat=True)[:2]
    )
    ids = {"practitioner": practitioner.pk, "person": people[0], "other": people[1]}
    group = Group.objects.filter(facilitators=practitioner).order_by("pk").first()
    if group is not None:
        ids["group"] = group.pk
        ids["attendees"] = list(
            Person.objects.filter(practitioner=practitioner).order_by("pk").values_list("pk", flat=True)[:12]
        )
    users = {
        "practitioner": practitioner,
        "supervisor": practitioner.supervisor,
        "admin": User.objects.filter(is_org_admin=True).order_by("pk").first(),
    }
    clients = {}
    for role, user in users.items():
        clients[role] = Client()
        clients[role].force_login(user)
    for _ in sys.stdin:
        answer = {"pages": one_round(clients, ids, requests), "rss_mb": _rss_mb()}
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main(int(sys.argv[1]))
