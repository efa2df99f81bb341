"""The person checks in on their own recovery: a rating (1 to 5) for any CHIME area, with words if they want,
whenever they like. Kept as their own view, audited as theirs, and drawn apart from ratings given in sessions on
their own page and on the practitioner's."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chime.models import AuditEvent
from ethics.services import withholding
from sessions import services
from sessions.models import CheckIn, SessionArea
from sessions.services import AreaRating, CheckInError
from tests.ethics.online import signed_in_person
from tests.factories import PersonFactory, SupportSessionFactory

FROZEN = dt.datetime(2026, 6, 15, 12, 0, tzinfo=dt.UTC)


# ---- The service ------------------------------------------------------------------------------------------------


def test_a_check_in_keeps_each_rating_with_their_words_and_audits_the_person_as_the_actor(
    practitioner, person
):
    _, access = signed_in_person(person, practitioner)
    rows = services.record_check_in(
        person=person,
        actor=access.account,
        ratings=[AreaRating("hope", 4, "  Looking forward to the allotment. "), AreaRating("identity", 2)],
    )
    assert [(r.area, r.rating, r.words) for r in rows] == [
        ("hope", 4, "Looking forward to the allotment."),
        ("identity", 2, ""),
    ]
    assert rows[0].checked_in_at == rows[1].checked_in_at  # one check-in
    events = AuditEvent.objects.filter(object_type="support.CheckIn").order_by("pk")
    assert [(e.action, e.actor_id, e.person_id, e.object_id) for e in events] == [
        ("create", access.account.pk, person.pk, str(rows[0].pk)),
        ("create", access.account.pk, person.pk, str(rows[1].pk)),
    ]


@pytest.mark.parametrize(
    ("ratings", "code"),
    [
        ([], "nothing_rated"),
        ([AreaRating("hope", 3), AreaRating("hope", 4)], "area_twice"),
        ([AreaRating("joy", 3)], "unknown_area"),
        ([AreaRating("hope", 0)], "bad_rating"),
        ([AreaRating("hope", 6)], "bad_rating"),
    ],
)
def test_a_check_in_that_breaks_a_rule_is_refused_with_its_code_and_nothing_is_kept(
    practitioner, person, ratings, code
):
    with pytest.raises(CheckInError) as refused:
        services.record_check_in(person=person, actor=practitioner, ratings=ratings)
    assert refused.value.code == code
    assert CheckIn.objects.count() == 0


# ---- The page ---------------------------------------------------------------------------------------------------


def test_the_person_checks_in_on_two_areas_and_skips_the_rest(practitioner, person):
    client, access = signed_in_person(person, practitioner)
    page = client.get("/me/check-in/").content.decode()
    assert "The people in your life. Friends, family, groups, and people who help you." in page
    assert "1 – really hard" in page and "5 – really good" in page
    response = client.post(
        "/me/check-in/", {"hope_rating": "5", "hope_words": "Got the job.", "meaning_rating": "3"}
    )
    assert response["Location"] == "/me/"
    kept = CheckIn.objects.filter(person=person).order_by("area")
    assert [(c.area, c.rating, c.words) for c in kept] == [("hope", 5, "Got the job."), ("meaning", 3, "")]
    assert AuditEvent.objects.filter(object_type="support.CheckIn", actor=access.account).count() == 2


def test_words_without_a_number_are_asked_about_beside_the_area_and_nothing_is_kept(practitioner, person):
    client, _ = signed_in_person(person, practitioner)
    response = client.post("/me/check-in/", {"hope_rating": "4", "identity_words": "Not sure."})
    assert response.status_code == 200
    assert "Choose a number for this too, or take the words out." in response.content.decode()
    assert CheckIn.objects.count() == 0


def test_a_check_in_with_no_number_at_all_asks_for_one_and_keeps_nothing(practitioner, person):
    client, _ = signed_in_person(person, practitioner)
    response = client.post("/me/check-in/", {})
    assert response.status_code == 200
    assert "Choose a number for at least one area." in response.content.decode()
    assert CheckIn.objects.count() == 0


@pytest.mark.django_db
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rating=st.one_of(st.none(), st.sampled_from(["", "0", "6", "-1", "NaN", "٣", "1e309", "<b>"]), st.text()),
    words=st.one_of(
        st.none(), st.text(max_size=300), st.just("é<" * 3000), st.just("<script>alert(1)</script>")
    ),
)
def test_checking_in_with_hostile_input_never_fails_and_keeps_only_valid_ratings(rating, words):
    from tests.factories import PractitionerFactory

    practitioner = PractitionerFactory()
    person = PersonFactory(practitioner=practitioner)
    client, _ = signed_in_person(person, practitioner)
    data = {
        key: value for key, value in {"hope_rating": rating, "hope_words": words}.items() if value is not None
    }
    response = client.post("/me/check-in/", data)
    assert response.status_code in (200, 302)
    assert CheckIn.objects.filter(person=person).exists() == (response.status_code == 302)
    if response.status_code == 302:
        assert "<script>alert" not in client.get("/me/").content.decode()


def test_the_check_in_page_takes_a_fixed_number_of_queries(practitioner, person, django_assert_num_queries):
    client, _ = signed_in_person(person, practitioner)
    client.get("/me/")
    # session, user; online access; the person; audit (lock, last hash, insert)
    with django_assert_num_queries(7):
        client.get("/me/check-in/")


# ---- Drawn apart from session ratings ---------------------------------------------------------------------------


def _rated_session(person, rating=2, occurred_at=None):
    session = SupportSessionFactory(
        person=person, areas=[], **({"occurred_at": occurred_at} if occurred_at else {})
    )
    SessionArea.objects.create(session=session, area="hope", note="Talked about hope.", rating=rating)
    return session


@pytest.mark.dates
@time_machine.travel(FROZEN, tick=False)
def test_the_persons_page_shows_their_check_ins_apart_from_their_ratings_in_sessions(practitioner, person):
    _rated_session(person, rating=2)
    client, access = signed_in_person(person, practitioner)
    services.record_check_in(person=person, actor=access.account, ratings=[AreaRating("hope", 5)])
    page = client.get("/me/").content.decode()
    mine = page.index('<title id="my-check-ins-chart-title">My check-ins, by month</title>')
    sessions = page.index(
        '<title id="my-session-ratings-chart-title">What I said in sessions, by month</title>'
    )
    assert mine < sessions
    check_in_table = page[mine:sessions]
    assert 'Jun 2026<span class="d-block small fw-normal">so far</span>' in check_in_table
    assert "<td>5.0</td>" in check_in_table and "<td>2.0</td>" not in check_in_table
    assert "<td>2.0</td>" in page[sessions:]


def test_a_held_back_session_does_not_show_through_the_persons_ratings_chart(practitioner, person):
    held = _rated_session(person, rating=1)
    withholding.withhold_session(session=held, by=practitioner, reason="serious_harm")
    client, _ = signed_in_person(person, practitioner)
    page = client.get("/me/").content.decode()
    assert "You have not given a number in a session yet." in page
    assert "You have not checked in yet." in page


@pytest.mark.dates
@time_machine.travel(FROZEN, tick=False)
def test_the_practitioner_sees_new_check_ins_apart_from_ratings_in_sessions(client, practitioner, person):
    _rated_session(person, rating=2, occurred_at=FROZEN - dt.timedelta(days=3))
    _, access = signed_in_person(person, practitioner)
    services.record_check_in(
        person=person, actor=access.account, ratings=[AreaRating("hope", 4, "Feeling brighter.")]
    )
    client.force_login(practitioner)
    page = client.get(f"/people/{person.pk}/").content.decode()
    assert "Their own ratings given in sessions, by month</title>" in page
    assert "Their own check-ins (not in sessions), by month</title>" in page
    assert (
        '<span class="badge text-bg-warning">New</span> 15 Jun 2026: Hope and optimism about the future, 4 out of 5. '
        "In their words: “Feeling brighter.”"
    ) in page
    check_ins = page[page.index('id="check-ins-heading"') :]
    assert "<td>4.0</td>" in check_ins and "<td>2.0</td>" not in check_ins


@pytest.mark.dates
def test_a_check_in_before_the_last_session_is_not_new_to_the_practitioner(client, practitioner, person):
    _, access = signed_in_person(person, practitioner)
    with time_machine.travel(FROZEN - dt.timedelta(days=5), tick=False):
        services.record_check_in(person=person, actor=access.account, ratings=[AreaRating("hope", 3)])
    with time_machine.travel(FROZEN, tick=False):
        _rated_session(person, occurred_at=FROZEN - dt.timedelta(days=1))
        client.force_login(practitioner)
        page = client.get(f"/people/{person.pk}/").content.decode()
    assert "10 Jun 2026: Hope and optimism about the future, 3 out of 5" in page
    assert 'text-bg-warning">New' not in page


@pytest.mark.dates
def test_check_ins_are_new_against_the_latest_session_on_every_page_of_the_timeline(
    client, practitioner, person
):
    _, access = signed_in_person(person, practitioner)
    with time_machine.travel(FROZEN - dt.timedelta(days=5), tick=False):
        services.record_check_in(person=person, actor=access.account, ratings=[AreaRating("hope", 3)])
    with time_machine.travel(FROZEN, tick=False):
        for days in range(1, 22):  # 21 sessions: the timeline's second page shows only the oldest
            SupportSessionFactory(person=person, occurred_at=FROZEN - dt.timedelta(days=days, hours=1))
        services.record_check_in(person=person, actor=access.account, ratings=[AreaRating("meaning", 4)])
        client.force_login(practitioner)
        pages = [client.get(f"/people/{person.pk}/{query}").content.decode() for query in ("", "?page=2")]
    for page in pages:
        assert page.count('text-bg-warning">New') == 1
        assert '<span class="badge text-bg-warning">New</span> 15 Jun 2026: Meaning in life' in page


@pytest.mark.parametrize("check_ins", [1, 8])
def test_the_persons_home_page_takes_the_same_queries_however_many_check_ins(
    practitioner, person, check_ins, django_assert_num_queries
):
    client, access = signed_in_person(person, practitioner)
    for n in range(check_ins):
        services.record_check_in(person=person, actor=access.account, ratings=[AreaRating("hope", 1 + n % 5)])
    client.get("/me/")
    # as tests/ethics/test_own_record.py names them, less the two that only run for rows found (the steps of goals,
    # the areas of sessions): there are none here
    with django_assert_num_queries(16):
        client.get("/me/")
