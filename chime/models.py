"""Staff accounts and their roles."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models


class UserQuerySet(models.QuerySet):
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


class ChimeUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """A member of staff. Roles combine: a supervisor may also practise."""

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
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx")]

    def __str__(self) -> str:
        return self.title
