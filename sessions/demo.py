"""Demo data: a small, clearly fictional organisation, and a fast bulk generator for benchmarks."""

from __future__ import annotations

import datetime as dt
import json
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pgtrigger
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from chime import audit, dbroles
from chime.framework import AREAS
from chime.models import ROLE_FIELDS, AuditEvent, StaffChange, User
from sessions import groups, rollups, services
from sessions.models import (
    Attendance,
    CaseloadAssignment,
    DirectoryService,
    Group,
    GroupMeeting,
    Measure,
    MeasureResponse,
    Person,
    RecoveryGoal,
    RecoveryPlan,
    SessionArea,
    SessionReview,
    SessionSignpost,
    SupervisionRecord,
    SupportSession,
    View,
    start_of_day,
)
from sessions.plans import split_goals

DEMO_PASSWORD = "chime-demo-2026"  # noqa: S105 - fictional demo accounts, printed by `make run`
DEMO_NAMESPACE = uuid.UUID("6f1d0c2e-7b7e-4d1a-9a53-2f1c3c0de001")


@dataclass(frozen=True)
class DemoAccount:
    username: str
    first_name: str
    last_name: str
    roles: tuple[str, ...]
    supervisor: str | None = None
    about: str = ""


DEMO_ACCOUNTS = (
    DemoAccount(
        "jo", "Jo", "Rivers", ("supervisor",), about="clinical psychologist, supervises Sam and Priya"
    ),
    DemoAccount("sam", "Sam", "Okafor", ("practitioner",), supervisor="jo", about="peer practitioner"),
    DemoAccount("priya", "Priya", "Shah", ("practitioner",), supervisor="jo", about="peer practitioner"),
    DemoAccount("alex", "Alex", "Morgan", ("admin",), about="admin: consent records and staff accounts"),
    DemoAccount(
        "morgan",
        "Morgan",
        "Ellis",
        ("admin",),
        about="second admin: approves what alex asks for, and the reverse",
    ),
    DemoAccount(
        "rowan",
        "Rowan",
        "Price",
        ("data_protection_lead",),
        about="data protection lead: handles subject access requests",
    ),
    DemoAccount(
        "kim",
        "Kim",
        "Adeyemi",
        ("safeguarding_lead",),
        about="safeguarding lead: sees every concern, gets escalations",
    ),
)

# (practitioner, name, pronouns, what matters, goals, strengths, route, referred by)
DEMO_PEOPLE = (
    (
        "sam",
        "Dee",
        "she/her",
        "Her allotment, her grandson, and feeling useful again.",
        "Get back to volunteering at the food bank by spring.",
        "Green fingers; makes everyone laugh; never gives up.",
        "self",
        "",
    ),
    (
        "sam",
        "Marcus",
        "he/him",
        "Music. Being a good dad to his two girls.",
        "Play an open-mic night. Have the girls to stay every other weekend.",
        "Honest about how he's doing; great with people in the group.",
        "referred",
        "Community drug and alcohol team",
    ),
    (
        "sam",
        "Aisha",
        "she/they",
        "Her faith community and her art.",
        "Finish her college course in graphic design.",
        "Creative, determined, thoughtful.",
        "self",
        "",
    ),
    (
        "sam",
        "Tom",
        "he/him",
        "Walking his dog, Biscuit. Fixing bikes.",
        "Find part-time work fixing bikes.",
        "Practical, patient with others, reliable.",
        "referred",
        "GP practice",
    ),
    (
        "sam",
        "Kerry",
        "",
        "Her independence. Her cats.",
        "Feel confident going to the shops alone.",
        "Very organised; kind to others in the walking group.",
        "self",
        "",
    ),
    (
        "priya",
        "Bev",
        "she/her",
        "Singing in the community choir.",
        "Lead a song at the summer concert.",
        "Warm, brave, a natural encourager.",
        "self",
        "",
    ),
    (
        "priya",
        "Jamal",
        "he/him",
        "Football, and his younger brother.",
        "Do his FA coaching badge.",
        "Leadership; keeps going when things are hard.",
        "referred",
        "Housing support worker",
    ),
    (
        "priya",
        "Nia",
        "they/them",
        "Writing poetry. Their online writing group.",
        "Share a poem at the library's open evening.",
        "Insightful, funny, good listener.",
        "self",
        "",
    ),
)

DEMO_NOTES = {
    "connectedness": [
        "Came to the Tuesday peer group for the first time and stayed for tea afterwards.",
        "Talked about reconnecting with their sister; they spoke on the phone twice this week.",
        "Joined the walking group; said it felt good to be with people who get it.",
    ],
    "hope": [
        "Spoke about looking forward to the summer and making plans again.",
        "Said this was the first week in a while they felt things could get better.",
        "Noticed how far they've come since spring and were proud of it.",
    ],
    "identity": [
        "Talked about being more than their past: a parent, a friend, a maker.",
        "Shared how it felt to tell a friend about their recovery and be accepted.",
        "Described themselves as 'someone who helps others' for the first time.",
    ],
    "meaning": [
        "Volunteering gives their week a shape; they want to do a second morning.",
        "Talked about what a good day looks like for them, and planned one.",
        "Found their faith community a source of calm this month.",
    ],
    "empowerment": [
        "Made their own phone call to the housing office and got an answer.",
        "Chose to change the plan; we talked through the options and they decided.",
        "Used their strength in organising to plan the week ahead.",
    ],
}


def ensure_demo_accounts() -> dict[str, User]:
    users: dict[str, User] = {}
    for account in DEMO_ACCOUNTS:  # supervisors come first in the tuple
        user, created = User.objects.get_or_create(
            username=account.username,
            defaults={
                "first_name": account.first_name,
                "last_name": account.last_name,
                "email": f"{account.username}@example.org",
                "is_practitioner": "practitioner" in account.roles,
                "is_supervisor": "supervisor" in account.roles,
                "is_org_admin": "admin" in account.roles,
                "is_safeguarding_lead": "safeguarding_lead" in account.roles,
                "is_data_protection_lead": "data_protection_lead" in account.roles,
                "supervisor": users.get(account.supervisor) if account.supervisor else None,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            _note_demo_account(user)
        users[account.username] = user
    return users


def _note_demo_account(user: User) -> None:
    """Demo accounts are made directly, not through the staff service (there is no admin yet to ask or approve):
    their history and the audit trail say so."""
    roles = [field for field in ROLE_FIELDS if getattr(user, field)]
    changes = {"username": [None, user.username], **{role: [False, True] for role in roles}}
    if user.supervisor_id:
        changes["supervisor"] = [None, user.supervisor_id]
    now = timezone.now()
    StaffChange.objects.create(
        account=user,
        kind=StaffChange.Kind.CREATE,
        changes=changes,
        requested_at=now,
        status=StaffChange.Status.APPLIED,
        took_effect_at=now,
        note="made by the demo builder",
    )
    audit.record(
        AuditEvent.Action.CREATE,
        object_type="account",
        object_id=user.pk,
        reason=audit.Reason(
            "demo account {username} made by the demo builder ({roles})",
            username=audit.AboutStaff(user.username),
            roles=audit.AboutStaff(", ".join(user.role_names)),
        ),
    )


def _demo_key(*parts: object) -> uuid.UUID:
    return uuid.uuid5(DEMO_NAMESPACE, "/".join(str(p) for p in parts))


Kind = DirectoryService.Kind
# A small signposting directory (fictional services and numbers), one retired, so the session form, the report's
# "signposted, by kind of service" and the directory page show real shapes.
DEMO_DIRECTORY = (
    ("Riverside Housing Options (fictional)", Kind.HOUSING, "01632 960 201", True),
    ("Exampletown Money Advice (fictional)", Kind.MONEY, "01632 960 202", True),
    ("Talking Space, NHS talking therapies (fictional)", Kind.MENTAL_HEALTH, "01632 960 203", True),
    ("New Leaf drug and alcohol service (fictional)", Kind.DRUG_AND_ALCOHOL, "01632 960 204", True),
    ("Exampletown College adult learning (fictional)", Kind.EMPLOYMENT, "", True),
    ("Thursday recovery café", Kind.PEER_AND_COMMUNITY, "", True),
    ("Riverside walking group", Kind.PEER_AND_COMMUNITY, "", True),
    ("Exampletown Law Centre (fictional)", Kind.LEGAL, "01632 960 205", True),
    ("Riverside Crisis Café (fictional)", Kind.CRISIS, "01632 960 000", True),
    ("St Mark's food bank (fictional)", Kind.OTHER, "", True),
    ("Old Street drop-in (closed, fictional)", Kind.PEER_AND_COMMUNITY, "", False),
)


def ensure_demo_directory() -> list[DirectoryService]:
    """The demo's signposting directory. Returns the services offered, in a fixed order."""
    for name, kind, phone, offered in DEMO_DIRECTORY:
        DirectoryService.objects.get_or_create(
            name=name, defaults={"kind": kind, "phone": phone, "is_active": offered}
        )
    return list(DirectoryService.objects.offered().order_by("pk"))


def ensure_demo_people(users: dict[str, User]) -> int:
    """Create the demo people and their sessions. Returns how many sessions were added now."""
    today = timezone.localdate()
    added = 0
    directory = ensure_demo_directory()
    for index, (who, name, pronouns, matters, goals, strengths, route, referred_by) in enumerate(DEMO_PEOPLE):
        practitioner = users[who]
        person = Person.objects.filter(practitioner=practitioner, preferred_name=name).first()
        if person is None:
            person = services.add_person(
                practitioner=practitioner,
                added_by=practitioner,
                preferred_name=name,
                pronouns=pronouns,
                what_matters=matters,
                strengths=strengths,
                route=route,
                referred_by=referred_by,
                chose_to_take_part=True,
                support_started=today - dt.timedelta(days=200 + 15 * index),
            )
            for number, words in enumerate(split_goals(goals)):
                area = AREAS[(index + number) % len(AREAS)].code
                services.add_goal(person=person, actor=practitioner, in_their_words=words, areas=[area])
        added += _demo_sessions(person, practitioner, index, today, directory)
        _demo_measures(person, practitioner, index)
    return added


# QPR-15 totals (0 to 60) for the first demo people, 12 weeks apart from the start of their support: most improve
# by more than the published threshold (5), one stays about the same, and one finds things harder.
DEMO_QPR_TOTALS = {0: [24, 31, 38], 1: [30, 33, 41], 2: [36, 31, 28], 3: [27, 29], 4: [19, 26, 33]}


def _answers_adding_up_to(total: int, items: int) -> list[int]:
    """Answers 0 to 4 that add up to `total`: the same for every item, the remainder spread over the first."""
    base, extra = divmod(total, items)
    return [base + 1 if i < extra else base for i in range(items)]


def _demo_measures(person: Person, practitioner: User, index: int) -> None:
    """QPR-15 results over time for the first demo people (once: nothing is added if they have any)."""
    totals = DEMO_QPR_TOTALS.get(index)
    measure = Measure.objects.filter(code="qpr-15").first()
    if totals is None or measure is None or person.measures.exists():
        return
    for number, total in enumerate(totals):
        answers = _answers_adding_up_to(total, len(measure.items))
        services.record_measure(
            person=person,
            measure=measure,
            actor=practitioner,
            answers=answers,
            view=View.AGREED if number % 2 else View.OWN,
            occasion=MeasureResponse.Occasion.START if number == 0 else MeasureResponse.Occasion.REVIEW,
            taken_on=person.support_started + dt.timedelta(weeks=12 * number),
        )


def _demo_sessions(
    person: Person, practitioner: User, index: int, today: dt.date, directory: list[DirectoryService] = ()
) -> int:
    rng = random.Random(index)  # noqa: S311 - repeatable demo content, not security
    added = 0
    sessions = 6 + index % 4
    for number in range(sessions):
        days_ago = 7 + (sessions - number - 1) * 18 + index
        when = timezone.make_aware(
            dt.datetime.combine(today - dt.timedelta(days=days_ago), dt.time(10 + index % 6))
        )
        codes = rng.sample([a.code for a in AREAS], k=2 + (number % 2))
        areas = [
            services.AreaEntry(area=c, note=rng.choice(DEMO_NOTES[c]), rating=rng.choice([None, 3, 4, 4, 5]))
            for c in codes
        ]
        # Odd-numbered people have a follow-up that has passed, so the caseload shows overdue ones.
        follow_up = when.date() + dt.timedelta(days=14 if index % 2 == 0 else 5)
        details = services.SessionDetails(
            occurred_at=when,
            duration_minutes=rng.choice([30, 45, 60, 90]),
            mode=rng.choice(list(SupportSession.Mode.values)),
            location=rng.choice(["Café on the high street", "Hub", ""]),
            next_steps="Try the Thursday art group."
            if number % 3 == 0
            else "Keep up the walks; call the college.",
            follow_up_on=follow_up,
            signposted_to="Citizens Advice" if number == 1 else "",
        )
        _, created = services.record_session(
            person=person,
            practitioner=practitioner,
            details=details,
            areas=areas,
            submission_key=_demo_key(person.pk, number),
            signposted_services=_demo_signposts(directory, index, number),
        )
        added += created
    return added


def _demo_signposts(directory: list[DirectoryService], index: int, number: int) -> list[DirectoryService]:
    """About one session in three signposts to a directory service (a fixed choice, so seeding twice agrees)."""
    if not directory or (index + number) % 3:
        return []
    return [directory[(index * 7 + number) % len(directory)]]


def ensure_demo_supervision(users: dict[str, User]) -> None:
    """Jo has reviewed Sam's latest session with feedback and recorded one supervision meeting with Sam."""
    sam, jo = users["sam"], users["jo"]
    latest = SupportSession.objects.filter(practitioner=sam).order_by("-occurred_at", "-pk").first()
    if latest is not None and not SessionReview.objects.filter(session=latest).exists():
        services.review_session(
            session=latest,
            reviewer=jo,
            comment="A lovely strengths-first note, in their own words. Let's talk about the college plan.",
        )
    if not SupervisionRecord.objects.filter(supervisor=jo, practitioner=sam).exists():
        services.record_supervision(
            supervisor=jo,
            practitioner=sam,
            met_on=timezone.localdate() - dt.timedelta(days=10),
            people_discussed=list(Person.objects.filter(practitioner=sam).order_by("pk")[:2]),
            agreed_actions="Sam to take a proper lunch break on group days. Jo to share the housing contacts.",
            wellbeing=SupervisionRecord.Wellbeing.STRETCHED,
            wellbeing_notes="A busy month covering the Tuesday group; protecting time off.",
        )


# ---- Groups and brief contacts ---------------------------------------------------------------------------------------

DEMO_GROUP_NOTES = [
    "We talked about what helps on the hard days, and swapped ideas for the weekend.",
    "A lively one: plans for the summer fair, and a welcome for two new faces.",
    "Quieter week. We shared what we are proud of this month.",
    "Talked about sleep, routines and being kind to ourselves.",
    "Lots of laughter over the quiz; some shared worries about money and where to get advice.",
]


def ensure_demo_groups(users: dict[str, User]) -> int:
    """A weekly recovery café (Sam and Priya, with a volunteer) and a fortnightly walking group (Sam), with four
    months of meetings, named and unnamed attendance and a few personal addenda. Returns meetings added now."""
    sam, priya = users["sam"], users["priya"]
    cafe = _demo_group(
        "Thursday recovery café",
        "A relaxed café morning for anyone in recovery: tea, peer support and a friendly welcome.",
        [sam, priya],
        place="Community centre, Mill Lane",
        time="Thursdays, 10:30 to 12:00",
        volunteers="Chris",
    )
    walkers = _demo_group(
        "Riverside walking group",
        "A gentle walk and talk by the river, every other Saturday morning.",
        [sam],
        place="Meet at the boathouse",
        time="Every other Saturday, 10:00",
    )
    added = 0
    for week in range(17):
        recorder = sam if week % 2 == 0 else priya
        added += _demo_meeting(cafe, recorder, week, days_ago=3 + 7 * week, cafe=True)
    for fortnight in range(8):
        added += _demo_meeting(walkers, sam, fortnight, days_ago=5 + 14 * fortnight, cafe=False)
    _demo_brief_contacts(sam, priya)
    return added


def _demo_group(name: str, purpose: str, facilitators: list[User], **usual: str) -> Group:
    group = Group.objects.filter(name=name).first()
    if group is not None:
        return group
    group = groups.start_group(
        created_by=facilitators[0],
        name=name,
        purpose=purpose,
        facilitators=facilitators,
        usual_place=usual.get("place", ""),
        usual_time=usual.get("time", ""),
        volunteer_facilitators=usual.get("volunteers", ""),
    )
    return group


def _demo_meeting(group: Group, recorder: User, number: int, *, days_ago: int, cafe: bool) -> int:
    key = _demo_key("group", group.name, number)
    if GroupMeeting.objects.filter(submission_key=key).exists():
        return 0
    rng = random.Random(f"{group.name}{number}")  # noqa: S311 - repeatable demo content
    mine = list(Person.objects.filter(practitioner=recorder).order_by("pk"))
    regulars = [
        a.person for a in Attendance.objects.filter(meeting__group=group).named().select_related("person")
    ]
    pool = list({p.pk: p for p in mine + regulars}.values())
    people = rng.sample(pool, k=min(len(pool), rng.randint(3, 6)))
    addenda = (
        {people[0].pk: "Said the café is the one place all week they feel they belong."}
        if number % 5 == 0
        else {}
    )
    when = timezone.make_aware(
        dt.datetime.combine(
            timezone.localdate() - dt.timedelta(days=days_ago), dt.time(10, 30 if cafe else 0)
        )
    )
    areas = [
        "connectedness",
        *rng.sample(["hope", "identity", "meaning", "empowerment"], k=rng.randint(1, 2)),
    ]
    groups.record_group_meeting(
        group=group,
        recorded_by=recorder,
        details=groups.MeetingDetails(
            occurred_at=when,
            duration_minutes=90 if cafe else 75,
            mode="in_person" if cafe else "walk_and_talk",
            areas=areas,
            location=group.usual_place,
            volunteer_facilitators=group.volunteer_facilitators,
            group_note=DEMO_GROUP_NOTES[number % len(DEMO_GROUP_NOTES)],
            anonymous_count=rng.randint(1, 5) if cafe else rng.randint(0, 2),
        ),
        facilitators=[recorder],
        register=groups.Register([groups.Attendee(p, addenda.get(p.pk, "")) for p in people]),
        submission_key=key,
    )
    return 1


DEMO_BRIEF_CONTACTS = (
    ("sam", 2, 10, "Market square outreach", ["connectedness"], "Thursday recovery café"),
    ("sam", 9, 15, "Market square outreach", ["hope", "connectedness"], "Citizens Advice"),
    ("priya", 4, 5, "Library drop-in", ["connectedness"], ""),
    ("priya", 16, 20, "Library drop-in", ["empowerment"], "Food bank"),
    ("sam", 30, 10, "Bus station outreach", ["hope"], "Thursday recovery café"),
    ("sam", 45, 12, "Market square outreach", ["connectedness", "meaning"], ""),
)


def _demo_brief_contacts(sam: User, priya: User) -> None:
    who = {"sam": sam, "priya": priya}
    directory = {service.name: service for service in DirectoryService.objects.offered()}
    for number, (by, days_ago, minutes, where, areas, signposted) in enumerate(DEMO_BRIEF_CONTACTS):
        when = timezone.now() - dt.timedelta(days=days_ago, hours=2)
        # A service in the directory is chosen from it; anything else is typed in as "somewhere else".
        chosen = [directory[signposted]] if signposted in directory else []
        contact, created = groups.record_brief_contact(
            recorded_by=who[by],
            details=groups.ContactDetails(
                occurred_at=when,
                duration_minutes=minutes,
                areas=areas,
                location=where,
                signposted_to="" if chosen else signposted,
            ),
            submission_key=_demo_key("brief contact", number),
            signposted_services=chosen,
        )
        kerry = Person.objects.filter(practitioner=sam, preferred_name="Kerry").first()
        if created and number == 5 and kerry is not None:  # an outreach chat, later linked to Kerry's record
            groups.link_brief_contact(contact=contact, person=kerry, linked_by=sam)
    return None


# ---- Bulk data for benchmarks -------------------------------------------------------------------------------------

HISTORY_TRIGGERS = ("support.SessionArea:area_added_insert", "support.SessionSignpost:signpost_added_insert")


def seed_scale(
    scale: int,
    *,
    people_per_practitioner: int = 50,
    sessions_per_person: int = 20,
    batch_people: int = 500,
    log=print,
    extras: Callable[..., None] | None = None,
) -> dict[str, float]:
    """Bulk-create `scale` practitioners with their caseloads and sessions, streaming batches through COPY.

    Memory stays flat: each batch of people and their sessions is written and forgotten before the next.
    `extras(cursor, person_ids, owners, counts)`, if given, adds more rows about each batch's people in the batch's
    transaction (ethics.demo.seed_scale adds consents and concerns this way; sessions never imports ethics).
    """
    started = time.monotonic()
    supervisors = _scale_supervisors(max(1, scale // 10))
    run = uuid.uuid4().hex[:8]
    practitioners = User.objects.bulk_create(
        User(
            username=f"scale-{run}-p{i}",
            first_name="Practitioner",
            last_name=f"{run}-{i}",
            is_practitioner=True,
            supervisor=supervisors[i % len(supervisors)],
            password=make_password(None),
        )
        for i in range(scale)
    )
    counts = {
        "practitioners": len(practitioners),
        "people": 0,
        "sessions": 0,
        "areas": 0,
        "audit": 0,
        "groups": 0,
        "meetings": 0,
        "attendances": 0,
    }
    pending: list[User] = []
    per_batch = max(1, batch_people // people_per_practitioner)
    for practitioner in practitioners:
        pending.append(practitioner)
        if len(pending) == per_batch:
            _scale_batch(pending, people_per_practitioner, sessions_per_person, counts, extras)
            _scale_groups(pending, counts)
            pending = []
            log(f"  … {counts['sessions']:,} sessions")
    if pending:
        _scale_batch(pending, people_per_practitioner, sessions_per_person, counts, extras)
        _scale_groups(pending, counts)
    _analyse()
    counts["seconds"] = round(time.monotonic() - started, 1)
    return counts


def _analyse() -> None:
    """Fresh planner statistics for the bulk data, and the report's roll-ups rewritten in period order (the load
    wrote them person by person: `rollups.cluster`). Only a table's owner may do either, so this runs as the owner;
    not inside a transaction (a test's), whose rows the owner's connection could not see anyway."""
    if connection.in_atomic_block:
        return
    with dbroles.as_owner(), connection.cursor() as cursor:
        rollups.cluster()
        cursor.execute("ANALYZE")


def _scale_supervisors(count: int) -> list[User]:
    existing = list(User.objects.filter(username__startswith="scale-supervisor-").order_by("pk")[:count])
    for i in range(len(existing), count):
        existing.append(
            User.objects.create(
                username=f"scale-supervisor-{i}",
                first_name="Supervisor",
                last_name=str(i),
                is_supervisor=True,
                password=make_password(None),
            )
        )
    return existing


def _reserve_ids(cursor, sequence_of: str, count: int) -> list[int]:
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [sequence_of, count]
    )
    return [row[0] for row in cursor.fetchall()]


def _scale_batch(
    practitioners: list[User],
    people_each: int,
    sessions_each: int,
    counts: dict,
    extras: Callable[..., None] | None,
) -> None:
    rng = random.Random(practitioners[0].pk)  # noqa: S311 - benchmark filler
    now = timezone.now()
    today = timezone.localdate()
    codes = [a.code for a in AREAS]
    with transaction.atomic(), pgtrigger.ignore(*HISTORY_TRIGGERS), connection.cursor() as cursor:
        cursor.execute("SELECT 1")  # sets pgtrigger.ignore for the rest of this transaction
        person_ids = _reserve_ids(cursor, Person._meta.db_table, len(practitioners) * people_each)
        owners = [p for p in practitioners for _ in range(people_each)]
        raw = cursor.cursor
        with raw.copy(
            f"COPY {Person._meta.db_table} (id, preferred_name, pronouns, phone, email, what_matters, goals, strengths,"
            " support_started, route, referred_by, chose_to_take_part, practitioner_id, created_at, updated_at)"
            " FROM STDIN"
        ) as copy:
            for pid, owner in zip(person_ids, owners, strict=True):
                copy.write_row(
                    (
                        pid,
                        f"Person {pid}",
                        "",
                        "",
                        "",
                        "Their family and their garden.",
                        "",  # goals are in the recovery plan (below)
                        "Determined and kind.",
                        today - dt.timedelta(days=720),
                        "self",
                        "",
                        True,
                        owner.pk,
                        now,
                        now,
                    )
                )
        with raw.copy(
            f"COPY {CaseloadAssignment._meta.db_table} (person_id, practitioner_id, started_at, reason) FROM STDIN"
        ) as copy:
            for pid, owner in zip(person_ids, owners, strict=True):
                copy.write_row((pid, owner.pk, start_of_day(today - dt.timedelta(days=720)), ""))
        session_ids = _reserve_ids(cursor, SupportSession._meta.db_table, len(person_ids) * sessions_each)
        logged: list[
            tuple[int, int, User, dt.datetime]
        ] = []  # (session, person, practitioner, when) for the audit
        areas_written = 0
        with raw.copy(
            f"COPY {SupportSession._meta.db_table} (id, person_id, practitioner_id, occurred_at, duration_minutes, mode,"
            " location, next_steps, follow_up_on, signposted_to, signposting_notes, submission_key, created_at,"
            " updated_at) FROM STDIN"
        ) as copy:
            index = 0
            for pid, owner in zip(person_ids, owners, strict=True):
                for n in range(sessions_each):
                    # Spread each person's sessions over the last two years, oldest first.
                    when = now - dt.timedelta(
                        days=(sessions_each - n) * 700 // sessions_each, hours=rng.randrange(24)
                    )
                    logged.append((session_ids[index], pid, owner, when))
                    copy.write_row(
                        (
                            session_ids[index],
                            pid,
                            owner.pk,
                            when,
                            60,
                            "in_person",
                            "",
                            "Keep going.",
                            when.date() + dt.timedelta(days=14),
                            "Citizens Advice" if index % 20 == 7 else "",  # typed in: one session in twenty
                            "",
                            uuid.uuid4(),
                            now,
                            now,
                        )
                    )
                    index += 1
        with raw.copy(
            f"COPY {SessionArea._meta.db_table} (session_id, area, note, rating) FROM STDIN"
        ) as copy:
            for sid in session_ids:
                for code in rng.sample(codes, k=2):
                    copy.write_row(
                        (sid, code, "Talked about the week and what went well.", rng.choice((None, 3, 4)))
                    )
                    areas_written += 1
        counts["signposts"] = counts.get("signposts", 0) + _scale_signposts(raw, session_ids)
        counts["measures"] = counts.get("measures", 0) + _scale_plans_and_measures(
            cursor, rng, person_ids, owners, sessions_each, now
        )
        counts["audit"] += _scale_audit(cursor, now, list(zip(person_ids, owners, strict=True)), logged)
        if extras is not None:
            extras(cursor, person_ids, owners, counts)
    counts["people"] += len(person_ids)
    counts["sessions"] += len(session_ids)
    counts["areas"] += areas_written


def _scale_signposts(raw, session_ids: list[int]) -> int:
    """One session in five signposts to a service in the (demo) directory. Returns how many links were written."""
    directory = [service.pk for service in ensure_demo_directory()]
    written = 0
    with raw.copy(f"COPY {SessionSignpost._meta.db_table} (session_id, service_id) FROM STDIN") as copy:
        for sid in session_ids[::5]:
            copy.write_row((sid, directory[sid % len(directory)]))
            written += 1
    return written


def _scale_plans_and_measures(
    cursor, rng, person_ids: list[int], owners: list[User], sessions_each: int, now
) -> int:
    """In proportion to the sessions: a plan with two goals each (one step done), and a QPR-15 every 12 weeks
    over the two years of sessions (one for every seven sessions). Returns how many measures were written."""
    raw = cursor.cursor
    today = timezone.localdate()
    plan_ids = _reserve_ids(cursor, RecoveryPlan._meta.db_table, len(person_ids))
    with raw.copy(
        f"COPY {RecoveryPlan._meta.db_table} (id, person_id, review_on, created_at, updated_at) FROM STDIN"
    ) as copy:
        for plan_id, pid in zip(plan_ids, person_ids, strict=True):
            copy.write_row((plan_id, pid, today + dt.timedelta(days=rng.randrange(-30, 90)), now, now))
    codes = [a.code for a in AREAS]
    with raw.copy(
        f"COPY {RecoveryGoal._meta.db_table} (plan_id, in_their_words, areas, created_at, updated_at) FROM STDIN"
    ) as copy:
        for plan_id in plan_ids:
            for words in ("Feel more settled.", "Get out more."):
                copy.write_row((plan_id, words, "{" + rng.choice(codes) + "}", now, now))
    measure = Measure.objects.filter(code="qpr-15").first()
    if measure is None:
        return 0
    each = max(1, sessions_each // 7)
    written = 0
    with raw.copy(
        f"COPY {MeasureResponse._meta.db_table} (person_id, measure_id, occasion, taken_on, view, declined, answers,"
        " total, recorded_by_id, created_at) FROM STDIN"
    ) as copy:
        for pid, owner in zip(person_ids, owners, strict=True):
            total = rng.randrange(15, 40)
            for n in range(each):
                total = max(0, min(60, total + rng.randrange(-4, 9)))
                answers = _answers_adding_up_to(total, len(measure.items))
                taken_on = today - dt.timedelta(days=700 - n * 84)
                occasion = "start" if n == 0 else "review"
                copy.write_row(
                    (
                        pid,
                        measure.pk,
                        occasion,
                        taken_on,
                        "own",
                        False,
                        json.dumps(answers),
                        total,
                        owner.pk,
                        now,
                    )
                )
                written += 1
    return written


def _scale_audit(
    cursor,
    now: dt.datetime,
    people: list[tuple[int, User]],
    sessions: list[tuple[int, int, User, dt.datetime]],
) -> int:
    """The audit rows the app would have written: one per person added and one per session logged.

    Written with COPY but chained exactly as chime.audit.record chains them (same lock, same hash), so
    `manage.py verify_audit_chain` still passes afterwards.
    """
    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [audit._CHAIN_LOCK])
    cursor.execute(f"SELECT hash FROM {AuditEvent._meta.db_table} ORDER BY id DESC LIMIT 1")  # noqa: S608
    last = cursor.fetchone()
    previous = last[0] if last else audit.GENESIS_HASH
    ids = iter(_reserve_ids(cursor, AuditEvent._meta.db_table, len(people) + len(sessions)))
    event = AuditEvent(
        action=AuditEvent.Action.CREATE, outcome=AuditEvent.Outcome.SUCCESS, actor_roles="practitioner"
    )
    columns = (
        "id, at, actor_id, actor_username, actor_roles, action, object_type, object_id, person_id, outcome,"
        " ip_address, request_id, reason, prev_hash, hash"
    )
    events = [(now, owner, Person._meta.label, pid, pid) for pid, owner in people]
    events += [(when, owner, SupportSession._meta.label, sid, pid) for sid, pid, owner, when in sessions]
    with cursor.cursor.copy(f"COPY {AuditEvent._meta.db_table} ({columns}) FROM STDIN") as copy:
        for at, owner, object_type, object_id, person_id in events:
            event.at, event.actor_id, event.actor_username = at, owner.pk, owner.username
            event.object_type, event.object_id, event.person_id = object_type, str(object_id), person_id
            event.prev_hash = previous
            previous = event.compute_hash()
            copy.write_row(
                (
                    next(ids),
                    at,
                    owner.pk,
                    owner.username,
                    event.actor_roles,
                    event.action,
                    object_type,
                    event.object_id,
                    person_id,
                    event.outcome,
                    None,
                    "",
                    "",
                    event.prev_hash,
                    previous,
                )
            )
    return len(events)


SCALE_GROUPS_PER_PRACTITIONER = 2  # 20 groups per 10 practitioners
SCALE_GROUP_WEEKS = 26  # weekly meetings over the last six months


def _scale_groups(practitioners: list[User], counts: dict) -> None:
    """Each practitioner runs two groups that met weekly for six months, 8-15 of their own people named at each
    meeting and 0-4 unnamed. Streamed through COPY in one transaction per batch. (No audit rows for them: the
    benchmark's audit volume comes from people and sessions.)"""
    rng = random.Random(practitioners[0].pk + 1)  # noqa: S311 - benchmark filler
    now = timezone.now()
    codes = [a.code for a in AREAS]
    with transaction.atomic(), connection.cursor() as cursor:
        made = Group.objects.bulk_create(
            Group(name=f"Group {n} of {p.last_name}", purpose="Peer support.", created_by=p)
            for p in practitioners
            for n in range(SCALE_GROUPS_PER_PRACTITIONER)
        )
        owners = [p for p in practitioners for _ in range(SCALE_GROUPS_PER_PRACTITIONER)]
        Group.facilitators.through.objects.bulk_create(
            Group.facilitators.through(group=g, user=p) for g, p in zip(made, owners, strict=True)
        )
        caseloads: dict[int, list[int]] = {}
        for pk, owner in Person.objects.filter(practitioner__in=practitioners).values_list(
            "pk", "practitioner"
        ):
            caseloads.setdefault(owner, []).append(pk)
        meeting_ids = _reserve_ids(cursor, GroupMeeting._meta.db_table, len(made) * SCALE_GROUP_WEEKS)
        raw, ids, attendances = cursor.cursor, iter(meeting_ids), []
        with raw.copy(
            f"COPY {GroupMeeting._meta.db_table} (id, group_id, occurred_at, duration_minutes, mode, location,"
            " volunteer_facilitators, areas, group_note, anonymous_count, recorded_by_id, submission_key,"
            " created_at) FROM STDIN"
        ) as copy:
            for group, owner in zip(made, owners, strict=True):
                for week in range(SCALE_GROUP_WEEKS):
                    mid = next(ids)
                    areas = ["connectedness", *rng.sample(codes[1:], k=1)]
                    copy.write_row(
                        (
                            mid,
                            group.pk,
                            now - dt.timedelta(days=7 * week + 1),
                            90,
                            "in_person",
                            "",
                            "",
                            "{" + ",".join(areas) + "}",
                            "Shared what helped this week.",
                            rng.randint(0, 4),
                            owner.pk,
                            uuid.uuid4(),
                            now,
                        )
                    )
                    people = caseloads.get(owner.pk, [])
                    attendances += [
                        (mid, pid) for pid in rng.sample(people, k=min(len(people), rng.randint(8, 15)))
                    ]
        with raw.copy(
            f"COPY {GroupMeeting.facilitators.through._meta.db_table} (groupmeeting_id, user_id) FROM STDIN"
        ) as copy:
            for mid, owner in zip(
                meeting_ids, [o for o in owners for _ in range(SCALE_GROUP_WEEKS)], strict=True
            ):
                copy.write_row((mid, owner.pk))
        with raw.copy(
            f"COPY {Attendance._meta.db_table} (meeting_id, person_id, addendum) FROM STDIN"
        ) as copy:
            for mid, pid in attendances:
                copy.write_row((mid, pid, ""))
    counts["groups"] += len(made)
    counts["meetings"] += len(meeting_ids)
    counts["attendances"] += len(attendances)
