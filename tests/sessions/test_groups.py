"""Groups, their meetings and registers: recording one, who may see a register, erasure and subject access."""

from __future__ import annotations

import uuid

import pytest
from django.utils import timezone

from chime.models import AuditEvent
from chime.personal_data import subject_access
from ethics.services.rights import anonymise_person
from sessions import groups
from sessions.models import Attendance, GroupMeeting, Person
from tests.factories import AdminFactory, PersonFactory, PractitionerFactory, SupervisorFactory
from tests.groups import group_of, meeting_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def cafe(practitioner):
    return group_of(practitioner)


def _meeting_post(people, *, anonymous="3", note="We shared what helps on hard days.", addenda=None, **extra):
    data = {
        "occurred_on": timezone.localdate().isoformat(),
        "duration_minutes": "90",
        "mode": "in_person",
        "facilitators": [str(extra.pop("facilitator"))],
        "areas": ["connectedness", "hope"],
        "group_note": note,
        "attendees": [str(p.pk) if hasattr(p, "pk") else str(p) for p in people],
        "anonymous_count": anonymous,
        "submission_key": str(uuid.uuid4()),
    }
    for pk, text in (addenda or {}).items():
        data[f"addendum_{pk}"] = text
    return data | extra


def test_a_facilitator_records_a_meeting_with_named_and_unnamed_attendees_and_an_addendum(
    client, practitioner, cafe
):
    people = [PersonFactory(practitioner=practitioner) for _ in range(8)]
    client.force_login(practitioner)
    data = _meeting_post(
        people, facilitator=practitioner.pk, addenda={people[0].pk: "Spoke about starting college."}
    )
    response = client.post(f"/groups/{cafe.pk}/meetings/new/", data)
    meeting = GroupMeeting.objects.with_counts().get(group=cafe)
    assert response.status_code == 302
    assert response["Location"] == f"/meetings/{meeting.pk}/"
    assert (meeting.named_count, meeting.unnamed_count, meeting.attendance_total) == (8, 3, 11)
    assert list(Attendance.objects.exclude(addendum="").values_list("person_id", "addendum")) == [
        (people[0].pk, "Spoke about starting college.")
    ]


def test_the_meeting_is_audited_naming_everyone_on_its_register(practitioner, cafe):
    people = [PersonFactory(practitioner=practitioner) for _ in range(3)]
    meeting = meeting_of(cafe, practitioner, people, anonymous=2)
    row = AuditEvent.objects.get(action=AuditEvent.Action.CREATE, object_type="support.GroupMeeting")
    assert (row.object_id, sorted(row.people)) == (str(meeting.pk), sorted(p.pk for p in people))
    assert row.reason == "3 named and 2 unnamed attendees, 0 personal addenda"


def test_a_group_note_naming_someone_on_the_register_is_refused_beside_the_note(client, practitioner, cafe):
    dee = PersonFactory(practitioner=practitioner, preferred_name="Dee")
    client.force_login(practitioner)
    data = _meeting_post([dee], facilitator=practitioner.pk, note="dee talked about her sister.")
    response = client.post(f"/groups/{cafe.pk}/meetings/new/", data)
    assert response.status_code == 200
    assert response.context["form"].errors["group_note"] == [
        "The group note names Dee, who is on the register. A group note is about the group as a whole: "
        "please move what is about one person into their personal addendum."
    ]
    assert GroupMeeting.objects.count() == 0


def test_a_name_inside_another_word_is_not_flagged(practitioner):
    al = PersonFactory(practitioner=practitioner, preferred_name="Al")
    assert groups.names_in_note("We talked about alcohol-free socials.", [al]) == []
    assert groups.names_in_note("Al, and others, led the walk.", [al]) == [al]


def test_the_service_refuses_a_group_note_that_names_an_attendee_whatever_the_form_did(practitioner, cafe):
    dee = PersonFactory(practitioner=practitioner, preferred_name="Dee")
    with pytest.raises(groups.GroupError) as refused:
        meeting_of(cafe, practitioner, [dee], note="Dee was quiet today.")
    assert refused.value.code == "named_in_note"
    assert GroupMeeting.objects.count() == 0


def test_an_addendum_for_someone_not_ticked_asks_to_tick_them_or_clear_it(client, practitioner, cafe):
    dee = PersonFactory(practitioner=practitioner, preferred_name="Dee")
    client.force_login(practitioner)
    data = _meeting_post([], facilitator=practitioner.pk, addenda={dee.pk: "Came late."})
    response = client.post(f"/groups/{cafe.pk}/meetings/new/", data)
    assert response.context["form"].errors[f"addendum_{dee.pk}"] == [
        "Tick Dee as having come, or clear their addendum."
    ]
    assert GroupMeeting.objects.count() == 0


def test_the_addendum_shows_on_that_persons_record_only(client, practitioner, cafe):
    dee, bev = PersonFactory(practitioner=practitioner), PersonFactory(practitioner=practitioner)
    meeting = meeting_of(cafe, practitioner, [dee, bev], addenda={dee.pk: "qz-addendum about Dee"})
    client.force_login(practitioner)
    assert "qz-addendum about Dee" in client.get(f"/people/{dee.pk}/").content.decode()
    bevs_page = client.get(f"/people/{bev.pk}/").content.decode()
    assert ("qz-addendum" in bevs_page, cafe.name in bevs_page) == (False, True)
    assert "qz-addendum" not in client.get(f"/meetings/{meeting.pk}/").content.decode()


def test_viewing_a_register_is_audited_naming_each_person_shown(client, practitioner, supervisor, cafe):
    people = [PersonFactory(practitioner=practitioner) for _ in range(3)]
    meeting = meeting_of(cafe, practitioner, people)
    client.force_login(supervisor)
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    row = AuditEvent.objects.filter(object_type="group register").latest("pk")
    assert (row.actor_id, row.object_id, sorted(row.people)) == (
        supervisor.pk,
        str(meeting.pk),
        sorted(p.pk for p in people),
    )
    assert all(p.preferred_name in page for p in people)


def test_last_meetings_regulars_are_listed_even_from_a_co_facilitators_caseload(client, practitioner):
    colleague = PractitionerFactory()
    group = group_of(practitioner, colleague)
    regular = PersonFactory(practitioner=colleague, preferred_name="Winston")
    meeting_of(group, colleague, [regular])
    client.force_login(practitioner)
    response = client.get(f"/groups/{group.pk}/meetings/new/")
    assert [row["person"] for row in response.context["form"].register_rows()] == [regular]
    assert [row["ticked"] for row in response.context["form"].register_rows()] == [False]


def test_finding_by_name_is_posted_and_shows_only_people_the_facilitator_may_see(
    client, practitioner, cafe, others_person
):
    mine = PersonFactory(practitioner=practitioner, preferred_name="Marcella")
    PersonFactory(
        practitioner=practitioner, preferred_name="Someone ended", support_ended=timezone.localdate()
    )
    client.force_login(practitioner)
    response = client.post(
        f"/groups/{cafe.pk}/meetings/new/", {"find": "1", "find_name": "Marc", "anonymous_count": "2"}
    )
    listed = [row["person"] for row in response.context["form"].register_rows()]
    assert (response.status_code, others_person.preferred_name) == (200, "Marcus")
    assert listed == [mine]
    assert GroupMeeting.objects.count() == 0
    assert response.context["form"]["anonymous_count"].value() == "2"  # what was typed is kept


def test_someone_elses_person_on_the_register_is_refused_beside_the_field(
    client, practitioner, cafe, others_person
):
    client.force_login(practitioner)
    data = _meeting_post([others_person], facilitator=practitioner.pk)
    response = client.post(f"/groups/{cafe.pk}/meetings/new/", data)
    assert response.status_code == 200
    assert response.context["form"].errors["attendees"] == [
        "Someone ticked is not a person you can name on this register."
    ]
    assert others_person.preferred_name not in response.content.decode()
    assert GroupMeeting.objects.count() == 0


def test_the_service_refuses_someone_the_recorder_may_not_name(practitioner, cafe, others_person):
    with pytest.raises(groups.GroupError) as refused:
        meeting_of(cafe, practitioner, [others_person])
    assert refused.value.code == "not_nameable"


@pytest.mark.parametrize("count", ["-1", "1001", "lots", "1e3", ""])
def test_an_impossible_unnamed_count_is_refused_beside_the_field(client, practitioner, cafe, count):
    client.force_login(practitioner)
    response = client.post(
        f"/groups/{cafe.pk}/meetings/new/", _meeting_post([], facilitator=practitioner.pk, anonymous=count)
    )
    assert (response.status_code, "anonymous_count" in response.context["form"].errors) == (200, True)
    assert GroupMeeting.objects.count() == 0


def test_a_register_of_hundreds_of_names_is_refused_without_an_error_page(client, practitioner, cafe):
    people = Person.objects.bulk_create(
        Person(practitioner=practitioner, preferred_name=f"P{n}", chose_to_take_part=True) for n in range(201)
    )
    client.force_login(practitioner)
    response = client.post(
        f"/groups/{cafe.pk}/meetings/new/", _meeting_post(people, facilitator=practitioner.pk)
    )
    assert response.context["form"].errors["attendees"] == ["A register can name at most 200 people."]
    assert GroupMeeting.objects.count() == 0


def test_hundreds_of_made_up_ids_are_refused_without_an_error_page(client, practitioner, cafe):
    client.force_login(practitioner)
    ids = [str(n) for n in range(10**6, 10**6 + 500)] + ["-3", "abc", "9" * 30]
    response = client.post(
        f"/groups/{cafe.pk}/meetings/new/", _meeting_post(ids, facilitator=practitioner.pk)
    )
    assert (response.status_code, "attendees" in response.context["form"].errors) == (200, True)
    assert GroupMeeting.objects.count() == 0


def test_posting_the_same_meeting_twice_records_it_once(client, practitioner, cafe, person):
    client.force_login(practitioner)
    data = _meeting_post([person], facilitator=practitioner.pk)
    client.post(f"/groups/{cafe.pk}/meetings/new/", data)
    client.post(f"/groups/{cafe.pk}/meetings/new/", data)
    assert (GroupMeeting.objects.count(), Attendance.objects.count()) == (1, 1)


# ---- Who sees a register --------------------------------------------------------------------------------------


def test_facilitators_of_another_group_and_their_supervisor_get_404_for_this_groups_pages(
    client, practitioner, cafe
):
    other_supervisor = SupervisorFactory()
    walker = PractitionerFactory(supervisor=other_supervisor)
    walks = group_of(walker, name="Walking group")
    dee = PersonFactory(practitioner=practitioner, preferred_name="Deeqa")
    meeting = meeting_of(cafe, practitioner, [dee], addenda={dee.pk: "qz-private"})
    for stranger in (walker, other_supervisor):
        client.force_login(stranger)
        for url in (f"/groups/{cafe.pk}/", f"/meetings/{meeting.pk}/", f"/groups/{cafe.pk}/meetings/new/"):
            assert client.get(url).status_code == 404, (stranger, url)
        listing = client.get("/groups/").content.decode()
        assert (cafe.name in listing, "Deeqa" in listing) == (False, False)
    client.force_login(walker)
    assert client.get(f"/groups/{walks.pk}/").status_code == 200
    assert client.get(f"/people/{dee.pk}/").status_code == 404


def test_a_refused_register_is_audited_as_a_denial(client, other_practitioner, practitioner, cafe, person):
    meeting = meeting_of(cafe, practitioner, [person])
    client.force_login(other_practitioner)
    client.get(f"/meetings/{meeting.pk}/")
    assert AuditEvent.objects.filter(
        actor=other_practitioner, outcome=AuditEvent.Outcome.DENIED, object_id=str(meeting.pk)
    ).exists()


def test_an_admin_sees_the_register_but_not_the_addenda(client, practitioner, cafe, person):
    meeting = meeting_of(cafe, practitioner, [person], addenda={person.pk: "qz-private"})
    client.force_login(AdminFactory())
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert (person.preferred_name in page, "qz-private" in page) == (True, False)
    assert client.get(f"/people/{person.pk}/").status_code == 404


# ---- Erasure and subject access ----------------------------------------------------------------------------------


def test_erasing_a_person_takes_them_off_registers_and_counts_them_unnamed(practitioner, cafe):
    dee, bev = PersonFactory(practitioner=practitioner), PersonFactory(practitioner=practitioner)
    meeting = meeting_of(cafe, practitioner, [dee, bev], anonymous=3, addenda={dee.pk: "qz-erase-me"})
    anonymise_person(dee)
    counted = GroupMeeting.objects.with_counts().get(pk=meeting.pk)
    assert (counted.named_count, counted.unnamed_count, counted.attendance_total) == (1, 4, 5)
    assert list(
        Attendance.objects.filter(meeting=meeting).for_register().values_list("person", flat=True)
    ) == [bev.pk]
    assert Attendance.objects.filter(addendum__contains="qz").count() == 0


def test_subject_access_holds_the_meetings_they_came_to_and_their_addenda_never_other_attendees(
    practitioner, cafe
):
    dee = PersonFactory(practitioner=practitioner, preferred_name="Dee")
    bev = PersonFactory(practitioner=practitioner, preferred_name="Bevan")
    meeting_of(cafe, practitioner, [dee, bev], addenda={dee.pk: "Her words.", bev.pk: "qz-bev"})
    sections = dict(subject_access(dee.pk))
    assert [list(row.values()) for row in sections["Group meetings they came to"]] == [
        [str(GroupMeeting.objects.get()), "Her words."]
    ]
    assert "Bevan" not in str(sections) and "qz-bev" not in str(sections)


# ---- Query counts ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("people", [2, 12])
def test_the_meeting_page_query_count_is_flat(client, practitioner, cafe, people, django_assert_num_queries):
    meeting = meeting_of(
        cafe, practitioner, [PersonFactory(practitioner=practitioner) for _ in range(people)]
    )
    client.force_login(practitioner)
    # session, user, meeting with counts, audit of the view (lock, last hash, insert), register, audit of the
    # register (lock, last hash, insert), facilitators, unread notifications
    with django_assert_num_queries(12):
        client.get(f"/meetings/{meeting.pk}/")


@pytest.mark.parametrize("meetings", [1, 6])
def test_the_group_page_query_count_is_flat(client, practitioner, cafe, meetings, django_assert_num_queries):
    for n in range(meetings):
        meeting_of(cafe, practitioner, [PersonFactory(practitioner=practitioner)], days_ago=n + 1)
    client.force_login(practitioner)
    # session, user, group, audit (lock, last hash, insert), meetings with counts, their facilitators (prefetch),
    # the group's facilitators, "do I facilitate", unread notifications
    with django_assert_num_queries(11):
        client.get(f"/groups/{cafe.pk}/")


@pytest.mark.parametrize("groups_", [1, 5])
def test_the_groups_list_query_count_is_flat(client, practitioner, groups_, django_assert_num_queries):
    for n in range(groups_):
        group_of(practitioner, name=f"Group {n}")
    client.force_login(practitioner)
    # session, user, groups with their last meeting, their facilitators (prefetch), unread notifications
    with django_assert_num_queries(5):
        client.get("/groups/")


@pytest.mark.parametrize("people", [2, 12])
def test_the_meeting_form_query_count_is_flat(client, practitioner, cafe, people, django_assert_num_queries):
    meeting_of(cafe, practitioner, [PersonFactory(practitioner=practitioner) for _ in range(people)])
    client.force_login(practitioner)
    # session, user, group, "do I facilitate", audit (lock, last hash, insert), the people listed, audit of them
    # (lock, last hash, insert), the group's facilitators (initial and choices), its draft (none), unread
    # notifications
    with django_assert_num_queries(15):
        client.get(f"/groups/{cafe.pk}/meetings/new/")


@pytest.mark.parametrize("caseload", [3, 30])
def test_a_register_saved_at_once_reads_only_the_people_it_names_in_a_fixed_number_of_queries(
    client, practitioner, cafe, caseload, django_assert_num_queries
):
    """A valid form is checked against the people it ticks or gives an addendum, not the whole list the form showed:
    the same queries for a caseload of 3 or 30, and no audit row for a list no one sees (it redirects)."""
    people = [PersonFactory(practitioner=practitioner) for _ in range(caseload)]
    client.force_login(practitioner)
    data = _meeting_post(people[:2], facilitator=practitioner.pk, addenda={people[0].pk: "Brought a friend."})
    # session, user, group, "do I facilitate", audit of the group (lock, last hash, insert), the people posted (one
    # query, whatever the caseload: before, the form listed and audited everyone, 3 queries more), the facilitators
    # and the people ticked (the form's checks); then saving the meeting, its facilitators, register and audit row
    with django_assert_num_queries(25):
        response = client.post(f"/groups/{cafe.pk}/meetings/new/", data)
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(object_type="group register choices").exists()
    meeting = GroupMeeting.objects.get(group=cafe)
    assert sorted(Attendance.objects.filter(meeting=meeting).values_list("person_id", "addendum")) == sorted(
        [(people[0].pk, "Brought a friend."), (people[1].pk, "")]
    )


def test_a_register_sent_back_lists_everyone_again_with_its_errors_and_audits_them(
    client, practitioner, cafe
):
    dee = PersonFactory(practitioner=practitioner, preferred_name="Dee")
    others = [PersonFactory(practitioner=practitioner) for _ in range(3)]
    client.force_login(practitioner)
    data = _meeting_post(others[:1], facilitator=practitioner.pk, addenda={dee.pk: "Came late."})
    response = client.post(f"/groups/{cafe.pk}/meetings/new/", data)
    form = response.context["form"]
    assert form.errors == {f"addendum_{dee.pk}": ["Tick Dee as having come, or clear their addendum."]}
    assert [row["person"] for row in form.register_rows()] == sorted(
        [dee, *others], key=lambda p: (p.preferred_name, p.pk)
    )
    assert form[f"addendum_{dee.pk}"].value() == "Came late."
    listed = AuditEvent.objects.get(object_type="group register choices")
    assert sorted(listed.people) == sorted(p.pk for p in [dee, *others])
    assert GroupMeeting.objects.count() == 0


# ---- Starting a group ------------------------------------------------------------------------------------------


def test_a_practitioner_starts_a_group_they_facilitate(client, practitioner):
    client.force_login(practitioner)
    response = client.post(
        "/groups/new/",
        {
            "name": "Walking group",
            "purpose": "Walk and talk in the park.",
            "membership": "open",
            "facilitators": [str(practitioner.pk)],
            "volunteer_facilitators": "Chris (volunteer)",
        },
    )
    group = practitioner.groups_facilitated.get()
    assert (response.status_code, response["Location"]) == (302, f"/groups/{group.pk}/")
    assert (group.name, group.created_by) == ("Walking group", practitioner)


def test_a_group_needs_a_facilitator(client):
    admin = AdminFactory()
    client.force_login(admin)
    response = client.post("/groups/new/", {"name": "Café", "purpose": "Meet.", "membership": "open"})
    assert (response.status_code, "facilitators" in response.context["form"].errors) == (200, True)


# ---- The person's record counts group meetings ------------------------------------------------------------------


@pytest.mark.dates
def test_the_persons_chime_table_counts_group_meetings_beside_sessions(practitioner, cafe, person):
    from sessions.insights import person_months
    from tests.factories import SupportSessionFactory

    SupportSessionFactory(
        person=person, areas=["hope"], occurred_at=timezone.now() - timezone.timedelta(hours=1)
    )
    meeting_of(cafe, practitioner, [person], days_ago=0)
    months = person_months(person).areas
    hope = next(row for row in months.rows if row.area.code == "hope")
    connectedness = next(row for row in months.rows if row.area.code == "connectedness")
    assert (hope.cells[-1].sessions, connectedness.cells[-1].sessions) == (2, 1)
    assert (months.sessions_per_month[-1], months.group_meetings_per_month[-1]) == (2, 1)


def test_the_person_page_marks_group_meetings_as_group(client, practitioner, cafe, person):
    meeting_of(cafe, practitioner, [person])
    client.force_login(practitioner)
    page = client.get(f"/people/{person.pk}/").content.decode()
    assert '<span class="badge text-bg-info">Group</span>' in page


def test_an_admin_changes_a_groups_facilitators_and_the_trail_says_how_many(client, practitioner, cafe):
    admin, newcomer = AdminFactory(), PractitionerFactory()
    client.force_login(admin)
    response = client.post(
        f"/groups/{cafe.pk}/edit/",
        {
            "name": cafe.name,
            "purpose": cafe.purpose,
            "membership": "closed",
            "facilitators": [str(newcomer.pk)],
            "usual_place": cafe.usual_place,
            "usual_time": cafe.usual_time,
        },
    )
    cafe.refresh_from_db()
    assert (response.status_code, cafe.membership, list(cafe.facilitators.all())) == (
        302,
        "closed",
        [newcomer],
    )
    row = AuditEvent.objects.filter(object_type="support.Group", action="update").get()
    assert row.reason == "group changed: 1 fields, facilitators 1 added and 1 removed"


def test_a_facilitators_supervisor_reads_the_group_but_cannot_change_it(client, supervisor, cafe):
    client.force_login(supervisor)
    assert client.get(f"/groups/{cafe.pk}/").status_code == 200
    assert client.get(f"/groups/{cafe.pk}/edit/").status_code == 403
    assert client.get(f"/groups/{cafe.pk}/meetings/new/").status_code == 403


def test_a_removed_facilitator_no_longer_sees_the_register(client, practitioner, cafe, person):
    from sessions import groups as group_services

    meeting = meeting_of(cafe, practitioner, [person])
    colleague = PractitionerFactory()
    group_services.change_group(group=cafe, changed_by=practitioner, facilitators=[colleague])
    client.force_login(practitioner)
    assert client.get(f"/meetings/{meeting.pk}/").status_code == 404
