"""Who may see and act on confidential ethics records. Views fetch them only through here.

As in sessions.access, a record the user may not see is answered exactly like one that does not exist (404), and
a user who may read a record but not act on it gets a 403.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from ethics import audit
from ethics.models import AuditEvent, Concern
from ethics.models.safeguarding import ConcernQuerySet

if TYPE_CHECKING:
    from chime.models import User
    from sessions.models import Person


# ---- Safeguarding ---------------------------------------------------------------------------------------------
#
# A concern is visible to: whoever raised it; the person's practitioner; the supervisor of either of them; every
# safeguarding lead; and the admins once it has been escalated to them. Those who may respond to it (acknowledge,
# plan, refer, decide, close) are the supervisors, the leads, and the admins once escalated to them.

NOTHING = Q(pk__in=[])
EVERYTHING = Q(pk__isnull=False)  # not Q(): an empty Q vanishes when OR-ed with another


def _responders_condition(user: User) -> Q:
    if user.is_safeguarding_lead:
        return EVERYTHING
    supervises = Q(person__practitioner__supervisor=user) | Q(raised_by__supervisor=user)
    condition = supervises if user.is_supervisor else NOTHING
    if user.is_org_admin:
        condition |= Q(escalation_level__gte=Concern.Escalation.ADMINS)
    return condition


def concerns_visible_to(user: User) -> ConcernQuerySet:
    if not user.is_authenticated or not user.is_active:
        return Concern.objects.none()
    involved = Q(raised_by=user) | Q(person__practitioner=user)
    return Concern.objects.filter(involved | _responders_condition(user))


def concerns_to_respond_to(user: User) -> ConcernQuerySet:
    """The queue: open concerns this user is one of the responders for."""
    if not may_see_queue(user):
        return Concern.objects.none()
    return Concern.objects.open().filter(_responders_condition(user))


def may_see_queue(user: User) -> bool:
    return user.is_active and (user.is_supervisor or user.is_safeguarding_lead or user.is_org_admin)


def can_respond(user: User, concern: Concern) -> bool:
    """Whether `user` may move this concern along its workflow. Mirrors _responders_condition."""
    if user.is_safeguarding_lead:
        return True
    if user.is_org_admin and concern.escalation_level >= Concern.Escalation.ADMINS:
        return True
    supervisors = {concern.person.practitioner.supervisor_id, concern.raised_by.supervisor_id}
    return user.is_supervisor and user.pk in supervisors


def can_sign_off(user: User, concern: Concern) -> bool:
    """Closing needs a responder who is not the person who raised the concern."""
    return can_respond(user, concern) and concern.raised_by_id != user.pk


def get_concern_for(user: User, pk: int, *, respond: bool = False) -> Concern:
    """The concern with this id, if `user` may see it (and, with respond=True, act on it). Audited."""
    concern = (
        concerns_visible_to(user)
        .select_related("person", "person__practitioner", "raised_by", "urgency", "session")
        .filter(pk=pk)
        .first()
    )
    if concern is None:
        person_id = Concern.objects.filter(pk=pk).values_list("person_id", flat=True).first()
        _refuse(pk, person_id=person_id, reason="not visible to this user")
        raise Http404("No such concern.")
    if respond and not can_respond(user, concern):
        _refuse(pk, person_id=concern.person_id, reason="may read but not respond")
        raise PermissionDenied("Only a supervisor or a safeguarding lead can respond to a concern.")
    if not respond:
        audit.record(AuditEvent.Action.VIEW, obj=concern, person_id=concern.person_id)
    return concern


def open_concerns_about(user: User, person: Person) -> list[Concern]:
    """The open concerns about this person that the user may see: the flag on the person's page. One query."""
    return list(
        concerns_visible_to(user).open().filter(person=person).select_related("urgency").order_by("pk")
    )


def _refuse(pk: int, *, person_id: int | None, reason: str) -> None:
    audit.record(
        AuditEvent.Action.DENIED,
        object_type=Concern._meta.label,
        object_id=pk,
        person_id=person_id,
        outcome=AuditEvent.Outcome.DENIED,
        reason=reason,
    )
