"""Signposting against the directory: sessions and brief contacts choose services (and may still type somewhere
else); a retired or unknown service is refused beside the field with nothing stored; pages, history, subject access,
shares and erasure name or remove the services; the report counts signposting by kind of service."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid

import pytest
from django.utils import timezone

from chime import personal_data
from sessions import groups, services
from sessions.models import BriefContact, SessionSignpost, SupportSession
from sessions.reports import SUPPRESSED, commissioners_report
from tests.factories import DirectoryServiceFactory, PersonFactory, SupportSessionFactory

FIELD_MESSAGE = "Choose from the services listed: that one is retired or not in the directory."


@pytest.fixture
def housing(db):
    return DirectoryServiceFactory(name="Riverside Housing Options", kind="housing", phone="01632 960 201")


@pytest.fixture
def debt(db):
    return DirectoryServiceFactory(name="Money Advice", kind="money")


@pytest.fixture
def retired(db):
    return DirectoryServiceFactory(name="Old drop-in", kind="peer_and_community", is_active=False)


def _form(**overrides) -> dict[str, object]:
    data = {
        "occurred_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
        "occurred_time": "10:30",
        "duration_minutes": "60",
        "mode": "in_person",
        "hope_note": "Talked about the summer.",
        "submission_key": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


def _linked(session: SupportSession) -> list[str]:
    return sorted(session.signposted_services.values_list("name", flat=True))


# ---- The session form ---------------------------------------------------------------------------------------------


def test_a_session_records_the_services_chosen_and_what_was_typed_as_somewhere_else(
    client, practitioner, person, housing, debt
):
    client.force_login(practitioner)
    data = _form(signposted_services=[str(housing.pk), str(debt.pk)], signposted_to="Citizens Advice")
    assert client.post(f"/people/{person.pk}/sessions/new/", data).status_code == 302
    session = SupportSession.objects.get()
    assert _linked(session) == ["Money Advice", "Riverside Housing Options"]
    assert session.signposted_to == "Citizens Advice"


def test_the_form_offers_the_services_grouped_by_kind_and_not_the_retired_ones(
    client, practitioner, person, housing, debt, retired
):
    client.force_login(practitioner)
    form = client.get(f"/people/{person.pk}/sessions/new/").context["form"]
    assert form.fields["signposted_services"].choices == [
        ("Housing", [(housing.pk, "Riverside Housing Options")]),
        ("Money and debt", [(debt.pk, "Money Advice")]),
    ]
    assert form.fields["signposted_to"].label == "Somewhere else (type it)"


@pytest.mark.parametrize("which", ["unknown", "retired", "not a number"])
def test_an_unknown_or_retired_service_is_refused_beside_the_field_and_nothing_is_stored(
    client, practitioner, person, retired, which
):
    chosen = {"unknown": "987654", "retired": str(retired.pk), "not a number": "1 OR 1=1"}[which]
    client.force_login(practitioner)
    response = client.post(f"/people/{person.pk}/sessions/new/", _form(signposted_services=[chosen]))
    assert response.status_code == 200
    assert response.context["form"].errors == {"signposted_services": [FIELD_MESSAGE]}
    assert not SupportSession.objects.exists() and not SessionSignpost.objects.exists()
    assert (
        '<details class="signposting mb-3" open>' in response.content.decode()
    )  # opened to show the message


def test_the_signposting_area_is_collapsed_on_a_new_form(client, practitioner, person, housing):
    client.force_login(practitioner)
    html = client.get(f"/people/{person.pk}/sessions/new/").content.decode()
    assert (
        '<details class="signposting mb-3">' in html and '<summary class="h5">Signposting</summary>' in html
    )


def test_a_retired_service_stays_on_the_session_that_named_it_and_cannot_be_added_to_another(
    client, practitioner, person, housing, retired
):
    session = SupportSessionFactory(person=person)
    SessionSignpost.objects.create(session=session, service=retired)
    client.force_login(practitioner)
    form = client.get(f"/sessions/{session.pk}/edit/").context["form"]
    assert form["signposted_services"].value() == [retired.pk]
    assert form.fields["signposted_services"].choices == [
        ("Housing", [(housing.pk, "Riverside Housing Options")]),
        ("Peer and community groups", [(retired.pk, "Old drop-in (retired)")]),
    ]
    data = _form(
        signposted_services=[str(retired.pk), str(housing.pk)], submission_key=str(session.submission_key)
    )
    assert client.post(f"/sessions/{session.pk}/edit/", data).status_code == 302
    assert _linked(session) == ["Old drop-in", "Riverside Housing Options"]
    other = SupportSessionFactory(person=person)
    response = client.post(f"/sessions/{other.pk}/edit/", _form(signposted_services=[str(retired.pk)]))
    assert response.context["form"].errors == {"signposted_services": [FIELD_MESSAGE]}
    assert _linked(other) == []


def test_the_service_refuses_a_service_that_is_not_offered_with_a_code(practitioner, person, retired):
    details = services.SessionDetails(occurred_at=timezone.now(), duration_minutes=30, mode="phone")
    with pytest.raises(services.SessionError) as refused:
        services.record_session(
            person=person,
            practitioner=practitioner,
            details=details,
            areas=[services.AreaEntry(area="hope", note="A good week.")],
            submission_key=uuid.uuid4(),
            signposted_services=[retired],
        )
    assert refused.value.code == "service_not_offered"
    assert not SupportSession.objects.exists()


# ---- Pages, history, subject access, shares, erasure --------------------------------------------------------------


def test_the_session_page_and_the_person_page_name_the_services(client, practitioner, person, housing, debt):
    session = SupportSessionFactory(person=person, signposted_to="Citizens Advice")
    SessionSignpost.objects.create(session=session, service=housing)
    SessionSignpost.objects.create(session=session, service=debt)
    client.force_login(practitioner)
    detail = client.get(f"/sessions/{session.pk}/").content.decode()
    assert (
        '<dd class="col-sm-9 signposted-services">Riverside Housing Options (Housing), Money Advice (Money and debt), '
        "Citizens Advice</dd>"
    ) in detail
    page = client.get(f"/people/{person.pk}/").content.decode()
    assert "Signposted to Riverside Housing Options, Money Advice" in page


def test_the_edit_history_shows_services_chosen_and_unticked(client, practitioner, person, housing, debt):
    client.force_login(practitioner)
    client.post(f"/people/{person.pk}/sessions/new/", _form(signposted_services=[str(housing.pk)]))
    session = SupportSession.objects.get()
    key = str(session.submission_key)
    client.post(
        f"/sessions/{session.pk}/edit/", _form(signposted_services=[str(debt.pk)], submission_key=key)
    )
    edits = client.get(f"/sessions/{session.pk}/history/").context["edits"]
    assert [(c.what, c.before, c.after) for e in edits for c in e.changes] == [
        ("Signposted to", "Riverside Housing Options", "(no longer)"),
        ("Signposted to", "", "Money Advice"),
    ]
    assert edits[0].by == str(practitioner)


def test_subject_access_names_each_service_and_the_session_it_was_chosen_in(person, housing):
    session = SupportSessionFactory(person=person, occurred_at=dt.datetime(2026, 3, 4, 10, tzinfo=dt.UTC))
    SessionSignpost.objects.create(session=session, service=housing)
    sections = dict(personal_data.subject_access(person.pk))
    assert sections["Services they were signposted to in sessions"] == [
        {"Session": "Session on 04 Mar 2026", "Signposted to": "Riverside Housing Options"}
    ]


def test_a_share_of_session_summaries_names_the_services(person, housing):
    from ethics.services.sharing import build_pack

    session = SupportSessionFactory(person=person, signposted_to="Citizens Advice")
    SessionSignpost.objects.create(session=session, service=housing)
    pack = build_pack(person, ["session_summaries"], [session])
    assert pack["session_summaries"][0]["signposted_to"] == ["Riverside Housing Options", "Citizens Advice"]


def test_erasure_removes_where_the_person_was_signposted_and_keeps_the_directory(person, housing):
    session = SupportSessionFactory(person=person, signposted_to="Citizens Advice")
    SessionSignpost.objects.create(session=session, service=housing)
    personal_data.erase(person.pk)
    assert not SessionSignpost.objects.exists()
    assert SupportSession.objects.get().signposted_to == ""
    assert housing.__class__.objects.filter(pk=housing.pk).exists()


# ---- Brief contacts -----------------------------------------------------------------------------------------------


def _contact_form(**overrides) -> dict[str, object]:
    data = {
        "occurred_on": timezone.localdate().isoformat(),
        "duration_minutes": "10",
        "areas": ["connectedness"],
        "submission_key": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


def test_a_brief_contact_records_the_services_chosen(client, practitioner, housing):
    client.force_login(practitioner)
    response = client.post("/brief-contacts/new/", _contact_form(signposted_services=[str(housing.pk)]))
    assert response.status_code == 302
    contact = BriefContact.objects.get()
    assert list(contact.signposted_services.values_list("name", flat=True)) == ["Riverside Housing Options"]
    assert "Riverside Housing Options" in client.get("/brief-contacts/").content.decode()


def test_a_brief_contact_refuses_a_retired_service_beside_the_field(client, practitioner, housing, retired):
    client.force_login(practitioner)
    response = client.post("/brief-contacts/new/", _contact_form(signposted_services=[str(retired.pk)]))
    assert response.context["form"].errors == {"signposted_services": [FIELD_MESSAGE]}
    assert not BriefContact.objects.exists()


# ---- The report ---------------------------------------------------------------------------------------------------

SECTION = "Signposted, by kind of service"


@pytest.fixture
def signposting(practitioner, housing, debt):
    """Six people: each signposted to housing (one of them to two housing services in one session); two of them to
    money advice; five sessions with somewhere else typed; three brief contacts to housing, one typed; and a housing
    session a year ago (out of range)."""
    second_housing = DirectoryServiceFactory(name="Shelter line", kind="housing")
    people = [PersonFactory(practitioner=practitioner, preferred_name=f"Named{i}") for i in range(6)]
    for i, person in enumerate(people):
        session = SupportSessionFactory(person=person, signposted_to="Citizens Advice" if i < 5 else "")
        SessionSignpost.objects.create(session=session, service=housing)
        if i == 0:
            SessionSignpost.objects.create(session=session, service=second_housing)
        if i < 2:
            SessionSignpost.objects.create(session=SupportSessionFactory(person=person), service=debt)
    old = SupportSessionFactory(person=people[0], occurred_at=timezone.now() - dt.timedelta(days=400))
    SessionSignpost.objects.create(session=old, service=housing)
    for n in range(4):
        groups.record_brief_contact(
            recorded_by=practitioner,
            details=groups.ContactDetails(
                occurred_at=timezone.now() - dt.timedelta(days=1),
                duration_minutes=10,
                areas=[],
                signposted_to="Food bank" if n == 3 else "",
            ),
            submission_key=uuid.uuid4(),
            signposted_services=[] if n == 3 else [housing],
        )
    return people


def _section(report) -> dict[str, str]:
    return {row.label: row.value for row in report.rows if row.section == SECTION}


def _window() -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    return today - dt.timedelta(days=60), today


@pytest.mark.dates
def test_the_report_counts_sessions_people_and_brief_contacts_by_kind_of_service(signposting):
    figures = _section(commissioners_report(*_window()))
    assert (
        len(figures) == 11 * 3
    )  # ten kinds and "somewhere else", three figures each, always in the same order
    assert (figures["Housing: sessions"], figures["Housing: people"]) == (
        "6",
        "6",
    )  # two services, one session
    assert figures["Housing: brief contacts"] == SUPPRESSED  # 3
    assert (figures["Money and debt: sessions"], figures["Money and debt: people"]) == (
        SUPPRESSED,
        SUPPRESSED,
    )
    assert (figures["Somewhere else (typed): sessions"], figures["Somewhere else (typed): people"]) == (
        "5",
        "5",
    )
    assert figures["Somewhere else (typed): brief contacts"] == SUPPRESSED  # 1
    assert figures["Legal: sessions"] == SUPPRESSED  # none


@pytest.mark.dates
def test_sessions_with_signposting_count_services_chosen_as_well_as_typed(signposting):
    figures = {row.label: row.value for row in commissioners_report(*_window()).rows}
    assert (figures["Sessions with signposting"], figures["People signposted"]) == ("8", "6")
    assert figures["Brief contacts with signposting"] == SUPPRESSED  # 4


@pytest.mark.dates
def test_the_signposting_figures_count_only_people_who_consented_when_required(signposting, settings):
    from ethics.models import SharingPurpose
    from tests.factories import ConsentFactory, ConsentWordingFactory

    wording = ConsentWordingFactory(purpose=SharingPurpose.objects.get(name="Anonymised reporting"))
    for person in signposting[:5]:
        ConsentFactory(person=person, wording=wording, recipient="Commissioners")
    settings.CHIME_REPORTS_REQUIRE_CONSENT = True
    figures = _section(commissioners_report(*_window()))
    assert (figures["Housing: sessions"], figures["Housing: people"]) == ("5", "5")
    assert figures["Somewhere else (typed): sessions"] == "5"  # the sixth typed nothing


@pytest.mark.dates
def test_the_report_counts_signposting_by_kind_with_the_session_figures_and_brief_contacts_in_one_more_query(
    signposting, django_assert_num_queries
):
    from sessions import hooks, rollups
    from sessions.models import Person
    from sessions.reports import _brief_contacts, _signposting_by_kind_rows

    start, end = _window()
    people = hooks.reportable_people(Person.objects.all())
    # the session figures (sessions and people per kind among them); contacts
    with django_assert_num_queries(2):
        by_part = rollups.session_figures_by_part(start, end, people, rollups.ALL_PARTS)
        figures = rollups.SessionFigures.added(by_part.values())
        rows = _signposting_by_kind_rows(figures.by_kind, _brief_contacts([(start, end)])[0])
    assert ("Housing: sessions", "6") in [(row.label, row.value) for row in rows]


@pytest.mark.dates
def test_the_csv_has_the_signposting_by_kind(client, admin_user, signposting):
    start, end = _window()
    client.force_login(admin_user)
    response = client.get("/reports/csv/", {"start": start.isoformat(), "end": end.isoformat()})
    text = b"".join(response.streaming_content).decode()
    rows = [
        row[:3] for row in csv.reader(io.StringIO(text))
    ]  # section, figure, value (then the previous period)
    assert [SECTION, "Housing: sessions", "6"] in rows
    assert [SECTION, "Somewhere else (typed): people", "5"] in rows
    assert "Riverside" not in text and "Citizens Advice" not in text


# ---- Query counts -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("services", [2, 20])
def test_the_session_form_takes_one_query_for_the_directory_however_many_services(
    client, practitioner, person, services, django_assert_num_queries
):
    for n in range(services):
        DirectoryServiceFactory(name=f"Service {n}", kind="housing" if n % 2 else "money")
    client.force_login(practitioner)
    # session, user, the person, audit (lock, last hash, insert), any goals to offer, the services offered (the one
    # query signposting adds: 9 before), unread notifications, the form's draft
    with django_assert_num_queries(10):
        client.get(f"/people/{person.pk}/sessions/new/")


@pytest.mark.parametrize("services", [1, 5])
def test_the_session_page_takes_one_query_for_the_services_however_many(
    client, practitioner, person, services, django_assert_num_queries
):
    session = SupportSessionFactory(person=person)
    for n in range(services):
        SessionSignpost.objects.create(session=session, service=DirectoryServiceFactory(name=f"Service {n}"))
    client.force_login(practitioner)
    # session, user, the session, audit (lock, last hash, insert), the services it signposted to (the one query
    # signposting adds: 9 before), unread notifications, its areas, the goals it worked on, the person's own words
    # and their flags on the note, whether it is held back from their view (issue 12)
    with django_assert_num_queries(13):
        client.get(f"/sessions/{session.pk}/")
