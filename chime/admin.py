from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from chime.models import User


@admin.register(User)
class StaffAdmin(UserAdmin):
    list_display = [
        "username",
        "name",
        "email",
        "is_practitioner",
        "is_supervisor",
        "is_org_admin",
        "is_safeguarding_lead",
        "supervisor",
        "is_active",
    ]
    list_filter = ["is_practitioner", "is_supervisor", "is_org_admin", "is_safeguarding_lead", "is_active"]
    list_select_related = ["supervisor"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        ("Name and contact", {"fields": ["first_name", "last_name", "display_name", "email"]}),
        (
            "Roles",
            {
                "fields": [
                    "is_practitioner",
                    "is_supervisor",
                    "is_org_admin",
                    "is_safeguarding_lead",
                    "supervisor",
                    "is_active",
                ]
            },
        ),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["username", "password1", "password2"]}),
        ("Name and contact", {"fields": ["first_name", "last_name", "email"]}),
        (
            "Roles",
            {
                "fields": [
                    "is_practitioner",
                    "is_supervisor",
                    "is_org_admin",
                    "is_safeguarding_lead",
                    "supervisor",
                ]
            },
        ),
    ]
    readonly_fields = ["last_login", "date_joined"]

    # Admins manage staff accounts here; the admin role, not Django's per-model permissions, decides.
    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_org_admin

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request) -> bool:
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        # Accounts are deactivated, never deleted: their sessions and audit rows point at them.
        return False
