"""The person's consents: each one with its receipt in plain words, and withdrawn in one action through the same
consent service staff use, effective at once, with their practitioner told."""

from __future__ import annotations

import pytest

from chime.models import AuditEvent, Notification
from ethics.models import Consent
from ethics.services.sharing import SharingError, share_information
from tests.ethics.online import signed_in_person
from tests.ethics.test_plain_language import HIGHEST_GRADE, grade, main_text
from tests.factories import ConsentFactory, PersonFactory


def test_the_person_sees_each_consent_they_gave_with_the_words_they_saw(practitioner, person):
    consent = ConsentFactory(person=person)
    client, _ = signed_in_person(person, practitioner)
    listing = client.get("/me/consents/").content.decode()
    assert f'href="/me/consents/{consent.pk}/">Riverside Housing</a>' in listing
    receipt = client.get(f"/me/consents/{consent.pk}/")
    page = receipt.content.decode()
    for text in (
        "Sharing with Riverside Housing",
        "Contact details",
        "Goals and strengths",
        consent.wording.text,
    ):
        assert text in page
    # Our words, not the organisation's consent wording, which is shown exactly as the person saw it.
    ours = main_text(receipt).replace(f"“{consent.wording.text}”", "")
    assert grade(ours) <= HIGHEST_GRADE, ours


def test_the_person_withdraws_a_consent_in_one_action_and_their_practitioner_is_told(practitioner, person):
    consent = ConsentFactory(person=person)
    client, access = signed_in_person(person, practitioner)
    response = client.post(f"/me/consents/{consent.pk}/")
    assert response["Location"] == "/me/consents/"
    withdrawn = Consent.objects.current().get(series=consent.series)
    assert (withdrawn.status, withdrawn.recorded_by, withdrawn.version) == ("withdrawn", access.account, 2)
    event = AuditEvent.objects.get(action="consent_withdrawn", object_type="ethics.Consent")
    assert (event.actor, event.person_id) == (access.account, person.pk)
    note = Notification.objects.get(recipient=practitioner)
    assert note.title == f"Person {person.pk} withdrew a consent themselves"
    with pytest.raises(SharingError) as refused:
        share_information(
            person=person,
            purpose=consent.purpose,
            recipient=consent.recipient,
            content_kinds=consent.content_kinds,
            shared_by=practitioner,
        )
    assert refused.value.code == "withdrawn"


def test_someone_elses_consent_answers_the_person_404(practitioner, person):
    theirs = ConsentFactory(person=PersonFactory(practitioner=practitioner))
    client, _ = signed_in_person(person, practitioner)
    assert client.get(f"/me/consents/{theirs.pk}/").status_code == 404
    assert client.post(f"/me/consents/{theirs.pk}/").status_code == 404
    assert Consent.objects.get(pk=theirs.pk).status == "given"


# ---- Asking for a copy of my record -------------------------------------------------------------------------------


def test_the_person_asks_for_a_copy_in_one_action_and_the_data_protection_lead_is_told(
    practitioner, person, data_protection_lead
):
    from ethics.models import SubjectAccessRequest

    client, access = signed_in_person(person, practitioner)
    assert client.post("/me/copy/")["Location"] == "/me/copy/"
    asked = SubjectAccessRequest.objects.get()
    assert (asked.person, asked.recorded_by, asked.requester, asked.identity_check) == (
        person,
        access.account,
        "person",
        "signed_in",
    )
    page = client.get("/me/copy/")
    assert f"Due by {asked.due_on:%-d %b %Y}." in page.content.decode()
    assert grade(main_text(page)) <= HIGHEST_GRADE
    assert (
        Notification.objects.get(recipient=data_protection_lead).title
        == "A subject access request has arrived"
    )
    assert AuditEvent.objects.get(object_type="ethics.SubjectAccessRequest").actor == access.account
