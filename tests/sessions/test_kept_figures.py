"""The report's costly figures are kept once worked out, and used again only while nothing they count has changed
(sessions/kept_figures.py).

These tests commit (`transaction=True`): kept figures are never used in the transaction that changed what they
count, so inside one test transaction every report would be worked out afresh.
"""

from __future__ import annotations

import datetime as dt
import re
import threading

import pytest
import time_machine
from django.db import connection, transaction
from django.db.models import F

from sessions import rollups
from sessions.models import FigureChange, KeptFigures, MeasureResponse, Person, SessionArea
from sessions.reports import commissioners_report, report_for
from sessions.rollup_triggers import EVERY_PART, PARTS
from tests.factories import PersonFactory, SupportSessionFactory, qpr15_measure

pytestmark = pytest.mark.django_db(transaction=True)

NOW = dt.datetime(2026, 6, 15, 12, 0, tzinfo=dt.UTC)
QUARTER = (dt.date(2026, 4, 1), dt.date(2026, 6, 30))
PREVIOUS = (dt.date(2026, 1, 1), dt.date(2026, 3, 31))  # the period beside it
IN_QUARTER = dt.datetime(2026, 5, 10, 10, 0, tzinfo=dt.UTC)
BEFORE_BOTH = dt.datetime(2025, 11, 10, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def six_people(practitioner):
    people = [PersonFactory(practitioner=practitioner) for _ in range(6)]
    for person in people:
        SupportSessionFactory(person=person, occurred_at=IN_QUARTER, areas=["hope"])
    return people


def _figures(report) -> dict[str, str]:
    return {row.label: row.value for row in report.rows}


def _worked_out_at() -> dict[tuple[tuple[dt.date, dt.date], int], dt.datetime]:
    """When each period's figures were kept, for each part of the people."""
    return {((kept.first, kept.last), kept.part): kept.worked_out_at for kept in KeptFigures.objects.all()}


def _part(person) -> int:
    return person.pk % PARTS


def _kept_sessions() -> dict[tuple[dt.date, dt.date], int]:
    """The sessions each period's kept figures count, all the parts added up."""
    found: dict[tuple[dt.date, dt.date], int] = {}
    for kept in KeptFigures.objects.all():
        period = (kept.first, kept.last)
        found[period] = found.get(period, 0) + kept.figures["sessions"][0]["sessions"]
    return found


def test_the_figures_are_kept_per_period_and_the_same_when_used_again(client, admin_user, six_people):
    client.force_login(admin_user)
    query = {"start": "2026-04-01", "end": "2026-06-30"}
    first = _report_rows(client.get("/reports/", query).content.decode())
    assert set(_worked_out_at()) == {
        (period, part) for period in (QUARTER, PREVIOUS) for part in range(PARTS)
    }
    again = _report_rows(client.get("/reports/", query).content.decode())
    assert again == first
    assert '<tr data-section="Summary"><th scope="row">People supported</th><td>6</td>' in first[0]


def _report_rows(html: str) -> list[str]:
    """The rows of the report's tables: figure, value and previous period."""
    return re.findall(r"<tr data-section=.*?</tr>", html, flags=re.S)


@pytest.mark.parametrize("people", [2, 30])
@pytest.mark.parametrize("second_connection", [False, True])
def test_a_report_already_worked_out_skips_its_five_costly_queries(
    client, admin_user, practitioner, people, second_connection, settings, django_assert_num_queries
):
    settings.CHIME_SECOND_CONNECTION = second_connection
    for _ in range(people):
        SupportSessionFactory(person=PersonFactory(practitioner=practitioner), occurred_at=IN_QUARTER)
    client.force_login(admin_user)
    query = {"start": "2026-04-01", "end": "2026-06-30"}
    # The 21 queries it makes inside a test's transaction (test_reports.py), less the savepoint and its release,
    # plus the BEGIN and COMMIT of the report's own transaction and of the audit row's (none in a test's transaction).
    # With a second connection, the rating change (1) is read there, not on this one.
    with django_assert_num_queries(22 if second_connection else 23):
        client.get("/reports/", query)
    # The same again, found kept: no rating change, no measure results, no session figures (2), nothing to keep.
    with django_assert_num_queries(23 - 5):
        client.get("/reports/", query)


def test_figures_read_on_two_connections_are_those_read_on_one(practitioner, six_people, settings):
    qpr = qpr15_measure()
    for person in six_people:  # ratings and QPR-15 results that change, besides the sessions
        for day, rating, total in ((3, 2, 20), (20, 4, 31)):
            session = SupportSessionFactory(person=person, occurred_at=IN_QUARTER.replace(day=day), areas=[])
            SessionArea.objects.create(session=session, area="hope", note="Hopeful.", rating=rating)
            MeasureResponse.objects.create(
                person=person,
                measure=qpr,
                taken_on=IN_QUARTER.date().replace(day=day),
                total=total,
                occasion="start" if day == 3 else "review",
                recorded_by=practitioner,
            )

    def rows(report) -> list[tuple[str, str, str]]:
        return [(row.section, row.label, row.value) for row in [*report.rows, *report.previous.rows]]

    settings.CHIME_SECOND_CONNECTION = True
    on_two = report_for(*QUARTER)
    KeptFigures.objects.all().delete()
    settings.CHIME_SECOND_CONNECTION = False
    assert rows(report_for(*QUARTER)) == rows(on_two)
    found = {(row.section, row.label): row.value for row in on_two.rows}  # the quarter's, not the one before
    change = "Hope and optimism about the future: average change, first to last"
    assert found["CHIME rating change (their own view)", change] == "+2.0"
    assert found["Distance travelled: QPR-15", "People with at least two in the period"] == "6"


def test_a_session_saved_in_the_period_sets_its_figures_aside_and_the_next_report_counts_it(
    practitioner, six_people
):
    assert _figures(commissioners_report(*QUARTER))["Sessions"] == "6"
    SupportSessionFactory(person=six_people[0], occurred_at=IN_QUARTER, areas=["hope"])
    assert _figures(commissioners_report(*QUARTER))["Sessions"] == "7"
    # May: the 6 sessions and 6 area notes before, and this session and its note, each saved in its own transaction
    assert FigureChange.objects.filter(month=dt.date(2026, 5, 1)).count() == 14


def test_a_session_saved_outside_every_period_leaves_the_kept_figures_in_use(practitioner, six_people):
    report_for(*QUARTER)
    kept = _worked_out_at()
    SupportSessionFactory(person=six_people[0], occurred_at=BEFORE_BOTH)
    with time_machine.travel(NOW + dt.timedelta(minutes=5), tick=False):
        report_for(*QUARTER)
    assert _worked_out_at() == kept  # neither period was worked out again


def test_a_change_in_the_previous_period_sets_aside_only_that_period(practitioner, six_people):
    report_for(*QUARTER)
    kept = _worked_out_at()
    SupportSessionFactory(person=six_people[0], occurred_at=dt.datetime(2026, 2, 3, 10, 0, tzinfo=dt.UTC))
    with time_machine.travel(NOW + dt.timedelta(minutes=5), tick=False):
        report = report_for(*QUARTER)
    now = _worked_out_at()
    later = NOW + dt.timedelta(minutes=5)
    # The previous period is worked out again for the person's part of the people only
    assert {key for key, at in now.items() if at == later} == {(PREVIOUS, _part(six_people[0]))}
    assert len(now) == len(kept) == 2 * PARTS
    assert _figures(report.previous)["Sessions"] == "fewer than 5"  # 1 session


def test_a_session_saved_sets_aside_only_its_persons_part_and_the_figures_add_up_to_a_count(
    practitioner, six_people, django_assert_num_queries
):
    report_for(*QUARTER)
    SupportSessionFactory(person=six_people[2], occurred_at=IN_QUARTER, areas=["hope", "identity"])
    later = NOW + dt.timedelta(minutes=5)
    with time_machine.travel(later, tick=False):
        report = report_for(*QUARTER)
    assert {key for key, at in _worked_out_at().items() if at == later} == {(QUARTER, _part(six_people[2]))}
    rows = _figures(report)
    assert (rows["Sessions"], rows["People supported"]) == ("7", "6")
    assert rows["Hope and optimism about the future: sessions"] == "7"
    assert rows["Identity: people"] == "fewer than 5"
    assert _kept_sessions() == {QUARTER: 7, PREVIOUS: 0}
    KeptFigures.objects.all().delete()
    with time_machine.travel(later, tick=False):
        afresh = report_for(*QUARTER)
    assert _figures(afresh) == rows  # fifteen parts kept and one worked out again: the same as all worked out
    assert _figures(afresh.previous) == _figures(report.previous)


def test_only_the_parts_asked_for_are_read(practitioner, six_people):
    part = _part(six_people[3])
    figures = rollups.session_figures_by_part(*QUARTER, Person.objects.all(), (part,))
    assert list(figures) == [part]
    assert (figures[part].totals["sessions"], figures[part].totals["people"]) == (1, 1)
    everyone = rollups.session_figures_by_part(*QUARTER, Person.objects.all(), rollups.ALL_PARTS)
    assert sorted(part for part, found in everyone.items() if found.totals["sessions"]) == sorted(
        _part(person) for person in six_people
    )
    with pytest.raises(ValueError, match="Not parts of the people"):
        rollups.session_figures_by_part(*QUARTER, Person.objects.all(), (PARTS,))
    with pytest.raises(ValueError, match=r"Not parts of the people: \(\)"):
        rollups.session_figures_by_part(*QUARTER, Person.objects.all(), ())


def test_a_rating_changed_in_place_sets_the_figures_aside(practitioner, six_people):
    for person in six_people:
        for day, rating in ((3, 2), (20, 3)):
            session = SupportSessionFactory(person=person, occurred_at=IN_QUARTER.replace(day=day), areas=[])
            SessionArea.objects.create(session=session, area="hope", note="Hopeful.", rating=rating)
    label = "Hope and optimism about the future: average change, first to last"
    section = "CHIME rating change (their own view)"
    rows = {(row.section, row.label): row.value for row in commissioners_report(*QUARTER).rows}
    assert rows[(section, label)] == "+1.0"
    SessionArea.objects.filter(rating=3).update(rating=5)  # an edit: no count changes, only the ratings
    rows = {(row.section, row.label): row.value for row in commissioners_report(*QUARTER).rows}
    assert rows[(section, label)] == "+3.0"


def test_a_measure_completed_in_the_period_sets_the_figures_aside(practitioner, six_people):
    qpr = qpr15_measure()
    section = "Distance travelled: QPR-15"

    def people_with_two() -> str:
        rows = {(row.section, row.label): row.value for row in commissioners_report(*QUARTER).rows}
        return rows[(section, "People with at least two in the period")]

    def completed(on: dt.date, total: int, occasion: str) -> None:
        for person in six_people:
            MeasureResponse.objects.create(
                person=person,
                measure=qpr,
                taken_on=on,
                total=total,
                occasion=occasion,
                recorded_by=practitioner,
            )

    completed(dt.date(2026, 4, 2), 20, "start")
    assert people_with_two() == "fewer than 5"
    completed(dt.date(2026, 6, 2), 30, "review")
    assert people_with_two() == "6"


def test_consent_for_reporting_given_sets_aside_every_period_of_the_persons_part(
    practitioner, six_people, settings
):
    from tests.factories import ConsentFactory, ConsentWordingFactory, SharingPurposeFactory

    settings.CHIME_REPORTS_REQUIRE_CONSENT = True
    assert _figures(commissioners_report(*QUARTER))["People supported"] == "fewer than 5"  # nobody yet
    wording = ConsentWordingFactory(purpose=SharingPurposeFactory(name="Anonymised reporting"))
    for person in six_people[:5]:
        ConsentFactory(person=person, wording=wording, recipient="Commissioners")
    with connection.cursor() as cursor:  # -infinity, every period: not a Python date
        cursor.execute("SELECT part FROM support_figurechange WHERE month = '-infinity'")
        noted = sorted(part for (part,) in cursor.fetchall())
    # The purpose may change whom anyone's figures count: every part. Each consent, its person's part.
    assert noted == sorted([EVERY_PART, *(_part(person) for person in six_people[:5])])
    assert _figures(commissioners_report(*QUARTER))["People supported"] == "5"
    kept = _worked_out_at()
    ConsentFactory(person=six_people[5], wording=wording, recipient="Commissioners")
    later = NOW + dt.timedelta(minutes=5)
    with time_machine.travel(later, tick=False):
        assert _figures(commissioners_report(*QUARTER))["People supported"] == "6"
    assert {key for key, at in _worked_out_at().items() if at != kept[key]} == {
        (QUARTER, _part(six_people[5]))
    }


def test_figures_kept_under_one_consent_rule_are_not_used_under_another(practitioner, six_people, settings):
    settings.CHIME_REPORTS_REQUIRE_CONSENT = False
    assert _figures(commissioners_report(*QUARTER))["People supported"] == "6"
    settings.CHIME_REPORTS_REQUIRE_CONSENT = True  # nobody has consented
    assert _figures(commissioners_report(*QUARTER))["People supported"] == "fewer than 5"
    assert KeptFigures.objects.filter(first=QUARTER[0], last=QUARTER[1]).count() == 2 * PARTS


def test_a_change_committed_while_the_figures_were_worked_out_sets_them_aside(practitioner, six_people):
    """A session saved in another transaction that is still open while the report is worked out is not in the
    figures kept; once it commits, they are set aside and the next report counts it."""
    saved, go_on = threading.Event(), threading.Event()

    def save_slowly() -> None:
        try:
            with transaction.atomic():
                SupportSessionFactory(person=six_people[0], occurred_at=IN_QUARTER)
                saved.set()
                go_on.wait(timeout=30)
        finally:
            connection.close()

    other = threading.Thread(target=save_slowly)
    other.start()
    assert saved.wait(timeout=30)
    assert _figures(commissioners_report(*QUARTER))["Sessions"] == "6"  # not committed yet
    go_on.set()
    other.join(timeout=30)
    assert _figures(commissioners_report(*QUARTER))["Sessions"] == "7"


def test_rebuilding_the_roll_ups_forgets_every_kept_figure(practitioner, six_people):
    commissioners_report(*QUARTER)
    assert KeptFigures.objects.count() == PARTS
    with connection.cursor() as cursor:
        cursor.execute("UPDATE support_sessionmonth SET sessions = sessions + 1")  # a roll-up gone wrong
    rollups.rebuild()
    assert KeptFigures.objects.count() == 0


def test_old_kept_figures_and_the_changes_they_no_longer_need_are_deleted(practitioner, six_people):
    commissioners_report(*QUARTER)
    SupportSessionFactory(person=six_people[0], occurred_at=IN_QUARTER)
    assert FigureChange.objects.count() == 14  # each session and each area note, saved in 14 transactions
    # An hour and more later, by the database's clock (the triggers note the time by it)
    FigureChange.objects.update(noted_at=F("noted_at") - dt.timedelta(hours=2))
    with time_machine.travel(NOW + dt.timedelta(days=32), tick=False):
        commissioners_report(dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    # The quarter's figures, 32 days old, are gone, and the 12 changes its snapshot held: the last 2 came after it
    # and are kept until no kept figure could have missed them.
    assert set(KeptFigures.objects.values_list("first", "last")) == {PREVIOUS}
    assert FigureChange.objects.count() == 2
    with time_machine.travel(NOW + dt.timedelta(days=33), tick=False):
        commissioners_report(dt.date(2025, 10, 1), dt.date(2025, 12, 31))
    assert FigureChange.objects.count() == 0


def test_reports_kept_at_once_by_several_connections_all_succeed_and_agree(practitioner, six_people):
    """Four connections at once, each keeping a quarter beside the one before it (so each shares a period with
    the next), while a fifth saves sessions: none waits on another for ever, and each report is the count."""
    quarters = [
        (dt.date(2025, 7, 1), dt.date(2025, 9, 30)),
        (dt.date(2025, 10, 1), dt.date(2025, 12, 31)),
        (dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
        QUARTER,
    ]
    errors: list[BaseException] = []
    found: dict[tuple[dt.date, dt.date], set[str]] = {quarter: set() for quarter in quarters}
    start = threading.Barrier(5)

    def report(quarter: tuple[dt.date, dt.date]) -> None:
        try:
            start.wait(timeout=30)
            for _ in range(3):
                found[quarter].add(_figures(report_for(*quarter))["Sessions"])
        except BaseException as error:  # noqa: BLE001 - handed to the test's thread, which fails on it
            errors.append(error)
        finally:
            connection.close()

    def save() -> None:
        try:
            start.wait(timeout=30)
            for _ in range(3):
                SupportSessionFactory(
                    person=six_people[0], occurred_at=dt.datetime(2025, 8, 5, 10, tzinfo=dt.UTC)
                )
        except BaseException as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=report, args=(quarter,)) for quarter in quarters]
    threads.append(threading.Thread(target=save))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert found[QUARTER] == {"6"}
    # Afterwards every period's kept figures, used or worked out again, are the count: July to September now holds
    # the 3 sessions saved while it was being reported.
    for quarter in quarters:
        report_for(*quarter)
    kept = _kept_sessions()
    expected = {
        (dt.date(2025, 4, 1), dt.date(2025, 6, 30)): 0,
        quarters[0]: 3,
        quarters[1]: 0,
        quarters[2]: 0,
        QUARTER: 6,
    }
    assert kept == expected
