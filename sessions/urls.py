from __future__ import annotations

from django.urls import path

from sessions import views

urlpatterns = [
    path("", views.home, name="home"),
    path("team/<int:user_id>/", views.supervisee_caseload, name="supervisee-caseload"),
    path("people/new/", views.person_create, name="person-create"),
    path("people/<int:pk>/", views.person_detail, name="person-detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="person-edit"),
    path("people/<int:pk>/move/", views.person_move, name="person-move"),
    path("people/<int:person_pk>/sessions/new/", views.session_create, name="session-create"),
    path("sessions/<int:pk>/", views.session_detail, name="session-detail"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="session-edit"),
    path("sessions/<int:pk>/history/", views.session_history_page, name="session-history"),
]
