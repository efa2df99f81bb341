"""The organisation's settings that change what records mean or who is alerted: sharing purposes, consent
wordings, urgency levels (and their deadlines), retention rules, local crisis services, the contact details
printed on consent receipts, and the directory of services people are signposted to.

Every change goes through here, in one transaction with its audit row, which says what changed from what to what.
These settings hold nothing about a person, so the values themselves go in the audit row's reason (each cut to
`VALUE_LIMIT` characters): the row is hash-chained, so the before and after are as tamper-evident as the rest of
the trail, with no second table to protect. A published consent wording is never edited (a change is a new
version, and the audit row names the version rather than copying the words). The Django admin calls these
services and nothing else (ethics/admin.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone

from chime import audit
from chime.errors import RuleBroken
from chime.models import AuditEvent
from ethics.models import (
    ConsentWording,
    CrisisService,
    OrganisationContact,
    RetentionRule,
    SharingPurpose,
    UrgencyLevel,
)
from sessions.models import DirectoryService, Measure

if TYPE_CHECKING:
    from chime.models import User

SETTING_MODELS: tuple[type[models.Model], ...] = (
    SharingPurpose,
    ConsentWording,
    UrgencyLevel,
    RetentionRule,
    CrisisService,
    OrganisationContact,
    Measure,  # a recovery measure's definition, and how often it is asked again
    DirectoryService,  # where people are signposted: retired, never removed (records name it)
)
DELETABLE: tuple[type[models.Model], ...] = (CrisisService,)  # a closed local service leaves the directory
VALUE_LIMIT = 100


class SettingsError(RuleBroken):
    """A settings rule was broken. `code` says which; the message is for people."""


def _check_admin(user: User) -> None:
    if not (user.is_active and user.is_org_admin):
        raise SettingsError("not_allowed", "Only admins change the organisation's settings.")


def _check_setting(setting: models.Model) -> None:
    if not isinstance(setting, SETTING_MODELS) or isinstance(setting, ConsentWording):
        raise SettingsError("not_a_setting", "Only the organisation's settings are changed here.")


def _value(setting: models.Model, field: models.Field) -> str:
    shown = repr(getattr(setting, field.attname))
    return shown if len(shown) <= VALUE_LIMIT else shown[: VALUE_LIMIT - 1] + "…"


def _fields(setting: models.Model) -> list[models.Field]:
    return [field for field in setting._meta.concrete_fields if not field.primary_key]


def describe_changes(before: models.Model | None, after: models.Model) -> str:
    """`name: 'Housing' → 'Housing support'; order: 100 → 10`, or every value of a new setting."""
    if before is None:
        return "; ".join(f"{field.name}: {_value(after, field)}" for field in _fields(after))
    return "; ".join(
        f"{field.name}: {_value(before, field)} → {_value(after, field)}"
        for field in _fields(after)
        if getattr(before, field.attname) != getattr(after, field.attname)
    )


@transaction.atomic
def offer_directory_service(
    *, service: DirectoryService, offered: bool, changed_by: User
) -> DirectoryService:
    """Retire a service (no longer offered; the records that name it keep it), or offer a retired one again."""
    service = DirectoryService.objects.select_for_update().get(pk=service.pk)
    service.is_active = offered
    return save_setting(setting=service, saved_by=changed_by)


def is_used(purpose: SharingPurpose) -> bool:
    """A purpose is used once a consent or a disclosure names it: from then on its name is what they mean."""
    return purpose.consents.exists() or purpose.disclosures.exists()


@transaction.atomic
def save_setting(*, setting: models.Model, saved_by: User) -> models.Model:
    """Create or change one setting, with an audit row saying what it was and what it is now.

    A sharing purpose that consents or disclosures use keeps its name: `replace_sharing_purpose` gives a new one.
    """
    _check_admin(saved_by)
    _check_setting(setting)
    if setting.pk is None:
        if isinstance(setting, OrganisationContact) and OrganisationContact.objects.exists():
            raise SettingsError("one_only", "There is one set of contact details: change it instead.")
        setting.save(force_insert=True)
        _audit(AuditEvent.Action.CREATE, setting, f"added: {describe_changes(None, setting)}", saved_by)
        return setting
    before = type(setting).objects.select_for_update().get(pk=setting.pk)
    if isinstance(setting, SharingPurpose) and setting.name != before.name and is_used(before):
        raise SettingsError(
            "purpose_in_use",
            f"Consents already use “{before.name}”, so its name cannot change. Replace it with a new purpose.",
        )
    changes = describe_changes(before, setting)
    if not changes:
        return setting
    setting.save(update_fields=[field.name for field in _fields(setting)])
    _audit(AuditEvent.Action.UPDATE, setting, f"changed: {changes}", saved_by)
    return setting


@transaction.atomic
def delete_setting(*, setting: models.Model, deleted_by: User) -> None:
    """Remove a setting nothing refers to, where removing is allowed at all (local crisis services)."""
    _check_admin(deleted_by)
    _check_setting(setting)
    setting = type(setting).objects.select_for_update().get(pk=setting.pk)
    if is_referenced(setting):
        raise SettingsError("in_use", f"“{setting}” is used by other records, so it cannot be removed.")
    if not isinstance(setting, DELETABLE):
        raise SettingsError("never_deleted", f"“{setting}” cannot be removed. Stop offering it instead.")
    description = describe_changes(None, setting)
    _audit(AuditEvent.Action.UPDATE, setting, f"removed: {description}", deleted_by)
    setting.delete()


def is_referenced(setting: models.Model) -> bool:
    """Whether any row points at this setting (every reverse relation is asked)."""
    relations = [
        field
        for field in setting._meta.get_fields(
            include_hidden=True
        )  # hidden too: related_name="+" still refers
        if field.auto_created and not field.concrete and (field.one_to_many or field.one_to_one)
    ]
    return any(
        relation.related_model._default_manager.filter(**{relation.field.name: setting}).exists()
        for relation in relations
    )


@transaction.atomic
def replace_sharing_purpose(
    *, purpose: SharingPurpose, name: str, replaced_by: User, description: str | None = None
) -> SharingPurpose:
    """A new purpose under a new name, offered from now on, with the current wording as its first version; the
    old one is retired (no new consent can use it) and keeps its name, so what earlier consents meant stays."""
    _check_admin(replaced_by)
    old = SharingPurpose.objects.select_for_update().get(pk=purpose.pk)
    if not name.strip() or SharingPurpose.objects.filter(name__iexact=name.strip()).exists():
        raise SettingsError("name_taken", "Choose a new name that no other purpose has.")
    new = SharingPurpose.objects.create(
        name=name.strip(),
        description=old.description if description is None else description.strip(),
        order=old.order,
        is_active=True,
    )
    _audit(
        AuditEvent.Action.CREATE,
        new,
        f"replaces purpose {old.pk}: {describe_changes(None, new)}",
        replaced_by,
    )
    wording = ConsentWording.objects.filter(purpose=old).order_by("-version").first()
    if wording is not None:
        publish_wording(purpose=new, text=wording.text, published_by=replaced_by)
    retired = SharingPurpose.objects.get(pk=old.pk)
    retired.is_active = False
    retired.save(update_fields=["is_active"])
    changes = describe_changes(old, retired)
    _audit(
        AuditEvent.Action.UPDATE, retired, f"replaced by purpose {new.pk}; changed: {changes}", replaced_by
    )
    return new


@transaction.atomic
def publish_wording(*, purpose: SharingPurpose, text: str, published_by: User) -> ConsentWording:
    """The next version of a purpose's consent wording. Published wordings are never changed (pgtrigger)."""
    _check_admin(published_by)
    if not text.strip():
        raise SettingsError("no_text", "Write the words the person will be shown.")
    SharingPurpose.objects.select_for_update().get(pk=purpose.pk)  # one new version at a time
    latest = ConsentWording.objects.filter(purpose=purpose).aggregate(Max("version"))["version__max"]
    wording = ConsentWording.objects.create(
        purpose=purpose, version=(latest or 0) + 1, text=text.strip(), published_at=timezone.now()
    )
    _audit(
        AuditEvent.Action.CREATE,
        wording,
        f"published version {wording.version} of the wording for purpose {purpose.pk} "
        f"(version {latest} before)"
        if latest
        else f"published version 1 of the wording for purpose {purpose.pk}",
        published_by,
    )
    return wording


def _audit(action: str, setting: models.Model, reason: str, actor: User) -> None:
    audit.record(
        action,
        obj=setting,
        actor=actor,
        reason=audit.Reason("organisation setting {what}", what=audit.AboutOrganisation(reason)),
    )
