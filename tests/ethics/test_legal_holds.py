from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from ethics.models import LegalHold
from ethics.services import holds, rights, subject_access
from ethics.services import safeguarding as safeguarding_services
from sessions.models import Person, SessionArea, SupportSession
from tests.ethics.safeguarding import details, raise_concern
from tests.factories import AdminFactory, PersonFactory, SupportSessionFactory

pytestmark = pytest.mark.django_db


def _erase(person, admin_user):
    second_admin = AdminFactory()  # an admin before the request, as the second-person rule asks
    request = rights.record_erasure_request(person=person, recorded_by=admin_user)
    rights.decide_erasure(request=request, decided_by=admin_user, agree=True)
    return rights.approve_erasure(request=request, approved_by=second_admin)


def _raise_from(session):
    return safeguarding_services.raise_concern(
        person=session.person, raised_by=session.practitioner, details=details(), session=session
    )


@time_machine.travel(dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC), tick=False)
def test_raising_a_concern_places_a_hold_owned_by_whoever_raised_it_for_review_in_six_years(person):
    concern = raise_concern(person)
    hold = LegalHold.objects.get(concern=concern)
    assert (hold.person, hold.owner, hold.review_on) == (person, person.practitioner, dt.date(2032, 12, 1))
    assert hold.reason == f"Safeguarding concern {concern.pk}: kept under legal retention"


def test_a_safeguarding_concern_does_not_stop_erasure_of_the_rest_of_the_record(admin_user, person):
    raise_concern(person)
    assert rights.holds_on(person) == []
    _erase(person, admin_user)
    person.refresh_from_db()
    assert person.erased_at is not None and person.strengths == ""


def test_erasure_keeps_the_session_a_concern_cites_and_erases_the_others(admin_user, person):
    cited = SupportSessionFactory(person=person, areas=["hope"], next_steps="Call the GP.")
    other = SupportSessionFactory(person=person, areas=["meaning"], next_steps="Walk on Sunday.")
    concern = _raise_from(cited)
    kept = _erase(person, admin_user)
    assert SessionArea.objects.get(session=cited).note == "A note about hope."
    assert SessionArea.objects.get(session=other).note == "[erased]"
    assert SupportSession.objects.get(pk=cited.pk).next_steps == "Call the GP."
    assert SupportSession.objects.get(pk=other.pk).next_steps == ""
    assert [k.hold.concern_id for k in kept] == [concern.pk]
    assert kept[0].records == [
        ("Support sessions", 1),
        ("What each session covered", 1),
        ("Earlier versions of what each session covered", 1),  # the area as first written
        ("Safeguarding concerns", 1),
        ("What happened with each safeguarding concern", 1),
    ]


def test_the_hold_keeps_the_name_the_person_was_known_by_and_their_record_forgets_it(
    admin_user, practitioner
):
    person = PersonFactory(practitioner=practitioner, preferred_name="Dee")
    concern = raise_concern(person)
    _erase(person, admin_user)
    assert LegalHold.objects.get(concern=concern).name_kept == "Dee"
    assert Person.objects.get(pk=person.pk).preferred_name == f"Erased person {person.pk}"


def test_a_concern_raised_before_holds_existed_gets_one_when_its_person_is_erased(admin_user, person):
    concern = raise_concern(person)
    LegalHold.objects.filter(concern=concern).delete()  # as if raised before this change, with no hold row
    second = AdminFactory()
    request = rights.record_erasure_request(person=person, recorded_by=admin_user)
    rights.decide_erasure(request=request, decided_by=admin_user, agree=True)
    rights.approve_erasure(request=request, approved_by=second)
    hold = LegalHold.objects.get(concern=concern)
    assert (hold.owner, hold.placed_by) == (person.practitioner, second)


def test_a_hold_on_the_whole_record_stops_erasure_and_says_who_owns_it(admin_user, person):
    holds.place_legal_hold(
        person=person,
        reason="Court order",
        owner=admin_user,
        review_on=dt.date(2027, 6, 30),
        placed_by=admin_user,
    )
    assert rights.holds_on(person) == [
        f"a legal hold is in place: Court order (owner {admin_user.name}, review by 30 Jun 2027)"
    ]


def test_the_erasure_page_shows_what_each_hold_keeps_before_and_after(client, admin_user, person):
    concern = raise_concern(person)
    second_admin = AdminFactory()
    request = rights.record_erasure_request(person=person, recorded_by=admin_user)
    rights.decide_erasure(request=request, decided_by=admin_user, agree=True)
    client.force_login(second_admin)
    html = client.get(f"/rights/erasure/{request.pk}/").content.decode()
    assert "Kept under a safeguarding hold if the record is erased" in html
    assert f"Safeguarding concern {concern.pk}: kept under legal retention" in html
    response = client.post(f"/rights/erasure/{request.pk}/approve/", follow=True)
    html = response.content.decode()
    assert f"Kept under a safeguarding hold: Safeguarding concern {concern.pk}" in html
    assert '<h2 class="h5" id="kept-heading">Kept under a safeguarding hold</h2>' in html


def test_retention_anonymises_around_a_safeguarding_hold_and_says_what_it_kept(capsys, practitioner):
    long_ago = timezone.localdate() - dt.timedelta(days=7 * 365)
    person = PersonFactory(
        practitioner=practitioner, support_started=long_ago - dt.timedelta(days=30), support_ended=long_ago
    )
    concern = raise_concern(person)
    call_command("apply_retention")
    out = capsys.readouterr().out
    assert f"Did anonymise person {person.pk}" in out
    assert (
        f"  kept under a safeguarding hold: Safeguarding concern {concern.pk}: kept under legal retention"
        in out
    )
    assert "1 done (1 with safeguarding records kept under a hold), 0 kept whole under a hold." in out
    assert Person.objects.get(pk=person.pk).erased_at is not None


def _queries_to_gather_and_erase(person, admin_user, sessions: int) -> tuple[int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(sessions):
        SupportSessionFactory(person=person, areas=["hope", "meaning"])
    raise_concern(person)
    sar = subject_access.record_subject_access_request(
        person=person, recorded_by=admin_user, identity_check="photo_id"
    )
    with CaptureQueriesContext(connection) as gathering:
        rights.gather_subject_access(request=sar, gathered_by=admin_user, as_format="json")
    with CaptureQueriesContext(connection) as erasing:
        rights.anonymise_person(person, erased_by=admin_user)
    return len(gathering), len(erasing)


def test_subject_access_and_erasure_take_one_query_per_table_however_many_records(admin_user, practitioner):
    few = _queries_to_gather_and_erase(PersonFactory(practitioner=practitioner), admin_user, sessions=1)
    many = _queries_to_gather_and_erase(PersonFactory(practitioner=practitioner), admin_user, sessions=6)
    # Gathering: one read per table about people, plus the export's audit row and the request's completion.
    # Erasing: the holds, then one update or delete per table the map says erasure changes. Either grows only when
    # the map gains a table, never with the number of records. Gathering reads 11 tables added since: recovery plans,
    # their goals, steps and reviews, measure responses, group attendances, brief contacts, online access, its
    # invitations and withheld sessions, and form drafts. Erasing touches 7 of them: online access and form drafts
    # (read first), then goals, steps, plan reviews, attendances and brief contacts. Gathering also reads the
    # report's monthly and daily roll-ups (counts only, which erasure keeps: triggers update them as sessions change).
    # Issues 12 and 14 added their own words and its versions, flags on a note and their steps, check-ins,
    # correction and deletion requests, passkeys, and signposts to the directory and their versions; then the
    # report's yearly and quarterly roll-ups and their ratings and measure results in order (read, and kept).
    assert few == many == (56, 62)
