"""Supervisors review sessions and leave feedback; the practitioner sees it and a count of what is new."""

from __future__ import annotations

import pytest

from chime.models import AuditEvent, Notification
from sessions.models import SessionReview
from tests.factories import PersonFactory, PractitionerFactory, SupportSessionFactory


@pytest.fixture
def session(person):
    return SupportSessionFactory(person=person)


def test_supervisor_marks_a_session_reviewed_with_feedback(client, supervisor, practitioner, session):
    client.force_login(supervisor)
    response = client.post(f"/sessions/{session.pk}/review/", {"comment": "Lovely strengths-first note."})
    assert response.status_code == 302
    review = SessionReview.objects.get(session=session)
    assert review.reviewer == supervisor and review.comment == "Lovely strengths-first note."
    assert AuditEvent.objects.filter(action="review", object_id=str(session.pk), actor=supervisor).exists()
    notification = Notification.objects.get(recipient=practitioner)
    assert (
        notification.url == f"/sessions/{session.pk}/"
        and session.person.preferred_name not in notification.title
    )


def test_a_review_without_a_comment_notifies_nobody(client, supervisor, session):
    client.force_login(supervisor)
    client.post(f"/sessions/{session.pk}/review/", {"comment": ""})
    assert SessionReview.objects.filter(session=session, comment="").exists()
    assert not Notification.objects.exists()


def test_practitioner_sees_feedback_and_a_count_of_new_feedback(client, supervisor, practitioner, session):
    client.force_login(supervisor)
    client.post(f"/sessions/{session.pk}/review/", {"comment": "Great use of their own words."})
    client.force_login(practitioner)
    assert "1 new piece of feedback" in client.get("/").content.decode()
    page = client.get(f"/sessions/{session.pk}/").content.decode()
    assert "Great use of their own words." in page and "Reviewed by Jo Rivers" in page
    assert "new piece" not in client.get("/").content.decode()  # opening the session marks it seen
    assert "Great use of their own words." in client.get("/feedback/").content.decode()


def test_the_practitioner_cannot_review_their_own_session(client, practitioner, session):
    client.force_login(practitioner)
    assert client.post(f"/sessions/{session.pk}/review/", {"comment": "Me"}).status_code == 403
    assert not SessionReview.objects.exists()


def test_another_supervisor_gets_404_when_reviewing(client, session):
    stranger = PractitionerFactory().supervisor
    client.force_login(stranger)
    assert client.post(f"/sessions/{session.pk}/review/", {"comment": "Hi"}).status_code == 404
    assert client.get(f"/sessions/{session.pk}/").status_code == 404
    assert not SessionReview.objects.exists()


def test_review_form_only_shows_for_the_supervisor(client, supervisor, practitioner, session):
    client.force_login(practitioner)
    assert "Mark as reviewed" not in client.get(f"/sessions/{session.pk}/").content.decode()
    client.force_login(supervisor)
    assert "Mark as reviewed" in client.get(f"/sessions/{session.pk}/").content.decode()


def test_reviewing_again_replaces_the_comment_and_makes_it_new(client, supervisor, practitioner, session):
    client.force_login(supervisor)
    client.post(f"/sessions/{session.pk}/review/", {"comment": "First"})
    client.force_login(practitioner)
    client.get(f"/sessions/{session.pk}/")
    client.force_login(supervisor)
    client.post(f"/sessions/{session.pk}/review/", {"comment": "Second"})
    review = SessionReview.objects.get()
    assert review.comment == "Second" and review.seen_at is None


def _move_with_feedback(person, session, supervisor, to_practitioner):
    from sessions import services

    services.review_session(session=session, reviewer=supervisor, comment="You kept to their words.")
    services.move_person(person=person, to_practitioner=to_practitioner, moved_by=supervisor)


def test_feedback_leaves_the_old_practitioners_page_when_the_person_moves(
    client, supervisor, practitioner, person, session
):
    _move_with_feedback(person, session, supervisor, PractitionerFactory(supervisor=supervisor))
    client.force_login(practitioner)
    page = client.get("/feedback/").content.decode()
    assert "You kept to their words." not in page and person.preferred_name not in page
    assert "No feedback yet." in page
    assert "new piece" not in client.get("/").content.decode()
    assert SessionReview.objects.new_feedback_for(practitioner).count() == 0


def test_feedback_goes_with_the_record_to_the_new_practitioner(client, supervisor, person, session):
    newcomer = PractitionerFactory(supervisor=supervisor)
    _move_with_feedback(person, session, supervisor, newcomer)
    client.force_login(newcomer)
    # Written for the practitioner who logged the session, it is not on the newcomer's own feedback page,
    # but it is part of the session they now hold.
    assert "You kept to their words." not in client.get("/feedback/").content.decode()
    assert "You kept to their words." in client.get(f"/sessions/{session.pk}/").content.decode()


def test_feedback_on_people_still_on_the_caseload_stays(client, supervisor, practitioner, person, session):
    from sessions import services

    staying = SupportSessionFactory(person=PersonFactory(practitioner=practitioner))
    services.review_session(session=staying, reviewer=supervisor, comment="Still here.")
    _move_with_feedback(person, session, supervisor, PractitionerFactory(supervisor=supervisor))
    assert list(SessionReview.objects.for_feedback_page(practitioner)) == [staying.review]


@pytest.mark.parametrize("reviews", [1, 30])
def test_feedback_page_query_count_is_flat(
    client, supervisor, practitioner, reviews, django_assert_num_queries
):
    from sessions import services

    for _ in range(reviews):
        session = SupportSessionFactory(person=PersonFactory(practitioner=practitioner))
        services.review_session(session=session, reviewer=supervisor, comment="Good work.")
    client.force_login(practitioner)
    # session, user, count, page of reviews with session, person and reviewer,
    # audit naming the people shown (lock, last hash, insert), unread notifications
    with django_assert_num_queries(8):
        client.get("/feedback/")


def test_session_page_query_count_with_a_review(
    client, supervisor, practitioner, session, django_assert_num_queries
):
    from sessions import services

    services.review_session(session=session, reviewer=supervisor, comment="Good work.")
    client.force_login(practitioner)
    # session, user, the session with person, practitioner and review, audit (lock, last hash, insert),
    # mark the feedback seen, whether it is held back from the person's view, the person's own words and flags on the
    # note (issue 12), the services it signposted to, areas, goals it worked on, unread notifications
    with django_assert_num_queries(14):
        client.get(f"/sessions/{session.pk}/")
