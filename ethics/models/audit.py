"""The audit trail: one append-only, hash-chained row per look at or change to confidential data."""

from __future__ import annotations

import hashlib
import json

import pgtrigger
from django.conf import settings
from django.db import models


class AuditQuerySet(models.QuerySet):
    def about_person(self, person_id: int) -> AuditQuerySet:
        """'Who has seen my record': every event concerning one person, newest first."""
        return self.filter(person_id=person_id).select_related("actor").order_by("-at", "-pk")


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
        return {
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

    def compute_hash(self) -> str:
        payload = json.dumps(self.chained_content(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(payload.encode()).hexdigest()
