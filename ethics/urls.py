"""URLs for consent, access and audit, and safeguarding."""

from __future__ import annotations

from django.urls import path

from ethics.views import safeguarding

urlpatterns: list = [
    path("people/<int:person_pk>/concerns/new/", safeguarding.concern_raise, name="concern-raise"),
    path("safeguarding/", safeguarding.queue, name="safeguarding-queue"),
    path("safeguarding/raised/", safeguarding.raised, name="concerns-raised"),
    path("safeguarding/crisis/", safeguarding.crisis_routes, name="crisis-routes"),
    path("safeguarding/concerns/<int:pk>/", safeguarding.concern_detail, name="concern-detail"),
    path("safeguarding/concerns/<int:pk>/note/", safeguarding.concern_note, name="concern-note"),
    path("safeguarding/concerns/<int:pk>/<slug:step>/", safeguarding.concern_step, name="concern-step"),
]
