"""Personas and browser set-up shared by the whole suite."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pgtrigger
import psycopg
import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.management import CommandError
from django.db import DEFAULT_DB_ALIAS, connection
from django.utils import timezone

from chime import dbroles
from chime.models import FormDraft, StaffChange
from ethics.services.emergency import declare_emergency_access, declare_emergency_search
from ethics.services.online_access import offer_online_access
from ethics.services.rights import record_erasure_request
from ethics.services.sharing import share_information
from ethics.services.subject_access import gather_pack, record_subject_access_request
from sessions.models import SupervisionRecord
from sessions.services import StepDetails, add_goal, add_step
from tests.ethics.safeguarding import raise_concern
from tests.factories import (
    AdminFactory,
    ConsentFactory,
    DataProtectionLeadFactory,
    PersonFactory,
    PractitionerFactory,
    SupervisorFactory,
    SupportSessionFactory,
    UserFactory,
    qpr15_measure,
)
from tests.groups import brief_contact, group_of, meeting_of
from tests.log_guard import _no_personal_data_in_logs, marker_catcher  # noqa: F401 - the whole suite's log guard

# ---- Two database roles: the test database is built as the owner, and every test runs as the app's role ----------

_APP_ROLE: dict[str, object] = {}


def _connect_as(role: dict[str, object]) -> None:
    connection.close()
    connection.settings_dict.update(role)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """pytest-django creates, migrates and drops the test database as the owning role (DATABASE_OWNER_URL)."""
    if django_settings.DATABASE_OWNER is not None:
        _APP_ROLE.update({key: connection.settings_dict[key] for key in django_settings.DATABASE_OWNER})
        _connect_as(django_settings.DATABASE_OWNER)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """Every test then runs as the app's role (DATABASE_URL), so the whole suite proves its privileges are enough.
    The settings are shared by every thread of this process, the live server's included."""
    if _APP_ROLE:
        _connect_as(_APP_ROLE)
    yield
    if _APP_ROLE:
        _connect_as(django_settings.DATABASE_OWNER)


@pytest.fixture
def as_owner(transactional_db):
    """Deliberate tampering: `with as_owner(): ...` runs the block over a connection as the owning role. Its
    changes commit at once, so only transactional tests may use it (the test's data must be committed to be seen)."""
    return dbroles.as_owner


@pytest.fixture(autouse=True)
def _audit_checkpoints_of_this_test_only(settings, tmp_path):
    """Each test starts with no audit checkpoint: a file of its own, never the developer's .checkpoints/."""
    settings.CHIME_AUDIT_CHECKPOINT_FILE = tmp_path / "audit-chain.jsonl"


# ---- Transactional tests last --------------------------------------------------------------------------------------
# pytest-django sorts the tests that empty the database (transactional and browser tests: TRUNCATE after each) after
# those that roll back, because the rows the migrations seed (urgency levels, retention rules, purposes, …) do not
# come back after a flush. Its hook runs first; pytest's own re-ordering then groups the tests that share a
# parametrised session fixture (the browser tests' `browser_name`). A rolled-back test whose parameter was named
# `page` (Playwright's fixture, so it took `browser_name` too) pulled the whole browser block back beside it, into
# the middle of the rolled-back tests, and every test after it on that worker found the seeded tables empty. Sort
# again, last, with pytest-django's own key (a stable sort: each group keeps its order).


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    from pytest_django.plugin import pytest_collection_modifyitems as transactional_tests_last

    transactional_tests_last(items)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI a browser test never skips: a skipped one is reported as failed, with the reason it gave."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and item.get_closest_marker("browser") and os.environ.get("CI", "").lower() == "true":
        report.outcome = "failed"
        report.longrepr = f"In CI a browser test must run, not skip: {report.longrepr}"


# ---- Any day of the year -----------------------------------------------------------------------------------------
# CHIME_TEST_TODAY=YYYY-MM-DD runs the whole suite as if today were that day. CHIME_TEST_DAYS="D1 D2 …" runs each
# test marked `dates` once per day listed, as if today were that day (`make test-dates`, part of `make test`).
# A test that freezes its own clock still gets its own: time-machine's innermost travel wins.


def _mid_morning(day: str) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(10), tzinfo=ZoneInfo("Europe/London"))


def pytest_configure(config):
    # The whole process travels, live-server threads included, with the clock running.
    today = os.environ.get("CHIME_TEST_TODAY")
    if today:
        config.stash[_TRAVEL] = time_machine.travel(_mid_morning(today), tick=True)
        config.stash[_TRAVEL].start()


def pytest_unconfigure(config):
    if _TRAVEL in config.stash:
        config.stash[_TRAVEL].stop()


def pytest_report_header(config):
    if _TRAVEL in config.stash:
        return f"CHIME_TEST_TODAY: the clock reads {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}"
    return None


_TRAVEL = pytest.StashKey[time_machine.travel]()


def pytest_generate_tests(metafunc):
    days = os.environ.get("CHIME_TEST_DAYS", "").split()
    if days and metafunc.definition.get_closest_marker("dates"):
        metafunc.parametrize("_as_if_today", days, indirect=True, ids=[f"as-if-{day}" for day in days])


@pytest.fixture(autouse=True)
def _as_if_today(request):
    """Under CHIME_TEST_DAYS, move the clock to the day this run of a `dates` test is for, before any other
    function fixture (autouse fixtures come first) makes its records."""
    if not hasattr(request, "param"):
        yield
        return
    with time_machine.travel(_mid_morning(request.param), tick=True):
        yield


@pytest.fixture(scope="session", autouse=True)
def _no_connection_left_when_the_test_database_is_dropped(django_db_setup, django_db_blocker):
    """After a browser test (Playwright's sync API), the tests and the session teardown no longer share one
    contextvars context, so each has its own Django connection, and the tests' one, out of the teardown's reach,
    kept the test database busy when pytest-django dropped it. End every other connection to it first."""
    yield
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(scope="session", autouse=True)
def _flush_empties_the_database_as_its_owner():
    """Transactional and browser tests wipe the test database with TRUNCATE after each test. Only the owning role
    may truncate, and the audit table refuses TRUNCATE even from its owner unless its trigger is explicitly
    ignored: only this test clean-up does both."""
    from django.core.management.commands import flush

    original = flush.Command.handle

    def handle(self, *args, **kwargs):
        # A browser test's page may still be sending its last request (a draft kept as the page closes) while the
        # tables are emptied; PostgreSQL then ends one of the two as a deadlock. Empty them again, a few times.
        for attempt in range(5):
            try:
                with (
                    dbroles.as_owner(kwargs.get("database", DEFAULT_DB_ALIAS)),
                    pgtrigger.ignore("chime.AuditEvent:audit_table_cannot_be_truncated"),
                ):
                    return original(self, *args, **kwargs)
            except CommandError as error:
                causes = [error.__cause__, getattr(error.__cause__, "__cause__", None)]
                if attempt == 4 or not any(isinstance(c, psycopg.errors.DeadlockDetected) for c in causes):
                    raise
                time.sleep(0.2)
        return None

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
def data_protection_lead(db):
    """Handles subject access requests; no other role."""
    return DataProtectionLeadFactory(username="dpl", first_name="Dee", last_name="Harper")


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


@pytest.fixture
def person_account(practitioner, person):
    """`person` themselves, with online access: the account they sign in to their own record with."""
    return offer_online_access(person=person, offered_by=practitioner, how_given="spoken").account


# ---- One of everything: the objects the URL × role matrix and the hostile-input sweep visit --------------------


@pytest.fixture
def world(practitioner, person, admin_user, supervisor, data_protection_lead):
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
    goal = add_goal(person=person, actor=practitioner, in_their_words="Swim again.", areas=["empowerment"])
    group = group_of(practitioner)
    return SimpleNamespace(
        practitioner=practitioner,
        person=person,
        goal=goal,
        measure=qpr15_measure(),
        step=add_step(goal=goal, actor=practitioner, step=StepDetails(what="Find the pool's times.")),
        group=group,
        meeting=meeting_of(group, practitioner, [person]),
        brief_contact=brief_contact(practitioner),
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
        access_request=record_subject_access_request(
            person=person, recorded_by=admin_user, identity_check="photo_id"
        ),
        access_pack=gather_pack(
            request=record_subject_access_request(
                person=person, recorded_by=admin_user, identity_check="known_in_person"
            ),
            gathered_by=data_protection_lead,
        ),
        erasure=record_erasure_request(person=person, recorded_by=admin_user),
        concern=raise_concern(person),
        staff_change=StaffChange.objects.create(
            account=practitioner,
            changes={"is_safeguarding_lead": [False, True]},
            requested_by=supervisor,
            requested_at=timezone.now(),
            status=StaffChange.Status.AWAITING,
        ),
        supervision=SupervisionRecord.objects.create(
            supervisor=supervisor,
            practitioner=practitioner,
            met_on=person.support_started,
            agreed_actions="Rest.",
        ),
        draft=FormDraft.objects.create(
            author=practitioner,
            path=f"/people/{person.pk}/sessions/new/",
            person_id=person.pk,
            title="Log a session",
            data={"next_steps": ["Call back."]},
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
        pytest.skip(
            f"Chromium not found at {CHROMIUM}: `make chromium` installs it (`make test` does so itself)"
        )
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
