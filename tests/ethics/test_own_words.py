"""Two voices on every session: the person's own words beside the practitioner's note, and "This doesn't sound like
me" flags that the practitioner answers and only the person closes."""

from __future__ import annotations

import json

import pytest
from django.core import mail

from chime.models import AuditEvent, Notification
from ethics.services import own_words as services
from ethics.services import withholding
from ethics.services.sharing import share_information
from sessions.models import NoteFlag, NoteFlagStep, OwnWords, OwnWordsVersion, SessionArea
from tests.ethics.online import signed_in_person
from tests.factories import ConsentFactory, PersonFactory, PractitionerFactory, SupportSessionFactory

WORDS = "The walk mattered. Talking about my dad helped. Next I want to try the choir."


def _session_with_note(person, note="Dee seemed low and quiet."):
    session = SupportSessionFactory(person=person, next_steps="Call the choir.", areas=[])
    SessionArea.objects.create(session=session, area="connectedness", note=note, rating=3)
    return session


@pytest.fixture
def session(person):
    return _session_with_note(person)


@pytest.fixture
def their_browser(practitioner, person):
    client, _ = signed_in_person(person, practitioner)
    return client


@pytest.fixture
def account(their_browser, person):
    return person.online_access.get(turned_off_at__isnull=True).account


# ---- In my words -----------------------------------------------------------------------------------------------


def test_the_person_adds_their_words_and_they_sit_beside_the_note_on_their_page(their_browser, session):
    response = their_browser.post(f"/me/sessions/{session.pk}/my-words/", {"words": WORDS})
    assert response.status_code == 302
    assert response["Location"] == f"/me/sessions/{session.pk}/"
    page = their_browser.get(f"/me/sessions/{session.pk}/").content.decode()
    assert "Dee seemed low and quiet." in page  # the note, as written
    assert "In my words" in page and "Talking about my dad helped." in page
    assert "You wrote this. Only you can change it." in page


def test_adding_words_is_audited_with_the_person_as_actor_and_never_copies_them(
    their_browser, account, session
):
    their_browser.post(f"/me/sessions/{session.pk}/my-words/", {"words": WORDS})
    own = OwnWords.objects.get()
    event = AuditEvent.objects.get(action="create", object_type="support.OwnWords")
    assert (event.actor, event.person_id, event.object_id) == (account, session.person_id, str(own.pk))
    assert event.reason == f"the person's own words on session {session.pk}"
    assert not AuditEvent.objects.filter(reason__contains="choir").exists()


def test_changing_their_words_keeps_the_earlier_words(their_browser, session):
    their_browser.post(f"/me/sessions/{session.pk}/my-words/", {"words": WORDS})
    their_browser.post(f"/me/sessions/{session.pk}/my-words/", {"words": "I want to try the choir."})
    assert OwnWords.objects.get().words == "I want to try the choir."
    assert list(OwnWordsVersion.objects.values_list("words", flat=True)) == [WORDS]
    assert AuditEvent.objects.filter(action="update", object_type="support.OwnWords").count() == 1


def test_blank_or_too_long_words_are_refused_beside_the_field_and_nothing_is_stored(their_browser, session):
    for words, message in (
        ("   ", "Please write something, or go back."),
        ("x" * 4001, "Please use 4000 characters or fewer."),
    ):
        response = their_browser.post(f"/me/sessions/{session.pk}/my-words/", {"words": words})
        assert response.status_code == 200
        assert response.context["form"].errors == {"words": [message]}
    assert OwnWords.objects.count() == 0


def test_their_words_show_on_the_staff_session_page_marked_as_theirs(client, practitioner, account, session):
    services.write_own_words(session=session, by=account, words=WORDS)
    client.force_login(practitioner)
    page = client.get(f"/sessions/{session.pk}/").content.decode()
    assert "In Dee’s words" in page and "Talking about my dad helped." in page
    assert "Written by Dee in their own view" in page and "Only they can change it." in page
    area = SessionArea.objects.get(session=session)
    assert area.note == "Dee seemed low and quiet."  # never merged into the note


def test_the_person_page_shows_their_words_beside_each_session_and_marks_an_open_flag(
    client, practitioner, account, session
):
    services.write_own_words(session=session, by=account, words=WORDS)
    services.flag_note(session=session, by=account, words="I was not low, I was tired.")
    client.force_login(practitioner)
    page = client.get(f"/people/{session.person_id}/").content.decode()
    assert f"<strong>In Dee’s words:</strong> {WORDS}</p>" in page
    assert "Dee flagged this note: open" in page


def test_staff_cannot_write_the_persons_words(practitioner, session):
    with pytest.raises(services.OwnWordsError) as refused:
        services.write_own_words(session=session, by=practitioner, words="Staff words.")
    assert refused.value.code == "not_theirs"
    assert OwnWords.objects.count() == 0


def test_a_session_held_back_takes_no_words_or_flags(practitioner, their_browser, account, session):
    withholding.withhold_session(session=session, by=practitioner, reason="serious_harm")
    for url in (f"/me/sessions/{session.pk}/my-words/", f"/me/sessions/{session.pk}/flag/"):
        response = their_browser.post(url, {"words": WORDS})
        assert (response.status_code, response["Location"]) == (302, f"/me/sessions/{session.pk}/")
    with pytest.raises(services.OwnWordsError) as refused:
        services.write_own_words(session=session, by=account, words=WORDS)
    assert refused.value.code == "held_back"
    assert (OwnWords.objects.count(), NoteFlag.objects.count()) == (0, 0)


def test_the_person_cannot_add_words_to_someone_elses_session(their_browser, practitioner):
    theirs = _session_with_note(PersonFactory(practitioner=practitioner))
    assert their_browser.get(f"/me/sessions/{theirs.pk}/my-words/").status_code == 404
    assert their_browser.post(f"/me/sessions/{theirs.pk}/my-words/", {"words": WORDS}).status_code == 404
    assert their_browser.post(f"/me/sessions/{theirs.pk}/flag/", {"words": WORDS}).status_code == 404
    assert (OwnWords.objects.count(), NoteFlag.objects.count()) == (0, 0)


def test_their_words_and_corrections_go_beside_the_note_in_a_share(practitioner, account, session, client):
    services.write_own_words(session=session, by=account, words=WORDS)
    flag = services.flag_note(session=session, by=account, words="I was tired, not low.")
    services.answer_flag(flag=flag, by=practitioner, kind="correction", words="Dee was tired, not low.")
    consent = ConsentFactory(person=session.person, content_kinds=["session_summaries"])
    disclosure = share_information(
        person=session.person,
        purpose=consent.purpose,
        recipient=consent.recipient,
        content_kinds=["session_summaries"],
        sessions=[session],
        shared_by=practitioner,
    )
    [summary] = disclosure.content["session_summaries"]
    assert summary["in_their_words"] == WORDS
    assert summary["corrections"] == ["Dee was tired, not low."]
    assert summary["areas"] == [{"area": "Connectedness", "note": "Dee seemed low and quiet."}]
    client.force_login(practitioner)
    page = client.get(f"/disclosures/{disclosure.pk}/").content.decode()
    assert "In Dee’s own words</strong> (written by them, not by staff)" in page
    assert (
        "Correction added by the practitioner after the person flagged this note:</strong> Dee was tired"
        in page
    )


# ---- This doesn't sound like me ----------------------------------------------------------------------------------


def test_flagging_a_note_tells_the_practitioners_in_the_app_and_the_email_names_no_one(
    their_browser, practitioner, session
):
    other = PractitionerFactory(first_name="Ria")
    session.person.practitioner = other  # moved on: the author and the current practitioner are both told
    session.person.save(update_fields=["practitioner"])
    response = their_browser.post(f"/me/sessions/{session.pk}/flag/", {"words": "I was tired, not low."})
    assert (response.status_code, response["Location"]) == (302, f"/me/sessions/{session.pk}/")
    flag = NoteFlag.objects.get()
    assert [(s.kind, s.words, s.by_the_person) for s in flag.steps.all()] == [
        ("flag", "I was tired, not low.", True)
    ]
    told = Notification.objects.filter(about_type="support.noteflag", about_id=flag.pk)
    assert sorted(n.recipient_id for n in told) == sorted([practitioner.pk, other.pk])
    assert {n.url for n in told} == {f"/sessions/{session.pk}/"}
    sent = "".join(m.subject + m.body for m in mail.outbox)
    assert "Dee" not in sent and "tired" not in sent
    event = AuditEvent.objects.get(action="create", object_type="support.NoteFlag")
    assert event.reason == f"the person flagged the note of session {session.pk}"


def test_a_flag_needs_a_comment_and_a_second_open_flag_is_refused(their_browser, session):
    response = their_browser.post(f"/me/sessions/{session.pk}/flag/", {"words": ""})
    assert response.status_code == 200
    assert response.context["form"].errors == {"words": ["Please say what does not sound like you."]}
    their_browser.post(f"/me/sessions/{session.pk}/flag/", {"words": "Not me."})
    again = their_browser.post(f"/me/sessions/{session.pk}/flag/", {"words": "Still not me."})
    assert again.status_code == 200
    assert again.context["form"].errors == {
        "words": ["You have already flagged this note. It is still open."]
    }
    assert NoteFlagStep.objects.count() == 1


def test_the_practitioner_replies_and_corrects_and_the_note_and_every_step_are_kept(
    client, practitioner, account, session, their_browser
):
    flag = services.flag_note(session=session, by=account, words="I was tired, not low.")
    client.force_login(practitioner)
    staff_page = client.get(f"/sessions/{session.pk}/").content.decode()
    assert "Dee says this note does not sound like them" in staff_page
    assert f'href="/flags/{flag.pk}/answer/"' in staff_page
    assert client.get(f"/flags/{flag.pk}/answer/").status_code == 200
    reply = client.post(f"/flags/{flag.pk}/answer/", {"kind": "reply", "words": "Thank you, I hear you."})
    assert (reply.status_code, reply["Location"]) == (302, f"/sessions/{session.pk}/")
    client.post(f"/flags/{flag.pk}/answer/", {"kind": "correction", "words": "Dee was tired, not low."})
    assert [s.kind for s in flag.steps.all()] == ["flag", "reply", "correction"]
    assert SessionArea.objects.get(session=session).note == "Dee seemed low and quiet."
    page = their_browser.get(f"/me/sessions/{session.pk}/").content.decode()
    for text in (
        "Thank you, I hear you.",
        "Dee was tired, not low.",
        "Sam Okafor",
        "added a correction",
        "Open",
    ):
        assert text in page
    reasons = list(
        AuditEvent.objects.filter(object_type="support.NoteFlag", action="update").values_list(
            "reason", flat=True
        )
    )
    assert reasons == [
        f"Replied on the flag on session {session.pk}",
        f"Added a correction on the flag on session {session.pk}",
    ]


def test_an_answer_without_words_or_kind_is_refused_beside_the_field(client, practitioner, account, session):
    flag = services.flag_note(session=session, by=account, words="Not me.")
    client.force_login(practitioner)
    response = client.post(f"/flags/{flag.pk}/answer/", {"kind": "rewrite", "words": ""})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "kind": ["Choose a reply or a correction."],
        "words": ["Please write your reply or correction."],
    }
    assert flag.steps.count() == 1


def test_the_supervisor_sees_but_cannot_answer_a_flag(client, supervisor, account, session):
    flag = services.flag_note(session=session, by=account, words="Not me.")
    client.force_login(supervisor)
    assert client.get(f"/sessions/{session.pk}/").status_code == 200
    assert client.get(f"/flags/{flag.pk}/answer/").status_code == 403
    assert client.post(f"/flags/{flag.pk}/answer/", {"kind": "reply", "words": "Hi."}).status_code == 403
    assert flag.steps.count() == 1


def test_another_practitioner_gets_404_for_a_flag(client, other_practitioner, account, session):
    flag = services.flag_note(session=session, by=account, words="Not me.")
    client.force_login(other_practitioner)
    assert client.get(f"/flags/{flag.pk}/answer/").status_code == 404


def test_only_the_person_closes_their_flag_and_the_thread_is_kept(
    client, practitioner, account, session, their_browser
):
    flag = services.flag_note(session=session, by=account, words="Not me.")
    with pytest.raises(services.OwnWordsError) as refused:
        services.close_flag(flag=flag, by=practitioner)
    assert refused.value.code == "not_theirs"
    response = their_browser.post(f"/me/flags/{flag.pk}/close/")
    assert (response.status_code, response["Location"]) == (302, f"/me/sessions/{session.pk}/")
    flag.refresh_from_db()
    assert flag.closed_at is not None
    assert [s.kind for s in flag.steps.all()] == ["flag", "closed"]
    client.force_login(practitioner)
    answered = client.post(f"/flags/{flag.pk}/answer/", {"kind": "reply", "words": "Late reply."})
    assert answered.status_code == 200
    assert "The person has closed this flag." in answered.content.decode()
    assert flag.steps.count() == 2


def test_the_person_cannot_close_someone_elses_flag(their_browser, practitioner):
    someone = PersonFactory(practitioner=practitioner)
    _, access = signed_in_person(someone, practitioner)
    flag = services.flag_note(session=_session_with_note(someone), by=access.account, words="Not me.")
    assert their_browser.post(f"/me/flags/{flag.pk}/close/").status_code == 404
    assert NoteFlag.objects.open().count() == 1


def test_the_caseload_and_the_supervisors_dashboard_show_an_open_flag(
    client, practitioner, supervisor, account, session
):
    flag = services.flag_note(session=session, by=account, words="Not me.")
    client.force_login(practitioner)
    assert "Open flag on a note" in client.get("/").content.decode()
    client.force_login(supervisor)
    dashboard = client.get("/team/").content.decode()
    assert f'<a href="/sessions/{session.pk}/">Dee: session on' in dashboard
    listed = AuditEvent.objects.filter(object_type="team dashboard").get()
    assert listed.people == [session.person_id]
    services.close_flag(flag=flag, by=account)
    assert "No open flags on your team’s notes." in client.get("/team/").content.decode()


def test_another_supervisor_does_not_see_the_flag(client, account, session):
    from tests.factories import SupervisorFactory

    services.flag_note(session=session, by=account, words="Not me.")
    client.force_login(SupervisorFactory())
    assert "No open flags on your team’s notes." in client.get("/team/").content.decode()


@pytest.mark.parametrize("flags", [1, 4])
def test_the_staff_session_page_takes_the_same_queries_however_many_steps(
    client, practitioner, account, session, django_assert_num_queries, flags
):
    for _ in range(flags):
        flag = services.flag_note(session=session, by=account, words="Not me.")
        services.answer_flag(flag=flag, by=practitioner, kind="reply", words="Thanks.")
        services.close_flag(flag=flag, by=account)
    services.write_own_words(session=session, by=account, words=WORDS)
    client.force_login(practitioner)
    client.get("/")
    # session, user; the session; audit (lock, last hash, insert); own words; flags; their steps; unread
    # notifications (the menu); areas; goals worked on; whether it is held back (issue 12); the services it
    # signposted to (the signposting directory)
    with django_assert_num_queries(14):
        assert client.get(f"/sessions/{session.pk}/").status_code == 200


def test_subject_access_includes_their_words_and_every_step_of_a_flag(practitioner, account, session):
    from chime import personal_data

    services.write_own_words(session=session, by=account, words=WORDS)
    services.write_own_words(session=session, by=account, words="Next I want to try the choir.")
    flag = services.flag_note(session=session, by=account, words="I was tired, not low.")
    services.answer_flag(flag=flag, by=practitioner, kind="correction", words="Dee was tired, not low.")
    pack = json.dumps(dict(personal_data.subject_access(session.person_id)), default=str)
    for text in (
        "Their own words about their sessions",
        "Next I want to try the choir.",
        "Earlier versions of their own words",
        WORDS,
        "What they and their practitioner said about a note",
        "I was tired, not low.",
        "Dee was tired, not low.",
    ):
        assert text in pack
