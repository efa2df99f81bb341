from __future__ import annotations

from django.urls import path

from chime.accounts import staff_views, views

urlpatterns = [
    path("account/two-factor/", views.two_factor_setup, name="two-factor-setup"),
    path("account/two-factor/verify/", views.two_factor_verify, name="two-factor-verify"),
    path("account/backup-codes/", views.backup_codes, name="backup-codes"),
    path("account/set-up/", views.account_set_up, name="account-set-up"),
    path("staff/", staff_views.staff_list, name="staff"),
    path("staff/new/", staff_views.staff_create, name="staff-create"),
    path("staff/requests/", staff_views.staff_requests, name="staff-requests"),
    path("staff/requests/<int:pk>/", staff_views.staff_request_decide, name="staff-request-decide"),
    path("staff/<int:pk>/", staff_views.staff_account, name="staff-account"),
    path("staff/<int:pk>/reset-password/", staff_views.staff_reset_password, name="staff-reset-password"),
    path(
        "staff/<int:pk>/reset-two-factor/", staff_views.staff_reset_two_factor, name="staff-reset-two-factor"
    ),
    path("staff/<int:pk>/lift-pause/", staff_views.staff_lift_pause, name="staff-lift-pause"),
]
