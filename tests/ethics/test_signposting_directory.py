"""The signposting directory: admins add, change, retire and re-offer services, every change audited; bad input is
refused beside its field with nothing stored."""

from __future__ import annotations

import pytest

from chime.access import menu_for
from chime.models import AuditEvent
from sessions.models import DirectoryService
from tests.factories import DirectoryServiceFactory


def _setting_events():
    return AuditEvent.objects.filter(reason__startswith="organisation setting").order_by("pk")


def test_an_admin_adds_a_service_and_the_audit_row_says_what_it_is(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        "/directory/new/",
        {"name": "  Riverside   Housing Options ", "kind": "housing", "phone": "01632 960 201"},
        follow=True,
    )
    service = DirectoryService.objects.get()
    assert (service.name, service.kind, service.phone, service.is_active) == (
        "Riverside Housing Options",
        "housing",
        "01632 960 201",
        True,
    )
    assert (
        "“Riverside Housing Options” is in the directory and offered from now on."
        in response.content.decode()
    )
    event = _setting_events().get()
    assert (event.action, event.object_type, event.object_id, event.actor) == (
        AuditEvent.Action.CREATE,
        "support.DirectoryService",
        str(service.pk),
        admin_user,
    )
    assert event.reason == (
        "organisation setting added: name: 'Riverside Housing Options'; kind: 'housing'; "
        "phone: '01632 960 201'; email: ''; website: ''; is_active: True"
    )


def test_a_name_already_in_the_directory_is_refused_beside_the_field_and_nothing_is_stored(
    client, admin_user
):
    DirectoryServiceFactory(name="Food bank")
    client.force_login(admin_user)
    response = client.post("/directory/new/", {"name": "FOOD BANK", "kind": "other"})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "name": ["A service with this name is already in the directory."]
    }
    assert DirectoryService.objects.count() == 1 and not _setting_events().exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "   ", "This field is required."),
        ("kind", "astrology", "Select a valid choice. astrology is not one of the available choices."),
        ("email", "not an email", "Enter a valid email address."),
        ("website", "javascript:alert(1)", "Enter a valid URL."),
    ],
)
def test_bad_input_is_refused_beside_its_field_and_nothing_is_stored(
    client, admin_user, field, value, message
):
    client.force_login(admin_user)
    data = {"name": "Law Centre", "kind": "legal", field: value}
    response = client.post("/directory/new/", data)
    assert response.status_code == 200
    assert response.context["form"].errors == {field: [message]}
    assert not DirectoryService.objects.exists() and not _setting_events().exists()


def test_an_admin_changes_a_service_and_the_audit_row_says_from_what_to_what(client, admin_user):
    service = DirectoryServiceFactory(name="Law Centre", kind="legal")
    client.force_login(admin_user)
    response = client.post(f"/directory/{service.pk}/", {"name": "Exampletown Law Centre", "kind": "legal"})
    assert response.status_code == 302
    assert _setting_events().get().reason == (
        "organisation setting changed: name: 'Law Centre' → 'Exampletown Law Centre'"
    )


def test_retiring_keeps_the_service_and_offering_it_again_brings_it_back(client, admin_user):
    service = DirectoryServiceFactory(name="Old drop-in", kind="peer_and_community")
    client.force_login(admin_user)
    response = client.post(f"/directory/{service.pk}/retire/", follow=True)
    assert "“Old drop-in” is retired" in response.content.decode()
    assert list(DirectoryService.objects.offered()) == []
    assert DirectoryService.objects.filter(pk=service.pk, is_active=False).exists()
    client.post(f"/directory/{service.pk}/offer/")
    assert list(DirectoryService.objects.offered()) == [service]
    assert [e.reason for e in _setting_events()] == [
        "organisation setting changed: is_active: True → False",
        "organisation setting changed: is_active: False → True",
    ]


def test_the_list_shows_offered_services_by_kind_and_the_retired_apart(client, admin_user):
    DirectoryServiceFactory(name="Shelter line", kind="housing")
    DirectoryServiceFactory(name="Debt advice", kind="money")
    DirectoryServiceFactory(name="Closed café", kind="peer_and_community", is_active=False)
    client.force_login(admin_user)
    context = client.get("/directory/").context
    assert [(kind, [s.name for s in found]) for kind, found in context["offered"]] == [
        ("Housing", ["Shelter line"]),
        ("Money and debt", ["Debt advice"]),
    ]
    assert [s.name for s in context["retired"]] == ["Closed café"]


@pytest.mark.parametrize("services", [3, 30])
def test_the_directory_list_query_count_is_flat(client, admin_user, services, django_assert_num_queries):
    for n in range(services):
        DirectoryServiceFactory(
            name=f"Service {n}", kind=DirectoryService.Kind.values[n % 10], is_active=n % 4 > 0
        )
    client.force_login(admin_user)
    # session, user, the services (one query), unread notifications
    with django_assert_num_queries(4):
        assert client.get("/directory/").status_code == 200


def test_only_admins_have_the_directory_in_their_menu(admin_user, practitioner, supervisor):
    assert [menu_for(u).signposting_directory for u in (admin_user, practitioner, supervisor)] == [
        True,
        False,
        False,
    ]
