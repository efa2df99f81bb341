"""Drafts of long forms (chime.drafts): kept as the person types, for their author only, gone once saved or stale."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from chime import drafts, tasks
from chime.models import AuditEvent, FormDraft
from sessions.models import SupportSession
from tests.sessions.test_session_pages import _form

NOTE = "qzdraft Talked about the allotment and the new job."


def form_token(client, path: str) -> str:
    """The signed token a `{% keep_draft %}` form carries, as the browser would post it."""
    page = client.get(path).content.decode()
    return re.search(r'name="chime_draft" value="([^"]+)"', page).group(1)


def keep(client, path: str, **fields) -> object:
    return client.post("/drafts/save/", {"chime_draft": form_token(client, path), **fields})


@pytest.fixture
def new_session(person) -> str:
    return f"/people/{person.pk}/sessions/new/"


def test_typing_into_a_session_form_keeps_a_draft_for_its_author(client, practitioner, person, new_session):
    client.force_login(practitioner)
    response = keep(client, new_session, hope_note=NOTE, mode="phone")
    assert (response.status_code, response.json()) == (200, {"kept": True, "signed_out": False})
    draft = FormDraft.objects.get()
    assert (draft.author, draft.path, draft.person_id) == (practitioner, new_session, person.pk)
    assert draft.title == f"Log a session with {person.preferred_name}"
    assert draft.data == {"hope_note": [NOTE], "mode": ["phone"]}


def test_typing_more_replaces_the_draft_rather_than_adding_one(client, practitioner, new_session):
    client.force_login(practitioner)
    keep(client, new_session, hope_note="First words.")
    keep(client, new_session, hope_note="First words, and more.")
    assert list(FormDraft.objects.values_list("data", flat=True)) == [
        {"hope_note": ["First words, and more."]}
    ]


def test_the_form_comes_back_filled_in_from_its_draft(client, practitioner, new_session):
    client.force_login(practitioner)
    keep(client, new_session, hope_note=NOTE)
    page = client.get(new_session).content.decode()
    data = re.search(r'<script id="draft-data" type="application/json">(.*?)</script>', page).group(1)
    assert json.loads(data) == {"hope_note": [NOTE]}
    assert "This form holds what you typed on" in page


def test_a_draft_is_listed_on_its_authors_home_page_with_a_link_back(
    client, practitioner, person, new_session
):
    client.force_login(practitioner)
    keep(client, new_session, hope_note=NOTE)
    draft = FormDraft.objects.get()
    page = client.get("/").content.decode()
    assert "Unfinished forms" in page
    assert f'<a href="/drafts/{draft.pk}/">Log a session with {person.preferred_name}</a>' in page
    assert client.get(f"/drafts/{draft.pk}/")["Location"] == new_session


def test_nobody_but_the_author_reaches_a_draft(client, practitioner, supervisor, new_session):
    client.force_login(practitioner)
    keep(client, new_session, hope_note=NOTE)
    draft = FormDraft.objects.get()
    client.force_login(supervisor)
    assert client.get(f"/drafts/{draft.pk}/").status_code == 404
    assert client.post(f"/drafts/{draft.pk}/discard/").status_code == 404
    assert "Unfinished forms" not in client.get("/").content.decode()
    assert drafts.draft_of_form(author=supervisor, path=new_session) is None
    assert FormDraft.objects.count() == 1


def test_a_token_from_someone_elses_page_keeps_nothing_for_the_one_signed_in(
    client, practitioner, other_practitioner, new_session
):
    client.force_login(practitioner)
    token = form_token(client, new_session)
    client.force_login(other_practitioner)
    response = client.post("/drafts/save/", {"chime_draft": token, "hope_note": NOTE})
    assert response.status_code == 403
    assert not FormDraft.objects.exists()


def test_an_altered_token_keeps_nothing(client, practitioner, new_session):
    client.force_login(practitioner)
    token = form_token(client, new_session)
    response = client.post("/drafts/save/", {"chime_draft": token[:-2] + "xx", "hope_note": NOTE})
    assert response.status_code == 400
    assert not FormDraft.objects.exists()


def test_a_draft_too_long_to_be_a_form_is_refused_whole(client, practitioner, new_session):
    client.force_login(practitioner)
    response = keep(client, new_session, hope_note="x" * (drafts.MAX_CHARACTERS + 1))
    assert (response.status_code, response.json()["kept"]) == (413, False)
    assert not FormDraft.objects.exists()


def test_saving_the_form_deletes_its_draft(client, practitioner, new_session):
    client.force_login(practitioner)
    token = form_token(client, new_session)
    keep(client, new_session, hope_note=NOTE)
    response = client.post(new_session, {**_form(), "chime_draft": token})
    assert response.status_code == 302
    assert not FormDraft.objects.exists()
    assert SupportSession.objects.count() == 1


def test_a_form_sent_back_with_problems_keeps_its_draft(client, practitioner, new_session):
    client.force_login(practitioner)
    token = form_token(client, new_session)
    keep(client, new_session, hope_note=NOTE)
    response = client.post(new_session, {**_form(duration_minutes="-5"), "chime_draft": token})
    assert response.status_code == 200
    assert FormDraft.objects.count() == 1


def test_the_author_may_start_again_with_an_empty_form(client, practitioner, new_session):
    client.force_login(practitioner)
    keep(client, new_session, hope_note=NOTE)
    draft = FormDraft.objects.get()
    response = client.post(f"/drafts/{draft.pk}/discard/", {"next": new_session})
    assert response["Location"] == new_session
    assert not FormDraft.objects.exists()
    assert "draft-data" not in client.get(new_session).content.decode()


def test_a_discarded_draft_never_sends_its_author_to_another_site(client, practitioner, new_session):
    client.force_login(practitioner)
    keep(client, new_session, hope_note=NOTE)
    draft = FormDraft.objects.get()
    response = client.post(f"/drafts/{draft.pk}/discard/", {"next": "https://example.com/"})
    assert response["Location"] == "/"


def test_what_a_draft_holds_never_reaches_the_audit_trail(client, practitioner, new_session):
    client.force_login(practitioner)
    token = form_token(client, new_session)
    keep(client, new_session, hope_note=NOTE)
    client.get(f"/drafts/{FormDraft.objects.get().pk}/")
    client.post(new_session, {**_form(hope_note=NOTE), "chime_draft": token})
    rows = [json.dumps(row, default=str) for row in AuditEvent.objects.values()]
    assert rows
    assert [row for row in rows if "qzdraft" in row] == []


def test_each_long_form_keeps_a_draft(client, practitioner, supervisor, person):
    client.force_login(practitioner)
    for path in (f"/people/{person.pk}/sessions/new/", f"/people/{person.pk}/concerns/new/"):
        assert 'name="chime_draft"' in client.get(path).content.decode(), path
    client.force_login(supervisor)
    page = client.get(f"/team/{practitioner.pk}/supervision/new/").content.decode()
    assert 'name="chime_draft"' in page


def test_recording_a_group_meeting_keeps_a_draft_titled_by_its_group(client, practitioner, person):
    from tests.groups import group_of

    cafe = group_of(practitioner)
    path = f"/groups/{cafe.pk}/meetings/new/"
    client.force_login(practitioner)
    assert keep(client, path, group_note=[NOTE], attendees=[str(person.pk)]).status_code == 200
    draft = FormDraft.objects.get()
    assert (draft.path, draft.title) == (path, "Meeting of Thursday recovery café")
    assert "Meeting of Thursday recovery café" in client.get("/").content.decode()  # listed as unfinished


@pytest.mark.dates
def test_drafts_nobody_has_typed_in_for_the_set_days_are_deleted(practitioner, settings):
    settings.CHIME_DRAFT_DAYS = 7
    of = drafts.DraftOf(author_id=practitioner.pk, path="/a/", person_id=None, title="A")
    with time_machine.travel(timezone.now(), tick=False) as clock:
        drafts.save_draft(of=of, data={"note": ["old"]})
        clock.shift(dt.timedelta(days=6, hours=23))
        drafts.save_draft(of=drafts.DraftOf(practitioner.pk, "/b/", None, "B"), data={"note": ["newer"]})
        clock.shift(dt.timedelta(hours=2))  # the first is now 7 days and an hour old
        assert drafts.delete_expired_drafts() == 1
        assert list(FormDraft.objects.values_list("path", flat=True)) == ["/b/"]


@pytest.mark.dates
def test_the_clean_up_runs_in_the_background_and_queues_the_next(practitioner, settings):
    settings.CHIME_DRAFT_DAYS = 1
    with time_machine.travel(timezone.now(), tick=False) as clock:
        drafts.save_draft(of=drafts.DraftOf(practitioner.pk, "/a/", None, "A"), data={})
        clock.shift(dt.timedelta(days=2))
        assert tasks.delete_expired_drafts.call() == 1
    assert tasks.schedule_draft_sweep() is False  # the sweep queued the next one itself


def test_the_clean_up_is_queued_once(db):
    assert tasks.schedule_draft_sweep() is True
    assert tasks.schedule_draft_sweep() is False


def test_the_clean_up_command_says_how_many_it_deleted(practitioner, capsys):
    drafts.save_draft(of=drafts.DraftOf(practitioner.pk, "/a/", None, "A"), data={})
    call_command("delete_expired_drafts")
    assert capsys.readouterr().out == "0 drafts older than 7 days deleted.\n"


@pytest.mark.parametrize("count", [1, 12])
def test_the_home_page_lists_unfinished_forms_in_one_query(
    client, practitioner, count, django_assert_num_queries
):
    for number in range(count):
        drafts.save_draft(
            of=drafts.DraftOf(practitioner.pk, f"/f/{number}/", None, f"Form {number}"), data={}
        )
    client.force_login(practitioner)
    # session, user, audit (lock, last hash, insert), caseload count (0: no page to fetch), new feedback count,
    # plans due for review, their unfinished forms, unread notifications
    with django_assert_num_queries(10):
        page = client.get("/").content.decode()
    assert page.count('<a href="/drafts/') == count
