"""URLs for consent, access and audit, and safeguarding."""

from __future__ import annotations

from django.urls import path

from ethics.views import emergency, rights

urlpatterns = [
    path("emergency/", emergency.emergency_search, name="emergency-search"),
    path("emergency/people/<int:person_pk>/", emergency.emergency_declare, name="emergency-declare"),
    path("emergency/reviews/", emergency.emergency_reviews, name="emergency-reviews"),
    path("emergency/reviews/<int:pk>/", emergency.emergency_review, name="emergency-review"),
    path("rights/", rights.rights_home, name="rights"),
    path("rights/people/<int:person_pk>/", rights.rights_person, name="rights-person"),
    path("rights/people/<int:person_pk>/audit/", rights.person_audit, name="person-audit"),
    path("rights/people/<int:person_pk>/access/", rights.access_request_create, name="access-request-create"),
    path(
        "rights/people/<int:person_pk>/erasure/", rights.erasure_request_create, name="erasure-request-create"
    ),
    path("rights/access/<int:pk>/", rights.access_request, name="access-request"),
    path("rights/erasure/<int:pk>/", rights.erasure_request, name="erasure-request"),
    path("rights/erasure/<int:pk>/approve/", rights.erasure_approve, name="erasure-approve"),
]
