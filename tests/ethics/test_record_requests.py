"""Asking for something to be corrected or deleted: the person asks from their own record (one action each), the
request waits in the data protection lead's queue with its statutory due date, the person follows it, and the lead
answers (done, partly, refused with a reason). A deletion request may lead into the erasure flow, never past it."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from chime import personal_data
from chime.models import AuditEvent, Notification
from ethics.models import ErasureRequest, RecordChangeRequest
from ethics.services import record_requests, rights
from tests.ethics.online import signed_in_person
from tests.ethics.test_plain_language import HIGHEST_GRADE, grade, main_text
from tests.factories import AdminFactory, PersonFactory, SupportSessionFactory

LONDON = ZoneInfo("Europe/London")


def _at(day: dt.date):
    """Noon in London on `day`, the clock stopped."""
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 12, 0, tzinfo=LONDON), tick=False)


def _correction(client, **fields):
    data = {"what": "It says I live alone.", "should_say": "I live with my sister.", **fields}
    return client.post("/me/correct/", data)


# ---- The person asks -------------------------------------------------------------------------------------------


@pytest.mark.dates
def test_a_correction_asked_on_31_january_is_due_on_the_last_day_of_february(
    practitioner, person, data_protection_lead
):
    with _at(dt.date(2027, 1, 31)):
        client, access = signed_in_person(person, practitioner)
        assert _correction(client)["Location"] == "/me/correct/"
    asked = RecordChangeRequest.objects.get()
    assert (asked.kind, asked.what, asked.should_say, asked.session) == (
        "correction",
        "It says I live alone.",
        "I live with my sister.",
        None,
    )
    assert (asked.received_on, asked.due_on, asked.recorded_by) == (
        dt.date(2027, 1, 31),
        dt.date(2027, 2, 28),
        access.account,
    )


@pytest.mark.dates
def test_the_person_sees_when_each_request_is_due_and_then_its_answer(
    practitioner, person, data_protection_lead
):
    with _at(dt.date(2027, 3, 10)):
        client, _ = signed_in_person(person, practitioner)
        _correction(client)
        page = client.get("/me/correct/").content.decode()
        assert "Done. We will answer you by 10 April 2027." in page
        assert "To put right: asked on 10 Mar 2027." in page
        assert "We will answer by 10 Apr 2027." in page
        record_requests.record_outcome(
            request=RecordChangeRequest.objects.get(),
            decided_by=data_protection_lead,
            outcome="refused",
            note="Your worker wrote what you said that day. We have added your words beside it.",
        )
        page = client.get("/me/correct/").content.decode()
    assert "We could not do it." in page
    assert "What we said: Your worker wrote what you said that day." in page
    assert "We will answer by" not in page


def test_asking_tells_the_data_protection_lead_and_is_audited_as_the_person(
    practitioner, person, data_protection_lead
):
    client, access = signed_in_person(person, practitioner)
    _correction(client)
    asked = RecordChangeRequest.objects.get()
    note = Notification.objects.get(recipient=data_protection_lead)
    assert (note.title, note.url) == (
        "A request to correct or delete a record has arrived",
        f"/rights/changes/{asked.pk}/",
    )
    row = AuditEvent.objects.get(object_type="ethics.RecordChangeRequest")
    assert (row.actor, row.action, row.person_id, row.reason) == (
        access.account,
        "create",
        person.pk,
        "asked: Correct something",
    )


def test_a_deletion_needs_only_what_and_the_why_may_be_left(practitioner, person):
    client, _ = signed_in_person(person, practitioner)
    assert client.post("/me/delete/", {"what": "The note from May.", "why": ""})["Location"] == "/me/delete/"
    asked = RecordChangeRequest.objects.get()
    assert (asked.kind, asked.what, asked.why, asked.should_say) == ("deletion", "The note from May.", "", "")


def test_a_correction_may_name_one_of_their_own_sessions(practitioner, person):
    session = SupportSessionFactory(person=person)
    client, _ = signed_in_person(person, practitioner)
    assert _correction(client, session=str(session.pk)).status_code == 302
    assert RecordChangeRequest.objects.get().session == session


def test_someone_elses_session_is_refused_beside_the_field_and_nothing_is_stored(
    practitioner, person, others_person
):
    theirs = SupportSessionFactory(person=others_person)
    client, _ = signed_in_person(person, practitioner)
    response = _correction(client, session=str(theirs.pk))
    assert response.status_code == 200
    assert response.context["form"].errors == {"session": ["Choose one of your sessions, or leave this."]}
    assert not RecordChangeRequest.objects.exists()


def test_an_empty_correction_says_what_is_missing_beside_each_field(practitioner, person):
    client, _ = signed_in_person(person, practitioner)
    response = client.post("/me/correct/", {"what": "  ", "should_say": ""})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "what": ["Please say what is wrong."],
        "should_say": ["Please say what it should say."],
    }
    assert not RecordChangeRequest.objects.exists()


def test_only_the_person_themselves_can_ask(practitioner, person):
    with pytest.raises(record_requests.RecordRequestError) as refused:
        record_requests.ask_for_deletion(person=person, asked_by=practitioner, what="Everything.")
    assert refused.value.code == "not_theirs"


def test_a_person_cannot_ask_about_someone_elses_record(practitioner, person, others_person):
    _, access = signed_in_person(person, practitioner)
    with pytest.raises(record_requests.RecordRequestError) as refused:
        record_requests.ask_for_deletion(person=others_person, asked_by=access.account, what="Everything.")
    assert refused.value.code == "not_theirs"


@pytest.mark.parametrize("count", [1, 10])
def test_the_correction_page_query_count_is_flat(practitioner, person, count, django_assert_num_queries):
    client, access = signed_in_person(person, practitioner)
    for n in range(count):
        SupportSessionFactory(person=person)
        record_requests.ask_for_deletion(person=person, asked_by=access.account, what=f"Note {n}.")
    # session, user, their online access, their record, audit (lock, last hash, insert), their sessions to choose
    # from, their requests
    with django_assert_num_queries(9):
        response = client.get("/me/correct/")
    assert len(response.context["requests"]) == count


@pytest.mark.parametrize("url", ["/me/correct/", "/me/delete/"])
def test_both_pages_read_at_age_9_to_11_with_answers_on_them(practitioner, person, data_protection_lead, url):
    client, access = signed_in_person(person, practitioner)
    for outcome in ("done", "partly", "refused", ""):
        asked = record_requests.ask_for_deletion(person=person, asked_by=access.account, what="The note.")
        if outcome:
            record_requests.record_outcome(
                request=asked,
                decided_by=data_protection_lead,
                outcome=outcome,
                note="We must keep it by law.",
            )
    text = main_text(client.get(url))
    assert grade(text) <= HIGHEST_GRADE, f"{url} reads at grade {grade(text)}: {text}"


# ---- The data protection lead answers ----------------------------------------------------------------------------


def _asked(person, practitioner, kind="deletion"):
    _, access = signed_in_person(person, practitioner)
    if kind == "deletion":
        return record_requests.ask_for_deletion(person=person, asked_by=access.account, what="The May note.")
    return record_requests.ask_for_correction(
        person=person, asked_by=access.account, what="My age.", should_say="I am 41."
    )


@pytest.mark.dates
def test_the_queue_shows_each_request_with_its_due_date_soonest_first(
    client, practitioner, person, data_protection_lead
):
    with _at(dt.date(2027, 5, 20)):
        later = _asked(person, practitioner, "correction")
    with _at(dt.date(2027, 6, 25)):
        sooner = _asked(PersonFactory(practitioner=practitioner), practitioner)
        client.force_login(data_protection_lead)
        response = client.get("/rights/changes/")
    assert [r.pk for r in response.context["open_requests"]] == [later.pk, sooner.pk]
    page = response.content.decode()
    assert "Overdue: 20 Jun 2027" in page and "25 Jul 2027" in page


@pytest.mark.parametrize("count", [1, 20])
def test_the_queue_query_count_is_flat(
    client, practitioner, data_protection_lead, count, django_assert_num_queries
):
    for n in range(count):
        asked = _asked(
            PersonFactory(practitioner=practitioner), practitioner, "correction" if n % 2 else "deletion"
        )
        if n % 3 == 0:
            record_requests.record_outcome(request=asked, decided_by=data_protection_lead, outcome="done")
    client.force_login(data_protection_lead)
    # session, user, open requests with person, answered requests with person, audit (lock, last hash, insert),
    # unread notifications
    with django_assert_num_queries(8):
        response = client.get("/rights/changes/")
    assert len(response.context["open_requests"]) + len(response.context["answered"]) == count


def test_a_refusal_without_a_reason_is_refused_beside_the_field_and_nothing_changes(
    client, practitioner, person, data_protection_lead
):
    asked = _asked(person, practitioner)
    client.force_login(data_protection_lead)
    response = client.post(f"/rights/changes/{asked.pk}/", {"outcome": "refused", "note": " "})
    assert response.status_code == 200
    assert response.context["form"].errors == {"note": ["A refusal must give the person the reason."]}
    assert RecordChangeRequest.objects.get().outcome == ""


def test_the_lead_records_a_refusal_with_its_reason_and_it_is_audited(
    client, practitioner, person, data_protection_lead
):
    asked = _asked(person, practitioner)
    client.force_login(data_protection_lead)
    response = client.post(
        f"/rights/changes/{asked.pk}/", {"outcome": "refused", "note": "We must keep it for a court case."}
    )
    assert response["Location"] == f"/rights/changes/{asked.pk}/"
    answered = RecordChangeRequest.objects.get()
    assert (answered.outcome, answered.outcome_note, answered.decided_by) == (
        "refused",
        "We must keep it for a court case.",
        data_protection_lead,
    )
    row = AuditEvent.objects.filter(object_type="ethics.RecordChangeRequest", action="update").get()
    assert (row.actor, row.reason, row.person_id) == (data_protection_lead, "answered: Refused", person.pk)


def test_a_request_is_answered_once(practitioner, person, data_protection_lead):
    asked = _asked(person, practitioner)
    record_requests.record_outcome(request=asked, decided_by=data_protection_lead, outcome="done")
    with pytest.raises(record_requests.RecordRequestError) as refused:
        record_requests.record_outcome(request=asked, decided_by=data_protection_lead, outcome="partly")
    assert refused.value.code == "already_answered"
    assert RecordChangeRequest.objects.get().outcome == "done"


def test_only_the_data_protection_lead_answers(practitioner, person, admin_user):
    asked = _asked(person, practitioner)
    with pytest.raises(record_requests.RecordRequestError) as refused:
        record_requests.record_outcome(request=asked, decided_by=admin_user, outcome="done")
    assert refused.value.code == "not_lead"


# ---- A deletion request into the erasure flow --------------------------------------------------------------------


def test_a_deletion_request_starts_an_erasure_request_that_still_waits_for_its_decision(
    client, practitioner, person, data_protection_lead
):
    asked = _asked(person, practitioner)
    client.force_login(data_protection_lead)
    response = client.post(f"/rights/changes/{asked.pk}/erasure/")
    assert response["Location"] == f"/rights/changes/{asked.pk}/"
    erasure = ErasureRequest.objects.get()
    assert (erasure.person, erasure.decision, erasure.recorded_by) == (
        person,
        "pending",
        data_protection_lead,
    )
    assert RecordChangeRequest.objects.get().erasure == erasure
    person.refresh_from_db()
    assert person.erased_at is None
    assert AuditEvent.objects.filter(reason=f"erasure request {erasure.pk} started").count() == 1


def test_an_erasure_started_from_a_deletion_request_still_needs_a_second_admin(
    practitioner, person, data_protection_lead, admin_user
):
    second = AdminFactory()
    erasure = record_requests.start_erasure(
        request=_asked(person, practitioner), started_by=data_protection_lead
    )
    rights.decide_erasure(request=erasure, decided_by=admin_user, agree=True)
    with pytest.raises(rights.RightsError) as refused:
        rights.approve_erasure(request=erasure, approved_by=admin_user)
    assert refused.value.code == "same_person"
    person.refresh_from_db()
    assert person.erased_at is None
    rights.approve_erasure(request=erasure, approved_by=second)
    person.refresh_from_db()
    assert person.erased_at is not None


def test_a_correction_request_does_not_lead_to_erasure(practitioner, person, data_protection_lead):
    asked = _asked(person, practitioner, "correction")
    with pytest.raises(record_requests.RecordRequestError) as refused:
        record_requests.start_erasure(request=asked, started_by=data_protection_lead)
    assert refused.value.code == "not_deletion"
    assert not ErasureRequest.objects.exists()


def test_an_erasure_is_started_once_per_request(practitioner, person, data_protection_lead):
    asked = _asked(person, practitioner)
    record_requests.start_erasure(request=asked, started_by=data_protection_lead)
    with pytest.raises(record_requests.RecordRequestError) as refused:
        record_requests.start_erasure(request=asked, started_by=data_protection_lead)
    assert refused.value.code == "already_started"
    assert ErasureRequest.objects.count() == 1


# ---- Subject access and the map ----------------------------------------------------------------------------------


def test_their_requests_and_answers_are_in_their_subject_access_pack(
    practitioner, person, data_protection_lead
):
    asked = _asked(person, practitioner, "correction")
    record_requests.record_outcome(
        request=asked, decided_by=data_protection_lead, outcome="done", note="Put right."
    )
    sections = dict(personal_data.subject_access(person.pk))
    rows = sections["Their requests to correct or delete something"]
    assert [(r["What they said"], r["What it should say"], r["What we told them"]) for r in rows] == [
        ("My age.", "I am 41.", "Put right.")
    ]


def test_a_request_is_never_deleted(practitioner, person):
    from django.db import ProgrammingError, transaction

    asked = _asked(person, practitioner)
    with pytest.raises(ProgrammingError), transaction.atomic():
        RecordChangeRequest.objects.filter(pk=asked.pk).delete()
    assert RecordChangeRequest.objects.filter(pk=asked.pk).exists()
