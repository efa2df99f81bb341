from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from sessions.models import SupportSession
from tests.factories import SupportSessionFactory


def _form(**overrides) -> dict[str, object]:
    data = {
        "occurred_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
        "occurred_time": "10:30",
        "duration_minutes": "60",
        "mode": "walk_and_talk",
        "location": "The park",
        "hope_note": "Talked about the summer.",
        "hope_rating": "4",
        "empowerment_note": "Made the call to the college herself.",
        "next_steps": "Visit the college open day.",
        "follow_up_on": (timezone.localdate() + dt.timedelta(days=7)).isoformat(),
        "submission_key": str(uuid.uuid4()),
    }
    # A callable is read now, not when the test was collected (`make test-dates` moves the clock per test).
    data.update({key: value() if callable(value) else value for key, value in overrides.items()})
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.dates
def test_the_form_defaults_to_today(client, practitioner, person):
    client.force_login(practitioner)
    response = client.get(f"/people/{person.pk}/sessions/new/")
    assert response.context["form"]["occurred_on"].value() == timezone.localdate()


@pytest.mark.dates
def test_logging_a_session_saves_it_and_returns_to_the_person(client, practitioner, person):
    client.force_login(practitioner)
    response = client.post(f"/people/{person.pk}/sessions/new/", _form(), follow=True)
    session = SupportSession.objects.get()
    assert response.redirect_chain[0][0] == f"/people/{person.pk}/"
    assert "Session with Dee saved." in response.content.decode()
    assert {(a.area, a.rating) for a in session.areas.all()} == {("hope", 4), ("empowerment", None)}
    assert session.mode == "walk_and_talk" and session.location == "The park"


def test_a_form_posted_twice_creates_one_session(client, practitioner, person):
    client.force_login(practitioner)
    data = _form()
    client.post(f"/people/{person.pk}/sessions/new/", data)
    response = client.post(f"/people/{person.pk}/sessions/new/", data, follow=True)
    assert SupportSession.objects.count() == 1
    assert "already saved" in response.content.decode()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"hope_note": "", "empowerment_note": "", "hope_rating": None}, "at least one CHIME area"),
        (
            {"hope_note": ""},
            "Add a short note about Hope and optimism about the future, or remove the rating",
        ),
        (
            {"occurred_on": lambda: (timezone.localdate() + dt.timedelta(days=3)).isoformat()},
            "cannot be in the future",
        ),
        ({"hope_rating": "7"}, "Select a valid choice"),
        ({"hope_rating": "0"}, "Select a valid choice"),
        ({"duration_minutes": "-5"}, "greater than or equal to 1"),
        ({"occurred_on": "2026-02-31"}, "Enter a valid date"),
        ({"follow_up_on": "2001-01-01"}, "on or after the session date"),
        ({"submission_key": "not-a-uuid"}, "Please press save again"),
        ({"areas": ["hope", "identity"]}, "Add a short note about Identity, or untick it"),
        ({"areas": ["hope", "not-an-area"]}, "Select a valid choice"),
        (
            {"areas": ["connectedness"], "hope_note": "", "empowerment_note": "", "hope_rating": None},
            "Add a short note about Connectedness, or untick it",
        ),
    ],
)
@pytest.mark.dates
def test_bad_input_re_renders_with_a_message_and_stores_nothing(
    client, practitioner, person, overrides, message
):
    client.force_login(practitioner)
    response = client.post(f"/people/{person.pk}/sessions/new/", _form(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "nothing has been saved yet" in response.content.decode()
    assert SupportSession.objects.count() == 0


def test_supervisor_cannot_log_a_session(client, supervisor, person):
    client.force_login(supervisor)
    assert client.post(f"/people/{person.pk}/sessions/new/", _form()).status_code == 403
    assert SupportSession.objects.count() == 0


def test_session_detail_shows_notes_and_rating(client, practitioner, person):
    session = SupportSessionFactory(person=person, areas=["identity"])
    client.force_login(practitioner)
    html = client.get(f"/sessions/{session.pk}/").content.decode()
    assert "A note about identity." in html and "No rating given" in html


def test_the_author_edits_a_session_and_the_earlier_version_is_shown(client, practitioner, person):
    client.force_login(practitioner)
    client.post(f"/people/{person.pk}/sessions/new/", _form())
    session = SupportSession.objects.get()
    edit = _form(hope_note="Talked about the summer and the seaside.", duration_minutes="75")
    response = client.post(f"/sessions/{session.pk}/edit/", edit, follow=True)
    assert "The earlier version is kept" in response.content.decode()
    history = client.get(f"/sessions/{session.pk}/history/").content.decode()
    assert "Changed by Sam Okafor" in history
    assert "Talked about the summer." in history and "Talked about the summer and the seaside." in history


def test_editing_to_remove_every_area_stores_nothing(client, practitioner, person):
    session = SupportSessionFactory(person=person, areas=["hope"])
    client.force_login(practitioner)
    response = client.post(
        f"/sessions/{session.pk}/edit/", _form(hope_note="", hope_rating=None, empowerment_note="")
    )
    assert response.status_code == 200
    assert session.areas.get().note == "A note about hope."


@pytest.mark.parametrize("url", ["/sessions/{pk}/", "/sessions/{pk}/edit/", "/sessions/{pk}/history/"])
def test_someone_elses_session_is_404_for_get_and_post(client, practitioner, others_person, url):
    session = SupportSessionFactory(person=others_person)
    client.force_login(practitioner)
    assert client.get(url.format(pk=session.pk)).status_code == 404
    assert client.post(url.format(pk=session.pk), _form()).status_code == 404


def test_supervisor_reads_a_session_but_cannot_edit_it(client, supervisor, person):
    session = SupportSessionFactory(person=person)
    client.force_login(supervisor)
    assert client.get(f"/sessions/{session.pk}/").status_code == 200
    assert client.get(f"/sessions/{session.pk}/edit/").status_code == 403
    assert client.post(f"/sessions/{session.pk}/edit/", _form()).status_code == 403


def test_wording_hints_show_on_the_form_after_a_post(client, practitioner, person):
    client.force_login(practitioner)
    response = client.post(
        f"/people/{person.pk}/sessions/new/",
        _form(hope_note="He was non-compliant again.", occurred_on="2999-01-01"),
    )
    assert "chose not to" in response.content.decode()


def test_session_page_title_is_plain_text(client, practitioner, person):
    session = SupportSessionFactory(person=person)
    client.force_login(practitioner)
    html = client.get(f"/sessions/{session.pk}/").content.decode()
    title = html[html.index("<title>") + 7 : html.index("</title>")]
    assert title.startswith("Session with Dee") and "<" not in title


@pytest.mark.dates
def test_the_areas_ticked_and_noted_are_saved(client, practitioner, person):
    client.force_login(practitioner)
    client.post(f"/people/{person.pk}/sessions/new/", _form(areas=["hope", "empowerment"]))
    session = SupportSession.objects.get()
    assert {(a.area, a.rating) for a in session.areas.all()} == {("hope", 4), ("empowerment", None)}


@pytest.mark.dates
def test_a_note_under_an_area_left_unticked_is_still_saved(client, practitioner, person):
    # Without JavaScript or :has() every note shows; what was written counts, ticked or not (nothing typed is lost).
    client.force_login(practitioner)
    client.post(f"/people/{person.pk}/sessions/new/", _form(areas=["hope"]))
    session = SupportSession.objects.get()
    assert sorted(a.area for a in session.areas.all()) == ["empowerment", "hope"]


def test_the_form_offers_a_tick_box_per_area_with_its_note_and_rating_under_it(client, practitioner, person):
    client.force_login(practitioner)
    html = client.get(f"/people/{person.pk}/sessions/new/").content.decode()
    assert html.count('type="checkbox" name="areas"') == 5
    assert html.count('class="area" data-area>') == 5  # none open: nothing written or chosen yet
    assert html.count('name="ratings_view"') == 3  # whose view the ratings are
    # the ratings themselves: in the closed panels, shown only once their area is ticked
    assert html.count('type="radio"') == 30 + 3
    assert html.count('class="form-actions"') == 1


def test_the_edit_form_ticks_and_opens_the_areas_the_session_touched(client, practitioner, person):
    session = SupportSessionFactory(person=person, practitioner=practitioner, areas=["hope", "identity"])
    client.force_login(practitioner)
    form = client.get(f"/sessions/{session.pk}/edit/").context["form"]
    assert sorted(form["areas"].value()) == ["hope", "identity"]
    assert [row["area"].code for row in form.area_rows() if row["has_content"]] == ["hope", "identity"]


@pytest.mark.dates
def test_an_area_with_a_problem_opens_with_its_message(client, practitioner, person):
    client.force_login(practitioner)
    response = client.post(f"/people/{person.pk}/sessions/new/", _form(areas=["hope", "meaning"]))
    html = response.content.decode()
    assert html.count("area-open") == 3  # hope and empowerment have notes; meaning has the problem
    assert '<div class="area area-open" data-area data-area-errors>' in html


def test_each_note_asks_about_its_own_words_and_shows_the_hint_under_itself(client, practitioner, person):
    client.force_login(practitioner)
    html = client.get(f"/people/{person.pk}/sessions/new/").content.decode()
    for name in ("hope_note", "identity_note", "next_steps", "signposting_notes"):
        assert f'hx-params="{name}"' in html
        assert f'hx-target="#id_{name}-hints"' in html
        assert f'<div class="wording-hints" id="id_{name}-hints">' in html
    assert "aria-live" not in html
    assert html.count('role="status" data-wording-status') == 1
