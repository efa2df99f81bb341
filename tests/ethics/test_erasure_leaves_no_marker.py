"""The proof of the personal-data map: a marker in every mapped field about one person is in their subject access
pack, and after their erasure no table of the database (version tables and the audit trail included) holds it,
except the safeguarding records kept under the concern's hold. Another person's markers are untouched."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.utils import timezone

from chime import drafts, personal_data
from ethics.models import (
    Concern,
    ConcernClosure,
    ConcernEvent,
    Disclosure,
    LegalHold,
    Referral,
)
from ethics.services import consent as consent_services
from ethics.services import emergency, online_access, record_requests, rights, subject_access
from ethics.services import safeguarding as safeguarding_services
from sessions import groups
from sessions import services as plan_services
from sessions.models import (
    CaseloadAssignment,
    GroupMeeting,
    Person,
    SessionArea,
    SessionReview,
    SupervisionRecord,
)
from tests.ethics.safeguarding import details, make_lead
from tests.factories import (
    AdminFactory,
    ConsentFactory,
    DataProtectionLeadFactory,
    PersonFactory,
    SupportSessionFactory,
)
from tests.groups import brief_contact, group_of, meeting_of

A = "qzmarka"  # every marker about the person erased starts with this
B = "qzmarkb"  # and about the other person, with this

PERSON_TEXT = [
    "preferred_name",
    "pronouns",
    "phone",
    "email",
    "what_matters",
    "goals",
    "strengths",
    "referred_by",
]
SESSION_TEXT = ["location", "next_steps", "signposted_to", "signposting_notes"]


class Seeder:
    """Hands out markers and remembers them, so the pack can be checked for every one."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.seeded: list[str] = []

    def __call__(self, what: str) -> str:
        marker = f"{self.prefix}-{what}"
        self.seeded.append(marker)
        return marker

    def fields(self, names: list[str], tag: str) -> dict[str, str]:
        return {name: self(f"{tag}-{name}") for name in names}


def _session_with_history(person, m: Seeder, tag: str):
    """A session with an area, both edited once, so each has a version row holding the first words."""
    session = SupportSessionFactory(person=person, areas=[], **m.fields(SESSION_TEXT, f"{tag}-v1"))
    area = SessionArea.objects.create(session=session, area="hope", note=m(f"{tag}-note-v1"))
    type(session).objects.filter(pk=session.pk).update(**m.fields(SESSION_TEXT, f"{tag}-v2"))
    SessionArea.objects.filter(pk=area.pk).update(note=m(f"{tag}-note-v2"))
    return session


def _seed_everything(person, m: Seeder, staff) -> dict[str, object]:
    practitioner, supervisor, admin, lead = staff
    Person.objects.filter(pk=person.pk).update(**m.fields(PERSON_TEXT, "person-v2"))  # the v1 goes to history
    CaseloadAssignment.objects.create(
        person=person,
        practitioner=practitioner,
        started_at=timezone.now() - dt.timedelta(days=90),
        ended_at=timezone.now() - dt.timedelta(days=30),
        reason=m("move-reason"),
    )
    cited = _session_with_history(person, m, "cited-session")
    other = _session_with_history(person, m, "session")
    for session in (cited, other):
        SessionReview.objects.create(session=session, reviewer=supervisor, comment=m(f"review-{session.pk}"))
    meeting = SupervisionRecord.objects.create(
        supervisor=supervisor, practitioner=practitioner, agreed_actions=m("supervision-actions")
    )
    meeting.people_discussed.add(person)
    consent = ConsentFactory(
        person=person, recorded_by=practitioner, **m.fields(["recipient", "content_notes"], "consent")
    )
    consent_services.withdraw_consent(
        consent=consent, withdrawn_by=admin, reason=m("consent-withdrawal_reason")
    )
    Disclosure.objects.create(
        person=person,
        purpose=consent.purpose,
        recipient=m("disclosure-recipient"),
        content_kinds=["contact_details"],
        content={"phone": m("disclosure-content")},
        legal_basis="risk_of_harm",
        justification=m("disclosure-justification"),
        shared_by=practitioner,
    )
    # Through the services, so that whatever they write to the audit trail is scanned too.
    grant = emergency.declare_emergency_access(
        user=supervisor,
        person=person,
        reason="risk_to_person",
        justification=m("emergency-justification, what is the risk and why now"),
    )
    emergency.review_emergency_access(
        grant=grant, reviewer=admin, outcome="justified", notes=m("emergency-review-notes")
    )
    # A declaration made before looking them up, which opened their record.
    search = emergency.declare_emergency_search(
        user=practitioner,
        name_sought=m("emergency-name_sought"),
        reason="risk_to_person",
        justification=m("emergency-search-justification, what is the risk"),
    )
    emergency.open_emergency_access(search=search, person=person)
    # A group meeting they came to, with a personal addendum, and a brief contact later linked to their record.
    group = group_of(practitioner)
    meeting_of(group, practitioner, [person], addenda={person.pk: m("group-addendum")})
    contact = brief_contact(
        practitioner, location=m("brief-location"), signposted_to=m("brief-signposted_to")
    )
    groups.link_brief_contact(contact=contact, person=person, linked_by=practitioner)
    LegalHold.objects.create(
        person=person,
        reason=m("lifted-hold-reason"),
        name_kept=m("lifted-hold-name"),
        owner=admin,
        review_on=dt.date(2027, 1, 1),
        placed_by=admin,
        lifted_at=timezone.now(),
    )
    _seed_plan(person, m, practitioner, other)
    _seed_their_voice(person, m, practitioner, other)
    drafts.save_draft(  # a form being typed about them, not saved yet
        of=drafts.DraftOf(practitioner.pk, f"/people/{person.pk}/sessions/new/", person.pk, m("draft-title")),
        data={"hope_note": [m("draft-note")]},
    )
    return {"cited": cited, **_seed_concern(person, m, cited, consent.purpose, staff)}


def _seed_plan(person, m: Seeder, practitioner, session) -> None:
    """A recovery plan: a goal the session worked on, a step someone named will do, and a review."""
    goal = plan_services.add_goal(
        person=person, actor=practitioner, in_their_words=m("goal-words"), areas=["hope"]
    )
    goal.sessions.add(session)
    step = plan_services.StepDetails(what=m("step-what"), who="someone_else", who_else=m("step-who_else"))
    plan_services.add_step(goal=goal, actor=practitioner, step=step)
    plan_services.review_plan(
        person=person,
        actor=practitioner,
        what_changed=m("review-what_changed"),
        what_next=m("review-what_next"),
        next_review_on=None,
    )
    plan_services.record_check_in(  # their own check-in, with their words
        person=person, actor=practitioner, ratings=[plan_services.AreaRating("hope", 4, m("check-in-words"))]
    )


def _seed_their_voice(person, m: Seeder, practitioner, session) -> None:
    """Their own words on a session, changed once (so a version row keeps the first), and a flag on its note with
    the practitioner's reply and correction (issue 12)."""
    from ethics.services import online_access, own_words

    account = online_access.offer_online_access(
        person=person, offered_by=practitioner, how_given="spoken"
    ).account
    own_words.write_own_words(session=session, by=account, words=m("own-words-v1"))
    own_words.write_own_words(session=session, by=account, words=m("own-words-v2"))
    flag = own_words.flag_note(session=session, by=account, words=m("flag-words"))
    own_words.answer_flag(flag=flag, by=practitioner, kind="reply", words=m("flag-reply"))
    own_words.answer_flag(flag=flag, by=practitioner, kind="correction", words=m("flag-correction"))
    own_words.close_flag(flag=flag, by=account)


def _seed_concern(person, m: Seeder, cited, purpose, staff) -> dict[str, object]:
    practitioner, _, _, lead = staff
    concern = safeguarding_services.raise_concern(
        person=person,
        raised_by=practitioner,
        session=cited,
        details=details(
            **m.fields(
                ["what_happened", "done_straight_away", "views_and_wishes", "wanted_outcome"], "concern"
            )
        ),
    )
    ConcernEvent.objects.create(
        concern=concern, by=lead, kind="note", to_state="raised", note=m("event-note")
    )
    shared = Disclosure.objects.create(
        person=person,
        purpose=purpose,
        recipient=m("referral-disclosure-recipient"),
        content_kinds=["safeguarding_referral"],
        content={"what": m("referral-disclosure-content")},
        legal_basis="referral_consent",
        shared_by=lead,
    )
    referral = Referral.objects.create(
        concern=concern,
        agency="gp",
        referred_on=dt.date(2026, 11, 20),
        basis="risk_of_harm",
        recorded_by=lead,
        disclosure=shared,
        **m.fields(["agency_name", "reference", "what_was_shared", "risk_justification"], "referral"),
    )
    closure = ConcernClosure.objects.create(
        concern=concern,
        signed_off_by=lead,
        wanted_achieved="yes",
        **m.fields(["outcome", "persons_views"], "closure"),
    )
    return {"concern": concern, "referral": referral, "closure": closure, "shared": shared}


def _seed_change_requests(person, m: Seeder, practitioner, lead, session) -> None:
    """From their own record, they asked for a correction (answered in part) and a deletion (still open). Their
    online access was offered when their own words were seeded (`_seed_their_voice`)."""
    account = online_access.current_access(person).account
    correction = record_requests.ask_for_correction(
        person=person,
        asked_by=account,
        session=session,
        **m.fields(["what", "should_say"], "correction"),
    )
    record_requests.record_outcome(
        request=correction, decided_by=lead, outcome="partly", note=m("correction-outcome_note")
    )
    record_requests.ask_for_deletion(person=person, asked_by=account, **m.fields(["what", "why"], "deletion"))


def _scan(prefix: str) -> list[tuple[str, str, str | None, str]]:
    """Every (table, column, primary key, value) in the public schema whose text holds the prefix."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.table_name, c.column_name, (
                SELECT k.column_name FROM information_schema.table_constraints t
                JOIN information_schema.key_column_usage k
                  ON k.constraint_name = t.constraint_name AND k.table_schema = t.table_schema
                WHERE t.table_schema = 'public' AND t.table_name = c.table_name
                  AND t.constraint_type = 'PRIMARY KEY' LIMIT 1)
            FROM information_schema.columns c
            JOIN information_schema.tables tb USING (table_schema, table_name)
            WHERE c.table_schema = 'public' AND tb.table_type = 'BASE TABLE'
              AND (c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'inet')
                   OR c.udt_name IN ('_varchar', '_text'))
            """
        )
        columns = cursor.fetchall()
        hits = []
        for table, column, pk in columns:
            quote = connection.ops.quote_name
            key = f"{quote(pk)}::text" if pk else "NULL"
            cursor.execute(
                f"SELECT {key}, {quote(column)}::text FROM {quote(table)} "  # noqa: S608 (names from the catalogue)
                f"WHERE {quote(column)}::text ILIKE %s",
                [f"%{prefix}%"],
            )
            hits += [(table, column, row_pk, value) for row_pk, value in cursor.fetchall()]
    return hits


def _held(seeded: dict[str, object]) -> dict[str, set[str]]:
    """The rows the concern's hold keeps, worked out here from the records themselves, not from the map."""
    concern, cited = seeded["concern"], seeded["cited"]
    held: dict[str, set[str]] = defaultdict(set)
    held["ethics_concern"].add(str(concern.pk))
    held["ethics_concernevent"] |= {str(pk) for pk in concern.events.values_list("pk", flat=True)}
    held["ethics_referral"].add(str(seeded["referral"].pk))
    held["ethics_concernclosure"].add(str(seeded["closure"].pk))
    held["ethics_disclosure"].add(str(seeded["shared"].pk))
    held["ethics_legalhold"].add(str(LegalHold.objects.get(concern=concern).pk))
    held["support_supportsession"].add(str(cited.pk))
    held["support_sessionarea"] |= {str(pk) for pk in cited.areas.values_list("pk", flat=True)}
    held["support_supportsessionversion"] = _version_pks(
        "support_supportsessionversion", "pgh_obj_id", cited.pk
    )
    held["support_sessionareaversion"] = _version_pks("support_sessionareaversion", "session_id", cited.pk)
    return held


@pytest.fixture
def staff(practitioner, supervisor, admin_user):
    return practitioner, supervisor, admin_user, make_lead()


@dataclass
class Erased:
    person: Person
    seeded: dict[str, object]
    left: list[tuple[str, str, str | None, str]]  # markers found after erasure outside the held rows
    bystander_before: list[tuple[str, str, str | None, str]]


@pytest.fixture
def erased(staff) -> Erased:
    """Seed both people, check the map's coverage and the pack, erase the first person, scan every table."""
    practitioner, supervisor, admin, lead = staff
    m, other = Seeder(A), Seeder(B)
    person = PersonFactory(practitioner=practitioner, **m.fields(PERSON_TEXT, "person-v1"))
    seeded = _seed_everything(person, m, staff)
    bystander = PersonFactory(practitioner=practitioner, **other.fields(PERSON_TEXT, "person"))
    _session_with_history(bystander, other, "session")
    ConsentFactory(person=bystander, recorded_by=practitioner, recipient=other("consent-recipient"))
    drafts.save_draft(
        of=drafts.DraftOf(
            practitioner.pk, f"/people/{bystander.pk}/sessions/new/", bystander.pk, other("draft")
        ),
        data={"hope_note": [other("draft-note")]},
    )
    second_admin = AdminFactory()  # an admin before the request, as the second-person rule asks
    erasure = rights.record_erasure_request(person=person, recorded_by=admin)
    rights.decide_erasure(request=erasure, decided_by=admin, agree=True, notes=m("erasure-notes"))

    # A request for their records, made for them by someone else, gathered, released, closed and re-opened.
    sar = subject_access.record_subject_access_request(
        person=person,
        recorded_by=admin,
        identity_check="written_authority",
        requester="representative",
        representative_name=m("sar-representative_name"),
        representative_relationship=m("sar-representative_relationship"),
        identity_note=m("sar-identity_note"),
    )
    lead = DataProtectionLeadFactory()
    subject_access.gather_pack(request=sar, gathered_by=lead)
    subject_access.release_pack(request=sar, released_by=lead, how="post")
    subject_access.close_request(request=sar, closed_by=lead)
    subject_access.reopen_request(request=sar, reopened_by=lead, reason=m("sar-reopening-reason"))
    _seed_change_requests(person, m, practitioner, lead, seeded["cited"])

    # Every identifying or free-text field the map declares about a person now holds a marker somewhere.
    found = {(table, column) for table, column, _, _ in _scan(A)}
    mapped = {
        (row["table"], row["column"])
        for row in personal_data.map_rows()
        if row["concerns"] == "a person supported" and row["kind"] in ("identifying", "free_text")
    }
    assert mapped - found == set(), "the test does not seed these mapped fields yet"

    # The subject access pack holds every marker about the person, and none about anyone else.
    report = rights.gather_subject_access(request=sar, gathered_by=lead, as_format="json")
    pack = json.dumps(report.as_json(), cls=DjangoJSONEncoder)
    assert [marker for marker in m.seeded if marker not in pack] == []
    assert B not in pack

    bystander_before = sorted(_scan(B))
    rights.approve_erasure(request=erasure, approved_by=second_admin)
    held = _held(seeded)
    left = [hit for hit in _scan(A) if hit[2] not in held.get(hit[0], set())]
    return Erased(person, seeded, left, bystander_before)


@pytest.mark.django_db
def test_erasure_leaves_no_marker_in_any_table_outside_the_safeguarding_hold(erased):
    assert [hit for hit in erased.left if hit[0] != "chime_auditevent"] == []
    assert Person.objects.get(pk=erased.person.pk).preferred_name == f"Erased person {erased.person.pk}"


@pytest.mark.django_db
def test_erasure_leaves_no_marker_in_the_audit_trail(erased):
    assert [hit for hit in erased.left if hit[0] == "chime_auditevent"] == []


@pytest.mark.django_db
def test_the_concern_and_what_it_cites_stay_intact_under_its_hold(erased):
    concern = erased.seeded["concern"]
    assert Concern.objects.get(pk=concern.pk).what_happened == f"{A}-concern-what_happened"
    assert ConcernEvent.objects.filter(concern=concern, note=f"{A}-event-note").exists()
    assert ConcernClosure.objects.get(concern=concern).outcome == f"{A}-closure-outcome"
    assert Referral.objects.get(concern=concern).what_was_shared == f"{A}-referral-what_was_shared"
    assert Disclosure.objects.get(referral__concern=concern).recipient == f"{A}-referral-disclosure-recipient"
    assert set(SessionArea.objects.filter(session=erased.seeded["cited"]).values_list("note", flat=True)) == {
        f"{A}-cited-session-note-v2"
    }
    assert LegalHold.objects.get(concern=concern).name_kept == f"{A}-person-v2-preferred_name"


@pytest.mark.django_db
def test_erasure_takes_them_off_the_register_and_counts_them_among_those_who_came_unnamed(erased):
    meeting = GroupMeeting.objects.with_counts().get()
    assert (meeting.named_count, meeting.unnamed_count) == (0, 1)


@pytest.mark.django_db
def test_erasing_one_person_leaves_another_persons_records_untouched(erased):
    assert sorted(_scan(B)) == erased.bystander_before


def _version_pks(table: str, column: str, value: int) -> set[str]:
    with connection.cursor() as cursor:
        quote = connection.ops.quote_name
        cursor.execute(f"SELECT pgh_id::text FROM {quote(table)} WHERE {quote(column)} = %s", [value])  # noqa: S608
        return {row[0] for row in cursor.fetchall()}
