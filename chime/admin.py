from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django_otp.plugins.otp_static import admin as _static_admin  # noqa: F401 - registers, so we can unregister
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp import admin as _totp_admin  # noqa: F401
from django_otp.plugins.otp_totp.models import TOTPDevice

from chime.accounts import services as account_services
from chime.audit import Reason
from chime.models import User


@admin.action(description="Reset two-factor sign-in (lost phone): they set it up again at next log-in")
def reset_two_factor(modeladmin, request, queryset) -> None:
    for account in queryset:
        account_services.reset_two_factor(account=account, by=request.user)
    messages.success(request, f"Two-factor sign-in reset for {queryset.count()} account(s).")


@admin.action(description="Lift a sign-in pause (too many wrong passwords) now, once you know it was them")
def lift_sign_in_pause(modeladmin, request, queryset) -> None:
    cleared = {
        account.username: account_services.lift_sign_in_pause(account=account, by=request.user)
        for account in queryset
    }
    paused = sorted(name for name, count in cleared.items() if count)
    if paused:
        messages.success(request, f"Logging in is open again for: {', '.join(paused)}.")
    not_paused = sorted(name for name, count in cleared.items() if not count)
    if not_paused:
        messages.info(request, f"No failed log-ins were counted against: {', '.join(not_paused)}.")


ROLES = [
    "is_practitioner",
    "is_supervisor",
    "is_org_admin",
    "is_safeguarding_lead",
    "is_data_protection_lead",
]


@admin.register(User)
class StaffAdmin(UserAdmin):
    list_display = ["username", "name", "email", *ROLES, "supervisor", "is_active"]
    list_filter = [*ROLES, "is_active"]
    list_select_related = ["supervisor"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        ("Name and contact", {"fields": ["first_name", "last_name", "display_name", "email"]}),
        (
            "Roles",
            {"fields": [*ROLES, "supervisor", "is_active"]},
        ),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["username", "password1", "password2"]}),
        ("Name and contact", {"fields": ["first_name", "last_name", "email"]}),
        (
            "Roles",
            {"fields": [*ROLES, "supervisor"]},
        ),
    ]
    readonly_fields = ["last_login", "date_joined"]
    actions = [reset_two_factor, lift_sign_in_pause]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            account_services.sign_out_everywhere(
                account=obj, by=request.user, reason=Reason("account deactivated")
            )

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


# django-otp registers admin pages for devices, which show each person's secret key and QR code: a way to copy
# someone's second factor. Devices are managed through Chime's own pages and the staff admin's reset action.
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
