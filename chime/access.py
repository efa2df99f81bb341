"""The one access layer: who may see what, decided in one place and audited every time.

Every confidential record is fetched through `fetch_for`, modelled on netbox's `RestrictedQuerySet.restrict()` and
zulip's `access_stream_common`. Each model supplies only its rules:

- `Model.objects.visible_to(user)`: the rows this user may read (the caller passes that queryset in, with any
  `select_related` its page needs);
- where it has one, a write rule: a function `(user, record) -> bool` saying whether they may also change it;
- `person`: the field that names the person the record is about ("pk" for a person, "person_id" for most others,
  None when the record is about no one person).

A record that is missing and a record the user may not see get the same answer (404), so a refusal never confirms
that someone is supported here; a user who may read but not change gets a 403. Both refusals are audited (naming
the person when the record exists), and so is every successful fetch, as a view naming the person.

Role checks live here too (`may_*` and `require`), so views, templates (through `menu_for`, which the context
processor puts on every page) and the access modules of the apps all ask the same questions.

This module is part of the core: it imports no app. Apps that add a way of seeing another app's records register a
visibility rule (`register_visibility`) from their AppConfig.ready(), so the lower app never imports the higher one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from operator import attrgetter
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from chime import audit
from chime.models import AuditEvent

if TYPE_CHECKING:
    from chime.models import User

WriteRule = Callable[["User", Model], bool]


# ---- Fetching one record -----------------------------------------------------------------------------------------


def fetch_for[M: Model](
    user: User,
    visible: QuerySet[M],
    pk: object,
    *,
    write: bool = False,
    may_write: WriteRule | None = None,
    person: str | None = "person_id",
    not_found: str = "Not found.",
    read_only: str = "You may read this but not change it.",
    view_as: str = "",
    reason: audit.Reason | str = "",
    audit_view: bool = True,
    action: str = AuditEvent.Action.VIEW,
) -> M:
    """The record `pk` from `visible` (the model's `visible_to(user)`), or 404; with write=True, 403 when the
    write rule says no. Refusals are audited as denials, the fetch itself as a view naming the person
    (audit_view=False only for records about no supported person, such as a colleague's account)."""
    model = visible.model
    record = visible.filter(pk=pk).first()
    if record is None:
        audit.record_denial(model, pk, person_id=_person_of_missing(model, pk, person))
        raise Http404(not_found)
    person_id = _person_of(record, person)
    if write and may_write is not None and not may_write(user, record):
        audit.record_denial(model, pk, person_id=person_id, forbidden=True)
        raise PermissionDenied(read_only)
    if not audit_view:
        return record
    audit.record(
        action,
        obj=None if view_as else record,
        object_type=view_as,
        object_id=record.pk if view_as else "",
        person_id=person_id,
        reason=reason,
    )
    return record


def _person_of(record: Model, person: str | None) -> int | None:
    """`person` names an attribute, dotted when it is on a related row ("session.person_id")."""
    return attrgetter(person)(record) if person else None


def _person_of_missing(model: type[Model], pk: object, person: str | None) -> int | None:
    """Who a refused record is about, so the refusal shows in their 'who has seen my record'."""
    if person is None:
        return None
    lookup = person.replace(".", "__")
    return model._default_manager.filter(pk=pk).values_list(lookup, flat=True).first()


# ---- Lists --------------------------------------------------------------------------------------------------------


def audit_list[M: Model](
    object_type: str,
    rows: Iterable[M],
    *,
    person: str | None = "person_id",
    object_id: object = "",
) -> list[M]:
    """Evaluate the rows a page shows (a page of a paginator, or a list) and audit them as one view that names
    every person shown. Returns the rows as a list, so the page renders what was audited without a second query."""
    shown = list(rows)
    people = [_person_of(row, person) for row in shown] if person else []
    audit.record_list_view(object_type, people=people, object_id=object_id)
    return shown


def audit_page(
    object_type: str, page: Page, *, person: str | None = "person_id", object_id: object = ""
) -> Page:
    """`audit_list` for a paginator's page: the page keeps working in templates, its rows already fetched."""
    page.object_list = audit_list(object_type, page.object_list, person=person, object_id=object_id)
    return page


# ---- Visibility rules other apps add -------------------------------------------------------------------------------

_extra_visibility: dict[str, list[Callable[[User], Q]]] = {}


def register_visibility(model_label: str, rule: Callable[[User], Q]) -> None:
    """Let a higher app open rows of a lower app's model: `rule(user)` is OR-ed into `visible_to(user)`."""
    rules = _extra_visibility.setdefault(model_label, [])
    if rule not in rules:
        rules.append(rule)


def extra_visibility(model_label: str, user: User) -> Q:
    """The registered rules for this model, OR-ed together (matching nothing when there are none)."""
    condition = Q(pk__in=[])
    for rule in _extra_visibility.get(model_label, []):
        condition |= rule(user)
    return condition


# ---- Roles ----------------------------------------------------------------------------------------------------------


def is_staff_member(user: User) -> bool:
    """Signed in, active, and not a person supported: a person's own account never counts as staff."""
    return bool(user and user.is_authenticated and user.is_active and not user.is_person)


def is_person(user: User) -> bool:
    """A person supported, signed in to read their own record (and nothing else)."""
    return bool(user and user.is_authenticated and user.is_active and user.is_person)


def is_admin(user: User) -> bool:
    return is_staff_member(user) and user.is_org_admin


def is_supervisor(user: User) -> bool:
    return is_staff_member(user) and user.is_supervisor


def is_practitioner(user: User) -> bool:
    return is_staff_member(user) and user.is_practitioner


def is_data_protection_lead(user: User) -> bool:
    return is_staff_member(user) and user.is_data_protection_lead


def is_safeguarding_lead(user: User) -> bool:
    return is_staff_member(user) and user.is_safeguarding_lead


def has_a_role(user: User) -> bool:
    return is_staff_member(user) and bool(user.role_names)


def may_see_safeguarding_queue(user: User) -> bool:
    return is_supervisor(user) or is_safeguarding_lead(user) or is_admin(user)


def may_renew_consents(user: User) -> bool:
    return is_admin(user) or is_practitioner(user) or is_supervisor(user)


def may_declare_emergency(user: User) -> bool:
    return is_practitioner(user) or is_supervisor(user) or is_admin(user)


def may_review_emergencies(user: User) -> bool:
    return is_supervisor(user) or is_admin(user)


def may_see_groups(user: User) -> bool:
    """Group work: facilitators are practitioners, supervisors see their team's groups, admins manage groups."""
    return is_practitioner(user) or is_supervisor(user) or is_admin(user)


def may_start_group(user: User) -> bool:
    return is_practitioner(user) or is_admin(user)


def may_record_brief_contacts(user: User) -> bool:
    return is_practitioner(user)


def require(user: User, allowed: bool, *, page: str, forbidden: bool = False, message: str = "") -> None:
    """Refuse a page the user's roles do not open: 404 as if it did not exist (or 403 with forbidden=True,
    where the page's existence is no secret). The refusal is audited."""
    if allowed:
        return
    audit.record(
        AuditEvent.Action.DENIED,
        object_type=page,
        outcome=AuditEvent.Outcome.DENIED,
        reason=audit.Reason("role does not open this page"),
    )
    if forbidden:
        raise PermissionDenied(message or "Your role does not open this page.")
    raise Http404(message or "No such page.")


@dataclass(frozen=True)
class Menu:
    """Which links the navigation shows. The pages behind them ask the same questions."""

    caseload: bool = False
    team: bool = False
    reports: bool = False
    safeguarding_queue: bool = False
    concerns_raised: bool = False
    people_directory: bool = False
    import_people: bool = False
    rights: bool = False
    subject_access: bool = False
    consents_to_renew: bool = False
    emergency_reviews: bool = False
    emergency_access: bool = False
    staff_accounts: bool = False
    my_record: bool = False  # a person's own view: none of the staff links
    groups: bool = False
    brief_contacts: bool = False
    signposting_directory: bool = False


def menu_for(user: User) -> Menu:
    if is_person(user):
        return Menu(my_record=True)
    if not is_staff_member(user):
        return Menu()
    queue = may_see_safeguarding_queue(user)
    return Menu(
        caseload=is_practitioner(user),
        team=is_supervisor(user),
        reports=is_admin(user),
        safeguarding_queue=queue,
        concerns_raised=not queue and is_practitioner(user),
        people_directory=is_admin(user),
        import_people=is_admin(user),
        rights=is_admin(user),
        subject_access=is_data_protection_lead(user),
        consents_to_renew=may_renew_consents(user),
        emergency_reviews=may_review_emergencies(user),
        emergency_access=may_declare_emergency(user),
        staff_accounts=is_admin(user),
        groups=may_see_groups(user),
        brief_contacts=may_record_brief_contacts(user) or is_supervisor(user),
        signposting_directory=is_admin(user),
    )
