"""Safeguarding pages through the client: raising, acting, who may see what, audit rows and query counts."""

from __future__ import annotations

import pytest

from chime.models import AuditEvent
from ethics.models import Concern, ConcernEvent, CrisisService
from tests.ethics.safeguarding import raise_concern, urgency, walk_to
from tests.factories import AdminFactory, PersonFactory, SupervisorFactory, SupportSessionFactory

CONCERN_URLS = [
    "/safeguarding/concerns/{pk}/",
    "/safeguarding/concerns/{pk}/note/",
    "/safeguarding/concerns/{pk}/acknowledge/",
    "/safeguarding/concerns/{pk}/plan/",
    "/safeguarding/concerns/{pk}/refer/",
    "/safeguarding/concerns/{pk}/nfa/",
    "/safeguarding/concerns/{pk}/close/",
]


def raise_form(level: str = "urgent", **overrides) -> dict[str, object]:
    return {
        "urgency": urgency(level).pk,
        "risk_to": "person",
        "type": "self_harm",
        "what_happened": "Said they had thought about ending their life.",
        "person_knows": "yes",
        "consent_to_referral": "yes",
        **overrides,
    }


def test_a_practitioner_raises_a_concern_from_a_session(client, practitioner, supervisor, person):
    session = SupportSessionFactory(person=person)
    client.force_login(practitioner)
    page = client.get(f"/sessions/{session.pk}/").content.decode()
    assert f"/people/{person.pk}/concerns/new/?session={session.pk}" in page
    response = client.post(f"/people/{person.pk}/concerns/new/?session={session.pk}", raise_form())
    concern = Concern.objects.get()
    assert response["Location"] == f"/safeguarding/concerns/{concern.pk}/"
    assert (concern.session, concern.raised_by, concern.state) == (session, practitioner, "raised")
    assert AuditEvent.objects.filter(action="create", object_id=str(concern.pk), person_id=person.pk).exists()


def test_a_concern_with_a_missing_answer_is_shown_again_with_the_message_and_nothing_is_stored(
    client, practitioner, person
):
    client.force_login(practitioner)
    response = client.post(f"/people/{person.pk}/concerns/new/", raise_form(what_happened=""))
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Concern.objects.exists()


def test_immediate_danger_shows_the_crisis_routes_and_local_services_at_once(client, practitioner, person):
    CrisisService.objects.create(name="Riverside Crisis Café", phone="01632 960000")
    client.force_login(practitioner)
    form_page = client.get(f"/people/{person.pk}/concerns/new/").content.decode()
    assert 'id="crisis-panel"' in form_page and "NHS 111, option 2" in form_page
    client.post(f"/people/{person.pk}/concerns/new/", raise_form("immediate"))
    page = client.get(f"/safeguarding/concerns/{Concern.objects.get().pk}/").content.decode()
    for route in ("999", "NHS 111, option 2", "Samaritans, 116 123", "Riverside Crisis Café", "01632 960000"):
        assert route in page
    assert page.index("immediate danger, act now") < page.index("Safeguarding concern about")


def test_the_supervisor_acknowledges_from_the_concern_page(client, supervisor, person):
    concern = raise_concern(person)
    client.force_login(supervisor)
    assert "Acknowledge" in client.get(f"/safeguarding/concerns/{concern.pk}/").content.decode()
    client.post(f"/safeguarding/concerns/{concern.pk}/acknowledge/", {"note": "On it."})
    concern.refresh_from_db()
    assert concern.state == "acknowledged"


def test_a_step_not_allowed_now_is_refused_with_a_message_and_changes_nothing(client, supervisor, person):
    concern = raise_concern(person)
    client.force_login(supervisor)
    response = client.post(
        f"/safeguarding/concerns/{concern.pk}/close/",
        {"outcome": "x", "persons_views": "y", "wanted_achieved": "yes"},
        follow=True,
    )
    assert "cannot be closed from here. Nothing was changed." in response.content.decode()
    concern.refresh_from_db()
    assert concern.state == "raised" and concern.events.count() == 1


def test_a_referral_without_consent_shows_the_missing_justification_beside_the_field(
    client, supervisor, person
):
    concern = walk_to(raise_concern(person, consent_to_referral="no"), "action_planned", supervisor)
    client.force_login(supervisor)
    response = client.post(
        f"/safeguarding/concerns/{concern.pk}/refer/",
        {
            "agency": "police",
            "referred_on": "2026-11-20",
            "what_was_shared": "Threats.",
            "basis": "risk_of_harm",
        },
    )
    assert "Sharing without consent needs a justification." in response.content.decode()
    assert not concern.referrals.exists()


def test_the_practitioner_who_raised_it_sees_its_status_but_cannot_act_on_it(client, practitioner, person):
    concern = raise_concern(person)
    client.force_login(practitioner)
    page = client.get("/safeguarding/raised/").content.decode()
    assert f"/safeguarding/concerns/{concern.pk}/" in page and "Raised" in page
    assert client.post(f"/safeguarding/concerns/{concern.pk}/acknowledge/").status_code == 403
    client.post(f"/safeguarding/concerns/{concern.pk}/note/", {"note": "They called back: safe tonight."})
    assert concern.events.filter(kind="note", by=practitioner).exists()


def test_a_supervisor_who_raised_a_concern_cannot_sign_it_off_but_a_lead_can(
    client, person, supervisor, lead
):
    from ethics.services.safeguarding import raise_concern as raise_as
    from tests.ethics.safeguarding import details

    concern = walk_to(
        raise_as(person=person, raised_by=supervisor, details=details()), "referred", supervisor
    )
    client.force_login(supervisor)
    page = client.get(f"/safeguarding/concerns/{concern.pk}/").content.decode()
    assert "Close and sign off" not in page
    assert "someone else must close and sign it off" in page
    client.force_login(lead)
    assert "Close and sign off" in client.get(f"/safeguarding/concerns/{concern.pk}/").content.decode()


@pytest.mark.parametrize("url", CONCERN_URLS)
@pytest.mark.parametrize("who", ["outsider", "other_practitioner", "admin_user", "other_supervisor"])
def test_people_outside_the_concern_get_404_for_get_and_post(client, person, url, who, request):
    concern = raise_concern(person)
    user = SupervisorFactory() if who == "other_supervisor" else request.getfixturevalue(who)
    client.force_login(user)
    assert client.get(url.format(pk=concern.pk)).status_code == 404
    assert client.post(url.format(pk=concern.pk), {}).status_code == 404
    assert (
        AuditEvent.objects.filter(action="denied", object_id=str(concern.pk), person_id=person.pk).count()
        == 2
    )


@pytest.mark.parametrize("method", ["get", "post"])
def test_raising_a_concern_about_someone_elses_person_is_404(client, practitioner, others_person, method):
    client.force_login(practitioner)
    assert getattr(client, method)(f"/people/{others_person.pk}/concerns/new/").status_code == 404


def test_an_unknown_concern_is_404(client, lead):
    client.force_login(lead)
    assert client.get("/safeguarding/concerns/987654/").status_code == 404


def test_admins_see_a_concern_once_it_is_escalated_to_them(client, person, lead):
    import datetime as dt

    from ethics.services.safeguarding import escalate_overdue

    admin = AdminFactory()
    concern = raise_concern(person)
    moment = concern.acknowledge_by
    for _ in range(3):
        moment += dt.timedelta(days=4, minutes=1)
        escalate_overdue(now=moment)
    client.force_login(admin)
    assert client.get(f"/safeguarding/concerns/{concern.pk}/").status_code == 200
    assert f"/safeguarding/concerns/{concern.pk}/" in client.get("/safeguarding/").content.decode()


def test_every_view_of_a_concern_is_audited(client, supervisor, person):
    concern = raise_concern(person)
    client.force_login(supervisor)
    client.get(f"/safeguarding/concerns/{concern.pk}/")
    row = AuditEvent.objects.filter(action="view", object_type="ethics.Concern").get()
    assert (row.actor, row.person_id, row.object_id) == (supervisor, person.pk, str(concern.pk))


def test_the_queue_shows_overdue_concerns_first_in_words_not_only_colour(client, supervisor, lead, person):
    import datetime as dt

    import time_machine

    on_time = raise_concern(person, level="standard")
    with time_machine.travel(dt.datetime(2026, 1, 5, 10, 0, tzinfo=dt.UTC), tick=False):
        late = raise_concern(person, level="urgent")
    for user in (supervisor, lead):
        client.force_login(user)
        concerns = list(client.get("/safeguarding/").context["concerns"])
        assert concerns == [late, on_time]
        page = client.get("/safeguarding/").content.decode()
        assert page.count("OVERDUE") == 1


def test_the_queue_is_for_supervisors_and_leads(client, practitioner):
    client.force_login(practitioner)
    assert client.get("/safeguarding/").status_code == 403


def test_the_persons_page_flags_open_concerns_to_those_who_may_see_them(
    client, practitioner, supervisor, person
):
    concern = raise_concern(person)
    for user in (practitioner, supervisor):
        client.force_login(user)
        page = client.get(f"/people/{person.pk}/").content.decode()
        assert f"/safeguarding/concerns/{concern.pk}/" in page and "Open safeguarding concern" in page
    walk_to(concern, "closed", supervisor)
    assert "Open safeguarding concern" not in client.get(f"/people/{person.pk}/").content.decode()


@pytest.mark.parametrize("count", [3, 30])
def test_the_queue_query_count_is_flat(client, supervisor, person, count, django_assert_num_queries):
    for _ in range(count):
        raise_concern(PersonFactory(practitioner=person.practitioner))
    client.force_login(supervisor)
    # session, user, audit (lock, last hash, insert), concerns with person/urgency/raiser, unread notifications
    with django_assert_num_queries(7):
        response = client.get("/safeguarding/")
    assert len(response.context["concerns"]) == count


@pytest.mark.parametrize("count", [3, 30])
def test_the_raised_list_query_count_is_flat(client, practitioner, person, count, django_assert_num_queries):
    for _ in range(count):
        raise_concern(person)
    client.force_login(practitioner)
    # session, user, audit (lock, last hash, insert), concerns with person/urgency/raiser, unread notifications
    with django_assert_num_queries(7):
        response = client.get("/safeguarding/raised/")
    assert len(response.context["concerns"]) == count


@pytest.mark.parametrize("extra", [1, 10])
def test_the_concern_page_query_count_is_flat(client, supervisor, person, extra, django_assert_num_queries):
    from ethics.services.safeguarding import add_to_chronology

    concern = raise_concern(person)
    for n in range(extra):
        add_to_chronology(concern=concern, by=supervisor, note=f"Update {n}.")
    client.force_login(supervisor)
    # session, user, concern (with person, practitioner, raiser, urgency, session), audit (3), chronology with
    # who, referrals, unread notifications
    with django_assert_num_queries(9):
        client.get(f"/safeguarding/concerns/{concern.pk}/")
    assert ConcernEvent.objects.filter(concern=concern).count() == extra + 1


def test_the_migration_seeds_immediate_urgent_and_standard_levels(db):
    from ethics.models import UrgencyLevel

    levels = {level.code: level for level in UrgencyLevel.objects.all()}
    assert list(levels) == ["immediate", "urgent", "standard"]
    assert (levels["immediate"].acknowledge_within, levels["immediate"].acknowledge_unit) == (
        1,
        "working_hours",
    )
    assert levels["immediate"].shows_crisis_routes and not levels["standard"].shows_crisis_routes


def test_admins_manage_the_local_crisis_services_and_others_cannot(client, admin_user, supervisor):
    client.force_login(admin_user)
    response = client.post(
        "/admin/ethics/crisisservice/add/", {"name": "Night Café", "order": 0, "is_active": "on"}
    )
    assert response.status_code == 302
    assert CrisisService.objects.filter(name="Night Café").exists()
    client.force_login(supervisor)
    response = client.get(
        "/admin/ethics/crisisservice/"
    )  # not staff in Django's sense: the admin's own log-in
    assert (response.status_code, response["Location"]) == (
        302,
        "/admin/login/?next=/admin/ethics/crisisservice/",
    )


def test_a_safeguarding_lead_sees_every_concern(client, lead, person, others_person):
    mine, theirs = raise_concern(person), raise_concern(others_person)
    client.force_login(lead)
    assert {c.pk for c in client.get("/safeguarding/").context["concerns"]} == {mine.pk, theirs.pk}
