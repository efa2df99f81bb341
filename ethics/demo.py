"""Demo consents: one active, one ending within 30 days (to renew), one withdrawn. Idempotent."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

from django.apps import apps
from django.utils import timezone

from chime.models import User
from ethics.consent_purposes import load_starting_purposes
from ethics.models import (
    Concern,
    ConcernEvent,
    Consent,
    ConsentWording,
    ContentKind,
    CrisisService,
    OnlineAccess,
    OrganisationContact,
    Referral,
    SubjectAccessRequest,
    UrgencyLevel,
)
from ethics.services import online_access
from ethics.services import safeguarding as safeguarding_services
from ethics.services.consent import ConsentTerms, record_consent, withdraw_consent
from ethics.services.subject_access import record_subject_access_request
from sessions import demo as sessions_demo
from sessions.models import OwnWords, Person
from sessions.services import AreaRating, record_check_in

# (practitioner, person, purpose, recipient, what, given days ago, ends in days, withdrawn by)
DEMO_CONSENTS = (
    (
        "sam",
        "Dee",
        "Housing",
        "Riverside Housing Association",
        (ContentKind.CONTACT_DETAILS, ContentKind.GOALS_AND_STRENGTHS),
        20,
        345,
        None,
    ),
    (
        "sam",
        "Marcus",
        "Sharing with their GP or another health professional",
        "Dr Patel, Hillside Surgery",
        (ContentKind.SESSION_SUMMARIES,),
        353,
        12,
        None,
    ),
    (
        "priya",
        "Bev",
        "A family member",
        "Her sister, Lorna",
        (ContentKind.GOALS_AND_STRENGTHS,),
        90,
        275,
        "alex",
    ),
)


def ensure_demo_consents(users: dict[str, User]) -> int:
    """Record the demo consents that are missing. Returns how many were added now."""
    load_starting_purposes(apps, None)  # already there after migrating; a flushed database needs them back
    today = timezone.localdate()
    added = 0
    for who, name, purpose, recipient, kinds, given_ago, ends_in, withdrawn_by in DEMO_CONSENTS:
        person = Person.objects.filter(practitioner=users[who], preferred_name=name).first()
        if person is None or Consent.objects.filter(person=person, purpose__name=purpose).exists():
            continue
        terms = ConsentTerms(
            recipient=recipient,
            content_kinds=kinds,
            how_given=Consent.HowGiven.WRITTEN,
            given_on=today - dt.timedelta(days=given_ago),
            expires_on=today + dt.timedelta(days=ends_in),
        )
        wording = ConsentWording.objects.current().get(purpose__name=purpose)
        consent = record_consent(person=person, wording=wording, terms=terms, recorded_by=users[who])
        if withdrawn_by:
            withdraw_consent(
                consent=consent, withdrawn_by=users[withdrawn_by], reason="She would rather tell her herself."
            )
        added += 1
    return added


def ensure_demo_online_access(users: dict[str, User]) -> str:
    """Dee has chosen to read her record online (she said yes in a session with Sam). Returns a fresh one-time
    invitation link for her (earlier ones stop working), for `seed_demo --logins` to print."""
    person = Person.objects.filter(practitioner=users["sam"], preferred_name="Dee").first()
    if person is None:
        return ""
    access = online_access.current_access(person) or online_access.offer_online_access(
        person=person, offered_by=users["sam"], how_given=OnlineAccess.HowGiven.SPOKEN
    )
    _ensure_demo_check_in(person, access.account)
    _ensure_demo_voice(person, access.account)
    _, code = online_access.invite(access=access, by=users["sam"], email=False)
    return online_access.invitation_url(code)


def _ensure_demo_check_in(person: Person, account: User) -> None:
    """Dee has checked in once on her own, so her page and Sam's show a check-in apart from session ratings."""
    if person.check_ins.exists():
        return
    record_check_in(
        person=person,
        actor=account,
        ratings=[AreaRating("hope", 4, "Booked onto the cooking course."), AreaRating("connectedness", 3)],
    )


def _ensure_demo_voice(person: Person, account: User) -> None:
    """Dee has added her own words to her latest session and flagged the note of the one before ("This doesn't sound
    like me"), still open: so Sam's pages show her words beside his notes and a flag to answer."""
    from ethics.services import own_words

    sessions = list(person.sessions.order_by("-occurred_at", "-pk")[:2])
    if not sessions or OwnWords.objects.filter(session__person=person).exists():
        return
    own_words.write_own_words(
        session=sessions[0],
        by=account,
        words="The walk by the river mattered most. Talking it through helped. Next I want to try the choir.",
    )
    if len(sessions) == 2:
        own_words.flag_note(
            session=sessions[1],
            by=account,
            words="I was not low that day. I was tired after a long week at work.",
        )


def ensure_demo_access_requests(users: dict[str, User]) -> int:
    """One subject access request waiting for the data protection lead: Marcus asked in person, 12 days ago."""
    person = Person.objects.filter(practitioner=users["sam"], preferred_name="Marcus").first()
    if person is None or person.access_requests.exists():
        return 0
    record_subject_access_request(
        person=person,
        recorded_by=users["alex"],
        identity_check=SubjectAccessRequest.IdentityCheck.KNOWN_IN_PERSON,
        identity_note="Asked at the drop-in; known to Sam.",
        received_on=timezone.localdate() - dt.timedelta(days=12),
    )
    return 1


Step = Callable[[Concern, dict[str, User]], object]


def _acknowledge(concern: Concern, users: dict[str, User]) -> None:
    safeguarding_services.acknowledge_concern(
        concern=concern, by=users["jo"], note="Spoke with Sam straight away."
    )


def _plan(concern: Concern, users: dict[str, User]) -> None:
    _acknowledge(concern, users)
    safeguarding_services.plan_action(
        concern=concern,
        by=users["jo"],
        plan="Sam to meet them tomorrow with a safety plan; Jo to check in Friday.",
    )


def _refer(concern: Concern, users: dict[str, User]) -> None:
    _plan(concern, users)
    safeguarding_services.record_referral(
        concern=concern,
        by=users["jo"],
        agency=Referral.Agency.ADULT_SOCIAL_CARE,
        agency_name="Riverside adult social care (fictional)",
        referred_on=timezone.localdate(),
        reference="ASC-DEMO-0042",
        what_was_shared="That he has been asked to hand over his bank card to a lodger, and that he wants help.",
        basis=Referral.Basis.CONSENT,
    )


def _close(concern: Concern, users: dict[str, User]) -> None:
    safeguarding_services.acknowledge_concern(concern=concern, by=users["jo"])
    safeguarding_services.plan_action(
        concern=concern, by=users["jo"], plan="Priya to talk it through with them at the next session."
    )
    safeguarding_services.decide_no_further_action(
        concern=concern,
        by=users["jo"],
        rationale="They have moved to their sister's and feel safe; they did not want a referral.",
    )
    safeguarding_services.close_concern(
        concern=concern,
        by=users["jo"],
        outcome="Safe at their sister's; peer support continues.",
        persons_views="They said they felt listened to and are glad nobody else was told.",
        wanted_achieved="yes",
    )


# (practitioner, person, urgency, risk to, type, what happened, consent, how long ago (days), steps)
DEMO_CONCERNS: tuple[tuple[str, str, str, str, str, str, str, int, Step | None], ...] = (
    (
        "sam",
        "Dee",
        "standard",
        "from_others",
        "financial",
        "Dee said a neighbour keeps borrowing money and she feels she cannot say no.",
        "not_asked",
        7,
        None,
    ),
    (
        "sam",
        "Marcus",
        "urgent",
        "person",
        "self_neglect",
        "Marcus has not been eating and his flat has no heating.",
        "yes",
        0,
        _acknowledge,
    ),
    (
        "sam",
        "Aisha",
        "urgent",
        "person",
        "self_harm",
        "Aisha talked about hurting herself again after a hard week.",
        "yes",
        0,
        _plan,
    ),
    (
        "sam",
        "Tom",
        "standard",
        "from_others",
        "financial",
        "Tom's lodger has been asking for his bank card.",
        "yes",
        0,
        _refer,
    ),
    (
        "priya",
        "Nia",
        "standard",
        "from_others",
        "domestic",
        "Nia described shouting and threats at home.",
        "no",
        0,
        _close,
    ),
)


def ensure_demo_concerns(users: dict[str, User]) -> int:
    """Create the demo concerns that are missing. Returns how many were added."""
    added = 0
    for who, name, urgency, risk_to, kind, what, consent, days_ago, steps in DEMO_CONCERNS:
        person = Person.objects.filter(practitioner=users[who], preferred_name=name).first()
        if person is None or Concern.objects.filter(person=person, what_happened=what).exists():
            continue
        concern = safeguarding_services.raise_concern(
            person=person,
            raised_by=users[who],
            raised_at=timezone.now() - dt.timedelta(days=days_ago),
            details=safeguarding_services.ConcernDetails(
                risk_to=risk_to,
                type=kind,
                urgency=UrgencyLevel.objects.get(code=urgency),
                what_happened=what,
                person_knows="yes",
                consent_to_referral=consent,
                views_and_wishes="Wants to stay in control of what happens next.",
                wanted_outcome="To feel safe at home.",
            ),
        )
        if steps is not None:
            steps(concern, users)
        added += 1
    CrisisService.objects.get_or_create(
        name="Riverside Crisis Café (fictional)",
        defaults={
            "phone": "01632 960 000",
            "hours": "every evening, 6pm to midnight",
            "description": "A calm place to go instead of A&E, run by the local NHS trust.",
        },
    )
    if (
        not OrganisationContact.objects.exists()
    ):  # printed on consent receipts (fictional numbers and address)
        OrganisationContact.objects.create(
            phone="01632 960 123",
            email="hello@chime-to-thrive.example",
            address="12 Riverside Walk\nExampletown EX1 2AB",
            hours="Monday to Friday, 9am to 5pm",
        )
    return added


# ---- Bulk data for benchmarks: sessions.demo.seed_scale, with consents and concerns ---------------------------------


def seed_scale(scale: int, **options: object) -> dict[str, float]:
    """sessions.demo.seed_scale, adding consents and safeguarding concerns to each batch of people."""
    return sessions_demo.seed_scale(scale, extras=scale_extras, **options)


def scale_extras(cursor, person_ids: list[int], owners: list[User], counts: dict) -> None:
    """Consents (every third person; one in thirty ending within the month) and a sprinkling of safeguarding
    concerns (one person in fifty), written with COPY inside the batch's transaction."""
    wording = ConsentWording.objects.current().filter(purpose__name="Housing").first()
    urgency = UrgencyLevel.objects.filter(code="standard").first()
    today, now = timezone.localdate(), timezone.now()
    raw = cursor.cursor
    people = list(enumerate(zip(person_ids, owners, strict=True)))
    consented = [(index, pid, owner) for index, (pid, owner) in people if index % 3 == 0]
    if wording:
        columns = (
            "series, version, person_id, purpose_id, wording_id, recipient, content_kinds, content_notes, "
            "how_given, given_on, expires_on, status, withdrawal_reason, recorded_by_id, recorded_at"
        )
        with raw.copy(f"COPY {Consent._meta.db_table} ({columns}) FROM STDIN") as copy:
            for index, pid, owner in consented:
                ends = today + dt.timedelta(days=10 if index % 30 == 0 else 265)
                copy.write_row(
                    (
                        uuid.uuid4(),
                        1,
                        pid,
                        wording.purpose_id,
                        wording.pk,
                        "Riverside Housing",
                        ["contact_details", "goals_and_strengths"],
                        "",
                        "written",
                        today - dt.timedelta(days=100),
                        ends,
                        "given",
                        "",
                        owner.pk,
                        now,
                    )
                )
        counts["consents"] = counts.get("consents", 0) + len(consented)
    worried = [(pid, owner) for index, (pid, owner) in people if index % 50 == 0]
    if urgency and worried:
        concern_ids = sessions_demo._reserve_ids(cursor, Concern._meta.db_table, len(worried))
        columns = (
            "id, person_id, raised_by_id, raised_at, risk_to, type, urgency_id, what_happened, "
            "done_straight_away, person_knows, views_and_wishes, wanted_outcome, consent_to_referral, "
            "acknowledge_by, act_by, state, due_at, escalation_level"
        )
        with raw.copy(f"COPY {Concern._meta.db_table} ({columns}) FROM STDIN") as copy:
            for cid, (pid, owner) in zip(concern_ids, worried, strict=True):
                due = now + dt.timedelta(days=1 + cid % 5)
                copy.write_row(
                    (
                        cid,
                        pid,
                        owner.pk,
                        now,
                        "person",
                        "financial",
                        urgency.pk,
                        "Worried about money being taken by a lodger.",
                        "Talked it through.",
                        "yes",
                        "Wants it to stop.",
                        "Help to talk to the housing office.",
                        "yes",
                        due,
                        due + dt.timedelta(days=4),
                        "raised",
                        due,
                        0,
                    )
                )
        with raw.copy(
            f"COPY {ConcernEvent._meta.db_table} (concern_id, at, by_id, kind, from_state, to_state, note) "
            "FROM STDIN"
        ) as copy:
            for cid, (_, owner) in zip(concern_ids, worried, strict=True):
                copy.write_row((cid, now, owner.pk, "raised", "", "raised", ""))
        counts["concerns"] = counts.get("concerns", 0) + len(worried)
