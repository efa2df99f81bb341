"""Every URL × every role: who gets a page, who is sent to log in, who is refused, and who is told "not found".

The matrix has one entry per URL name. A URL added to the project without an entry here fails
`test_every_url_is_in_the_matrix`, naming the URL. Objects belong to `practitioner` (supervised by `supervisor`),
so for everyone else an object URL must answer 404 exactly as if the object did not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import DirectoryServiceFactory

PERSONAS = {
    "anonymous": None,
    "practitioner": "practitioner",
    "other": "other_practitioner",  # another practitioner, another supervisor
    "supervisor": "supervisor",  # the practitioner's supervisor
    "admin": "admin_user",
    "outsider": "outsider",  # signed in, no role
    "dpl": "data_protection_lead",  # the data protection lead, no other role
    "person": "person_account",  # the person themselves, signed in to their own record: no staff page answers them
}
SKIPPED_NAMESPACES = {"admin"}  # Django's admin has its own login and permissions (tests/ethics/test_admin_*)


@dataclass(frozen=True)
class Redirect:
    to: str  # the start of the Location header

    def __str__(self) -> str:
        return f"302 to {self.to}"


LOGIN = Redirect("/login/?next=")
PERSON_SIGN_IN = Redirect("/me/sign-in/?next=")


def roles(
    *, practitioner, other, supervisor, admin, outsider, dpl, anonymous=LOGIN, person=404
) -> dict[str, object]:
    """What each persona gets. Every persona must be named, so adding a role means deciding for every URL.
    A person signed in to their own record gets 404 from every staff page (chime.accounts.person_sessions)."""
    return {
        "person": person,
        "anonymous": anonymous,
        "practitioner": practitioner,
        "other": other,
        "supervisor": supervisor,
        "admin": admin,
        "outsider": outsider,
        "dpl": dpl,
    }


def everyone(outcome, *, anonymous=LOGIN, person=404) -> dict[str, object]:
    """The same outcome for every signed-in member of staff (a person's own session: 404 unless said)."""
    return roles(
        person=person,
        practitioner=outcome,
        other=outcome,
        supervisor=outcome,
        admin=outcome,
        outsider=outcome,
        dpl=outcome,
        anonymous=anonymous,
    )


@dataclass(frozen=True)
class Row:
    get: dict[str, object]
    post: dict[str, object] | None = None  # None: the view takes no POST
    args: Callable[[SimpleNamespace], list] = field(default=lambda world: [])


OWNER_READS = roles(practitioner=200, other=404, supervisor=200, admin=404, outsider=404, dpl=404)
OWNER_WRITES = roles(
    practitioner=200, other=404, supervisor=403, admin=404, outsider=404, dpl=404
)  # empty form: 200
NOBODY = {"practitioner": 404, "other": 404, "supervisor": 404, "outsider": 404, "dpl": 404}
ADMINS_ONLY = roles(**NOBODY, admin=200)
DPL_ONLY = roles(**{**NOBODY, "dpl": 200}, admin=404)
REVIEWERS = roles(practitioner=404, other=404, supervisor=200, admin=200, outsider=404, dpl=404)
SUPERVISOR_ONLY = roles(**{**NOBODY, "supervisor": 200}, admin=404)
PRACTITIONERS_ONLY = roles(practitioner=200, other=200, supervisor=404, admin=404, outsider=404, dpl=404)
THE_PAIR = roles(practitioner=200, other=404, supervisor=200, admin=404, outsider=404, dpl=404)
CONSENT_READS = roles(practitioner=200, other=404, supervisor=200, admin=200, outsider=404, dpl=404)
CONSENT_WRITES = roles(practitioner=200, other=404, supervisor=403, admin=200, outsider=404, dpl=404)
ONLY_THE_PERSON = everyone(404, anonymous=PERSON_SIGN_IN, person=200)
OPEN_TO_ALL = everyone(200, anonymous=200, person=200)
PERSON = lambda world: [world.person.pk]  # noqa: E731
PRACTITIONER = lambda world: [world.practitioner.pk]  # noqa: E731
SUPERVISION = lambda world: [world.supervision.pk]  # noqa: E731
CONCERN = lambda world: [world.concern.pk]  # noqa: E731
CONSENT = lambda world: [world.consent.pk]  # noqa: E731
DISCLOSURE = lambda world: [world.disclosure.pk]  # noqa: E731
GRANT = lambda world: [world.grant.pk]  # noqa: E731
SEARCH = lambda world: [world.search.pk]  # noqa: E731
ACCESS_REQUEST = lambda world: [world.access_request.pk]  # noqa: E731
ACCESS_PACK = lambda world: [world.access_pack.pk]  # noqa: E731
ERASURE = lambda world: [world.erasure.pk]  # noqa: E731
SESSION = lambda world: [world.session.pk]  # noqa: E731
STAFF_CHANGE = lambda world: [world.staff_change.pk]  # noqa: E731
GOAL = lambda world: [world.goal.pk]  # noqa: E731
STEP = lambda world: [world.step.pk]  # noqa: E731
GROUP = lambda world: [world.group.pk]  # noqa: E731
MEETING = lambda world: [world.meeting.pk]  # noqa: E731
BRIEF_CONTACT = lambda world: [world.brief_contact.pk]  # noqa: E731


def FLAG(world):  # noqa: N802 - beside the other argument makers
    """An open flag on the note of the world's session (issue 12), made when its row is visited."""
    from tests.factories import NoteFlagFactory

    return [NoteFlagFactory(session=world.session).pk]


SERVICE = lambda world: [DirectoryServiceFactory(name="Riverside Housing Options").pk]  # noqa: E731


def CHANGE_REQUEST(world):  # noqa: N802 - an args helper like the others
    from tests.factories import RecordChangeRequestFactory

    return [RecordChangeRequestFactory(person=world.person).pk]


# A group facilitated by the practitioner: its facilitators, their supervisors and admins see it; nobody else.
GROUP_READS = roles(practitioner=200, other=404, supervisor=200, admin=200, outsider=404, dpl=404)

MATRIX: dict[str, Row] = {
    # chime: log in and out, password, the framework page, notifications, the wording hint
    "login": Row(get=everyone(Redirect("/"), anonymous=200), post=everyone(Redirect("/"), anonymous=200)),
    "logout": Row(get=everyone(405), post=everyone(Redirect("/login/"))),
    "password_change": Row(get=everyone(200), post=everyone(200)),
    "password_change_done": Row(get=everyone(200)),
    "framework": Row(get=everyone(200)),
    "notifications": Row(get=everyone(200)),
    "notifications-read": Row(get=everyone(405), post=everyone(Redirect("/notifications/"))),
    "wording-check": Row(get=everyone(405), post=everyone(200)),
    # the health endpoint needs no log-in; no worker ever ran in this world, so it answers "unhealthy" to everyone
    # (tests/chime/test_health.py: 200 when it is healthy, and the details only admins get)
    "health": Row(get=everyone(503, anonymous=503), post=everyone(405, anonymous=405)),
    # Drafts of long forms: only their author ever reaches one. Saving takes the form's signed token (none: 400),
    # signed in or just signed out; the idle warning's button counts as activity.
    "draft-save": Row(get=everyone(405, anonymous=405), post=everyone(400, anonymous=400)),
    "draft-resume": Row(
        get=roles(**{**NOBODY, "practitioner": Redirect("/people/")}, admin=404),
        args=lambda world: [world.draft.pk],
    ),
    "draft-discard": Row(
        get=everyone(405),
        post=roles(**{**NOBODY, "practitioner": Redirect("/")}, admin=404),
        args=lambda world: [world.draft.pk],
    ),
    "stay-signed-in": Row(get=everyone(405, person=405), post=everyone(200, person=200)),  # a person's too
    # sessions: caseloads, people and their sessions
    "home": Row(get=everyone(200)),
    "supervisee-caseload": Row(
        args=lambda world: [world.practitioner.pk],
        get=roles(practitioner=404, other=404, supervisor=200, admin=404, outsider=404, dpl=404),
    ),
    "person-create": Row(
        get=roles(practitioner=200, other=200, supervisor=403, admin=403, outsider=403, dpl=403),
        post=roles(practitioner=200, other=200, supervisor=403, admin=403, outsider=403, dpl=403),
    ),
    "people-import": Row(get=ADMINS_ONLY, post=ADMINS_ONLY),  # POST with no file: the form says so (200)
    "people-import-template": Row(get=ADMINS_ONLY, post=everyone(405)),
    "person-detail": Row(args=PERSON, get=OWNER_READS, post=OWNER_READS),
    "person-edit": Row(args=PERSON, get=OWNER_WRITES, post=OWNER_WRITES),
    "person-group-meetings": Row(args=PERSON, get=OWNER_READS, post=OWNER_READS),
    "person-move": Row(
        args=PERSON,
        get=roles(practitioner=403, other=404, supervisor=200, admin=404, outsider=404, dpl=404),
        post=roles(practitioner=403, other=404, supervisor=200, admin=404, outsider=404, dpl=404),
    ),
    "session-create": Row(args=PERSON, get=OWNER_WRITES, post=OWNER_WRITES),
    "session-detail": Row(args=SESSION, get=OWNER_READS, post=OWNER_READS),
    "session-edit": Row(args=SESSION, get=OWNER_WRITES, post=OWNER_WRITES),
    "session-history": Row(args=SESSION, get=OWNER_READS, post=OWNER_READS),
    # sessions: the person's recovery plan, built with their practitioner (an empty form re-shows: 200)
    "plan-detail": Row(args=PERSON, get=OWNER_READS, post=OWNER_READS),
    "goal-create": Row(args=PERSON, get=OWNER_WRITES, post=OWNER_WRITES),
    "goal-edit": Row(args=GOAL, get=OWNER_WRITES, post=OWNER_WRITES),
    "step-create": Row(args=GOAL, get=OWNER_WRITES, post=OWNER_WRITES),
    "step-edit": Row(args=STEP, get=OWNER_WRITES, post=OWNER_WRITES),
    "measure-create": Row(
        args=lambda world: [world.person.pk, world.measure.pk], get=OWNER_WRITES, post=OWNER_WRITES
    ),
    "plan-review": Row(args=PERSON, get=OWNER_WRITES, post=OWNER_WRITES),
    "plan-review-date": Row(
        args=PERSON,
        get=everyone(405),
        post=roles(
            practitioner=Redirect("/people/"), other=404, supervisor=403, admin=404, outsider=404, dpl=404
        ),
    ),
    # sessions: supervision and insight
    "team-dashboard": Row(get=SUPERVISOR_ONLY, post=SUPERVISOR_ONLY),
    "supervisee-sessions": Row(args=PRACTITIONER, get=SUPERVISOR_ONLY, post=SUPERVISOR_ONLY),
    "session-review": Row(
        args=SESSION,
        get=everyone(405),
        post=roles(
            practitioner=403, other=404, supervisor=Redirect("/sessions/"), admin=404, outsider=404, dpl=404
        ),
    ),
    "feedback": Row(get=PRACTITIONERS_ONLY, post=PRACTITIONERS_ONLY),
    "supervision-records": Row(get=everyone(200), post=everyone(200)),  # each sees only their own
    "supervision-record": Row(args=SUPERVISION, get=THE_PAIR, post=THE_PAIR),
    "supervision-record-create": Row(args=PRACTITIONER, get=SUPERVISOR_ONLY, post=SUPERVISOR_ONLY),
    "organisation-insights": Row(
        get=roles(practitioner=200, other=200, supervisor=200, admin=200, outsider=404, dpl=200),
        post=roles(practitioner=200, other=200, supervisor=200, admin=200, outsider=404, dpl=200),
    ),
    "practitioner-insights": Row(args=PRACTITIONER, get=THE_PAIR, post=THE_PAIR),
    "commissioners-report": Row(get=ADMINS_ONLY, post=ADMINS_ONLY),
    "commissioners-report-csv": Row(get=ADMINS_ONLY, post=ADMINS_ONLY),
    # sessions: groups, their meetings and registers, and brief contacts
    "groups": Row(
        get=roles(practitioner=200, other=200, supervisor=200, admin=200, outsider=404, dpl=404),
        post=roles(practitioner=200, other=200, supervisor=200, admin=200, outsider=404, dpl=404),
    ),
    "group-create": Row(
        get=roles(practitioner=200, other=200, supervisor=403, admin=200, outsider=403, dpl=403),
        post=roles(practitioner=200, other=200, supervisor=403, admin=200, outsider=403, dpl=403),
    ),
    "group-detail": Row(args=GROUP, get=GROUP_READS, post=GROUP_READS),
    "group-edit": Row(
        args=GROUP,
        get=roles(practitioner=200, other=404, supervisor=403, admin=200, outsider=404, dpl=404),
        post=roles(practitioner=200, other=404, supervisor=403, admin=200, outsider=404, dpl=404),
    ),
    "meeting-create": Row(
        args=GROUP,
        get=roles(practitioner=200, other=404, supervisor=403, admin=403, outsider=404, dpl=404),
        post=roles(practitioner=200, other=404, supervisor=403, admin=403, outsider=404, dpl=404),
    ),
    "meeting-detail": Row(args=MEETING, get=GROUP_READS, post=GROUP_READS),
    "brief-contacts": Row(
        get=roles(practitioner=200, other=200, supervisor=200, admin=404, outsider=404, dpl=404),
        post=roles(practitioner=200, other=200, supervisor=200, admin=404, outsider=404, dpl=404),
    ),
    "brief-contact-create": Row(
        get=roles(practitioner=200, other=200, supervisor=403, admin=403, outsider=403, dpl=403),
        post=roles(practitioner=200, other=200, supervisor=403, admin=403, outsider=403, dpl=403),
    ),
    "brief-contact-link": Row(
        args=BRIEF_CONTACT,
        get=roles(practitioner=200, other=404, supervisor=403, admin=404, outsider=404, dpl=404),
        post=roles(practitioner=200, other=404, supervisor=403, admin=404, outsider=404, dpl=404),
    ),
    # ethics: consent records and sharing (admins manage all; practitioners their caseload; supervisors read)
    "person-consents": Row(args=PERSON, get=CONSENT_READS, post=CONSENT_READS),
    "consent-create": Row(args=PERSON, get=CONSENT_WRITES, post=CONSENT_WRITES),
    "share": Row(args=PERSON, get=CONSENT_WRITES, post=CONSENT_WRITES),
    "consent-detail": Row(args=CONSENT, get=CONSENT_READS, post=CONSENT_READS),
    "consent-receipt": Row(args=CONSENT, get=CONSENT_READS, post=CONSENT_READS),
    "consent-renew": Row(args=CONSENT, get=CONSENT_WRITES, post=CONSENT_WRITES),
    "consent-withdraw": Row(args=CONSENT, get=CONSENT_WRITES, post=CONSENT_WRITES),
    "consents-expiring": Row(get=everyone(200), post=everyone(200)),  # each sees only what they may read
    "disclosure-pack": Row(args=DISCLOSURE, get=CONSENT_READS, post=CONSENT_READS),
    "people-directory": Row(get=ADMINS_ONLY, post=ADMINS_ONLY),
    # the signposting directory: organisation data that admins manage (an empty form re-shows: 200)
    "directory": Row(get=ADMINS_ONLY, post=everyone(405)),
    "directory-service-create": Row(get=ADMINS_ONLY, post=ADMINS_ONLY),
    "directory-service-edit": Row(args=SERVICE, get=ADMINS_ONLY, post=ADMINS_ONLY),
    "directory-service-retire": Row(
        args=SERVICE, get=everyone(405), post=roles(**NOBODY, admin=Redirect("/directory/"))
    ),
    "directory-service-offer": Row(
        args=SERVICE, get=everyone(405), post=roles(**NOBODY, admin=Redirect("/directory/"))
    ),
    # ethics: the emergency exception (declared by a practitioner who is none of the personas)
    "emergency-search": Row(
        get=roles(practitioner=200, other=200, supervisor=200, admin=200, outsider=403, dpl=403),
        post=roles(practitioner=200, other=200, supervisor=200, admin=200, outsider=403, dpl=403),
    ),
    # a declaration is its declarer's own (here the practitioner's): for everyone else it does not exist
    "emergency-matches": Row(args=SEARCH, get=roles(**{**NOBODY, "practitioner": 200}, admin=404)),
    "emergency-open": Row(
        args=lambda world: [world.search.pk, world.person.pk],
        get=everyone(405),
        post=roles(**{**NOBODY, "practitioner": Redirect("/people/")}, admin=404),
    ),
    "emergency-reviews": Row(get=REVIEWERS, post=REVIEWERS),
    "emergency-review": Row(args=GRANT, get=REVIEWERS, post=REVIEWERS),
    # ethics: data-subject rights (admins record requests and decide erasures; the data protection lead handles subject
    # access packs; everyone else is told the page does not exist)
    "rights": Row(get=ADMINS_ONLY, post=ADMINS_ONLY),
    "rights-person": Row(args=PERSON, get=ADMINS_ONLY, post=ADMINS_ONLY),
    "person-audit": Row(args=PERSON, get=ADMINS_ONLY, post=ADMINS_ONLY),
    "access-request-create": Row(args=PERSON, get=ADMINS_ONLY, post=ADMINS_ONLY),  # an empty form: 200
    "erasure-request-create": Row(
        args=PERSON, get=everyone(405), post=roles(**NOBODY, admin=Redirect("/rights/erasure/"))
    ),
    "access-requests": Row(get=DPL_ONLY, post=DPL_ONLY),
    # requests to correct or delete: the data protection lead's queue (a GET page), one request (POST: the answer;
    # an empty form answers 200 with its errors), and leading a deletion into the erasure flow
    "change-requests": Row(get=DPL_ONLY, post=everyone(405)),
    "change-request": Row(args=CHANGE_REQUEST, get=DPL_ONLY, post=DPL_ONLY),
    "change-request-erasure": Row(
        args=CHANGE_REQUEST,
        get=everyone(405),
        post=roles(**{**NOBODY, "dpl": Redirect("/rights/changes/")}, admin=404),
    ),
    "access-request": Row(args=ACCESS_REQUEST, get=DPL_ONLY, post=DPL_ONLY),
    "access-request-step": Row(
        args=lambda world: [world.access_request.pk, "gather"],
        get=everyone(405),
        post=roles(**{**NOBODY, "dpl": Redirect("/rights/access/")}, admin=404),
    ),
    "access-pack": Row(args=ACCESS_PACK, get=DPL_ONLY, post=DPL_ONLY),
    "access-pack-download": Row(args=ACCESS_PACK, get=DPL_ONLY, post=DPL_ONLY),
    "erasure-request": Row(args=ERASURE, get=ADMINS_ONLY, post=ADMINS_ONLY),
    "erasure-approve": Row(
        args=ERASURE, get=everyone(405), post=roles(**NOBODY, admin=Redirect("/rights/erasure/"))
    ),
    # ethics: safeguarding (a concern raised by the practitioner about their person)
    "concern-raise": Row(args=PERSON, get=OWNER_READS, post=OWNER_READS),
    "concern-detail": Row(args=CONCERN, get=OWNER_READS, post=OWNER_READS),
    "concern-note": Row(
        args=CONCERN,
        get=roles(
            practitioner=Redirect("/safeguarding/concerns/"),
            other=404,
            supervisor=Redirect("/safeguarding/concerns/"),
            admin=404,
            outsider=404,
            dpl=404,
        ),
        post=OWNER_READS,  # an empty note re-shows the form
    ),
    "concern-step": Row(
        args=lambda world: [world.concern.pk, "acknowledge"],
        get=roles(
            practitioner=403,
            other=404,
            supervisor=Redirect("/safeguarding/concerns/"),
            admin=404,
            outsider=404,
            dpl=404,
        ),
        post=roles(
            practitioner=403,
            other=404,
            supervisor=Redirect("/safeguarding/concerns/"),
            admin=404,
            outsider=404,
            dpl=404,
        ),
    ),
    "concerns-raised": Row(get=everyone(200), post=everyone(200)),  # each sees only the concerns they raised
    "crisis-routes": Row(get=everyone(200), post=everyone(200)),
    "find-concerns": Row(get=everyone(403), post=everyone(403)),  # safeguarding leads only (none of these)
    "safeguarding-queue": Row(
        get=roles(practitioner=403, other=403, supervisor=200, admin=200, outsider=403, dpl=403),
        post=roles(practitioner=403, other=403, supervisor=200, admin=200, outsider=403, dpl=403),
    ),
    # accounts: the second step of logging in (two-factor sign-in is off in this test run: nobody has an app).
    # Enrolling an app needs a session opened by a one-time set-up link, which none of these has.
    "two-factor-setup": Row(get=everyone(403), post=everyone(403)),
    "account-set-up": Row(get=everyone(404, anonymous=404), post=everyone(404, anonymous=404)),
    "backup-codes": Row(get=everyone(200), post=everyone(200)),
    "two-factor-verify": Row(
        get=everyone(Redirect("/account/two-factor/")), post=everyone(Redirect("/account/two-factor/"))
    ),
    # accounts: staff administration (admins only; the practitioner's account is the one changed)
    "staff": Row(get=ADMINS_ONLY),
    "staff-create": Row(get=ADMINS_ONLY, post=ADMINS_ONLY),  # an empty form: 200
    "staff-requests": Row(get=ADMINS_ONLY),
    "staff-account": Row(args=PRACTITIONER, get=ADMINS_ONLY, post=ADMINS_ONLY),
    "staff-request-decide": Row(
        args=STAFF_CHANGE, get=everyone(405), post=roles(**NOBODY, admin=Redirect("/staff/requests/"))
    ),
    "staff-reset-password": Row(
        args=PRACTITIONER, get=everyone(405), post=roles(**NOBODY, admin=Redirect("/staff/"))
    ),
    "staff-reset-two-factor": Row(
        args=PRACTITIONER, get=everyone(405), post=roles(**NOBODY, admin=Redirect("/staff/"))
    ),
    "staff-lift-pause": Row(
        args=PRACTITIONER, get=everyone(405), post=roles(**NOBODY, admin=Redirect("/staff/"))
    ),
    # ethics: online access for the person, the staff side (the person's practitioner changes it)
    "online-access": Row(args=PERSON, get=OWNER_READS, post=OWNER_WRITES),  # an empty form: 200
    "online-access-invite": Row(
        args=PERSON,
        get=everyone(405),
        post=roles(
            practitioner=Redirect("/people/"), other=404, supervisor=403, admin=404, outsider=404, dpl=404
        ),
    ),
    "online-access-turn-off": Row(
        args=PERSON,
        get=everyone(405),
        post=roles(
            practitioner=Redirect("/people/"), other=404, supervisor=403, admin=404, outsider=404, dpl=404
        ),
    ),
    "session-withhold": Row(args=SESSION, get=OWNER_WRITES, post=OWNER_WRITES),
    # the practitioner answers a person's flag on a note (issue 12); the supervisor reads it but does not answer
    "answer-flag": Row(args=FLAG, get=OWNER_WRITES, post=OWNER_WRITES),
    "session-release": Row(
        args=SESSION,
        get=everyone(405),
        post=roles(
            practitioner=Redirect("/sessions/"), other=404, supervisor=403, admin=404, outsider=404, dpl=404
        ),
    ),
    # ethics: the person's own view. Only the person's session opens it (their own record: 200); every member of
    # staff gets 404; the sign-in pages are open to all. Anyone else's session answers the person 404
    # (tests/ethics/test_own_record.py).
    "me-home": Row(get=ONLY_THE_PERSON, post=ONLY_THE_PERSON),
    "me-session": Row(args=SESSION, get=ONLY_THE_PERSON, post=ONLY_THE_PERSON),
    "me-seen": Row(get=ONLY_THE_PERSON, post=ONLY_THE_PERSON),
    "me-consents": Row(get=ONLY_THE_PERSON, post=ONLY_THE_PERSON),
    "me-copy": Row(  # POST: a request for a copy, then back to the page that shows it
        get=ONLY_THE_PERSON, post=everyone(404, anonymous=PERSON_SIGN_IN, person=Redirect("/me/copy/"))
    ),
    # asking to correct or delete something: an empty form answers the person 200 with its errors
    "me-correct": Row(get=ONLY_THE_PERSON, post=ONLY_THE_PERSON),
    "me-delete": Row(get=ONLY_THE_PERSON, post=ONLY_THE_PERSON),
    # the world's consent is the person's own: POST withdraws it and goes back to the list
    "me-consent": Row(
        args=CONSENT,
        get=ONLY_THE_PERSON,
        post=everyone(404, anonymous=PERSON_SIGN_IN, person=Redirect("/me/consents/")),
    ),
    "me-turn-off": Row(get=ONLY_THE_PERSON, post=ONLY_THE_PERSON),  # POST: turned off, and told so (200)
    # two voices on every session (issue 12): an empty form answers 200 with its message beside the field
    "me-my-words": Row(args=SESSION, get=ONLY_THE_PERSON, post=ONLY_THE_PERSON),
    "me-flag-note": Row(args=SESSION, get=ONLY_THE_PERSON, post=ONLY_THE_PERSON),
    "me-close-flag": Row(
        args=FLAG,
        get=everyone(404, anonymous=PERSON_SIGN_IN, person=405),
        post=everyone(404, anonymous=PERSON_SIGN_IN, person=Redirect("/me/sessions/")),
    ),
    "me-start": Row(get=OPEN_TO_ALL, post=OPEN_TO_ALL),  # an empty code: the form again
    "me-sign-in": Row(get=OPEN_TO_ALL, post=OPEN_TO_ALL),  # an empty address: the form again
    "me-link": Row(
        get=OPEN_TO_ALL,
        post=everyone(
            Redirect("/me/sign-in/"), anonymous=Redirect("/me/sign-in/"), person=Redirect("/me/sign-in/")
        ),
    ),
    "me-sign-out": Row(
        get=everyone(404, anonymous=PERSON_SIGN_IN, person=405),
        post=everyone(404, anonymous=PERSON_SIGN_IN, person=Redirect("/me/signed-out/")),
    ),
    "me-signed-out": Row(get=OPEN_TO_ALL),
    # The person's own check-ins, goals and questionnaires (ethics.views.my_checkins, my_plan): an empty form is the
    # form again (200); the world's goal and step are the person's own; the world's QPR-15 is due for them (start).
    "me-check-in": Row(get=ONLY_THE_PERSON, post=ONLY_THE_PERSON),
    "me-questionnaire": Row(args=lambda world: [world.measure.pk], get=ONLY_THE_PERSON, post=ONLY_THE_PERSON),
    "me-plan": Row(get=ONLY_THE_PERSON, post=everyone(404, anonymous=PERSON_SIGN_IN, person=405)),
    "me-goal-create": Row(get=ONLY_THE_PERSON, post=ONLY_THE_PERSON),
    "me-goal-edit": Row(args=GOAL, get=ONLY_THE_PERSON, post=ONLY_THE_PERSON),
    "me-step-create": Row(args=GOAL, get=ONLY_THE_PERSON, post=ONLY_THE_PERSON),
    "me-step-done": Row(
        args=STEP,
        get=everyone(404, anonymous=PERSON_SIGN_IN, person=405),
        post=everyone(404, anonymous=PERSON_SIGN_IN, person=Redirect("/me/plan/")),
    ),
    # passkeys (ethics/views/passkeys.py): setting one up is the person's alone; signing in with one is open to all,
    # and a request that is not a passkey's answer is refused (403). The world's passkey is another person's: 404
    # (removing their own: tests/ethics/test_passkeys.py).
    "me-passkeys": Row(get=ONLY_THE_PERSON, post=everyone(404, anonymous=PERSON_SIGN_IN, person=405)),
    "me-passkey-remove": Row(
        args=lambda world: [_someone_elses_passkey(world)],
        get=everyone(404, anonymous=PERSON_SIGN_IN, person=405),
        post=everyone(404, anonymous=PERSON_SIGN_IN, person=404),
    ),
    "otp_webauthn:credential-registration-begin": Row(
        get=everyone(404, anonymous=PERSON_SIGN_IN, person=405),
        post=everyone(404, anonymous=PERSON_SIGN_IN, person=200),  # the challenge, for the person only
    ),
    "otp_webauthn:credential-registration-complete": Row(
        get=everyone(404, anonymous=PERSON_SIGN_IN, person=405),
        post=everyone(404, anonymous=PERSON_SIGN_IN, person=400),  # no challenge was asked for
    ),
    "otp_webauthn:credential-authentication-begin": Row(
        get=everyone(405, anonymous=405, person=405), post=OPEN_TO_ALL
    ),
    "otp_webauthn:credential-authentication-complete": Row(
        get=everyone(405, anonymous=405, person=405), post=everyone(403, anonymous=403, person=403)
    ),
    "otp_webauthn:js-i18n-catalog": Row(get=OPEN_TO_ALL, post=everyone(405, anonymous=405, person=405)),
}


def _someone_elses_passkey(world) -> int:
    """A passkey of another person supported, with their own online access."""
    from django_otp_webauthn.models import WebAuthnCredential

    from ethics.services.online_access import offer_online_access
    from tests.factories import PersonFactory

    someone = PersonFactory(practitioner=world.practitioner)
    account = offer_online_access(person=someone, offered_by=world.practitioner, how_given="spoken").account
    return WebAuthnCredential.objects.create(user=account, credential_id=b"another", public_key=b"key").pk


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in SKIPPED_NAMESPACES:
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            yield (
                (f"{namespace}{pattern.name}" if pattern.name else None),
                prefix + str(pattern.pattern),
                pattern,
            )


def test_every_url_is_in_the_matrix():
    routes = list(_walk(get_resolver().url_patterns))
    unnamed = [route for name, route, _ in routes if name is None]
    missing = sorted(f"{name} (/{route})" for name, route, _ in routes if name and name not in MATRIX)
    assert not unnamed, f"Give these URL patterns a name and add them to MATRIX: {unnamed}"
    assert not missing, f"Add these URLs to MATRIX in tests/ethics/test_url_matrix.py: {missing}"


def test_the_matrix_names_no_url_that_is_gone():
    names = {name for name, _, _ in _walk(get_resolver().url_patterns)}
    assert sorted(set(MATRIX) - names) == []


def test_urls_carry_only_numeric_ids_never_names_or_other_personal_details():
    for name, _, pattern in _walk(get_resolver().url_patterns):
        converters = getattr(pattern.pattern, "converters", {})
        kinds = {
            type(c).__name__ for param, c in converters.items() if param != "step"
        }  # a workflow step's name
        assert kinds <= {"IntConverter"}, f"{name} takes {kinds}: use numeric ids in URLs"


CASES = [
    pytest.param(name, method, persona, id=f"{name}-{method}-{persona}")
    for name, row in MATRIX.items()
    for method, expected in (("GET", row.get), ("POST", row.post))
    if expected is not None
    for persona in PERSONAS
]


@pytest.mark.parametrize(("name", "method", "persona"), CASES)
def test_url_answers_each_persona_as_the_matrix_says(request, world, name, method, persona):
    row = MATRIX[name]
    expected = (row.get if method == "GET" else row.post)[persona]
    url = reverse(name, args=row.args(world))
    client = Client()
    if PERSONAS[persona]:
        client.force_login(request.getfixturevalue(PERSONAS[persona]))
    response = client.get(url) if method == "GET" else client.post(url, {})
    if isinstance(expected, Redirect):
        assert (response.status_code, response.get("Location", "")[: len(expected.to)]) == (302, expected.to)
    else:
        assert response.status_code == expected, f"{method} {url} as {persona}"
