"""Locust users for `make load`: practitioners reading their caseload and people, and logging sessions.

Every session a user saves carries a fresh submission key. At the end, LOAD_RESULTS_FILE gets the keys of the
sessions the server confirmed (302), the status each save got, and every response's time and status, so
tests/load/run.py can check each confirmed session is in the database exactly once and see what users saw while
the database was down.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
import time
import uuid

from locust import HttpUser, between, events, task

PASSWORD = os.environ.get("LOAD_PASSWORD", "load-test-password-2026")
USERNAMES = os.environ.get("LOAD_USERNAMES", "").split(",")
CONFIRMED: list[str] = []
SAVES: dict[str, int] = {}  # submission key -> status code of the save (0: no response)
# (time, status, request name, milliseconds, failed, friendly "try again" page)
RESPONSES: list[tuple[float, int, str, float, bool, bool]] = []
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PERSON = re.compile(r'href="/people/(\d+)/"')
FRIENDLY = "please try again"


class Practitioner(HttpUser):
    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        self.username = random.choice(USERNAMES)  # noqa: S311 - load test traffic
        self.people: list[int] = []
        self._log_in()

    def _log_in(self) -> None:
        """Log in and read the caseload. If that failed (the database was down), the next task tries again."""
        page = self.client.get("/login/", name="login page")
        token = CSRF.search(page.text)
        if token and "/login/" in page.url:
            data = {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)}
            with self.client.post("/login/", data, name="log in", catch_response=True) as page:
                if page.ok and "/login/" in page.url:
                    page.failure("log-in refused")
        if page.ok and "/login/" not in page.url:  # logged in: this is the caseload
            self.people = [int(pk) for pk in PERSON.findall(page.text)]

    def _page(self, url: str, name: str) -> None:
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.ok and "/login/" in response.url:
                response.failure("logged out: the page redirected to the log-in page")
                self.people = []

    @task(3)
    def caseload(self) -> None:
        if not self.people:
            return self._log_in()
        self._page("/", "caseload")

    @task(3)
    def person(self) -> None:
        if not self.people:
            return self._log_in()
        self._page(f"/people/{random.choice(self.people)}/", "person page")  # noqa: S311

    @task(2)
    def log_session(self) -> None:
        if not self.people:
            return self._log_in()
        person = random.choice(self.people)  # noqa: S311
        form = self.client.get(f"/people/{person}/sessions/new/", name="session form")
        match = CSRF.search(form.text)
        if not match:
            return
        key = str(uuid.uuid4())
        data = {
            "csrfmiddlewaretoken": match.group(1),
            # Yesterday in the server's time zone or the machine's: never a date in the future.
            "occurred_on": (dt.date.today() - dt.timedelta(days=1)).isoformat(),  # noqa: DTZ011
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
            SAVES[key] = response.status_code or 0
            # Saved means redirected to the person's page; a redirect to the log-in page saved nothing.
            if response.status_code == 302 and response.headers["Location"].startswith(f"/people/{person}/"):
                CONFIRMED.append(key)
                response.success()
            else:
                response.failure(f"status {response.status_code}")


@events.request.add_listener
def _remember(request_type, name, response_time, response, exception, **kwargs) -> None:
    status = getattr(response, "status_code", 0) or 0
    friendly = status == 503 and FRIENDLY in response.text.lower() and "Traceback" not in response.text
    RESPONSES.append((time.time(), status, name, round(response_time, 1), exception is not None, friendly))


@events.test_stop.add_listener
def _write_results(environment, **kwargs) -> None:
    path = os.environ.get("LOAD_RESULTS_FILE")
    if path:
        with open(path, "w") as handle:
            json.dump({"confirmed": CONFIRMED, "saves": SAVES, "responses": RESPONSES}, handle)
