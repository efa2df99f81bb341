"""A session that ends never costs what was typed: the page is warned, a background request leaves the page alone,
and a save posted too late comes back, exactly as typed, after logging in again (chime.accounts.middleware)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from chime.models import FormDraft
from sessions.models import SupportSession
from tests.chime.test_drafts import form_token
from tests.factories import TEST_PASSWORD
from tests.sessions.test_session_pages import _form


@pytest.fixture
def clock():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


@pytest.fixture
def new_session(person) -> str:
    return f"/people/{person.pk}/sessions/new/"


def test_every_signed_in_page_carries_the_idle_warning_and_its_stay_button(client, practitioner, clock):
    client.force_login(practitioner)
    page = client.get("/").content.decode()
    assert 'id="idle-warning" class="chime-dialog" role="alertdialog"' in page
    assert ">Stay signed in</button>" in page
    assert 'data-seconds-left="900" data-warn-seconds="120"' in page


def test_the_log_in_page_has_no_idle_warning(client, db):
    assert "idle-warning" not in client.get("/login/").content.decode()


def test_every_signed_in_answer_says_how_long_the_session_has_left(client, practitioner, clock):
    client.force_login(practitioner)
    client.get("/")
    clock.shift(dt.timedelta(seconds=40))
    response = client.post("/wording/check/", {"note": "hello"}, headers={"HX-Request": "true"})
    assert response["X-Chime-Seconds-Left"] == "860"  # activity is noted once a minute: the page view counts
    clock.shift(dt.timedelta(minutes=10))
    response = client.post("/wording/check/", {"note": "hello"}, headers={"HX-Request": "true"})
    assert response["X-Chime-Seconds-Left"] == "900"


def test_stay_signed_in_moves_the_idle_limit_at_once(client, practitioner, clock):
    client.force_login(practitioner)
    client.get("/")
    clock.shift(dt.timedelta(minutes=13, seconds=30))
    response = client.post("/session/stay-signed-in/")
    assert response.json() == {"seconds_left": 900}
    clock.shift(dt.timedelta(minutes=14))
    assert client.get("/").status_code == 200


def test_stay_signed_in_after_the_limit_says_the_session_has_ended(client, practitioner, clock):
    client.force_login(practitioner)
    clock.shift(dt.timedelta(minutes=16))
    response = client.post("/session/stay-signed-in/", headers={"X-Chime-Background": "1"})
    assert (response.status_code, response.json()["signed_out"]) == (401, True)


@pytest.mark.parametrize("header", ["HX-Request", "X-Chime-Background"])
def test_a_background_request_with_nobody_signed_in_is_answered_without_a_page(client, db, header):
    response = client.post("/wording/check/", {"note": "hello"}, headers={header: "true"})
    assert (response.status_code, response["X-Chime-Signed-Out"]) == (401, "1")
    assert response.json() == {"signed_out": True, "login_url": "/login/"}


def test_a_page_asked_for_with_nobody_signed_in_still_goes_to_log_in(client, db):
    assert client.get("/notifications/")["Location"] == "/login/?next=/notifications/"


def test_a_save_posted_after_the_timeout_is_kept_and_the_author_is_sent_to_log_in(
    client, practitioner, new_session, clock
):
    client.force_login(practitioner)
    data = {**_form(), "chime_draft": form_token(client, new_session)}
    clock.shift(dt.timedelta(minutes=20))
    response = client.post(new_session, data, follow=True)
    assert response.redirect_chain == [(f"/login/?next={new_session}", 302)]
    assert "everything you typed is kept" in response.content.decode()
    assert not SupportSession.objects.exists()
    draft = FormDraft.objects.get(author=practitioner)
    assert draft.data == {k: [v] for k, v in data.items() if k != "chime_draft"}


def test_after_logging_in_again_the_form_comes_back_as_typed_and_saves_once(
    client, practitioner, new_session, clock
):
    client.force_login(practitioner)
    data = {**_form(), "chime_draft": form_token(client, new_session)}
    clock.shift(dt.timedelta(minutes=20))
    client.post(new_session, data)
    response = client.post(
        f"/login/?next={new_session}", {"username": "practitioner", "password": TEST_PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == new_session
    assert data["submission_key"] in response.content.decode()  # in the draft the page fills the form from
    again = {**data, "chime_draft": form_token(client, new_session)}
    client.post(new_session, again)
    client.post(new_session, again)  # a second press, or the back button and Save
    assert SupportSession.objects.count() == 1
    assert not FormDraft.objects.exists()


def test_a_late_save_without_a_draft_token_goes_to_log_in_as_before(client, practitioner, clock):
    client.force_login(practitioner)
    clock.shift(dt.timedelta(minutes=20))
    response = client.post("/notifications/read/")
    assert response["Location"] == "/login/?next=/notifications/read/"
    assert not FormDraft.objects.exists()


def test_typing_after_the_timeout_is_still_kept_for_the_tokens_author(
    client, practitioner, new_session, clock
):
    client.force_login(practitioner)
    token = form_token(client, new_session)
    clock.shift(dt.timedelta(minutes=20))
    response = client.post(
        "/drafts/save/",
        {"chime_draft": token, "hope_note": "Still typing."},
        headers={"X-Chime-Background": "1"},
    )
    assert (response.status_code, response["X-Chime-Signed-Out"]) == (200, "1")
    assert FormDraft.objects.get(author=practitioner).data == {"hope_note": ["Still typing."]}


def test_a_late_save_with_a_forged_token_keeps_nothing(client, practitioner, new_session, clock):
    client.force_login(practitioner)
    data = {**_form(), "chime_draft": form_token(client, new_session) + "x"}
    clock.shift(dt.timedelta(minutes=20))
    assert client.post(new_session, data)["Location"] == f"/login/?next={new_session}"
    assert not FormDraft.objects.exists()


def test_a_late_save_too_long_to_keep_goes_to_log_in_without_failing(
    client, practitioner, new_session, clock
):
    client.force_login(practitioner)
    data = {**_form(hope_note="x" * 200_001), "chime_draft": form_token(client, new_session)}
    clock.shift(dt.timedelta(minutes=20))
    assert client.post(new_session, data)["Location"] == f"/login/?next={new_session}"
    assert not FormDraft.objects.exists()
