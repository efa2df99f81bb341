"""Structured logs (chime/logs.py): one line per request with its route, outcome, time and who, and no personal
data in any line."""

from __future__ import annotations

import io
import json
import logging

import pytest
import structlog
from django.urls import reverse

from chime import logs
from tests.factories import PersonFactory, SupportSessionFactory
from tests.log_guard import MARKER

pytestmark = pytest.mark.django_db


@pytest.fixture
def log_output():
    """What the console would print in production (the JSON formatter), as text."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    spec = logs.formatter("json")
    handler.setFormatter(spec.pop("()")(**spec))
    handler.setLevel(logging.INFO)
    logging.getLogger().addHandler(handler)
    yield stream
    logging.getLogger().removeHandler(handler)


def lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_request_is_one_json_line_with_its_route_status_time_and_who(
    client, practitioner, person, log_output
):
    client.force_login(practitioner)
    response = client.get(reverse("person-detail", args=[person.pk]))
    [line] = [line for line in lines(log_output) if line["event"] == "request"]
    assert set(line) == {
        "event",
        "logger",
        "level",
        "timestamp",
        "request_id",
        "method",
        "route",
        "status",
        "duration_ms",
        "user_id",
        "roles",
    }
    assert (line["route"], line["method"], line["status"], line["user_id"], line["roles"], line["level"]) == (
        "/people/<int:pk>/",
        "GET",
        200,
        practitioner.pk,
        "practitioner",
        "info",
    )
    assert line["request_id"] == response["X-Request-ID"]
    assert isinstance(line["duration_ms"], float)


def test_the_audit_rows_of_a_request_carry_its_log_line_s_request_id(
    client, practitioner, person, log_output
):
    from chime.models import AuditEvent

    client.force_login(practitioner)
    client.get(reverse("person-detail", args=[person.pk]))
    [line] = [line for line in lines(log_output) if line["event"] == "request"]
    assert AuditEvent.objects.filter(request_id=line["request_id"]).count() == 1


def test_a_request_no_route_answers_logs_no_path(client, practitioner, log_output):
    client.force_login(practitioner)
    client.get(f"/{MARKER}-typed-into-the-address/")
    [line] = [line for line in lines(log_output) if line["event"] == "request"]
    assert (line["route"], line["status"]) == ("(no route)", 404)


def test_requests_carrying_marker_personal_data_leave_none_in_the_logs(
    client, practitioner, admin_user, log_output
):
    person = PersonFactory(
        practitioner=practitioner, preferred_name=f"{MARKER}-name", what_matters=f"{MARKER}-words"
    )
    SupportSessionFactory(person=person, areas=["hope"])
    client.force_login(practitioner)
    client.get(reverse("person-detail", args=[person.pk]) + f"?q={MARKER}-query")
    client.post(reverse("person-edit", args=[person.pk]), {"preferred_name": f"{MARKER}-new-name"})
    client.get(reverse("person-detail", args=[999_999]) + f"?name={MARKER}-missing")
    client.force_login(admin_user)
    client.post(reverse("people-directory"), {"q": f"{MARKER}-search"})
    client.get(reverse("person-detail", args=[person.pk]))  # refused: an admin reads no session notes
    output = log_output.getvalue()
    assert len(lines(log_output)) >= 5
    assert MARKER not in output


def test_a_logged_error_keeps_its_traceback_but_not_its_message(log_output):
    try:
        raise ValueError(f"Key (preferred_name)=({MARKER}-name) already exists")
    except ValueError:
        logging.getLogger("django.request").exception("Internal Server Error: /people/<int:pk>/")
    [line] = lines(log_output)
    assert line["exception"].endswith("ValueError (its message is not logged)")
    assert "test_a_logged_error_keeps_its_traceback_but_not_its_message" in line["exception"]
    assert MARKER not in log_output.getvalue()


def test_development_lines_are_readable_text_not_json():
    spec = logs.formatter("console")
    formatter = spec.pop("()")(**spec)
    record = logging.LogRecord("chime.requests", logging.INFO, __file__, 1, "request", None, None)
    text = formatter.format(record)
    assert (text.startswith("{"), "request" in text) == (False, True)


def test_the_suite_wide_guard_catches_a_marker_in_any_log_line(marker_catcher):
    structlog.get_logger("chime.anything").warning("looked someone up", name=f"{MARKER}-name")
    caught, marker_catcher.leaks = marker_catcher.leaks, []  # caught, so this test itself passes
    assert len(caught) == 1 and f'"name": "{MARKER}-name"' in caught[0]
