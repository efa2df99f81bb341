from __future__ import annotations

from django.urls import path

from chime.accounts import views

urlpatterns = [
    path("account/two-factor/", views.two_factor_setup, name="two-factor-setup"),
    path("account/two-factor/verify/", views.two_factor_verify, name="two-factor-verify"),
    path("account/backup-codes/", views.backup_codes, name="backup-codes"),
]
