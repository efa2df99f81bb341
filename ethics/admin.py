"""Admins manage the list of sharing purposes, consent wordings, urgency levels and local crisis services here.

Consent records and disclosures are not in the Django admin: they are managed through Chime's own pages, which
keep every version and audit every change. Wordings are never edited: a change is a new version.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Max

from chime import access
from ethics.models import ConsentWording, CrisisService, SharingPurpose, UrgencyLevel


class OrgAdminOnly:
    """The admin role, not Django's per-model permissions, decides. Nothing here is ever deleted."""

    def has_module_permission(self, request) -> bool:
        return access.is_admin(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class WordingInline(admin.TabularInline):
    model = ConsentWording
    fields = ["version", "text", "published_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SharingPurpose)
class SharingPurposeAdmin(OrgAdminOnly, admin.ModelAdmin):
    list_display = ["name", "description", "is_active", "order"]
    list_editable = ["is_active", "order"]
    inlines = [WordingInline]


@admin.register(ConsentWording)
class ConsentWordingAdmin(OrgAdminOnly, admin.ModelAdmin):
    list_display = ["purpose", "version", "published_at"]
    list_filter = ["purpose"]
    list_select_related = ["purpose"]
    fields = ["purpose", "text"]

    def has_change_permission(self, request, obj=None) -> bool:
        # A published wording is what people were shown: it can be read, never changed.
        return obj is None and self.has_module_permission(request)

    def get_readonly_fields(self, request, obj=None) -> list[str]:
        return ["purpose", "version", "text", "published_at"] if obj else []

    def get_fields(self, request, obj=None) -> list[str]:
        return ["purpose", "version", "text", "published_at"] if obj else ["purpose", "text"]

    def save_model(self, request, obj: ConsentWording, form, change: bool) -> None:
        # A new wording is the next version for its purpose; consents keep the version they were shown.
        latest = ConsentWording.objects.filter(purpose=obj.purpose).aggregate(Max("version"))["version__max"]
        obj.version = (latest or 0) + 1
        super().save_model(request, obj, form, change)


@admin.register(CrisisService)
class CrisisServiceAdmin(OrgAdminOnly, admin.ModelAdmin):
    def has_delete_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)  # a closed local service can be removed from the directory

    list_display = ["name", "phone", "hours", "is_active", "order"]
    list_editable = ["is_active", "order"]


@admin.register(UrgencyLevel)
class UrgencyLevelAdmin(OrgAdminOnly, admin.ModelAdmin):
    list_display = [
        "name",
        "acknowledge_within",
        "acknowledge_unit",
        "act_within",
        "act_unit",
        "escalate_again_after_hours",
        "shows_crisis_routes",
        "emails_leads_at_once",
        "order",
    ]
    readonly_fields = ["code"]

    def has_add_permission(self, request) -> bool:
        return False  # concerns refer to these three; rename and reconfigure them instead

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
