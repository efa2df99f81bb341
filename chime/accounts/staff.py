"""Every change to a staff account goes through here: who asked, what changed from what to what, who approved it.

Changes that only close access (removing a role, deactivating, a name or email address) take effect at once.
Changes that open records or concerns (the supervisor, safeguarding lead, admin and data protection lead roles,
a practitioner's supervisor, re-activating an account) are requests that a second admin approves. Nobody changes
their own roles, supervisor or whether their account is active. Each step writes a hash-chained audit row.

`check_second_person` is the one place that decides whether someone counts as a second person: the staff-change
approvals here, erasure approval and emergency-access review all use it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from django.db import transaction
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone

from chime import audit
from chime.accounts import services as account_services
from chime.accounts import set_up
from chime.audit import AboutStaff, Reason
from chime.errors import RuleBroken
from chime.models import ROLE_FIELDS, AuditEvent, SetUpLink, StaffChange, User
from chime.services import notify

# Roles that open someone's records or concerns: granting one needs a second admin.
OPENING_ROLES = ("is_supervisor", "is_safeguarding_lead", "is_org_admin", "is_data_protection_lead")
DETAIL_FIELDS = ("first_name", "last_name", "display_name", "email")
ROLE_NAMES = {
    "is_practitioner": "practitioner",
    "is_supervisor": "supervisor",
    "is_safeguarding_lead": "safeguarding lead",
    "is_org_admin": "admin",
    "is_data_protection_lead": "data protection lead",
}
CHANGEABLE = (*ROLE_FIELDS, "supervisor", "is_active", *DETAIL_FIELDS)


class StaffError(RuleBroken):
    """A staff-account rule was broken (who may ask, who may approve, what may change)."""


# ---- The two-person rule ----------------------------------------------------------------------------------------


def check_second_person(
    *,
    approver: User,
    requester: User | None,
    requested_at: dt.datetime,
    roles: Iterable[str] = ("is_org_admin",),
    about: Model | None = None,
    person_id: int | None = None,
) -> None:
    """Refuse (audited, then StaffError) unless `approver` is truly a second person for this request.

    They must not be the requester; they must have held one of `roles` since before `requested_at`; and the
    requester must never have made their account or changed its roles (so a second account that one person
    set up for themselves never counts). Call it outside the transaction that acts, so a refusal stays audited."""
    problem = _second_person_problem(approver, requester, requested_at, tuple(roles))
    if problem is None:
        return
    code, message = problem
    audit.record(
        AuditEvent.Action.DENIED,
        obj=about,
        person_id=person_id,
        outcome=AuditEvent.Outcome.DENIED,
        actor=approver,
        reason=Reason(
            "second-person rule ({code}): requested by {requester}",
            code=AboutStaff(code),
            requester=AboutStaff(requester.username if requester else "Chime"),
        ),
    )
    raise StaffError(code, message)


def _second_person_problem(
    approver: User, requester: User | None, requested_at: dt.datetime, roles: tuple[str, ...]
) -> tuple[str, str] | None:
    if requester is not None and approver.pk == requester.pk:
        return "same_person", "Someone other than the person who asked must approve this."
    held = [role for role in roles if getattr(approver, role)]
    if not (approver.is_active and held):
        return "no_role", "Only someone with the right role can approve this."
    if min(role_held_since(approver, role) for role in held) >= requested_at:
        return "role_too_new", "You were given your role after this was asked for, so you cannot approve it."
    if requester is not None and _set_up_by(approver, requester):
        return (
            "set_up_by_requester",
            "The person who asked made your account or changed its roles, so you cannot approve it.",
        )
    return None


def role_held_since(account: User, role: str) -> dt.datetime:
    """When `account` last gained `role`. An account with no recorded grant has held it since it joined."""
    grants = [
        change.took_effect_at
        for change in StaffChange.objects.in_effect().filter(account=account, changes__has_key=role)
        if change.grants(role)
    ]
    return max(grants, default=account.date_joined)


def _set_up_by(account: User, requester: User) -> bool:
    changes = StaffChange.objects.in_effect().filter(account=account)
    by_requester = changes.filter(requested_by=requester) | changes.filter(decided_by=requester)
    return any(change.touches_roles for change in by_requester)


# ---- Creating an account and changing one ------------------------------------------------------------------------


def create_staff_account(
    *,
    by: User,
    username: str,
    email: str,
    first_name: str = "",
    last_name: str = "",
    display_name: str = "",
    roles: Iterable[str] = (),
    supervisor: User | None = None,
) -> User:
    """Make an account with no usable password and email its owner a one-time set-up link.

    Roles that open records, and a practitioner's first supervisor, become a request for a second admin."""
    _require_admin(by)
    if User.objects.filter(username__iexact=username).exists():
        raise StaffError("username_taken", "That username is already in use.")
    if not email:
        raise StaffError("no_email", "An email address is needed to send the set-up link.")
    return _create(
        by=by,
        details={
            "username": username,
            "email": email,
            "first_name": first_name,
            "last_name": last_name,
            "display_name": display_name,
        },
        wanted={role: True for role in roles} | ({"supervisor": supervisor.pk} if supervisor else {}),
    )


@transaction.atomic
def _create(*, by: User, details: dict[str, str], wanted: dict[str, object]) -> User:
    account = User(**details)
    account.set_unusable_password()
    account.save()
    now = timezone.now()
    immediate, requested = _split(account, _differences(account, wanted))
    _validate(account, {**immediate, **requested})
    _apply(account, immediate)
    created = StaffChange.objects.create(
        account=account,
        kind=StaffChange.Kind.CREATE,
        changes={"username": [None, account.username], **immediate},
        requested_by=by,
        requested_at=now,
        status=StaffChange.Status.APPLIED,
        took_effect_at=now,
    )
    _audit(
        AuditEvent.Action.CREATE,
        account,
        by,
        Reason("account created ({what})", what=AboutStaff(_describe(created.changes))),
    )
    set_up.issue_link(account=account, by=by, purpose=SetUpLink.Purpose.NEW_ACCOUNT)
    if requested:
        _request(account, by, requested, now)
    return account


FOUNDING_ADMINS = 2


@transaction.atomic
def create_founding_admin(*, username: str, email: str, first_name: str = "", last_name: str = "") -> User:
    """A new organisation's first two admins, made on the server (`manage.py create_founding_admin`), since every
    later admin needs a second one to approve it. Refused once the organisation has two active admins."""
    if User.objects.admins().count() >= FOUNDING_ADMINS:
        raise StaffError(
            "has_admins",
            "This organisation has its admins: new ones are asked for and approved on the staff pages.",
        )
    if User.objects.filter(username__iexact=username).exists():
        raise StaffError("username_taken", "That username is already in use.")
    account = User(
        username=username, email=email, first_name=first_name, last_name=last_name, is_org_admin=True
    )
    account.set_unusable_password()
    account.save()
    now = timezone.now()
    StaffChange.objects.create(
        account=account,
        kind=StaffChange.Kind.CREATE,
        changes={"username": [None, username], "is_org_admin": [False, True]},
        requested_at=now,
        status=StaffChange.Status.APPLIED,
        took_effect_at=now,
        note="founding admin, made on the server",
    )
    _audit(
        AuditEvent.Action.CREATE,
        account,
        None,
        Reason("founding admin {username} made on the server", username=AboutStaff(username)),
    )
    set_up.issue_link(account=account, by=None, purpose=SetUpLink.Purpose.NEW_ACCOUNT)
    return account


def change_staff_account(*, by: User, account: User, **wanted: object) -> list[StaffChange]:
    """Change roles, supervisor (an account id or None), whether the account is active, name or email.

    What only closes access is applied now; what opens records waits for a second admin. Returns the changes
    made (applied and/or requested). Refuses, audited, any change to one's own roles, supervisor or activity."""
    unknown = set(wanted) - set(CHANGEABLE)
    if unknown:
        raise ValueError(f"Not a staff account field: {sorted(unknown)}")
    _require_admin(by)
    account = User.objects.get(pk=account.pk)  # compare with what is saved, not a copy the caller holds
    differences = _differences(account, wanted)
    if by.pk == account.pk and set(differences) - set(DETAIL_FIELDS):
        _audit_denial(account, by, "own_account", sorted(set(differences) - set(DETAIL_FIELDS)))
        raise StaffError(
            "own_account", "You cannot change your own roles, supervisor or whether you are active."
        )
    if not differences:
        raise StaffError("no_change", "Nothing was changed.")
    return _change(by=by, account=account, differences=differences)


@transaction.atomic
def _change(*, by: User, account: User, differences: dict[str, list]) -> list[StaffChange]:
    account = User.objects.select_for_update().get(pk=account.pk)
    immediate, requested = _split(account, differences)
    _validate(account, differences)
    _refuse_duplicate_request(account, requested)
    now = timezone.now()
    made = []
    if immediate:
        made.append(_apply_now(account, by, immediate, now))
    if requested:
        made.append(_request(account, by, requested, now))
    return made


def deactivate_staff_account(*, by: User, account: User) -> StaffChange:
    """Close an account at once and sign it out everywhere."""
    return change_staff_account(by=by, account=account, is_active=False)[0]


def _differences(account: User, wanted: Mapping[str, object]) -> dict[str, list]:
    current = {field: _value(account, field) for field in wanted}
    return {field: [current[field], value] for field, value in wanted.items() if current[field] != value}


def _value(account: User, field: str) -> object:
    return account.supervisor_id if field == "supervisor" else getattr(account, field)


def _split(account: User, differences: dict[str, list]) -> tuple[dict[str, list], dict[str, list]]:
    """Divide changes into those that only close access (now) and those that open it (a request)."""
    requested = {field: change for field, change in differences.items() if _opens_access(field, change)}
    if "supervisor" in requested and "is_practitioner" in differences:
        requested["is_practitioner"] = differences["is_practitioner"]  # the role waits for its supervisor
    immediate = {field: change for field, change in differences.items() if field not in requested}
    return immediate, requested


def _opens_access(field: str, change: list) -> bool:
    if field in OPENING_ROLES or field == "is_active":
        return change[1] is True
    if field == "email":
        return True  # set-up and reset links go there: one admin alone must not point them at themselves
    return field == "supervisor" and change[1] is not None


def _validate(account: User, differences: dict[str, list]) -> None:
    after = {field: _value(account, field) for field in ("is_practitioner", "supervisor")}
    after |= {field: change[1] for field, change in differences.items() if field in after}
    if after["is_practitioner"] and after["supervisor"] is None:
        raise StaffError("needs_supervisor", "Every practitioner needs a supervisor.")
    if "supervisor" in differences and after["supervisor"] is not None:
        _check_supervisor(account, after["supervisor"])


def _check_supervisor(account: User, supervisor_id: int) -> None:
    if supervisor_id == account.pk:
        raise StaffError("supervises_self", "Someone cannot supervise themselves.")
    if not User.objects.supervisors().filter(pk=supervisor_id).exists():
        raise StaffError("not_a_supervisor", "Choose someone who has the supervisor role.")


def _refuse_duplicate_request(account: User, requested: dict[str, list]) -> None:
    for waiting in StaffChange.objects.awaiting().filter(account=account):
        if set(waiting.changes) & set(requested):
            raise StaffError(
                "already_requested",
                "A change to this is already waiting for approval: decide that one first.",
            )


def _apply(account: User, changes: dict[str, list]) -> None:
    for field, (_, value) in changes.items():
        setattr(account, "supervisor_id" if field == "supervisor" else field, value)
    if changes:
        account.save(update_fields=["supervisor" if field == "supervisor" else field for field in changes])


def _apply_now(account: User, by: User, immediate: dict[str, list], now: dt.datetime) -> StaffChange:
    _apply(account, immediate)
    kept = {
        field: ([None, None] if field in DETAIL_FIELDS else change) for field, change in immediate.items()
    }
    change = StaffChange.objects.create(
        account=account,
        changes=kept,
        requested_by=by,
        requested_at=now,
        status=StaffChange.Status.APPLIED,
        took_effect_at=now,
    )
    _audit(AuditEvent.Action.UPDATE, account, by, Reason("changed: {what}", what=AboutStaff(_describe(kept))))
    if immediate.get("is_active") == [True, False]:
        account_services.sign_out_everywhere(account=account, by=by, reason=Reason("account deactivated"))
    notify(recipients=[account], title="Your Chime account was changed", body=_describe(kept))
    return change


def _request(account: User, by: User, requested: dict[str, list], now: dt.datetime) -> StaffChange:
    change = StaffChange.objects.create(
        account=account,
        changes=requested,
        requested_by=by,
        requested_at=now,
        status=StaffChange.Status.AWAITING,
    )
    described = _describe(requested)
    _audit(
        AuditEvent.Action.UPDATE,
        account,
        by,
        Reason(
            "requested #{change}, awaiting a second admin: {what}",
            change=change.pk,
            what=AboutStaff(described),
        ),
    )
    notify(
        recipients=[account],
        title="A change to your Chime account is waiting for a second admin",
        body=described,
    )
    notify(
        recipients=User.objects.admins().exclude(pk__in=[by.pk, account.pk]),
        title="A staff account change is waiting for your approval",
        url=reverse("staff-requests"),
    )
    return change


# ---- Deciding a request -----------------------------------------------------------------------------------------


def approve_staff_change(*, change: StaffChange, by: User) -> StaffChange:
    """A second admin approves a waiting request, which then takes effect. Refusals are audited."""
    _require_admin(by)
    change = StaffChange.objects.select_related("account", "requested_by").get(pk=change.pk)
    _require_awaiting(change)
    if by.pk == change.account_id or by.pk == change.changes.get("supervisor", [None, None])[1]:
        _audit_denial(change.account, by, "gains_access", [f"request #{change.pk}"])
        raise StaffError("gains_access", "Someone else must approve a change that gives you access.")
    check_second_person(
        approver=by, requester=change.requested_by, requested_at=change.requested_at, about=change
    )
    return _approve(change, by)


@transaction.atomic
def _approve(change: StaffChange, by: User) -> StaffChange:
    change = StaffChange.objects.select_for_update().get(pk=change.pk)
    _require_awaiting(change)
    account = User.objects.select_for_update().get(pk=change.account_id)
    if any(_value(account, field) != before for field, (before, _) in change.changes.items()):
        raise StaffError(
            "out_of_date", "The account has changed since this was asked for: refuse it and ask again."
        )
    _validate(account, change.changes)
    _apply(account, change.changes)
    now = timezone.now()
    change.status, change.decided_by, change.decided_at, change.took_effect_at = (
        StaffChange.Status.APPROVED,
        by,
        now,
        now,
    )
    change.save(update_fields=["status", "decided_by", "decided_at", "took_effect_at"])
    described = _describe(change.changes)
    requester = change.requested_by.username if change.requested_by else "Chime"
    _audit(
        AuditEvent.Action.UPDATE,
        account,
        by,
        Reason(
            "approved #{change} (asked by {requester}): {what}",
            change=change.pk,
            requester=AboutStaff(requester),
            what=AboutStaff(described),
        ),
    )
    notify(recipients=[account], title="A change to your Chime account was approved", body=described)
    return change


@transaction.atomic
def refuse_staff_change(*, change: StaffChange, by: User) -> StaffChange:
    """Another admin turns a request down; the person who asked withdraws it instead."""
    _require_admin(by)
    change = StaffChange.objects.select_for_update().select_related("account").get(pk=change.pk)
    _require_awaiting(change)
    own = by.pk == change.requested_by_id
    change.status = StaffChange.Status.WITHDRAWN if own else StaffChange.Status.REFUSED
    change.decided_by, change.decided_at = by, timezone.now()
    change.save(update_fields=["status", "decided_by", "decided_at"])
    verb = "withdrew" if own else "refused"  # for the notification
    phrase = Reason(
        "withdrew #{change}: {what}", change=change.pk, what=AboutStaff(_describe(change.changes))
    )
    if not own:
        phrase = Reason(
            "refused #{change}: {what}", change=change.pk, what=AboutStaff(_describe(change.changes))
        )
    _audit(AuditEvent.Action.UPDATE, change.account, by, phrase)
    notify(recipients=[change.account], title=f"A requested change to your Chime account was {verb}")
    return change


def _require_awaiting(change: StaffChange) -> None:
    if change.status != StaffChange.Status.AWAITING:
        raise StaffError("already_decided", "This request has already been decided.")


# ---- Passwords, two-factor sign-in and sign-in pauses ------------------------------------------------------------


@transaction.atomic
def start_password_reset(*, by: User, account: User) -> StaffChange:
    """The old password stops working, their two-factor devices are removed, they are signed out everywhere,
    and a one-time link lets them choose a new password and set up two-factor sign-in again."""
    return _reset_with_link(
        by=by,
        account=account,
        password=True,
        purpose=SetUpLink.Purpose.PASSWORD_RESET,
        kind=StaffChange.Kind.PASSWORD_RESET,
        reason=Reason("password reset started; set-up link sent"),
    )


@transaction.atomic
def reset_two_factor(*, by: User, account: User) -> StaffChange:
    """A lost phone: remove their devices, sign them out, and send a one-time link to set up a new app."""
    return _reset_with_link(
        by=by,
        account=account,
        password=False,
        purpose=SetUpLink.Purpose.TWO_FACTOR_RESET,
        kind=StaffChange.Kind.TWO_FACTOR_RESET,
        reason=Reason("two-factor reset; set-up link sent"),
    )


def _reset_with_link(
    *, by: User, account: User, password: bool, purpose: str, kind: str, reason: Reason
) -> StaffChange:
    _require_admin(by)
    if not account.email:
        raise StaffError("no_email", "This account has no email address to send the link to.")
    if password:
        account.set_unusable_password()
        account.save(update_fields=["password"])
    account_services.reset_two_factor(account=account, by=by)
    set_up.issue_link(account=account, by=by, purpose=purpose)
    return _record_action(account, by, kind, reason)


@transaction.atomic
def lift_sign_in_pause(*, by: User, account: User) -> int:
    """End a pause on logging in (too many wrong passwords). Returns how many failures were cleared."""
    _require_admin(by)
    cleared = account_services.lift_sign_in_pause(account=account, by=by)
    _record_action(account, by, StaffChange.Kind.SIGN_IN_PAUSE_LIFTED, "")
    return cleared


def _record_action(account: User, by: User, kind: str, reason: Reason | str) -> StaffChange:
    now = timezone.now()
    change = StaffChange.objects.create(
        account=account,
        kind=kind,
        requested_by=by,
        requested_at=now,
        status=StaffChange.Status.APPLIED,
        took_effect_at=now,
    )
    if reason:
        _audit(AuditEvent.Action.UPDATE, account, by, reason)
    return change


# ---- Helpers ------------------------------------------------------------------------------------------------------


def _require_admin(user: User) -> None:
    if not (user.is_active and user.is_org_admin):
        raise StaffError("not_admin", "Only an admin can change staff accounts.")


def _audit(action: str, account: User, by: User | None, reason: Reason) -> None:
    audit.record(action, actor=by, object_type="account", object_id=account.pk, reason=reason)


def _audit_denial(account: User, by: User, code: str, what: list[str]) -> None:
    audit.record(
        AuditEvent.Action.DENIED,
        outcome=AuditEvent.Outcome.DENIED,
        actor=by,
        object_type="account",
        object_id=account.pk,
        reason=Reason(
            "staff change refused ({code}): {what}", code=AboutStaff(code), what=AboutStaff(", ".join(what))
        ),
    )


def describe_changes(changes: Mapping[str, list], usernames: Mapping[int, str] | None = None) -> list[str]:
    """Each change in plain words, e.g. 'admin: given', 'supervisor: jo → kim', 'email: changed'."""
    usernames = usernames if usernames is not None else _usernames_in([changes])
    lines = []
    for field, (before, after) in changes.items():
        if field in ROLE_NAMES:
            lines.append(f"{ROLE_NAMES[field]}: {'given' if after else 'removed'}")
        elif field == "supervisor":
            lines.append(f"supervisor: {usernames.get(before, 'none')} → {usernames.get(after, 'none')}")
        elif field == "is_active":
            lines.append("account: re-activated" if after else "account: deactivated")
        elif field == "username":
            lines.append(f"username: {after}")
        else:
            lines.append(f"{field.replace('_', ' ')}: changed")
    return lines


def _describe(changes: Mapping[str, list]) -> str:
    return "; ".join(describe_changes(changes)) or "no fields"


def usernames_for(changes: Iterable[StaffChange]) -> dict[int, str]:
    """The usernames of every supervisor named in these changes, in one query."""
    return _usernames_in([change.changes for change in changes])


def _usernames_in(all_changes: Iterable[Mapping[str, list]]) -> dict[int, str]:
    ids = {pk for changes in all_changes for pk in changes.get("supervisor", []) if pk is not None}
    return dict(User.objects.filter(pk__in=ids).values_list("pk", "username")) if ids else {}
