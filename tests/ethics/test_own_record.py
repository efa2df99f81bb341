"""The person's record as written: their sessions, goals, strengths and who supports them; sessions held back for a
lawful reason; no safeguarding concerns; and who has seen their record."""

from __future__ import annotations

import pytest

from chime.models import AuditEvent
from ethics.models import WithheldSession
from ethics.services import withholding
from sessions.models import SessionArea
from tests.ethics.online import signed_in_person
from tests.ethics.safeguarding import raise_concern
from tests.factories import PersonFactory, SupportSessionFactory


def _session_with_note(person, note="We talked about the allotment."):
    session = SupportSessionFactory(person=person, next_steps="Visit the allotment on Saturday.", areas=[])
    SessionArea.objects.create(session=session, area="connectedness", note=note, rating=4)
    return session


def test_the_person_reads_their_goals_strengths_and_who_supports_them(practitioner, person):
    from sessions.services import StepDetails, add_goal, add_step

    goal = add_goal(
        person=person, actor=practitioner, in_their_words="Get out more.", areas=["connectedness"]
    )
    add_step(goal=goal, actor=practitioner, step=StepDetails(what="Walk to the park on Sunday."))
    client, _ = signed_in_person(person, practitioner)
    page = client.get("/me/").content.decode()
    for text in (
        "Hello, Dee",
        "Their family.",
        "<strong>Get out more.</strong>",  # the goal of their recovery plan, in their words
        "Walk to the park on Sunday.",
        "To do.",
        "Kind and funny.",
        "Sam Okafor helps you now.",
    ):
        assert text in page


def test_the_person_reads_a_session_as_the_practitioner_wrote_it(practitioner, person):
    session = _session_with_note(person)
    client, _ = signed_in_person(person, practitioner)
    home = client.get("/me/").content.decode()
    assert f'href="/me/sessions/{session.pk}/"' in home
    assert "We talked about: Connectedness." in home
    page = client.get(f"/me/sessions/{session.pk}/").content.decode()
    for text in (
        "We talked about the allotment.",
        "Visit the allotment on Saturday.",
        "You said: 4 out of 5.",
    ):
        assert text in page


def test_anyone_elses_session_answers_the_person_404(practitioner, person, other_practitioner):
    someone_else = PersonFactory(practitioner=practitioner)
    theirs = _session_with_note(someone_else)
    client, access = signed_in_person(person, practitioner)
    assert client.get(f"/me/sessions/{theirs.pk}/").status_code == 404
    assert client.get("/me/sessions/999999/").status_code == 404
    refused = AuditEvent.objects.filter(action="denied", actor=access.account).first()
    assert (refused.object_type, refused.person_id) == ("support.SupportSession", someone_else.pk)


def test_a_held_back_session_shows_that_something_was_held_back_not_what(client, practitioner, person):
    session = _session_with_note(person, note="About their brother's debts.")
    client.force_login(practitioner)
    response = client.post(f"/sessions/{session.pk}/hold-back/", {"reason": "names_someone_else"})
    assert response["Location"] == f"/sessions/{session.pk}/"
    held = WithheldSession.objects.get()
    assert (held.reason, held.withheld_by) == ("names_someone_else", practitioner)
    event = AuditEvent.objects.get(object_type="ethics.WithheldSession")
    assert (event.person_id, event.reason) == (
        person.pk,
        f"session {session.pk} held back from the person's view (It names or is about someone else)",
    )
    their_browser, _ = signed_in_person(person, practitioner)
    home = their_browser.get("/me/").content.decode()
    page = their_browser.get(f"/me/sessions/{session.pk}/").content.decode()
    assert "Some of this is held back." in home
    assert "Some of what was written on this day is held back." in page
    assert "brother" not in home + page
    assert "allotment" not in home + page


def test_showing_a_session_again_keeps_the_record_of_the_hold(client, practitioner, person):
    session = _session_with_note(person)
    held = withholding.withhold_session(session=session, by=practitioner, reason="serious_harm")
    client.force_login(practitioner)
    assert client.post(f"/sessions/{session.pk}/show-again/")["Location"] == f"/sessions/{session.pk}/"
    held.refresh_from_db()
    assert (held.released_by, WithheldSession.objects.current().count()) == (practitioner, 0)
    their_browser, _ = signed_in_person(person, practitioner)
    assert (
        "We talked about the allotment." in their_browser.get(f"/me/sessions/{session.pk}/").content.decode()
    )


def test_only_a_lawful_reason_holds_a_session_back(client, practitioner, person):
    session = _session_with_note(person)
    client.force_login(practitioner)
    response = client.post(f"/sessions/{session.pk}/hold-back/", {"reason": "it_is_awkward"})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["reason"]
    assert WithheldSession.objects.count() == 0


def test_another_practitioner_cannot_hold_back_a_session(client, other_practitioner, person):
    session = _session_with_note(person)
    client.force_login(other_practitioner)
    assert client.post(f"/sessions/{session.pk}/hold-back/", {"reason": "serious_harm"}).status_code == 404
    assert WithheldSession.objects.count() == 0


def test_safeguarding_concerns_are_never_in_the_persons_view(practitioner, person):
    session = _session_with_note(person)
    raise_concern(person)
    client, _ = signed_in_person(person, practitioner)
    pages = client.get("/me/").content.decode() + client.get(f"/me/sessions/{session.pk}/").content.decode()
    for text in ("Has not been eating", "Wants help with the heating.", "A warm flat.", "concern"):
        assert text not in pages


def test_who_has_seen_my_record_names_staff_and_their_role_in_plain_words(client, practitioner, person):
    client.force_login(practitioner)
    client.get(f"/people/{person.pk}/")
    their_browser, access = signed_in_person(person, practitioner)
    their_browser.get("/me/")
    page = their_browser.get("/me/seen/").content.decode()
    assert "<strong>Sam Okafor</strong> (practitioner) looked at your record." in page
    assert "the person themselves" not in page
    read = AuditEvent.objects.filter(action="audit_read", actor=access.account).get()
    assert read.person_id == person.pk


def test_who_has_seen_my_record_shows_emergency_access(practitioner, person):
    from ethics.services.emergency import declare_emergency_access
    from tests.factories import PractitionerFactory

    declare_emergency_access(
        user=PractitionerFactory(first_name="Ola", last_name="Bright"),
        person=person,
        reason="risk_to_person",
        justification="A declared risk of harm, in detail.",
    )
    client, _ = signed_in_person(person, practitioner)
    page = client.get("/me/seen/").content.decode()
    assert "<strong>Ola Bright</strong> (practitioner) opened your record in an emergency." in page


@pytest.mark.parametrize("sessions", [1, 6])
def test_the_persons_pages_take_the_same_number_of_queries_however_many_sessions(
    practitioner, person, django_assert_num_queries, sessions
):
    from sessions.services import StepDetails, add_goal, add_step

    for _ in range(sessions):
        _session_with_note(person)
        goal = add_goal(person=person, actor=practitioner, in_their_words="Get out more.", areas=["hope"])
        add_step(goal=goal, actor=practitioner, step=StepDetails(what="Walk to the park."))
    client, _ = signed_in_person(person, practitioner)
    client.get("/me/")  # the session's clock is written on the first page; count a later one
    one = person.sessions.first()
    # session, user; online access; the person; audit (lock, last hash, insert); goals; their steps; group meetings
    # they came to; sessions; their areas; supporters; how I am doing: check-ins by month, session ratings by month,
    # measures offered, measures offered to them, their scores
    with django_assert_num_queries(18):
        client.get("/me/")
    # session, user; online access; the session; audit (lock, last hash, insert); their own words; flags on the note;
    # the services they were signposted to (one query, added with the signposting directory)
    with django_assert_num_queries(11):
        client.get(f"/me/sessions/{one.pk}/")
    # session, user; online access; the person; audit (lock, last hash, insert) twice (the view, the read); the rows
    with django_assert_num_queries(11):
        client.get("/me/seen/")


def test_the_person_sees_the_groups_they_went_to_and_only_their_own_addendum(practitioner, person):
    from tests.factories import PersonFactory
    from tests.groups import group_of, meeting_of

    other = PersonFactory(practitioner=practitioner, preferred_name="Olly")
    cafe = group_of(practitioner)
    meeting_of(
        cafe, practitioner, [person, other], addenda={person.pk: "Spoke about college.", other.pk: "qzolly"}
    )
    client, _ = signed_in_person(person, practitioner)
    page = client.get("/me/").content.decode()
    assert "Thursday recovery café" in page
    assert "Just about you: Spoke about college." in page
    assert "qzolly" not in page and "Olly" not in page  # nobody else on the register, nor their words


def test_the_idle_warning_keeps_a_person_signed_in_and_signs_them_in_and_out_on_their_own_pages(
    practitioner, person
):
    client, _ = signed_in_person(person, practitioner)
    page = client.get("/me/").content.decode()
    assert '<form method="post" action="/me/sign-out/">' in page  # "Log out now"
    assert 'href="/me/sign-in/?next=/me/"' in page  # "Log in again", once the session has ended
    assert client.post("/session/stay-signed-in/").status_code == 200
