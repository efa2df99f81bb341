"""Admins manage the list of sharing purposes, consent wordings, urgency levels, retention rules, local crisis
services and the contact details printed on consent receipts here.

Every save and delete goes through ethics.services.organisation, which audits what changed from what to what; the
admin can do nothing else (no bulk edits outside those services, no deletes of anything in use). Consent records and
disclosures are not in the Django admin: they are managed through Chime's own pages, which keep every version and
audit every change. Wordings are never edited: a change is a new version. A sharing purpose that consents use keeps
its name: "Replace with a new purpose" creates one and retires the old.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages

from chime import access
from ethics.models import (
    ConsentWording,
    CrisisService,
    OrganisationContact,
    RetentionRule,
    SharingPurpose,
    UrgencyLevel,
)
from ethics.services import organisation
from sessions.models import Measure


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

    # The only ways the admin writes: each through an audited service.
    def save_model(self, request, obj, form, change: bool) -> None:
        organisation.save_setting(setting=obj, saved_by=request.user)

    def delete_model(self, request, obj) -> None:
        organisation.delete_setting(setting=obj, deleted_by=request.user)

    def delete_queryset(self, request, queryset) -> None:
        for obj in queryset:
            try:
                self.delete_model(request, obj)
            except organisation.SettingsError as refusal:
                messages.error(request, str(refusal))

    def save_related(self, request, form, formsets, change: bool) -> None:
        pass  # settings have no many-to-many fields, and the wording inline is read-only


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


class SharingPurposeForm(forms.ModelForm):
    replace_with = forms.CharField(
        label="Replace with a new purpose named",
        required=False,
        max_length=120,
        help_text="Consents already use this purpose, so its name cannot change. A new name creates a new purpose, "
        "offered from now on with the same wording, and stops offering this one. Earlier consents keep this one.",
    )

    class Meta:
        model = SharingPurpose
        fields = ["name", "description", "is_active", "order"]

    def clean_replace_with(self) -> str:
        name = self.cleaned_data["replace_with"].strip()
        if name and SharingPurpose.objects.filter(name__iexact=name).exists():
            raise forms.ValidationError("Another purpose already has that name.")
        return name


@admin.register(SharingPurpose)
class SharingPurposeAdmin(OrgAdminOnly, admin.ModelAdmin):
    form = SharingPurposeForm
    list_display = ["name", "description", "is_active", "order"]
    list_editable = ["is_active", "order"]
    inlines = [WordingInline]

    def get_readonly_fields(self, request, obj=None) -> list[str]:
        # Once a consent or disclosure names it, the name is what they mean: it never changes in place.
        return ["name"] if obj is not None and organisation.is_used(obj) else []

    def get_fields(self, request, obj=None) -> list[str]:
        fields = ["name", "description", "is_active", "order"]
        return [*fields, "replace_with"] if obj is not None and organisation.is_used(obj) else fields

    def save_model(self, request, obj: SharingPurpose, form, change: bool) -> None:
        new_name = form.cleaned_data.get("replace_with")
        if not new_name:
            super().save_model(request, obj, form, change)
            return
        obj.refresh_from_db()  # the replacement starts from the purpose as stored; nothing else is changed
        new = organisation.replace_sharing_purpose(purpose=obj, name=new_name, replaced_by=request.user)
        messages.success(request, f"“{new}” replaces “{obj}”, which is no longer offered for new consents.")


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
        published = organisation.publish_wording(
            purpose=obj.purpose, text=obj.text, published_by=request.user
        )
        obj.pk, obj.version = published.pk, published.version  # for the admin's message and log entry


@admin.register(CrisisService)
class CrisisServiceAdmin(OrgAdminOnly, admin.ModelAdmin):
    def has_delete_permission(self, request, obj=None) -> bool:
        # A closed local service can be removed from the directory, unless something refers to it.
        in_use = obj is not None and organisation.is_referenced(obj)
        return self.has_module_permission(request) and not in_use

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


@admin.register(RetentionRule)
class RetentionRuleAdmin(OrgAdminOnly, admin.ModelAdmin):
    list_display = ["kind", "keep_for_days", "action", "explanation"]
    readonly_fields = ["kind"]

    def has_add_permission(self, request) -> bool:
        return False  # one rule per kind of record, seeded by the migration; change them instead


@admin.register(OrganisationContact)
class OrganisationContactAdmin(OrgAdminOnly, admin.ModelAdmin):
    """One set of contact details, printed on every consent receipt ("how to change your mind")."""

    list_display = ["__str__", "phone", "email", "hours"]

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and not OrganisationContact.objects.exists()


@admin.register(Measure)
class MeasureAdmin(OrgAdminOnly, admin.ModelAdmin):
    """Recovery measures as data: an organisation holding a licence for one adds it here (see README)."""

    list_display = ["short_name", "name", "free_to_use", "wording_checked", "repeat_every_weeks", "is_active"]
    list_editable = ["repeat_every_weeks", "is_active"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # results refer to it: stop offering it instead
