from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from chime import views

urlpatterns = [
    path("", include("sessions.urls")),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("health/", views.health_status, name="health"),
    path("wording/check/", views.wording_check, name="wording-check"),
    path("chime/", views.framework, name="framework"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications-read"),
    path("drafts/save/", views.draft_save, name="draft-save"),
    path("drafts/<int:pk>/", views.draft_resume, name="draft-resume"),
    path("drafts/<int:pk>/discard/", views.draft_discard, name="draft-discard"),
    path("session/stay-signed-in/", views.stay_signed_in, name="stay-signed-in"),
    path("", include("ethics.urls")),
    path("", include("chime.accounts.urls")),
    path("admin/", admin.site.urls),
]

handler500 = "chime.views.server_error"
