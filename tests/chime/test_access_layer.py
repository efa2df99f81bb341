"""The one access layer (chime.access): fetch, refuse and audit in one place; role checks and the menu too."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from chime import access
from chime.models import AuditEvent
from sessions.models import Person
from tests.factories import AdminFactory, PersonFactory, SupervisorFactory, UserFactory


def _fetch(user, pk, **options):
    return access.fetch_for(
        user,
        Person.objects.visible_to(user),
        pk,
        may_write=lambda user, person: person.practitioner_id == user.pk,
        person="pk",
        **options,
    )


def test_a_visible_record_is_returned_and_audited_as_a_view_naming_the_person(practitioner, person):
    assert _fetch(practitioner, person.pk) == person
    event = AuditEvent.objects.get()
    assert (event.action, event.object_type, event.object_id, event.person_id) == (
        "view",
        "support.Person",
        str(person.pk),
        person.pk,
    )


def test_a_record_the_user_may_not_see_is_a_404_audited_naming_the_person(other_practitioner, person):
    with pytest.raises(Http404):
        _fetch(other_practitioner, person.pk)
    event = AuditEvent.objects.get()
    assert (event.action, event.outcome, event.person_id, event.reason) == (
        "denied",
        "denied",
        person.pk,
        "not visible to this user",
    )


def test_a_missing_record_is_the_same_404_audited_naming_no_one(practitioner):
    with pytest.raises(Http404):
        _fetch(practitioner, 999_999)
    event = AuditEvent.objects.get()
    assert (event.action, event.object_id, event.person_id) == ("denied", "999999", None)


def test_a_read_only_record_is_a_403_when_asked_for_writing_and_audited(supervisor, person):
    with pytest.raises(PermissionDenied):
        _fetch(supervisor, person.pk, write=True)
    event = AuditEvent.objects.get()
    assert (event.action, event.person_id, event.reason) == ("denied", person.pk, "read-only access")


def test_a_record_fetched_for_writing_is_audited_as_a_view(practitioner, person):
    _fetch(practitioner, person.pk, write=True)
    assert list(AuditEvent.objects.values_list("action", "person_id")) == [("view", person.pk)]


def test_a_role_check_that_fails_is_a_404_and_audited(client, outsider):
    client.force_login(outsider)
    assert client.get("/people-directory/").status_code == 404
    event = AuditEvent.objects.get(action="denied")
    assert (event.object_type, event.actor, event.outcome) == ("people directory", outsider, "denied")


def test_a_role_check_that_passes_writes_nothing(admin_user):
    access.require(admin_user, access.is_admin(admin_user), page="people directory")
    assert not AuditEvent.objects.exists()


def test_a_deactivated_admin_holds_no_role(db):
    admin = AdminFactory(is_active=False)
    assert (access.is_admin(admin), access.menu_for(admin)) == (False, access.Menu())


@pytest.mark.parametrize(
    ("persona", "links"),
    [
        (
            "practitioner",
            {
                "caseload",
                "concerns_raised",
                "consents_to_renew",
                "emergency_access",
                "groups",
                "brief_contacts",
            },
        ),
        (
            "supervisor",
            {
                "team",
                "safeguarding_queue",
                "consents_to_renew",
                "emergency_reviews",
                "emergency_access",
                "groups",
                "brief_contacts",
            },
        ),
        (
            "admin_user",
            {
                "reports",
                "safeguarding_queue",
                "people_directory",
                "import_people",
                "rights",
                "consents_to_renew",
                "emergency_reviews",
                "emergency_access",
                "staff_accounts",
                "groups",
                "signposting_directory",
            },
        ),
        ("outsider", set()),
    ],
)
def test_the_menu_offers_each_role_its_links(request, persona, links):
    menu = access.menu_for(request.getfixturevalue(persona))
    assert {name for name, shown in vars(menu).items() if shown} == links


def test_the_navigation_shows_what_the_menu_says(client, practitioner):
    client.force_login(practitioner)
    page = client.get("/").content.decode()
    assert "Concerns I raised" in page
    assert "People directory" not in page
    assert "Emergency reviews" not in page


def test_a_registered_visibility_rule_opens_more_rows(db, person):
    someone = SupervisorFactory()
    assert not Person.objects.visible_to(someone).exists()
    rule = lambda user: Q(pk=person.pk) if user == someone else Q(pk__in=[])  # noqa: E731
    access.register_visibility("support.Person", rule)
    try:
        assert list(Person.objects.visible_to(someone)) == [person]
        assert not Person.objects.visible_to(UserFactory()).exists()
    finally:
        access._extra_visibility["support.Person"].remove(rule)


def test_a_list_evaluates_its_rows_once_and_names_each_person(practitioner, django_assert_num_queries):
    people = [PersonFactory(practitioner=practitioner) for _ in range(3)]
    # the rows; the chain's lock, last hash and the insert
    with django_assert_num_queries(4):
        shown = access.audit_list("caseload", Person.objects.filter(practitioner=practitioner), person="pk")
    assert shown == sorted(people, key=lambda p: (p.preferred_name, p.pk))
    assert AuditEvent.objects.get().people == sorted(p.pk for p in people)
