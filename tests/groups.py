"""Group work for tests: a group, a meeting with its register, a brief contact, made through the services."""

from __future__ import annotations

import datetime as dt
import uuid

from django.utils import timezone

from sessions import groups


def group_of(*facilitators, name: str = "Thursday recovery café"):
    return groups.start_group(
        created_by=facilitators[0],
        name=name,
        purpose="A friendly space to meet people in recovery.",
        facilitators=list(facilitators),
        usual_place="Community centre",
        usual_time="Thursdays, 10:30 to 12:00",
    )


def meeting_of(
    group, recorded_by, people, *, addenda=None, anonymous: int = 0, note: str = "", days_ago: int = 2
):
    addenda = addenda or {}
    meeting, _ = groups.record_group_meeting(
        group=group,
        recorded_by=recorded_by,
        details=groups.MeetingDetails(
            occurred_at=timezone.now() - dt.timedelta(days=days_ago),
            duration_minutes=90,
            mode="in_person",
            areas=["connectedness", "hope"],
            group_note=note or "Talked about getting through the winter together.",
            anonymous_count=anonymous,
        ),
        facilitators=[recorded_by],
        register=groups.Register([groups.Attendee(p, addenda.get(p.pk, "")) for p in people]),
        submission_key=uuid.uuid4(),
    )
    return meeting


def brief_contact(recorded_by, *, location: str = "Market square outreach", signposted_to: str = ""):
    contact, _ = groups.record_brief_contact(
        recorded_by=recorded_by,
        details=groups.ContactDetails(
            occurred_at=timezone.now() - dt.timedelta(days=1),
            duration_minutes=10,
            areas=["connectedness"],
            location=location,
            signposted_to=signposted_to,
        ),
        submission_key=uuid.uuid4(),
    )
    return contact
