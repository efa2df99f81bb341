"""Every list, search and queue that shows people writes one audit row naming each person it showed, so "who has
seen my record" (AuditEvent.objects.about_person) is complete."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from chime import audit
from chime.models import AuditEvent
from sessions import services as session_services
from tests.factories import ConsentFactory, PersonFactory


@pytest.fixture
def shown(world, supervisor, practitioner):
    """Dee on every list: a review with feedback, a supervision record discussing her, a consent ending soon."""
    session_services.review_session(session=world.session, reviewer=supervisor, comment="Good work.")
    world.supervision.people_discussed.add(world.person)
    ConsentFactory(person=world.person, expires_on=timezone.localdate() + dt.timedelta(days=5))
    return world


# (who looks, how, the page, what the audit row calls it)
LISTS = [
    ("practitioner", "get", "/", "caseload"),
    ("practitioner", "get", "/feedback/", "feedback"),
    ("practitioner", "get", "/safeguarding/raised/", "concerns raised"),
    ("practitioner", "get", "/consents/expiring/", "expiring consents"),
    ("supervisor", "get", "/team/{practitioner}/", "caseload"),
    ("supervisor", "get", "/team/{practitioner}/sessions/", "session list"),
    ("supervisor", "get", "/team/{practitioner}/supervision/new/", "supervision caseload"),
    ("supervisor", "get", "/supervision/{supervision}/", "supervision record people"),
    ("supervisor", "get", "/safeguarding/", "safeguarding queue"),
    ("supervisor", "get", "/emergency/reviews/", "emergency reviews"),
    ("admin_user", "get", "/people-directory/", "people directory"),
    ("admin_user", "post", "/people-directory/", "people directory"),
    ("admin_user", "get", "/rights/", "data-subject requests"),
    ("admin_user", "get", "/consents/expiring/", "expiring consents"),
    ("practitioner", "get", "/meetings/{meeting}/", "group register"),
    ("supervisor", "get", "/meetings/{meeting}/", "group register"),
    ("admin_user", "get", "/meetings/{meeting}/", "group register"),
    ("practitioner", "get", "/groups/{group}/meetings/new/", "group register choices"),
]


@pytest.mark.parametrize(("who", "method", "url", "object_type"), LISTS)
def test_a_list_names_each_person_it_shows_in_one_audit_row(
    client, request, shown, who, method, url, object_type
):
    viewer = request.getfixturevalue(who)
    client.force_login(viewer)
    page = url.format(
        practitioner=shown.practitioner.pk,
        supervision=shown.supervision.pk,
        meeting=shown.meeting.pk,
        group=shown.group.pk,
    )
    response = getattr(client, method)(page, {"q": "Dee"} if method == "post" else {})
    assert response.status_code == 200
    row = AuditEvent.objects.filter(actor=viewer, object_type=object_type).latest("pk")
    assert (row.action, row.people) == ("view", [shown.person.pk])


def test_a_person_shown_in_a_list_sees_it_in_who_has_seen_my_record(client, practitioner, person):
    client.force_login(practitioner)
    client.get("/")
    seen = AuditEvent.objects.about_person(person.pk)
    assert [(e.actor, e.object_type, e.people) for e in seen] == [(practitioner, "caseload", [person.pk])]


def test_the_admins_who_has_seen_my_record_page_lists_the_caseload_view(
    client, practitioner, person, admin_user
):
    client.force_login(practitioner)
    client.get("/")
    client.force_login(admin_user)
    response = client.get(f"/rights/people/{person.pk}/audit/")
    listed = [(e.actor, e.object_type) for e in response.context["events"]]
    assert (practitioner, "caseload") in listed


def test_a_caseload_page_names_only_the_people_on_the_page_shown(client, practitioner):
    people = [PersonFactory(practitioner=practitioner, preferred_name=f"P{n:02}") for n in range(27)]
    client.force_login(practitioner)
    client.get("/", {"order": "name", "page": 2})
    row = AuditEvent.objects.get(object_type="caseload")
    assert row.people == sorted(p.pk for p in people[25:])


def test_an_empty_list_is_audited_naming_no_one(client, practitioner):
    client.force_login(practitioner)
    client.get("/")
    row = AuditEvent.objects.get(object_type="caseload")
    assert (row.people, row.person_id) == ([], None)


def test_rows_naming_people_join_the_chain_and_tampering_with_the_names_is_found(db, practitioner, person):
    audit.record(AuditEvent.Action.VIEW, object_type="person page", person_id=person.pk, actor=practitioner)
    listed = audit.record_list_view("caseload", people=[person.pk, person.pk + 1, None])
    assert listed.people == [person.pk, person.pk + 1]
    assert audit.verify_chain().ok
    listed.refresh_from_db()
    listed.people = [person.pk]  # as if someone had taken a name off the row
    assert listed.compute_hash() != listed.hash


def test_a_row_naming_no_one_hashes_exactly_as_before_the_people_field(db, practitioner):
    event = audit.record(AuditEvent.Action.VIEW, object_type="caseload", actor=practitioner)
    assert "people" not in event.chained_content()


@pytest.mark.parametrize("count", [1, 12])
def test_the_emergency_review_queue_query_count_is_flat(
    client, supervisor, practitioner, count, django_assert_num_queries
):
    from ethics.services.emergency import declare_emergency_access
    from tests.factories import PractitionerFactory

    for _ in range(count):
        declare_emergency_access(
            user=PractitionerFactory(),
            person=PersonFactory(practitioner=practitioner),
            reason="risk_to_person",
            justification="A declared risk of harm, in detail.",
        )
    client.force_login(supervisor)
    # session, user, uses awaiting review, uses reviewed, audit naming the people (lock, last hash, insert),
    # unread notifications
    with django_assert_num_queries(8):
        response = client.get("/emergency/reviews/")
    assert (
        len(AuditEvent.objects.get(object_type="emergency reviews").people)
        == count
        == len(response.context["awaiting"])
    )


@pytest.mark.parametrize("count", [1, 12])
def test_the_data_subject_requests_page_query_count_is_flat(
    client, admin_user, count, django_assert_num_queries
):
    from ethics.services.rights import record_erasure_request
    from ethics.services.subject_access import record_subject_access_request

    for _ in range(count):
        record_subject_access_request(
            person=PersonFactory(), recorded_by=admin_user, identity_check="photo_id"
        )
        record_erasure_request(person=PersonFactory(), recorded_by=admin_user)
    client.force_login(admin_user)
    # session, user, open access requests, open erasure requests, audit naming the people (lock, last hash,
    # insert), unread notifications
    with django_assert_num_queries(8):
        client.get("/rights/")
    assert len(AuditEvent.objects.get(object_type="data-subject requests").people) == 2 * count
