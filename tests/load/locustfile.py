"""Locust users for `make load`: practitioners reading their caseload and people, and logging sessions.

Every session a user saves carries a fresh submission key; the keys of sessions the server confirmed (302) are
written to LOAD_KEYS_FILE at the end, so the run can check each one is in the database exactly once.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
import uuid

from locust import HttpUser, between, events, task

PASSWORD = os.environ.get("LOAD_PASSWORD", "load-test-password-2026")
USERNAMES = os.environ.get("LOAD_USERNAMES", "").split(",")
CONFIRMED: list[str] = []
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PERSON = re.compile(r'href="/people/(\d+)/"')


class Practitioner(HttpUser):
    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        self.username = random.choice(USERNAMES)  # noqa: S311 - load test traffic
        page = self.client.get("/login/", name="login page")
        token = CSRF.search(page.text).group(1)
        self.client.post(
            "/login/",
            {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            name="log in",
        )
        self.people = [int(pk) for pk in PERSON.findall(self.client.get("/", name="caseload").text)] or [0]

    @task(3)
    def caseload(self) -> None:
        self.client.get("/", name="caseload")

    @task(3)
    def person(self) -> None:
        self.client.get(f"/people/{random.choice(self.people)}/", name="person page")  # noqa: S311

    @task(2)
    def log_session(self) -> None:
        person = random.choice(self.people)  # noqa: S311
        form = self.client.get(f"/people/{person}/sessions/new/", name="session form")
        match = CSRF.search(form.text)
        if not match:
            return
        key = str(uuid.uuid4())
        data = {
            "csrfmiddlewaretoken": match.group(1),
            "occurred_on": dt.date.today().isoformat(),  # noqa: DTZ011 - the server's local date is the same
            "duration_minutes": "45",
            "mode": "phone",
            "hope_note": "Load test: talked about the week ahead.",
            "empowerment_note": "Load test: made a plan for Friday.",
            "submission_key": key,
        }
        with self.client.post(
            f"/people/{person}/sessions/new/",
            data,
            name="log a session",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == 302:
                CONFIRMED.append(key)
                response.success()
            else:
                response.failure(f"status {response.status_code}")


@events.test_stop.add_listener
def _write_keys(environment, **kwargs) -> None:
    path = os.environ.get("LOAD_KEYS_FILE")
    if path:
        with open(path, "w") as handle:
            json.dump(CONFIRMED, handle)
