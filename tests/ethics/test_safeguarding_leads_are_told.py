"""Leads are told of every new concern, their home is their queue, they find closed concerns; notifications say
what happened, about whom, and what is still asked as of now (issue 11 §2)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail

from chime.models import AuditEvent, Notification
from ethics.models import Concern
from tests.ethics.safeguarding import make_lead, raise_concern, walk_to
from tests.factories import PersonFactory

MONDAY_10AM = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize("level", ["immediate", "urgent"])
def test_leads_are_emailed_at_once_for_immediate_danger_and_urgent(
    person, supervisor, lead, level, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        concern = raise_concern(person, level=level)
    assert set(Notification.objects.values_list("recipient", flat=True)) == {supervisor.pk, lead.pk}
    assert sorted(message.to[0] for message in mail.outbox) == ["lead@example.org", "supervisor@example.org"]
    for message in mail.outbox:
        assert "Dee" not in message.subject + message.body
        assert f"/safeguarding/concerns/{concern.pk}/" in message.body


def test_a_standard_concern_tells_the_leads_in_the_app_and_emails_only_the_supervisor(
    person, supervisor, lead, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        raise_concern(person, level="standard")
    assert Notification.objects.filter(recipient=lead).count() == 1
    assert [message.to for message in mail.outbox] == [["supervisor@example.org"]]


def test_with_no_supervisor_the_leads_are_emailed_whatever_the_urgency(
    db, lead, django_capture_on_commit_callbacks
):
    person = PersonFactory(practitioner__supervisor=None)
    with django_capture_on_commit_callbacks(execute=True):
        raise_concern(person, level="standard")
    assert [message.to for message in mail.outbox] == [["lead@example.org"]]


def test_a_lead_who_supervises_the_practitioner_is_told_once(
    person, supervisor, django_capture_on_commit_callbacks
):
    supervisor.is_safeguarding_lead = True
    supervisor.save(update_fields=["is_safeguarding_lead"])
    with django_capture_on_commit_callbacks(execute=True):
        raise_concern(person, level="standard")
    assert list(Notification.objects.values_list("recipient", flat=True)) == [supervisor.pk]
    assert len(mail.outbox) == 1


def test_a_leads_home_page_is_their_queue(client, lead):
    client.force_login(lead)
    response = client.get("/")
    assert (response.status_code, response["Location"]) == (302, "/safeguarding/")


def test_an_admins_home_page_still_offers_the_staff_pages(client, admin_user):
    client.force_login(admin_user)
    page = client.get("/").content.decode()
    assert "You manage staff accounts" in page
    assert 'href="/safeguarding/"' in page


# ---- Notifications as of now -------------------------------------------------------------------------------------


def test_a_new_concern_notification_names_the_person_and_asks_to_acknowledge_by_the_deadline(
    client, person, lead
):
    with time_machine.travel(MONDAY_10AM, tick=False):
        concern = raise_concern(person, level="urgent")
        client.force_login(lead)
        page = client.get("/notifications/").content.decode()
    assert (
        f'<a href="/safeguarding/concerns/{concern.pk}/">New safeguarding concern (urgent): Dee</a>' in page
    )
    assert f"Concern {concern.pk}, raised on 23 Nov 2026, 10:00. Now: raised." in page
    assert '<div class="notice-action fw-normal">Please acknowledge it by Mon 23 Nov, 17:00.</div>' in page


def test_once_acknowledged_the_notification_no_longer_asks_for_it(client, person, lead, supervisor):
    with time_machine.travel(MONDAY_10AM, tick=False):
        concern = raise_concern(person, level="urgent")
        walk_to(concern, "acknowledged", supervisor)
        client.force_login(lead)
        page = client.get("/notifications/").content.decode()
    assert "Please acknowledge it" not in page
    assert "Now: acknowledged." in page
    assert "Please decide on action by Tue 24 Nov, 17:00." in page


def test_a_closed_concerns_notification_asks_nothing(client, person, lead, supervisor):
    concern = walk_to(raise_concern(person, level="urgent"), "closed", supervisor)
    client.force_login(lead)
    page = client.get("/notifications/").content.decode()
    assert concern.state == "closed"
    assert "Now: closed." in page
    assert "notice-action" not in page


def test_a_reader_who_may_no_longer_see_the_concern_is_not_told_whom_it_is_about(client, person, supervisor):
    concern = raise_concern(person, level="standard")
    supervisor.is_supervisor = False
    supervisor.save(update_fields=["is_supervisor"])
    client.force_login(supervisor)
    page = client.get("/notifications/").content.decode()
    assert f"/safeguarding/concerns/{concern.pk}/" in page
    assert "Dee" not in page
    assert "New safeguarding concern (standard): someone whose concerns you cannot see now" in page


@pytest.mark.parametrize("count", [2, 12])
def test_the_notifications_page_query_count_is_flat(client, lead, count, django_assert_num_queries):
    for _ in range(count):
        raise_concern(PersonFactory(), level="standard")
    client.force_login(lead)
    # session, user, notifications, their concerns (with person, practitioner, raiser), unread count
    with django_assert_num_queries(5):
        response = client.get("/notifications/")
    assert len(response.context["notifications"]) == count


def test_old_notifications_are_described_by_the_migration_too(person, lead):
    from importlib import import_module

    from django.apps import apps

    concern = raise_concern(person)
    Notification.objects.update(
        about_type="", about_id=None, title="New safeguarding concern (standard): please acknowledge it"
    )
    import_module("ethics.migrations.0011_concern_notifications_point_at_their_concern").point_at_concerns(
        apps, None
    )
    assert set(Notification.objects.values_list("title", "about_type", "about_id")) == {
        ("New safeguarding concern (standard)", "ethics.concern", concern.pk)
    }


# ---- Finding closed concerns -------------------------------------------------------------------------------------


@pytest.fixture
def closed_and_open(person, others_person, supervisor):
    with time_machine.travel(MONDAY_10AM - dt.timedelta(days=30), tick=False):
        closed = walk_to(raise_concern(person), "closed", supervisor)
    with time_machine.travel(MONDAY_10AM, tick=False):
        other_closed = walk_to(
            raise_concern(others_person, type=Concern.Type.FINANCIAL), "closed", make_lead(username="lead2")
        )
        still_open = raise_concern(person)
    return closed, other_closed, still_open


def test_a_lead_finds_closed_concerns_by_default_and_the_list_is_audited_naming_each_person(
    client, lead, person, others_person, closed_and_open
):
    closed, other_closed, _ = closed_and_open
    client.force_login(lead)
    response = client.get("/safeguarding/find/")
    assert response.context["concerns"] == [other_closed, closed]
    row = AuditEvent.objects.get(object_type="concern search")
    assert sorted(row.people) == sorted([person.pk, others_person.pk])


def test_a_lead_filters_by_person_type_state_and_date_in_a_posted_form(client, lead, closed_and_open):
    closed, other_closed, still_open = closed_and_open
    client.force_login(lead)

    def found(**data):
        return client.post("/safeguarding/find/", data).context["concerns"]

    assert found(state="closed", person="dee") == [closed]
    assert found(state="closed", type="financial") == [other_closed]
    assert found(state="", person="Dee") == [still_open, closed]
    assert found(state="", raised_from="2026-11-01", raised_to="2026-11-30") == [still_open, other_closed]


def test_the_search_form_is_posted_so_a_name_never_goes_in_the_url(client, lead):
    client.force_login(lead)
    page = client.get("/safeguarding/find/").content.decode()
    assert '<form method="post"' in page and 'name="person"' in page


@pytest.mark.parametrize("persona", ["practitioner", "supervisor", "admin_user"])
def test_finding_concerns_is_for_leads_only(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get("/safeguarding/find/").status_code == 403


@pytest.mark.parametrize("count", [2, 12])
def test_the_find_page_query_count_is_flat(client, lead, supervisor, count, django_assert_num_queries):
    for _ in range(count):
        walk_to(raise_concern(PersonFactory(practitioner__supervisor=supervisor)), "closed", supervisor)
    client.force_login(lead)
    # session, user, concerns with person/urgency/raiser, audit (lock, last hash, insert), unread notifications
    with django_assert_num_queries(7):
        response = client.get("/safeguarding/find/")
    assert len(response.context["concerns"]) == count
