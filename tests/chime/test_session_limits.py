from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from chime.models import AuditEvent
from tests.factories import TEST_PASSWORD


@pytest.fixture
def clock():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


def test_a_session_idle_for_15_minutes_is_logged_out_with_a_message(client, practitioner, clock):
    client.force_login(practitioner)
    clock.shift(dt.timedelta(minutes=15, seconds=30))
    response = client.get("/notifications/", follow=True)
    assert response.redirect_chain[0][0] == "/login/?next=/notifications/"
    assert "logged out after 15 minutes without activity" in response.content.decode()
    event = AuditEvent.objects.filter(action="logout").get()
    assert (event.actor, event.reason) == (practitioner, "session ended: idle limit")


def test_activity_keeps_a_session_alive(client, practitioner, clock):
    client.force_login(practitioner)
    for _ in range(8):
        clock.shift(dt.timedelta(minutes=14))
        assert client.get("/").status_code == 200


def test_a_session_ends_after_10_hours_however_active(client, practitioner, clock):
    client.force_login(practitioner)
    for _ in range(42):  # 9 hours 48 minutes of steady work
        clock.shift(dt.timedelta(minutes=14))
        assert client.get("/").status_code == 200
    clock.shift(dt.timedelta(minutes=14))
    assert client.get("/")["Location"] == "/login/?next=/"
    assert AuditEvent.objects.get(action="logout").reason == "session ended: lifetime limit"


def test_the_limits_follow_the_settings(client, practitioner, clock, settings):
    settings.CHIME_IDLE_TIMEOUT_MINUTES = 5
    client.force_login(practitioner)
    clock.shift(dt.timedelta(minutes=4))
    assert client.get("/").status_code == 200
    clock.shift(dt.timedelta(minutes=6))
    assert client.get("/").status_code == 302


def test_an_htmx_request_after_the_timeout_leaves_the_page_where_it_is(client, practitioner, clock):
    client.force_login(practitioner)
    clock.shift(dt.timedelta(minutes=20))
    response = client.post("/wording/check/", {"note": "hello"}, headers={"HX-Request": "true"})
    assert (response.status_code, response["X-Chime-Signed-Out"], response["HX-Reswap"]) == (401, "1", "none")
    assert "HX-Redirect" not in response
    assert AuditEvent.objects.get(action="logout").reason == "session ended: idle limit"


def test_a_page_view_within_a_minute_does_not_write_to_the_session_table(client, practitioner, clock):
    client.force_login(practitioner)
    clock.shift(dt.timedelta(seconds=30))
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    assert not [q for q in queries if 'UPDATE "django_session"' in q["sql"]]


def test_logging_out_deletes_the_session_so_its_cookie_is_worthless(client, practitioner):
    client.post("/login/", {"username": "practitioner", "password": TEST_PASSWORD})
    key = client.session.session_key
    client.post("/logout/")
    assert not Session.objects.filter(session_key=key).exists()
    client.cookies["sessionid"] = key
    assert client.get("/").status_code == 302


def test_the_session_cookie_ends_with_the_browser_and_its_row_within_10_hours(client, practitioner):
    response = client.post("/login/", {"username": "practitioner", "password": TEST_PASSWORD})
    assert response.cookies["sessionid"]["expires"] == ""
    row = Session.objects.get(session_key=client.session.session_key)
    assert row.expire_date <= timezone.now() + dt.timedelta(hours=10)
