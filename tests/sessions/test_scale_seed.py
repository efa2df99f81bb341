"""The bulk generator behind `seed_demo --scale`: its audit rows join the chain exactly as the app's do."""

from __future__ import annotations

from chime import audit
from chime.models import AuditEvent
from sessions import demo
from sessions.models import Person, SupportSession


def test_bulk_audit_rows_keep_the_hash_chain_intact(db, practitioner):
    audit.record(AuditEvent.Action.VIEW, object_type="caseload", object_id=1, actor=practitioner)  # before
    counts = demo.seed_scale(2, people_per_practitioner=3, sessions_per_person=4, log=lambda *_: None)
    audit.record(AuditEvent.Action.VIEW, object_type="caseload", object_id=2, actor=practitioner)  # after
    assert (counts["people"], counts["sessions"], counts["audit"]) == (6, 24, 30)
    assert Person.objects.count() == 6 and SupportSession.objects.count() == 24
    report = audit.verify_chain()
    assert report.ok and report.checked == 32


def test_the_demo_has_a_review_and_a_supervision_record_and_seeding_twice_adds_nothing(db):
    from sessions.models import SessionReview, SupervisionRecord

    for _ in range(2):
        users = demo.ensure_demo_accounts()
        demo.ensure_demo_people(users)
        demo.ensure_demo_supervision(users)
    assert SessionReview.objects.exclude(comment="").count() == 1
    assert SupervisionRecord.objects.count() == 1


def test_bulk_data_includes_consents_and_concerns_that_the_app_can_use(db, practitioner):
    from ethics import demo as ethics_demo
    from ethics.models import Concern, Consent

    counts = ethics_demo.seed_scale(2, people_per_practitioner=50, sessions_per_person=1, log=lambda *_: None)
    assert counts["consents"] == Consent.objects.count() == 34  # every third of the 100 people
    assert counts["concerns"] == Concern.objects.count() >= 1
    assert Consent.objects.active().count() == counts["consents"]
    assert Consent.objects.expiring().exists()  # some end within the month, for the renewal list
    concern = Concern.objects.open().first()
    assert concern.events.get().to_state == "raised"


def test_bulk_data_has_plans_and_qpr15_results_in_proportion(db, practitioner):
    from sessions.models import MeasureResponse, RecoveryGoal, RecoveryPlan
    from tests.factories import qpr15_measure

    measure = qpr15_measure()
    counts = demo.seed_scale(2, people_per_practitioner=3, sessions_per_person=14, log=lambda *_: None)
    assert RecoveryPlan.objects.count() == 6 and RecoveryGoal.objects.count() == 12
    assert counts["measures"] == MeasureResponse.objects.count() == 12  # one for every seven sessions
    response = MeasureResponse.objects.first()
    assert measure.score(response.answers) == response.total  # the stored total is what scoring gives
    assert not Person.objects.exclude(goals="").exists()  # goals live in the plans


def test_bulk_data_adds_groups_with_weekly_meetings_of_named_and_unnamed_people(db, practitioner):
    from sessions.models import Attendance, Group, GroupMeeting

    counts = demo.seed_scale(2, people_per_practitioner=20, sessions_per_person=1, log=lambda *_: None)
    assert (counts["groups"], counts["meetings"]) == (4, 4 * demo.SCALE_GROUP_WEEKS)
    assert Group.objects.count() == 4 and GroupMeeting.objects.count() == counts["meetings"]
    assert Attendance.objects.count() == counts["attendances"]
    meeting = GroupMeeting.objects.with_counts().first()
    assert 8 <= meeting.named_count <= 15
    facilitator = Group.objects.first().facilitators.get()
    assert set(
        Attendance.objects.filter(meeting__group__facilitators=facilitator).values_list(
            "person__practitioner", flat=True
        )
    ) == {facilitator.pk}


def test_the_demo_has_a_recovery_cafe_and_a_walking_group_and_seeding_twice_adds_nothing(db):
    from sessions.models import BriefContact, GroupMeeting

    for _ in range(2):
        users = demo.ensure_demo_accounts()
        demo.ensure_demo_people(users)
        demo.ensure_demo_groups(users)
    meetings = GroupMeeting.objects.with_counts()
    assert sorted(set(meetings.values_list("group__name", flat=True))) == [
        "Riverside walking group",
        "Thursday recovery café",
    ]
    assert meetings.count() == 25
    assert all(m.named_count >= 3 for m in meetings)
    assert sum(m.anonymous_count for m in meetings) > 0
    assert BriefContact.objects.count() == 6
    assert BriefContact.objects.filter(person__preferred_name="Kerry").count() == 1
