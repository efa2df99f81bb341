"""Online access for the person: offered and chosen like a consent, a one-time invitation, passwordless sign-in,
turned off at any time, and a person's session that never reaches a staff page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.auth import get_user
from django.test import Client
from django.utils import timezone

from chime.models import AuditEvent, Notification, User
from ethics.models import Invitation, OnlineAccess
from ethics.models.online_access import ONLINE_ACCESS_WORDING
from ethics.services import online_access
from tests.ethics.online import enter_code, give_access, signed_in_person
from tests.factories import PersonFactory, SupportSessionFactory

# ---- Offering and choosing --------------------------------------------------------------------------------------


def test_nobody_has_online_access_by_default(client, practitioner, person):
    client.force_login(practitioner)
    page = client.get(f"/people/{person.pk}/online-access/")
    assert "Off. Nobody has online access until they choose it." in page.content.decode()
    assert OnlineAccess.objects.count() == 0


def test_the_practitioner_records_the_choice_with_the_words_shown(client, practitioner, person):
    client.force_login(practitioner)
    page = client.get(f"/people/{person.pk}/online-access/")
    assert ONLINE_ACCESS_WORDING in page.content.decode()
    response = client.post(f"/people/{person.pk}/online-access/", {"how_given": "spoken", "confirmed": "on"})
    assert response["Location"] == f"/people/{person.pk}/online-access/"
    access = OnlineAccess.objects.get()
    assert (access.person, access.offered_by, access.wording, access.how_given) == (
        person,
        practitioner,
        ONLINE_ACCESS_WORDING,
        "spoken",
    )
    event = AuditEvent.objects.get(action="consent_given")
    assert (event.actor, event.person_id, event.reason) == (
        practitioner,
        person.pk,
        "online access chosen (Said yes in a session)",
    )


def test_the_choice_is_not_recorded_without_the_persons_yes(client, practitioner, person):
    client.force_login(practitioner)
    response = client.post(f"/people/{person.pk}/online-access/", {"how_given": "spoken"})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "confirmed": ["Tick this only when the person has said yes to the words above."]
    }
    assert OnlineAccess.objects.count() == 0


def test_the_persons_account_is_not_a_staff_account(practitioner, person):
    account = give_access(person, practitioner).account
    assert (account.is_person, account.is_staff, account.has_usable_password(), account.role_names) == (
        True,
        False,
        False,
        ["the person themselves"],
    )
    assert list(User.objects.staff().filter(pk=account.pk)) == []


def test_access_cannot_be_chosen_twice_while_it_is_on(practitioner, person):
    give_access(person, practitioner)
    with pytest.raises(online_access.OnlineAccessError) as error:
        give_access(person, practitioner)
    assert error.value.code == "already_on"


def test_a_supervisor_reads_the_online_access_page_but_cannot_change_it(client, supervisor, person):
    client.force_login(supervisor)
    assert client.get(f"/people/{person.pk}/online-access/").status_code == 200
    response = client.post(f"/people/{person.pk}/online-access/", {"how_given": "spoken", "confirmed": "on"})
    assert response.status_code == 403
    assert OnlineAccess.objects.count() == 0


# ---- Invitations ----------------------------------------------------------------------------------------------------


def _invite(client, person, **data):
    return client.post(f"/people/{person.pk}/online-access/invite/", data)


def test_an_invitation_shows_a_code_to_read_out_once_and_keeps_only_its_hash(client, practitioner, person):
    give_access(person, practitioner)
    client.force_login(practitioner)
    page = _invite(client, person).content.decode()
    code = re.search(r'data-testid="invitation-code">([A-Z0-9-]+)<', page).group(1)
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    invitation = Invitation.objects.get()
    assert code.replace("-", "") not in invitation.code_hash
    assert (invitation.emailed, invitation.created_by) == (False, practitioner)
    assert invitation.expires_at - invitation.created_at == dt.timedelta(hours=72)
    event = AuditEvent.objects.get(action="create", object_type="ethics.Invitation")
    assert (event.person_id, event.reason) == (
        person.pk,
        "invitation to read their record online (given in person)",
    )


def test_an_invitation_is_emailed_when_asked_and_the_record_has_an_address(
    client, practitioner, person, mailoutbox, django_capture_on_commit_callbacks
):
    person.email = "dee@example.org"
    person.save(update_fields=["email"])
    give_access(person, practitioner)
    client.force_login(practitioner)
    with django_capture_on_commit_callbacks(execute=True):
        _invite(client, person, email="on")
    assert [message.to for message in mailoutbox] == [["dee@example.org"]]
    assert "http://127.0.0.1:8000/me/start/?code=" in mailoutbox[0].body
    assert person.preferred_name not in mailoutbox[0].body
    assert Invitation.objects.get().emailed is True


def test_the_code_signs_the_person_in_once(practitioner, person):
    access = give_access(person, practitioner)
    _, code = online_access.invite(access=access, by=practitioner, email=False)
    client = Client()
    assert enter_code(client, online_access.shown_code(code).lower())["Location"] == "/me/"
    assert get_user(client) == access.account
    assert Invitation.objects.get().used_at is not None
    again = enter_code(Client(), code)
    assert again.context["form"].errors == {
        "code": ["This code does not work. It may be used up or too old."]
    }


def test_a_link_with_the_code_keeps_the_code_out_of_the_address_bar(practitioner, person):
    access = give_access(person, practitioner)
    _, code = online_access.invite(access=access, by=practitioner, email=False)
    client = Client()
    assert client.get(f"/me/start/?code={code}")["Location"] == "/me/start/"
    page = client.get("/me/start/")
    assert page.context["form"]["code"].value() == code
    assert client.post("/me/start/", {"code": code})["Location"] == "/me/"


def test_a_new_invitation_stops_the_old_one_working(practitioner, person):
    access = give_access(person, practitioner)
    _, old = online_access.invite(access=access, by=practitioner, email=False)
    _, new = online_access.invite(access=access, by=practitioner, email=False)
    assert enter_code(Client(), old).status_code == 200
    assert enter_code(Client(), new)["Location"] == "/me/"


def test_an_invitation_stops_working_after_72_hours(practitioner, person):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        access = give_access(person, practitioner)
        _, code = online_access.invite(access=access, by=practitioner, email=False)
        clock.shift(dt.timedelta(hours=72, seconds=1))
        assert enter_code(Client(), code).status_code == 200


def test_five_wrong_codes_pause_code_sign_in_from_that_address(practitioner, person):
    access = give_access(person, practitioner)
    _, code = online_access.invite(access=access, by=practitioner, email=False)
    client = Client()
    answers = [enter_code(client, "WRONG-CODE-0000").status_code for _ in range(5)]
    assert answers == [200, 200, 200, 200, 429]
    paused = enter_code(client, code)
    assert paused.status_code == 429
    assert "please wait 15 minutes" in paused.content.decode()
    assert Invitation.objects.get().used_at is None
    assert enter_code(Client(), code, ip="198.51.100.99")["Location"] == "/me/"
    assert AuditEvent.objects.filter(action="login_failed", actor_username="").count() == 6


def test_staff_cannot_sign_in_with_a_code_or_link(client, practitioner):
    assert enter_code(client, "ABCD-EFGH-JKMN").status_code == 200
    client.get("/me/link/?sesame=anything")
    assert client.post("/me/link/")["Location"] == "/me/sign-in/"
    assert get_user(client).is_authenticated is False


# ---- Signing in by an emailed link (django-sesame) -----------------------------------------------------------------


def _ask_for_link(client, email, mailoutbox, capture):
    with capture(execute=True):
        page = client.post("/me/sign-in/", {"email": email})
    links = [re.search(r"http://127.0.0.1:8000(/me/link/\?sesame=\S+)", m.body).group(1) for m in mailoutbox]
    return page, links


def test_a_person_gets_a_one_time_sign_in_link_by_email(
    practitioner, person, mailoutbox, django_capture_on_commit_callbacks
):
    person.email = "dee@example.org"
    person.save(update_fields=["email"])
    access = give_access(person, practitioner)
    client = Client()
    page, links = _ask_for_link(client, "DEE@example.org", mailoutbox, django_capture_on_commit_callbacks)
    assert "If we have this address, we have sent you a link." in page.content.decode()
    assert len(links) == 1
    assert client.get(links[0])["Location"] == "/me/link/"
    assert client.post("/me/link/")["Location"] == "/me/"
    assert get_user(client) == access.account
    other = Client()
    other.get(links[0])
    assert other.post("/me/link/")["Location"] == "/me/sign-in/"  # used once already
    assert get_user(other).is_authenticated is False


def test_an_unknown_address_gets_the_same_answer_and_no_email(
    client, practitioner, person, mailoutbox, django_capture_on_commit_callbacks
):
    page, links = _ask_for_link(client, "nobody@example.org", mailoutbox, django_capture_on_commit_callbacks)
    assert "If we have this address, we have sent you a link." in page.content.decode()
    assert links == []


def test_a_sign_in_link_stops_working_after_15_minutes(
    practitioner, person, mailoutbox, django_capture_on_commit_callbacks
):
    person.email = "dee@example.org"
    person.save(update_fields=["email"])
    give_access(person, practitioner)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = Client()
        _, links = _ask_for_link(client, "dee@example.org", mailoutbox, django_capture_on_commit_callbacks)
        clock.shift(dt.timedelta(minutes=16))
        client.get(links[0])
        assert client.post("/me/link/")["Location"] == "/me/sign-in/"


# ---- A person's session is not a staff session ---------------------------------------------------------------------


STAFF_PAGES = [
    "/",
    "/notifications/",
    "/chime/",
    "/password/",
    "/admin/",
    "/staff/",
    "/safeguarding/",
    "/rights/",
    "/emergency/",
    "/consents/expiring/",
]


@pytest.mark.parametrize("url", STAFF_PAGES)
def test_a_persons_session_never_reaches_a_staff_page(practitioner, person, url):
    client, access = signed_in_person(person, practitioner)
    assert client.get(url).status_code == 404
    event = AuditEvent.objects.filter(action="denied").last()
    assert (event.actor, event.object_type) == (access.account, "a staff page")


def test_a_persons_session_never_reaches_their_own_staff_side_record(practitioner, person):
    client, _ = signed_in_person(person, practitioner)
    session = SupportSessionFactory(person=person)
    for url in (f"/people/{person.pk}/", f"/sessions/{session.pk}/", f"/people/{person.pk}/online-access/"):
        assert client.get(url).status_code == 404


def test_a_member_of_staff_never_opens_a_persons_page(client, practitioner, person):
    client.force_login(practitioner)
    assert [client.get(url).status_code for url in ("/me/", "/me/seen/", "/me/turn-off/")] == [404, 404, 404]


def test_someone_not_signed_in_is_sent_to_the_persons_sign_in_page(client):
    assert client.get("/me/")["Location"] == "/me/sign-in/?next=/me/"


def test_a_persons_session_ends_after_15_idle_minutes(practitioner, person):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client, _ = signed_in_person(person, practitioner)
        clock.shift(dt.timedelta(minutes=15, seconds=30))
        assert client.get("/me/")["Location"] == "/me/sign-in/?next=/me/"


def test_signing_in_and_reading_are_on_the_audit_trail_with_the_person_as_actor(practitioner, person):
    client, access = signed_in_person(person, practitioner)
    client.get("/me/")
    rows = AuditEvent.objects.filter(actor=access.account).order_by("pk")
    assert [(row.action, row.person_id) for row in rows] == [
        ("update", person.pk),  # the invitation used
        ("login", None),
        ("view", person.pk),
    ]
    assert rows[0].reason == "invitation used to sign in"
    assert rows[2].actor_roles == "the person themselves"


# ---- Turning it off ---------------------------------------------------------------------------------------------


def test_the_person_turns_access_off_in_one_action_and_their_practitioner_is_told(practitioner, person):
    client, access = signed_in_person(person, practitioner)
    page = client.post("/me/turn-off/")
    assert "You can no longer read your record online." in page.content.decode()
    access.refresh_from_db()
    access.account.refresh_from_db()
    assert (access.turned_off_by, access.account.is_active) == (access.account, False)
    assert client.get("/me/")["Location"] == "/me/sign-in/?next=/me/"
    note = Notification.objects.get(recipient=practitioner)
    assert note.title == f"Person {person.pk} turned off online access to their record"
    event = AuditEvent.objects.get(action="consent_withdrawn")
    assert (event.actor, event.reason) == (access.account, "online access turned off by the person")


def test_staff_turning_access_off_ends_the_persons_sessions_and_invitations(client, practitioner, person):
    their_browser, access = signed_in_person(person, practitioner)
    _, code = online_access.invite(access=access, by=practitioner, email=False)
    client.force_login(practitioner)
    assert client.post(f"/people/{person.pk}/online-access/turn-off/")["Location"] == (
        f"/people/{person.pk}/online-access/"
    )
    assert their_browser.get("/me/")["Location"] == "/me/sign-in/?next=/me/"
    assert enter_code(Client(), code).status_code == 200
    assert Notification.objects.filter(recipient=practitioner).count() == 0


def test_choosing_again_after_turning_off_makes_a_new_account(practitioner, person):
    first = give_access(person, practitioner)
    online_access.turn_off_online_access(access=first, by=practitioner)
    second = give_access(person, practitioner)
    assert second.account != first.account
    assert [a.is_on for a in OnlineAccess.objects.filter(person=person).order_by("pk")] == [False, True]


def test_an_erased_persons_account_does_not_open_their_record(practitioner):
    person = PersonFactory(practitioner=practitioner)
    client, _ = signed_in_person(person, practitioner)
    person.erased_at = timezone.now()
    person.save(update_fields=["erased_at"])
    assert client.get("/me/").status_code == 404


def test_erasing_a_persons_record_closes_their_online_access(practitioner, admin_user):
    from ethics.services.rights import anonymise_person

    person = PersonFactory(practitioner=practitioner)
    client, access = signed_in_person(person, practitioner)
    anonymise_person(person, erased_by=admin_user)
    access.refresh_from_db()
    assert (access.is_on, access.turned_off_by, User.objects.get(pk=access.account_id).is_active) == (
        False,
        admin_user,
        False,
    )
    assert client.get("/me/")["Location"] == "/me/sign-in/?next=/me/"


# ---- The demo: `make run` prints Dee's one-time sign-in link -----------------------------------------------------


def test_the_demo_prints_a_one_time_sign_in_link_for_dee_that_opens_her_own_record(db):
    import io

    from django.core.management import call_command

    call_command("seed_demo", "--logins", stdout=(out := io.StringIO()))
    first = re.search(r"http://127\.0\.0\.1:8000(/me/start/\?code=[A-Z0-9]+)", out.getvalue()).group(1)
    call_command("seed_demo", "--logins", stdout=(out := io.StringIO()))
    second = re.search(r"http://127\.0\.0\.1:8000(/me/start/\?code=[A-Z0-9]+)", out.getvalue()).group(1)
    assert "Dee reads her own record online (no password)" in out.getvalue()
    assert OnlineAccess.objects.active().get().person.preferred_name == "Dee"
    stale = Client()
    stale.get(first)
    assert stale.post("/me/start/", {"code": ""}).status_code == 200  # the code it held was cancelled
    dee = Client()
    dee.get(second)
    assert dee.post("/me/start/", {"code": first.rsplit("=", 1)[1]}).status_code == 200
    dee.get(second)
    assert dee.post("/me/start/", {"code": second.rsplit("=", 1)[1]})["Location"] == "/me/"
    assert "Hello, Dee" in dee.get("/me/").content.decode()
