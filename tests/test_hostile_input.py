"""Hostile input to every form and every view that takes input: never a server error, nothing stored on a
rejection, and what is stored comes back escaped."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ethics.models import EmergencySearch, ErasureRequest
from sessions.models import (
    GoalStep,
    MeasureResponse,
    Person,
    PlanReview,
    RecoveryGoal,
    SupportSession,
)
from sessions.services import StepDetails, add_goal, add_step
from tests.factories import (
    AdminFactory,
    PersonFactory,
    PractitionerFactory,
    SupportSessionFactory,
    qpr15_measure,
)

HOSTILE_TEXT = st.one_of(
    st.text(max_size=300),
    st.integers(min_value=5001, max_value=100_000).map(lambda n: ("é<" * n)[:n]),
    st.sampled_from(
        [
            "<script>alert('x')</script>",
            '"><img src=x onerror=alert(1)>',
            "'; DROP TABLE support_person; --",
            "1 OR 1=1",
            "\x00null byte",
            "\u202eright-to-left",
            "𝕳𝖔𝖕𝖊 💚",
            "\ud7ff",
            "{{ 7*7 }}",
            "%00",
            "../../etc/passwd",
        ]
    ),
)
HOSTILE_NUMBER = st.one_of(
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.sampled_from(["", "NaN", "1e309", "-0", "٣", "0x10"]),
)
HOSTILE_DATE = st.one_of(
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)).map(lambda d: d.isoformat()),
    st.sampled_from(["2026-02-30", "31/12/2026", "", "tomorrow", "9999-99-99", "0000-00-00"]),
)
MAYBE = lambda strategy: st.one_of(st.none(), strategy)  # noqa: E731 - None means the field is missing
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _post(client, url: str, fields: dict[str, object], repeated: str | None = None):
    data = {k: v for k, v in fields.items() if v is not None}
    if repeated and repeated in data:
        data[repeated] = [data[repeated], "second value"]
    return client.post(url, data)


session_fields = st.fixed_dictionaries(
    {
        "occurred_on": MAYBE(HOSTILE_DATE),
        "occurred_time": MAYBE(st.sampled_from(["10:30", "25:61", "", "noon"])),
        "duration_minutes": MAYBE(HOSTILE_NUMBER),
        "mode": MAYBE(st.sampled_from(["phone", "telepathy", ""])),
        "location": MAYBE(HOSTILE_TEXT),
        "hope_note": MAYBE(HOSTILE_TEXT),
        "hope_rating": MAYBE(HOSTILE_NUMBER),
        "identity_note": MAYBE(HOSTILE_TEXT),
        "next_steps": MAYBE(HOSTILE_TEXT),
        "follow_up_on": MAYBE(HOSTILE_DATE),
        "signposted_to": MAYBE(HOSTILE_TEXT),
        "signposted_services": MAYBE(HOSTILE_NUMBER),  # a directory service's id: none exists here
        "submission_key": MAYBE(st.one_of(st.uuids().map(str), HOSTILE_TEXT)),
    }
)


@pytest.mark.django_db
@FUZZ
@given(
    fields=session_fields, repeated=st.sampled_from([None, "hope_note", "duration_minutes", "occurred_on"])
)
def test_logging_a_session_with_hostile_input(client, fields, repeated):
    practitioner = PractitionerFactory()
    person = PersonFactory(practitioner=practitioner)
    client.force_login(practitioner)
    response = _post(client, f"/people/{person.pk}/sessions/new/", fields, repeated)
    stored = SupportSession.objects.filter(person=person)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert not stored.exists()
    else:
        page = client.get(f"/sessions/{stored.get().pk}/").content.decode()
        assert "<script>alert" not in page and "<img src=x" not in page


@pytest.mark.django_db
@FUZZ
@given(fields=session_fields)
def test_editing_a_session_with_hostile_input(client, fields):
    session = SupportSessionFactory()
    client.force_login(session.practitioner)
    before = list(session.areas.values_list("note", flat=True))
    response = _post(client, f"/sessions/{session.pk}/edit/", fields)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert list(session.areas.values_list("note", flat=True)) == before


meeting_fields = st.fixed_dictionaries(
    {
        "occurred_on": MAYBE(HOSTILE_DATE),
        "occurred_time": MAYBE(st.sampled_from(["10:30", "25:61", "", "noon"])),
        "duration_minutes": MAYBE(HOSTILE_NUMBER),
        "mode": MAYBE(st.sampled_from(["walk_and_talk", "telepathy", ""])),
        "location": MAYBE(HOSTILE_TEXT),
        "volunteer_facilitators": MAYBE(HOSTILE_TEXT),
        "areas": MAYBE(st.sampled_from(["hope", "joy", ""])),
        "group_note": MAYBE(HOSTILE_TEXT),
        "anonymous_count": MAYBE(HOSTILE_NUMBER),
        "find_name": MAYBE(HOSTILE_TEXT),
        "find": MAYBE(st.sampled_from(["1"])),
        "submission_key": MAYBE(st.one_of(st.uuids().map(str), HOSTILE_TEXT)),
    }
)


@pytest.mark.django_db
@FUZZ
@given(
    fields=meeting_fields,
    attendees=st.lists(st.one_of(HOSTILE_NUMBER, st.sampled_from(["mine", "theirs"])), max_size=300),
    addendum=MAYBE(HOSTILE_TEXT),
)
def test_recording_a_group_meeting_with_hostile_input(client, fields, attendees, addendum):
    from sessions.models import GroupMeeting
    from tests.groups import group_of

    practitioner = PractitionerFactory()
    mine, theirs = PersonFactory(practitioner=practitioner), PersonFactory(preferred_name="Qzsomeone")
    group = group_of(practitioner)
    client.force_login(practitioner)
    ids = {"mine": str(mine.pk), "theirs": str(theirs.pk)}
    data = {k: v for k, v in fields.items() if v is not None}
    data |= {"facilitators": [str(practitioner.pk)], "attendees": [ids.get(a, a) for a in attendees]}
    if addendum is not None:
        data[f"addendum_{mine.pk}"] = addendum
    response = client.post(f"/groups/{group.pk}/meetings/new/", data)
    stored = GroupMeeting.objects.filter(group=group)
    assert response.status_code in (200, 302)
    assert not stored.filter(attendances__person=theirs).exists()
    if response.status_code == 200:
        assert not stored.exists()
        assert "Qzsomeone" not in response.content.decode()
    else:
        page = client.get(f"/meetings/{stored.get().pk}/").content.decode()
        assert "<script>alert" not in page and "<img src=x" not in page


person_fields = st.fixed_dictionaries(
    {
        "preferred_name": MAYBE(HOSTILE_TEXT),
        "pronouns": MAYBE(HOSTILE_TEXT),
        "email": MAYBE(st.one_of(st.emails(), HOSTILE_TEXT)),
        "phone": MAYBE(HOSTILE_TEXT),
        "strengths": MAYBE(HOSTILE_TEXT),
        "support_started": MAYBE(HOSTILE_DATE),
        "support_ended": MAYBE(HOSTILE_DATE),
        "route": MAYBE(st.sampled_from(["self", "referred", "court-ordered"])),
        "referred_by": MAYBE(HOSTILE_TEXT),
        "chose_to_take_part": MAYBE(st.sampled_from(["on", "off", "", "yes"])),
    }
)


@pytest.mark.django_db
@FUZZ
@given(fields=person_fields)
def test_adding_a_person_with_hostile_input(client, fields):
    practitioner = PractitionerFactory()
    client.force_login(practitioner)
    response = _post(client, "/people/new/", fields)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert not Person.objects.filter(practitioner=practitioner).exists()
    else:
        person = Person.objects.get(practitioner=practitioner)
        assert "<script>alert" not in client.get(f"/people/{person.pk}/").content.decode()


@pytest.mark.django_db
@FUZZ
@given(
    reason=MAYBE(st.one_of(HOSTILE_TEXT, st.sampled_from(["risk_to_person"]))),
    justification=MAYBE(HOSTILE_TEXT),
)
def test_declaring_emergency_access_with_hostile_input(client, reason, justification):
    someone = PractitionerFactory()
    PersonFactory(preferred_name="Dee")
    client.force_login(someone)
    response = _post(
        client, "/emergency/", {"name_sought": "Dee", "reason": reason, "justification": justification}
    )
    assert response.status_code in (200, 302)
    assert EmergencySearch.objects.filter(user=someone).exists() == (response.status_code == 302)


@pytest.mark.django_db
@FUZZ
@given(decision=MAYBE(HOSTILE_TEXT), exception=MAYBE(HOSTILE_TEXT), notes=MAYBE(HOSTILE_TEXT))
def test_deciding_an_erasure_with_hostile_input(client, decision, exception, notes):
    admin = AdminFactory()
    request = ErasureRequest.objects.create(person=PersonFactory(), recorded_by=admin)
    client.force_login(admin)
    response = _post(
        client,
        f"/rights/erasure/{request.pk}/",
        {"decision": decision, "exception": exception, "notes": notes},
    )
    assert response.status_code in (200, 302)
    request.refresh_from_db()
    assert (request.decision == "pending") == (response.status_code == 200)


@pytest.mark.django_db
@FUZZ
@given(text=HOSTILE_TEXT, query=HOSTILE_TEXT, other_id=st.integers(min_value=-(2**63), max_value=2**63 - 1))
def test_searches_hints_and_other_peoples_ids(client, text, query, other_id):
    practitioner = PractitionerFactory()
    client.force_login(practitioner)
    assert client.post("/wording/check/", {"note": text}).status_code == 200
    assert client.post("/emergency/", {"name_sought": query}).status_code == 200
    if 0 < other_id < 2**31:
        assert client.get(f"/people/{other_id}/").status_code == 404
        assert client.post(f"/people/{other_id}/sessions/new/", {}).status_code == 404
        assert client.get(f"/sessions/{other_id}/").status_code == 404


@pytest.mark.django_db
@FUZZ
@given(code=MAYBE(HOSTILE_TEXT), email=MAYBE(st.one_of(st.emails(), HOSTILE_TEXT)))
def test_the_persons_sign_in_forms_with_hostile_input(client, code, email):
    from chime.models import AuditEvent

    before = AuditEvent.objects.filter(action="login").count()
    assert _post(client, "/me/start/", {"code": code}).status_code in (200, 429)
    assert _post(client, "/me/sign-in/", {"email": email}).status_code == 200
    assert AuditEvent.objects.filter(action="login").count() == before  # no code or address signs anyone in


@pytest.mark.django_db
@FUZZ
@given(how_given=MAYBE(HOSTILE_TEXT), confirmed=MAYBE(HOSTILE_TEXT), reason=MAYBE(HOSTILE_TEXT))
def test_offering_online_access_and_holding_back_with_hostile_input(client, how_given, confirmed, reason):
    from ethics.models import OnlineAccess, WithheldSession

    session = SupportSessionFactory()
    client.force_login(session.practitioner)
    offer = _post(
        client,
        f"/people/{session.person_id}/online-access/",
        {"how_given": how_given, "confirmed": confirmed},
    )
    hold = _post(client, f"/sessions/{session.pk}/hold-back/", {"reason": reason})
    assert (offer.status_code, hold.status_code) in {(200, 200), (302, 200), (200, 302), (302, 302)}
    assert OnlineAccess.objects.filter(person=session.person).exists() == (offer.status_code == 302)
    assert WithheldSession.objects.filter(session=session).exists() == (hold.status_code == 302)


# ---- Every view that takes input -------------------------------------------------------------------------------
# Walk the URL × role matrix: for each URL that accepts a POST from someone, post hostile values in every field its
# form shows (as that someone). Whatever the input, the answer is a page or a redirect, never a server error.

FIELD = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"')
WRITERS = ("practitioner", "supervisor", "admin", "dpl", "person")


def _posting_cases():
    from tests.ethics.test_url_matrix import MATRIX, Redirect

    for name, row in MATRIX.items():
        if row.post is None or name in {"logout", "login"}:
            continue
        persona = next((p for p in WRITERS if row.post[p] == 200 or isinstance(row.post[p], Redirect)), None)
        if persona:
            yield pytest.param(name, persona, id=name)


@pytest.mark.parametrize(("name", "persona"), list(_posting_cases()))
def test_every_form_survives_hostile_input(request, world, name, persona):
    from django.test import Client
    from django.urls import reverse

    from tests.ethics.test_url_matrix import MATRIX, PERSONAS

    url = reverse(name, args=MATRIX[name].args(world))
    client = Client()
    client.force_login(request.getfixturevalue(PERSONAS[persona]))
    page = client.get(url)
    html = page.content.decode() if page.status_code == 200 and not page.streaming else ""
    fields = sorted(set(FIELD.findall(html)) - {"csrfmiddlewaretoken"})
    value = st.one_of(HOSTILE_TEXT, HOSTILE_NUMBER, HOSTILE_DATE, st.just("on"))

    @settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(data=st.fixed_dictionaries({f: MAYBE(value) for f in fields[:25]}), repeat=st.booleans())
    def post(data, repeat):
        payload = {k: v for k, v in data.items() if v is not None}
        if repeat and payload:
            first = next(iter(payload))
            payload[first] = [payload[first], "again"]
        response = client.post(url, payload)
        # 429: five wrong codes pause the person's code sign-in (django-axes), a page like any other
        assert response.status_code in (200, 302, 403, 404, 405, 429), (
            f"{name}: {response.status_code} for {payload!r}"
        )

    post()


goal_fields = st.fixed_dictionaries(
    {
        "in_their_words": MAYBE(HOSTILE_TEXT),
        "areas": MAYBE(st.sampled_from(["hope", "telepathy", "", "1"])),
        "what": MAYBE(HOSTILE_TEXT),
        "who": MAYBE(st.sampled_from(["person", "someone_else", "the moon", ""])),
        "who_else": MAYBE(HOSTILE_TEXT),
        "by_when": MAYBE(HOSTILE_DATE),
    }
)


@pytest.mark.django_db
@FUZZ
@given(fields=goal_fields, repeated=st.sampled_from([None, "in_their_words", "areas", "by_when"]))
def test_adding_a_goal_with_hostile_input(client, fields, repeated):
    person = PersonFactory()
    client.force_login(person.practitioner)
    response = _post(client, f"/people/{person.pk}/plan/goals/new/", fields, repeated)
    stored = RecoveryGoal.objects.filter(plan__person=person)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert not stored.exists()
    else:
        page = client.get(f"/people/{person.pk}/plan/").content.decode()
        assert "<script>alert" not in page and "<img src=x" not in page


step_fields = st.fixed_dictionaries(
    {
        "what": MAYBE(HOSTILE_TEXT),
        "who": MAYBE(st.sampled_from(["person", "someone_else", "the moon", ""])),
        "who_else": MAYBE(HOSTILE_TEXT),
        "by_when": MAYBE(HOSTILE_DATE),
        "done_on": MAYBE(HOSTILE_DATE),
    }
)


@pytest.mark.django_db
@FUZZ
@given(fields=step_fields)
def test_changing_a_step_with_hostile_input(client, fields):
    person = PersonFactory()
    goal = add_goal(person=person, actor=person.practitioner, in_their_words="Swim.", areas=["hope"])
    step = add_step(goal=goal, actor=person.practitioner, step=StepDetails(what="Find the pool."))
    client.force_login(person.practitioner)
    response = _post(client, f"/steps/{step.pk}/edit/", fields)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert GoalStep.objects.get(pk=step.pk).what == "Find the pool."
    else:
        page = client.get(f"/people/{person.pk}/plan/").content.decode()
        assert "<script>alert" not in page and "<img src=x" not in page


@pytest.mark.django_db
@FUZZ
@given(
    what_changed=MAYBE(HOSTILE_TEXT),
    what_next=MAYBE(HOSTILE_TEXT),
    next_review_on=MAYBE(HOSTILE_DATE),
    review_on=MAYBE(HOSTILE_DATE),
)
def test_reviewing_a_plan_with_hostile_input(client, what_changed, what_next, next_review_on, review_on):
    person = PersonFactory()
    client.force_login(person.practitioner)
    fields = {"what_changed": what_changed, "what_next": what_next, "next_review_on": next_review_on}
    response = _post(client, f"/people/{person.pk}/plan/review/", fields)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert not PlanReview.objects.filter(plan__person=person).exists()
    dated = _post(client, f"/people/{person.pk}/plan/review-date/", {"review_on": review_on})
    assert (dated.status_code, dated["Location"]) == (302, f"/people/{person.pk}/plan/")


@pytest.mark.django_db
@FUZZ
@given(
    items=st.lists(
        MAYBE(st.one_of(HOSTILE_NUMBER, st.sampled_from(["0", "4", "5", "-1"]))), min_size=15, max_size=15
    ),
    view=MAYBE(st.sampled_from(["own", "agreed", "practitioner", "the moon"])),
    occasion=MAYBE(st.sampled_from(["start", "review", "end", "midnight"])),
    taken_on=MAYBE(HOSTILE_DATE),
    declined=MAYBE(st.sampled_from(["on", "", "yes"])),
    session=MAYBE(HOSTILE_NUMBER),
)
def test_completing_a_measure_with_hostile_input(client, items, view, occasion, taken_on, declined, session):
    person = PersonFactory()
    measure = qpr15_measure()
    client.force_login(person.practitioner)
    fields = {f"item_{n}": value for n, value in enumerate(items, start=1)}
    fields |= {
        "view": view,
        "occasion": occasion,
        "taken_on": taken_on,
        "declined": declined,
        "session": session,
    }
    response = _post(client, f"/people/{person.pk}/measures/{measure.pk}/new/", fields)
    assert response.status_code in (200, 302)
    stored = MeasureResponse.objects.filter(person=person)
    assert stored.exists() == (response.status_code == 302)


@pytest.mark.django_db
@FUZZ
@given(
    words=MAYBE(HOSTILE_TEXT),
    comment=MAYBE(HOSTILE_TEXT),
    kind=MAYBE(st.one_of(st.sampled_from(["reply", "correction"]), HOSTILE_TEXT)),
    answer=MAYBE(HOSTILE_TEXT),
)
def test_the_persons_own_words_their_flag_and_the_answer_with_hostile_input(
    client, words, comment, kind, answer
):
    from sessions.models import NoteFlag, NoteFlagStep, OwnWords
    from tests.ethics.online import signed_in_person

    practitioner = PractitionerFactory()
    session = SupportSessionFactory(person=PersonFactory(practitioner=practitioner))
    theirs, _ = signed_in_person(session.person, practitioner)
    mine = f"/me/sessions/{session.pk}/"
    saved = _post(theirs, f"{mine}my-words/", {"words": words})
    assert saved.status_code in (200, 302)
    assert OwnWords.objects.filter(session=session).exists() == (saved.status_code == 302)
    flagged = _post(theirs, f"{mine}flag/", {"words": comment})
    assert flagged.status_code in (200, 302)
    flag = NoteFlag.objects.filter(session=session).first()
    assert (flag is not None) == (flagged.status_code == 302)
    if flag is not None:
        client.force_login(practitioner)
        answered = _post(client, f"/flags/{flag.pk}/answer/", {"kind": kind, "words": answer})
        assert answered.status_code in (200, 302)
        assert NoteFlagStep.objects.filter(flag=flag).count() == (2 if answered.status_code == 302 else 1)
        staff_page = client.get(f"/sessions/{session.pk}/").content.decode()
        assert "<script>alert" not in staff_page and "<img src=x" not in staff_page
    page = theirs.get(mine).content.decode()
    assert "<script>alert" not in page and "<img src=x" not in page


directory_fields = st.fixed_dictionaries(
    {
        "name": MAYBE(HOSTILE_TEXT),
        "kind": MAYBE(st.sampled_from(["housing", "crisis", "astrology", ""])),
        "phone": MAYBE(HOSTILE_TEXT),
        "email": MAYBE(st.one_of(HOSTILE_TEXT, st.emails())),
        "website": MAYBE(
            st.one_of(HOSTILE_TEXT, st.sampled_from(["javascript:alert(1)", "https://x.example/"]))
        ),
    }
)


@pytest.mark.django_db
@FUZZ
@given(fields=directory_fields, repeated=st.sampled_from([None, "name", "kind"]))
def test_adding_a_service_to_the_signposting_directory_with_hostile_input(client, fields, repeated):
    from sessions.models import DirectoryService

    client.force_login(AdminFactory())
    before = DirectoryService.objects.count()
    response = _post(client, "/directory/new/", fields, repeated)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert DirectoryService.objects.count() == before
    else:
        page = client.get("/directory/").content.decode()
        assert "<script>alert" not in page and "<img src=x" not in page
