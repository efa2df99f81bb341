from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from chime.models import AuditEvent
from ethics.models import Consent, ContentKind, Disclosure
from ethics.services.consent import withdraw_consent
from ethics.services.sharing import share_information
from tests.factories import ConsentFactory, PersonFactory, SupportSessionFactory


@pytest.fixture
def disclosure(consent, person, housing, practitioner):
    return share_information(
        person=person,
        purpose=housing,
        recipient="Riverside Housing",
        content_kinds=[ContentKind.GOALS_AND_STRENGTHS],
        shared_by=practitioner,
    )


def object_urls(person, consent, disclosure) -> dict[str, list[str]]:
    """Every consent and sharing URL about one person, split into pages that read and pages that change."""
    return {
        "read": [
            f"/people/{person.pk}/consents/",
            f"/consents/{consent.pk}/",
            f"/consents/{consent.pk}/receipt/",
            f"/disclosures/{disclosure.pk}/",
        ],
        "write": [
            f"/people/{person.pk}/consents/new/",
            f"/people/{person.pk}/share/",
            f"/consents/{consent.pk}/renew/",
            f"/consents/{consent.pk}/withdraw/",
        ],
    }


@pytest.mark.parametrize("who", ["outsider", "other_practitioner"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_people_outside_the_caseload_get_404_on_every_consent_url(
    client, request, who, method, person, consent, disclosure
):
    client.force_login(request.getfixturevalue(who))
    urls = object_urls(person, consent, disclosure)
    for url in urls["read"] + urls["write"]:
        assert getattr(client, method)(url).status_code == 404, url
    assert Consent.objects.count() == 1 and Disclosure.objects.count() == 1
    assert AuditEvent.objects.filter(action="denied", person_id=person.pk).count() == 8


def test_missing_records_are_404_too(client, admin_user):
    client.force_login(admin_user)
    for url in [
        "/people/999999/consents/",
        "/consents/999999/",
        "/disclosures/999999/",
        "/people/999999/share/",
    ]:
        assert client.get(url).status_code == 404


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_supervisor_reads_consents_but_may_not_change_them(
    client, supervisor, method, person, consent, disclosure
):
    client.force_login(supervisor)
    urls = object_urls(person, consent, disclosure)
    for url in urls["read"]:
        assert client.get(url).status_code == 200, url
    for url in urls["write"]:
        assert getattr(client, method)(url).status_code == 403, url
    assert Consent.objects.count() == 1


@pytest.mark.parametrize("who", ["practitioner", "admin_user"])
def test_the_practitioner_and_admins_open_every_consent_page(
    client, request, who, person, consent, disclosure
):
    client.force_login(request.getfixturevalue(who))
    urls = object_urls(person, consent, disclosure)
    for url in urls["read"] + urls["write"]:
        assert client.get(url).status_code == 200, url


def test_reading_a_consent_is_audited(client, practitioner, consent):
    client.force_login(practitioner)
    client.get(f"/consents/{consent.pk}/")
    assert AuditEvent.objects.filter(
        action="view", object_id=consent.pk, person_id=consent.person_id
    ).exists()


@pytest.mark.dates
def test_recording_consent_through_the_form(client, practitioner, person, housing_wording):
    client.force_login(practitioner)
    today = timezone.localdate()
    response = client.post(
        f"/people/{person.pk}/consents/new/",
        {
            "wording": housing_wording.pk,
            "recipient": "Riverside Housing",
            "content_kinds": [ContentKind.CONTACT_DETAILS],
            "how_given": "verbal",
            "given_on": today.isoformat(),
            "expires_on": (today + dt.timedelta(days=90)).isoformat(),
        },
    )
    consent = Consent.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/consents/{consent.pk}/"
    assert (consent.how_given, consent.recorded_by, consent.wording) == (
        "verbal",
        practitioner,
        housing_wording,
    )
    assert AuditEvent.objects.filter(action="consent_given", object_id=consent.pk).exists()


@pytest.mark.dates
def test_bad_consent_input_is_shown_beside_the_field_and_nothing_is_stored(
    client, practitioner, person, housing_wording
):
    client.force_login(practitioner)
    today = timezone.localdate()
    response = client.post(
        f"/people/{person.pk}/consents/new/",
        {
            "wording": housing_wording.pk,
            "recipient": "Riverside Housing",
            "how_given": "verbal",
            "given_on": today.isoformat(),
            "expires_on": today.isoformat(),
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Choose at least one thing that may be shared." in html
    assert "The end date must be after the day consent was given." in html
    assert not Consent.objects.exists()


def test_the_receipt_says_what_with_whom_for_how_long_and_how_to_withdraw(client, practitioner, consent):
    client.force_login(practitioner)
    html = client.get(f"/consents/{consent.pk}/receipt/").content.decode()
    assert "contact details, goals and strengths" in html
    assert "Riverside Housing" in html
    assert f"It ends on <strong>{consent.expires_on:%-d %b %Y}</strong>" in html
    assert "You can withdraw your consent at any time" in html
    assert consent.wording.text in html


@pytest.mark.dates
def test_withdrawing_from_the_page_takes_one_step_and_the_history_shows_both_versions(
    client, admin_user, consent
):
    client.force_login(admin_user)
    response = client.post(f"/consents/{consent.pk}/withdraw/", {"reason": ""})
    withdrawn = Consent.objects.current().get()
    assert response["Location"] == f"/consents/{withdrawn.pk}/"
    html = client.get(response["Location"]).content.decode()
    assert "Version 2 (this one)" in html and "Version 1</a>" in html and "withdrawn" in html
    assert AuditEvent.objects.filter(action="consent_withdrawn", actor=admin_user).count() == 1


@pytest.mark.dates
def test_renewing_from_the_page_adds_a_version(client, practitioner, consent):
    client.force_login(practitioner)
    today = timezone.localdate()
    response = client.post(
        f"/consents/{consent.pk}/renew/",
        {
            "recipient": consent.recipient,
            "content_kinds": consent.content_kinds,
            "how_given": "written",
            "given_on": today.isoformat(),
            "expires_on": (today + dt.timedelta(days=500)).isoformat(),
        },
    )
    renewed = Consent.objects.current().get()
    assert response["Location"] == f"/consents/{renewed.pk}/" and renewed.version == 2
    assert renewed.expires_on == today + dt.timedelta(days=500)


@pytest.mark.dates
def test_a_refused_share_says_why_on_the_form(client, practitioner, consent, person, housing):
    withdraw_consent(consent=consent, withdrawn_by=practitioner)
    client.force_login(practitioner)
    response = client.post(
        f"/people/{person.pk}/share/",
        {
            "purpose": housing.pk,
            "recipient": "Riverside Housing",
            "content_kinds": [ContentKind.CONTACT_DETAILS],
        },
    )
    assert response.status_code == 200
    assert f"was withdrawn on {timezone.localdate():%-d %b %Y}" in response.content.decode()
    assert not Disclosure.objects.exists()
    assert AuditEvent.objects.filter(action="share", outcome="denied").count() == 1


def test_a_share_leads_to_the_printable_pack(client, practitioner, consent, person, housing):
    client.force_login(practitioner)
    response = client.post(
        f"/people/{person.pk}/share/",
        {
            "purpose": housing.pk,
            "recipient": "Riverside Housing",
            "content_kinds": [ContentKind.CONTACT_DETAILS],
        },
    )
    disclosure = Disclosure.objects.get()
    assert response["Location"] == f"/disclosures/{disclosure.pk}/"
    html = client.get(response["Location"]).content.decode()
    assert "Contact details" in html and "Their strengths" not in html and "data-print" in html


def test_admins_do_not_see_session_notes_in_a_pack_or_on_the_share_form(
    client, admin_user, practitioner, person, housing_wording
):
    ConsentFactory(
        person=person,
        wording=housing_wording,
        recipient="Surgery",
        content_kinds=[ContentKind.SESSION_SUMMARIES],
    )
    session = SupportSessionFactory(person=person)
    disclosure = share_information(
        person=person,
        purpose=housing_wording.purpose,
        recipient="Surgery",
        content_kinds=[ContentKind.SESSION_SUMMARIES],
        sessions=[session],
        shared_by=practitioner,
    )
    client.force_login(admin_user)
    pack = client.get(f"/disclosures/{disclosure.pk}/").content.decode()
    assert "A note about hope." not in pack and "Session summaries were shared" in pack
    form = client.get(f"/people/{person.pk}/share/").content.decode()
    assert "Summary of chosen sessions" not in form
    client.force_login(practitioner)
    assert "A note about hope." in client.get(f"/disclosures/{disclosure.pk}/").content.decode()


def test_the_people_directory_is_for_admins_only(
    client, practitioner, supervisor, outsider, admin_user, person
):
    for user in (practitioner, supervisor, outsider):
        client.force_login(user)
        assert client.get("/people-directory/").status_code == 404
    client.force_login(admin_user)
    html = client.post("/people-directory/", {"q": "de"}).content.decode()
    assert "Dee" in html and person.strengths not in html and person.goals not in html


def test_the_directory_finds_people_by_name(client, admin_user, person, others_person):
    client.force_login(admin_user)
    html = client.post("/people-directory/", {"q": "marc"}).content.decode()
    assert "Marcus" in html and "Dee" not in html


@pytest.mark.dates
def test_practitioners_see_only_their_caseloads_consents_to_renew(
    client, practitioner, person, others_person
):
    soon = timezone.localdate() + dt.timedelta(days=10)
    ConsentFactory(person=person, recipient="Mine", expires_on=soon)
    ConsentFactory(person=others_person, recipient="Theirs", expires_on=soon)
    client.force_login(practitioner)
    html = client.get("/consents/expiring/").content.decode()
    assert "Mine" in html and "Theirs" not in html


@pytest.mark.parametrize("rows", [2, 20])
def test_person_consents_page_query_count_does_not_grow(
    client, practitioner, person, housing_wording, rows, django_assert_num_queries
):
    for n in range(rows):
        consent = ConsentFactory(person=person, wording=housing_wording, recipient=f"Recipient {n}")
        Disclosure.objects.create(
            person=person,
            purpose=consent.purpose,
            recipient=consent.recipient,
            content_kinds=consent.content_kinds,
            consent=consent,
            shared_by=practitioner,
        )
    client.force_login(practitioner)
    # session, user, the person, audit (lock, last hash, insert), may they read sessions, consents with purpose
    # and recorder, disclosures with purpose and sharer, unread notifications
    with django_assert_num_queries(10):
        response = client.get(f"/people/{person.pk}/consents/")
    assert response.content.decode().count("Details and history") == rows


@pytest.mark.parametrize("rows", [2, 20])
def test_expiring_list_query_count_does_not_grow(client, admin_user, rows, django_assert_num_queries):
    soon = timezone.localdate() + dt.timedelta(days=10)
    for _ in range(rows):
        ConsentFactory(expires_on=soon)
    client.force_login(admin_user)
    # session, user, audit (lock, last hash, insert), consents with person, practitioner and purpose, unread
    with django_assert_num_queries(7):
        response = client.get("/consents/expiring/")
    assert response.content.decode().count(">Review<") == rows


@pytest.mark.parametrize("rows", [2, 20])
def test_people_directory_query_count_does_not_grow(client, admin_user, rows, django_assert_num_queries):
    for _ in range(rows):
        ConsentFactory(person=PersonFactory())
    client.force_login(admin_user)
    # session, user, audit (lock, last hash, insert), page count, people with practitioner and active
    # consent count, unread
    with django_assert_num_queries(8):
        response = client.get("/people-directory/")
    assert response.content.decode().count('/consents/"') == rows


def test_a_name_searched_for_never_goes_in_the_url(client, admin_user, person):
    client.force_login(admin_user)
    page = client.get("/people-directory/").content.decode()
    assert '<form method="post"' in page and 'role="search"' in page
    assert client.get("/people-directory/", {"q": person.preferred_name}).context["search"] == ""


def test_share_under_this_consent_names_the_consent_not_the_recipient_in_its_link(
    client, practitioner, consent
):
    client.force_login(practitioner)
    page = client.get(f"/consents/{consent.pk}/").content.decode()
    assert f'href="/people/{consent.person_id}/share/?consent={consent.pk}"' in page
    assert "recipient=" not in page
    form = client.get(f"/people/{consent.person_id}/share/?consent={consent.pk}")
    assert form.context["form"].initial == {"purpose": consent.purpose_id, "recipient": "Riverside Housing"}


def test_a_share_prefill_from_someone_elses_consent_is_ignored(client, practitioner, consent, others_person):
    client.force_login(practitioner)
    other = ConsentFactory(person=others_person)
    form = client.get(f"/people/{consent.person_id}/share/?consent={other.pk}")
    assert form.context["form"].initial == {}
