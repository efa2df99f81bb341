"""Personas and browser set-up shared by the whole suite."""

from __future__ import annotations

import os
import shutil
from types import SimpleNamespace

import pgtrigger
import pytest

from ethics.services.emergency import declare_emergency_access, declare_emergency_search
from ethics.services.rights import record_erasure_request, record_subject_access_request
from ethics.services.sharing import share_information
from sessions.models import SupervisionRecord
from tests.ethics.safeguarding import raise_concern
from tests.factories import (
    AdminFactory,
    ConsentFactory,
    PersonFactory,
    PractitionerFactory,
    SupervisorFactory,
    SupportSessionFactory,
    UserFactory,
)


@pytest.fixture(scope="session", autouse=True)
def _no_connection_left_when_the_test_database_is_dropped(django_db_setup, django_db_blocker):
    """After a browser test (Playwright's sync API), the tests and the session teardown no longer share one
    contextvars context, so each has its own Django connection, and the tests' one, out of the teardown's reach,
    kept the test database busy when pytest-django dropped it. End every other connection to it first."""
    yield
    from django.db import connection

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(scope="session", autouse=True)
def _flush_may_truncate_the_audit_table():
    """Browser tests wipe the test database with TRUNCATE after each test. The audit table refuses TRUNCATE,
    even from the app's own connection, unless its trigger is explicitly ignored: only this test clean-up does."""
    from django.core.management.commands import flush

    original = flush.Command.handle

    def handle(self, *args, **kwargs):
        with pgtrigger.ignore("chime.AuditEvent:audit_table_cannot_be_truncated"):
            return original(self, *args, **kwargs)

    flush.Command.handle = handle
    yield
    flush.Command.handle = original


@pytest.fixture
def supervisor(db):
    return SupervisorFactory(username="supervisor", first_name="Jo", last_name="Rivers")


@pytest.fixture
def practitioner(supervisor):
    return PractitionerFactory(
        username="practitioner", first_name="Sam", last_name="Okafor", supervisor=supervisor
    )


@pytest.fixture
def other_practitioner(db):
    """Another practitioner, with a different supervisor."""
    return PractitionerFactory(username="other", first_name="Priya", last_name="Shah")


@pytest.fixture
def admin_user(db):
    return AdminFactory(username="admin", first_name="Alex", last_name="Morgan")


@pytest.fixture
def outsider(db):
    """A signed-in member of staff with no role that lets them see anyone's record."""
    return UserFactory(username="outsider")


@pytest.fixture
def person(practitioner):
    return PersonFactory(practitioner=practitioner, preferred_name="Dee")


@pytest.fixture
def others_person(other_practitioner):
    return PersonFactory(practitioner=other_practitioner, preferred_name="Marcus")


# ---- One of everything: the objects the URL × role matrix and the hostile-input sweep visit --------------------


@pytest.fixture
def world(practitioner, person, admin_user, supervisor):
    consent = ConsentFactory(person=person)
    disclosure = share_information(
        person=person,
        purpose=consent.purpose,
        recipient=consent.recipient,
        content_kinds=consent.content_kinds,
        shared_by=practitioner,
    )
    grant = declare_emergency_access(
        user=PractitionerFactory(),
        person=person,
        reason="risk_to_person",
        justification="A declared risk of harm, in detail.",
    )
    return SimpleNamespace(
        practitioner=practitioner,
        person=person,
        session=SupportSessionFactory(person=person),
        consent=consent,
        disclosure=disclosure,
        grant=grant,
        search=declare_emergency_search(
            user=practitioner,
            name_sought=person.preferred_name,
            reason="risk_to_person",
            justification="A declared risk of harm, in detail.",
        ),
        access_request=record_subject_access_request(person=person, recorded_by=admin_user),
        erasure=record_erasure_request(person=person, recorded_by=admin_user),
        concern=raise_concern(person),
        supervision=SupervisionRecord.objects.create(
            supervisor=supervisor,
            practitioner=practitioner,
            met_on=person.support_started,
            agreed_actions="Rest.",
        ),
    )


# ---- Browser tests: Debian's Chromium driven by pytest-playwright ------------------------------------------------

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def chromium_available() -> bool:
    return bool(shutil.which(CHROMIUM))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not chromium_available():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"Chromium not found at {CHROMIUM}: in CI browser tests must run, not skip.")
        pytest.skip(f"Chromium not found at {CHROMIUM} (install it with: apt-get install -y chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session", autouse=True)
def _patient_browser_expectations():
    # The suite runs browsers beside other work on two cores: wait up to 15 s for a page to settle, not 5.
    from playwright.sync_api import expect

    expect.set_options(timeout=15_000)


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "en-GB", "timezone_id": "Europe/London"}
