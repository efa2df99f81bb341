"""URLs for consent, access and audit, and safeguarding."""

from __future__ import annotations

from django.urls import path

from ethics.views import emergency

urlpatterns = [
    path("emergency/", emergency.emergency_search, name="emergency-search"),
    path("emergency/people/<int:person_pk>/", emergency.emergency_declare, name="emergency-declare"),
    path("emergency/reviews/", emergency.emergency_reviews, name="emergency-reviews"),
    path("emergency/reviews/<int:pk>/", emergency.emergency_review, name="emergency-review"),
]
