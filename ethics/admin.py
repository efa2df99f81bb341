"""The Django admin for what admins manage in ethics: urgency levels and the local crisis services directory."""

from __future__ import annotations

from django.contrib import admin

from ethics.models import CrisisService, UrgencyLevel


class AdminRoleOnly(admin.ModelAdmin):
    """Chime's admin role, not Django's per-model permissions, decides (as for staff accounts)."""

    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_org_admin

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request) -> bool:
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)


@admin.register(CrisisService)
class CrisisServiceAdmin(AdminRoleOnly):
    list_display = ["name", "phone", "hours", "is_active", "order"]
    list_editable = ["is_active", "order"]


@admin.register(UrgencyLevel)
class UrgencyLevelAdmin(AdminRoleOnly):
    list_display = [
        "name",
        "acknowledge_within",
        "acknowledge_unit",
        "act_within",
        "act_unit",
        "escalate_again_after_hours",
        "shows_crisis_routes",
        "order",
    ]
    readonly_fields = ["code"]

    def has_add_permission(self, request) -> bool:
        return False  # concerns refer to these three; rename and reconfigure them instead

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
