"""Staff accounts and their roles, their notifications, and the audit trail every app writes to."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pgtrigger
from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from chime import personal_data
from chime.personal_data import CONTENT_FREE, FREE_TEXT, IDENTIFYING, REFERENCE, STAFF, TECHNICAL


class UserQuerySet(models.QuerySet):
    def staff(self) -> UserQuerySet:
        """Members of staff: every account but those of people supported reading their own record."""
        return self.filter(is_person=False)

    def practitioners(self) -> UserQuerySet:
        return self.filter(is_practitioner=True, is_active=True)

    def supervisors(self) -> UserQuerySet:
        return self.filter(is_supervisor=True, is_active=True)

    def supervised_by(self, supervisor: User) -> UserQuerySet:
        return self.practitioners().filter(supervisor=supervisor)

    def safeguarding_leads(self) -> UserQuerySet:
        return self.filter(is_safeguarding_lead=True, is_active=True)

    def admins(self) -> UserQuerySet:
        return self.filter(is_org_admin=True, is_active=True)

    def data_protection_leads(self) -> UserQuerySet:
        return self.filter(is_data_protection_lead=True, is_active=True)


class ChimeUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """A member of staff. Roles combine: a supervisor may also practise.

    With `is_person` set, the account is instead a person supported signing in to their own record (made by
    ethics.services.online_access): it holds no role, and chime.access never counts it as staff."""

    display_name = models.CharField(
        "name shown in Chime", max_length=150, blank=True, help_text="Leave blank to use first and last name."
    )
    is_practitioner = models.BooleanField("practitioner", default=False)
    is_supervisor = models.BooleanField("supervisor", default=False)
    is_org_admin = models.BooleanField(
        "admin",
        default=False,
        help_text="Manages consent records, staff accounts and data requests. Does not read session notes.",
    )
    is_safeguarding_lead = models.BooleanField(
        "safeguarding lead",
        default=False,
        help_text="Sees every safeguarding concern and receives escalations of overdue ones.",
    )
    is_data_protection_lead = models.BooleanField(
        "data protection lead",
        default=False,
        help_text="Handles subject access requests: gathers, releases and closes each pack.",
    )
    is_person = models.BooleanField(
        "a person supported, reading their own record",
        default=False,
        editable=False,
        help_text="Not a member of staff: signs in only to their own record and holds no role.",
    )
    supervisor = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervisees",
        limit_choices_to={"is_supervisor": True},
        help_text="Every practitioner has a supervisor.",
    )

    objects = ChimeUserManager()

    class Meta:
        ordering = ["first_name", "last_name", "username"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @property
    def role_names(self) -> list[str]:
        roles = [("practitioner", self.is_practitioner), ("supervisor", self.is_supervisor)]
        roles.append(("safeguarding lead", self.is_safeguarding_lead))
        roles.append(("admin", self.is_org_admin))
        roles.append(("data protection lead", self.is_data_protection_lead))
        roles.append(
            ("the person themselves", self.is_person)
        )  # on audit rows: a person reading their record
        return [name for name, held in roles if held]

    def clean(self) -> None:
        super().clean()
        if self.is_practitioner and not self.supervisor_id:
            raise ValidationError({"supervisor": "Every practitioner needs a supervisor."})
        if self.supervisor_id and self.supervisor_id == self.pk:
            raise ValidationError({"supervisor": "Someone cannot supervise themselves."})

    def save(self, *args, **kwargs) -> None:
        # Admins manage staff accounts in the Django admin, so the admin role opens it.
        self.is_staff = self.is_org_admin or self.is_superuser
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "is_staff"}
        super().save(*args, **kwargs)


# Staff accounts: about members of staff, never about a person supported. Erasing a person leaves them alone.
personal_data.declare(
    User,
    person=None,
    fields={
        "id": TECHNICAL,
        **dict.fromkeys(
            [
                "password",
                "last_login",
                "is_superuser",
                "username",
                "first_name",
                "last_name",
                "email",
                "is_staff",
                "is_active",
                "date_joined",
                "display_name",
                "is_practitioner",
                "is_supervisor",
                "is_org_admin",
                "is_safeguarding_lead",
                "is_data_protection_lead",
                "is_person",
            ],
            STAFF,
        ),
        "supervisor": REFERENCE,
    },
)
for _through in (User.groups.through, User.user_permissions.through):
    personal_data.declare(
        _through,
        person=None,
        fields={"id": TECHNICAL, "user": STAFF, _through._meta.concrete_fields[2].name: REFERENCE},
    )


class NotificationQuerySet(models.QuerySet):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)

    def for_inbox(self, user: User) -> NotificationQuerySet:
        return self.filter(recipient=user).order_by("-created_at", "-pk")


class Notification(models.Model):
    """An in-app message to one member of staff. It links to the page to act on, and says no more than needed."""

    recipient = models.ForeignKey(User, on_delete=models.PROTECT, related_name="notifications")
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    # The record it is about ("ethics.concern", 12), so the inbox can say, when it is read, where that record
    # stands now and whether anything is still asked of the reader (chime.notices). Points; copies nothing.
    about_type = models.CharField(max_length=60, blank=True)
    about_id = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx")]

    def __str__(self) -> str:
        return self.title


# A notification goes to staff and says no more than needed: "Concern 12 needs acknowledging", never a name.
personal_data.declare(
    Notification,
    person=None,
    fields={
        "id": TECHNICAL,
        "recipient": STAFF,
        "title": STAFF,
        "body": STAFF,
        "url": TECHNICAL,
        "about_type": TECHNICAL,  # the record it is about, by type and number: no content
        "about_id": TECHNICAL,
        "created_at": STAFF,
        "read_at": STAFF,
    },
    note="Messages to staff; they name records by number, never a person supported.",
)


# ---- The audit trail: one append-only, hash-chained row per look at or change to confidential data ----------


class AuditQuerySet(models.QuerySet):
    def about_person(self, person_id: int) -> AuditQuerySet:
        """'Who has seen my record': every event concerning one person (alone, or among the people a list showed),
        newest first."""
        concerning = Q(person_id=person_id) | Q(people__contains=[person_id])
        return self.filter(concerning).select_related("actor").order_by("-at", "-pk")


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        CREATE = "create", "Created"
        UPDATE = "update", "Changed"
        EXPORT = "export", "Exported"
        SHARE = "share", "Shared"
        EMERGENCY_ACCESS = "emergency_access", "Emergency access"
        DENIED = "denied", "Refused by the access policy"
        LOGIN = "login", "Logged in"
        LOGOUT = "logout", "Logged out"
        LOGIN_FAILED = "login_failed", "Failed log in"
        CONSENT_GIVEN = "consent_given", "Consent recorded"
        CONSENT_WITHDRAWN = "consent_withdrawn", "Consent withdrawn"
        CONSENT_CHANGED = "consent_changed", "Consent changed (new version)"
        AUDIT_READ = "audit_read", "Read the audit trail"
        REVIEW = "review", "Reviewed"
        ERASURE = "erasure", "Erasure"
        RETENTION = "retention", "Retention"

    class Outcome(models.TextChoices):
        SUCCESS = "success", "Success"
        DENIED = "denied", "Denied"
        FAILED = "failed", "Failed"

    at = models.DateTimeField("when (UTC)", db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_username = models.CharField(max_length=150, blank=True)
    actor_roles = models.CharField(max_length=100, blank=True)
    action = models.CharField(max_length=30, choices=Action.choices)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=60, blank=True)
    person_id = models.BigIntegerField("person concerned", null=True, blank=True)
    # A list, search or queue names every person it showed here, in one row (chime.audit.record_list_view).
    people = ArrayField(
        models.BigIntegerField(), verbose_name="people shown", default=list, db_default=[], blank=True
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    reason = models.TextField(blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        indexes = [
            models.Index(fields=["person_id", "-at"], name="audit_person_idx"),
            models.Index(fields=["actor", "-at"], name="audit_actor_idx"),
            GinIndex(fields=["people"], name="audit_people_idx"),
        ]
        triggers = [
            pgtrigger.Protect(name="audit_rows_cannot_change", operation=pgtrigger.Update | pgtrigger.Delete),
            pgtrigger.Trigger(
                name="audit_table_cannot_be_truncated",
                operation=pgtrigger.Truncate,
                level=pgtrigger.Statement,
                when=pgtrigger.Before,
                func="RAISE EXCEPTION 'pgtrigger: Cannot truncate the append-only audit table'; RETURN NULL;",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_username or 'anonymous'} {self.action} {self.object_type}"

    def chained_content(self) -> dict[str, object]:
        """Everything the hash covers, in a stable form."""
        content = {
            "at": self.at.isoformat(),
            "actor": self.actor_id,
            "actor_username": self.actor_username,
            "actor_roles": self.actor_roles,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "person": self.person_id,
            "outcome": self.outcome,
            "ip_address": self.ip_address,
            "request_id": self.request_id,
            "reason": self.reason,
            "prev_hash": self.prev_hash,
        }
        if (
            self.people
        ):  # only when a list named people, so rows written before the field existed still verify
            content["people"] = [int(person) for person in self.people]
        return content

    def compute_hash(self) -> str:
        payload = json.dumps(self.chained_content(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(payload.encode()).hexdigest()


# ---- Changes to staff accounts: one row per change, applied at once or waiting for a second admin ------------


class StaffChangeQuerySet(models.QuerySet):
    def awaiting(self) -> StaffChangeQuerySet:
        return self.filter(status=StaffChange.Status.AWAITING)

    def in_effect(self) -> StaffChangeQuerySet:
        """Changes that took effect: applied at once, or approved by a second admin."""
        return self.filter(status__in=[StaffChange.Status.APPLIED, StaffChange.Status.APPROVED])

    def for_queue(self) -> StaffChangeQuerySet:
        return self.awaiting().select_related("account", "requested_by").order_by("requested_at", "pk")


class StaffChange(models.Model):
    """One change to a staff account: who asked, what changed from what to what, and who approved it.

    `changes` holds {field: [from, to]} with content-free values only: role flags and `is_active` as booleans,
    the supervisor as an account id, the username when an account is created. A change to a name that took
    effect is noted as [null, null] ("changed"): the value lives on the account, nowhere else. A change of email
    address waits for a second admin (reset links go there), so a waiting one holds the old and new addresses."""

    class Kind(models.TextChoices):
        CREATE = "create", "Account created"
        CHANGE = "change", "Change"
        PASSWORD_RESET = "password_reset", "Password reset started"
        TWO_FACTOR_RESET = "two_factor_reset", "Two-factor sign-in reset"
        SIGN_IN_PAUSE_LIFTED = "sign_in_pause_lifted", "Sign-in pause lifted"

    class Status(models.TextChoices):
        APPLIED = "applied", "Applied"
        AWAITING = "awaiting", "Awaiting approval"
        APPROVED = "approved", "Approved"
        REFUSED = "refused", "Refused"
        WITHDRAWN = "withdrawn", "Withdrawn"

    account = models.ForeignKey(User, on_delete=models.PROTECT, related_name="staff_changes")
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.CHANGE)
    changes = models.JSONField(default=dict, blank=True)
    requested_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty: set up by Chime",
    )
    requested_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    took_effect_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(
        max_length=200, blank=True, help_text="Content-free, e.g. 'made by the demo builder'"
    )

    objects = StaffChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["account", "status"], name="staffchange_account_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    def grants(self, role: str) -> bool:
        """Did this change give the account `role` (a role field name)?"""
        return self.changes.get(role, [None, None])[1] is True

    @property
    def touches_roles(self) -> bool:
        return self.kind == self.Kind.CREATE or any(field in ROLE_FIELDS for field in self.changes)


ROLE_FIELDS = (
    "is_practitioner",
    "is_supervisor",
    "is_safeguarding_lead",
    "is_org_admin",
    "is_data_protection_lead",
)


class SetUpLinkQuerySet(models.QuerySet):
    def usable(self, now) -> SetUpLinkQuerySet:
        return self.filter(used_at__isnull=True, expires_at__gt=now, account__is_active=True)


class SetUpLink(models.Model):
    """A one-time link for a member of staff to choose their own password and set up two-factor sign-in.

    Only a hash of the secret is stored: the link itself goes to the person by email and nowhere else."""

    class Purpose(models.TextChoices):
        NEW_ACCOUNT = "new_account", "New account"
        PASSWORD_RESET = "password_reset", "Password reset"
        TWO_FACTOR_RESET = "two_factor_reset", "Two-factor reset"

    account = models.ForeignKey(User, on_delete=models.PROTECT, related_name="set_up_links")
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    key_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    objects = SetUpLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} link #{self.pk}"


personal_data.declare(
    StaffChange,
    person=None,
    fields={
        "id": TECHNICAL,
        "account": STAFF,
        "kind": STAFF,
        "changes": STAFF,  # role flags, active, supervisor id, username, a waiting new email address; never a password
        "requested_by": STAFF,
        "requested_at": STAFF,
        "status": STAFF,
        "decided_by": STAFF,
        "decided_at": STAFF,
        "took_effect_at": STAFF,
        "note": STAFF,
    },
    note="Changes to staff accounts and who approved them.",
)
personal_data.declare(
    SetUpLink,
    person=None,
    fields={
        "id": TECHNICAL,
        "account": STAFF,
        "purpose": STAFF,
        "key_hash": TECHNICAL,
        "created_by": STAFF,
        "created_at": STAFF,
        "expires_at": STAFF,
        "used_at": STAFF,
    },
    note="One-time links for staff to choose a password; only a hash of each is kept.",
)


# The audit trail points at records and never copies what they say, so erasure leaves it whole (it is append-only
# and hash-chained). Who looked at a person's record is part of their subject access pack.
personal_data.declare(
    AuditEvent,
    person="person_id",
    title="Who has looked at or changed their record",
    pack_position=100,
    fields={
        "id": TECHNICAL,
        "at": CONTENT_FREE,
        "actor": REFERENCE.labelled("who"),
        "actor_username": STAFF,
        "actor_roles": CONTENT_FREE.labelled("their role"),
        "action": CONTENT_FREE.labelled("what"),
        "object_type": TECHNICAL,
        "object_id": TECHNICAL,
        "person_id": REFERENCE,
        "people": REFERENCE,  # the people a list showed, by id
        "outcome": CONTENT_FREE,
        "ip_address": STAFF,
        "request_id": TECHNICAL,
        "reason": CONTENT_FREE.labelled("why"),  # a fixed phrase from the code, never text about a person
        "prev_hash": TECHNICAL,
        "hash": TECHNICAL,
    },
)


# ---- Drafts: what a member of staff has typed into a long form and not yet saved --------------------------------


class FormDraftQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> FormDraftQuerySet:
        """Only its author ever sees a draft: not a supervisor, not an admin."""
        return self.filter(author=user)

    def for_home(self) -> FormDraftQuerySet:
        return self.order_by("-updated_at", "-pk")

    def expired(self, before: dt.datetime) -> FormDraftQuerySet:
        return self.filter(updated_at__lt=before)


class FormDraft(models.Model):
    """The fields of one form as its author last typed them, kept until the form is saved (chime.drafts).

    One per author and form address. The form opts in with `{% keep_draft %}`; the address, the person it is about
    and its title come from a signed token the page was given, never from what the browser says."""

    author = models.ForeignKey(User, on_delete=models.CASCADE, related_name="form_drafts")
    path = models.CharField("form address", max_length=300)
    person_id = models.BigIntegerField("person concerned", null=True, blank=True)
    title = models.CharField(max_length=200)
    data = models.JSONField("what had been typed", default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FormDraftQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["author", "path"], name="one_draft_per_form")]
        indexes = [models.Index(fields=["updated_at"], name="form_draft_age_idx")]

    def __str__(self) -> str:
        return self.title


# A draft holds notes about a person before they are saved: erasing the person deletes it. It is in their subject
# access pack too (what is held when they ask), although it lives for days only (CHIME_DRAFT_DAYS).
personal_data.declare(
    FormDraft,
    person="person_id",
    remove_rows=True,
    title="Forms being written about them, not yet saved",
    pack_position=90,
    fields={
        "id": TECHNICAL,
        "author": STAFF,
        "path": TECHNICAL,
        "person_id": REFERENCE,
        "title": IDENTIFYING.remove(),  # "Log a session with Sam"
        "data": FREE_TEXT.remove(),
        "created_at": CONTENT_FREE.labelled("started"),
        "updated_at": CONTENT_FREE.labelled("last typed in"),
    },
)
